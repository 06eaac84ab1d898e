// lovctl audit client / user, run as a process against a running audit
// service whose log holds records written the way every service writes them
// (the platform's KafkaAuditSink on lov.audit.v1). The audit service trusts
// a development issuer only, as under make run; lovctl signs in as an
// auditor.
#include <gtest/gtest.h>

#include <algorithm>

#include "lov/platform/ids.h"
#include "lov/platform/kafka_audit_sink.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "service_process.h"
#include "test_issuer.h"
#include "test_stack.h"

namespace lov {
namespace {

using ::lov::testing::Eventually;
using ::lov::testing::RunResult;
using ::lov::testing::RunToCompletion;
using ::lov::testing::ServiceProcess;
using ::lov::testing::Stack;
using ::lov::testing::TestIssuer;

constexpr char kCaseOfficer[] = "SE2321000016-1001";

auth::v1::AuditRecord CaseOfficerRecord(absl::CivilSecond stockholm,
                                        const std::string& method,
                                        auth::v1::AuditKind kind,
                                        std::vector<std::string> clients,
                                        const std::string& outcome) {
  auth::v1::AuditRecord r;
  r.set_record_id(NewUuid());
  *r.mutable_at() = ToProtoTime(FromStockholm(stockholm));
  r.mutable_actor()->set_subject(kCaseOfficer);
  r.mutable_actor()->set_role(auth::v1::ROLE_CASE_OFFICER);
  r.mutable_actor()->set_organisation("Norrtälje kommun");
  r.set_method(method);
  r.set_kind(kind);
  for (auto& c : clients) r.add_client_ids(std::move(c));
  r.set_outcome(outcome);
  return r;
}

bool Contains(const RunResult& r, const std::string& text) {
  return r.output.find(text) != std::string::npos;
}

int Lines(const RunResult& r) {
  return static_cast<int>(std::count(r.output.begin(), r.output.end(), '\n'));
}

class LovctlAuditTest : public ::testing::Test {
 protected:
  // Started once for the suite; a failure here fails every test (a fatal
  // failure in SetUpTestSuite would only mark them skipped).
  static void SetUpTestSuite() {
    const std::string ns = "t" + NewUuid().substr(0, 8);
    auto issuer = TestIssuer::Make();
    if (!issuer.ok()) {
      setup_error_ = std::string(issuer.status().message());
      return;
    }
    auditor_token_ = (*issuer)->Token(auth::v1::ROLE_AUDITOR);
    audit_ =
        new ServiceProcess("services/audit/audit", (*issuer)->ServiceFlags(ns));
    if (absl::Status s = audit_->Start(); !s.ok()) {
      setup_error_ = std::string(s.message()) + audit_->Log();
      return;
    }
    auto producer = EventProducer::Create(Stack().kafka("lovctl-audit-test"));
    if (!producer.ok()) {
      setup_error_ = std::string(producer.status().message());
      return;
    }
    KafkaAuditSink sink(producer->get(), ns + ".lov.audit.v1", "/lov/test");
    for (const auto& r : Records()) {
      if (absl::Status s = sink.Record(r); !s.ok()) {
        setup_error_ = std::string(s.message());
        return;
      }
    }
  }
  void SetUp() override {
    ASSERT_EQ(setup_error_, "") << "suite set-up failed";
  }
  static void TearDownTestSuite() { delete audit_; }

  // The case officer's March: two reads of cli-1 (one on the last evening
  // of the month), a refused change of cli-2, and a read in April.
  static std::vector<auth::v1::AuditRecord> Records() {
    return {
        CaseOfficerRecord(absl::CivilSecond(2025, 3, 5, 14, 0, 0),
                          "lov.choice.v1.ChoiceService/GetClient",
                          auth::v1::AUDIT_KIND_CLIENT_READ, {"cli-1"}, "OK"),
        CaseOfficerRecord(absl::CivilSecond(2025, 3, 12, 9, 30, 0),
                          "lov.choice.v1.ChoiceService/RegisterDecision",
                          auth::v1::AUDIT_KIND_CLIENT_CHANGE, {"cli-2"},
                          "PERMISSION_DENIED"),
        CaseOfficerRecord(absl::CivilSecond(2025, 3, 31, 23, 30, 0),
                          "lov.visits.v1.VisitsService/GetClientContext",
                          auth::v1::AUDIT_KIND_CLIENT_READ, {"cli-1"}, "OK"),
        CaseOfficerRecord(absl::CivilSecond(2025, 4, 1, 0, 10, 0),
                          "lov.choice.v1.ChoiceService/GetClient",
                          auth::v1::AUDIT_KIND_CLIENT_READ, {"cli-1", "cli-2"},
                          "OK")};
  }

  static RunResult Lovctl(std::vector<std::string> args) {
    args.insert(args.begin(), "--audit=" + audit_->target());
    return RunToCompletion("tools/lovctl/lovctl", args, absl::Seconds(60),
                           {"LOV_TOKEN=" + auditor_token_, "LOV_TOKEN_FILE="});
  }

  // Runs until the answer has `lines` lines (a header and one per record):
  // the service's log catches up with the topic asynchronously.
  static RunResult LovctlOnce(const std::vector<std::string>& args, int lines) {
    RunResult r;
    Eventually([&] {
      r = Lovctl(args);
      return r.exit_code == 0 && Lines(r) >= lines;
    });
    return r;
  }

  static ServiceProcess* audit_;
  static std::string auditor_token_;
  static std::string setup_error_;
};
ServiceProcess* LovctlAuditTest::audit_ = nullptr;
std::string LovctlAuditTest::auditor_token_;
std::string LovctlAuditTest::setup_error_;

TEST_F(LovctlAuditTest, WhoHasLookedAtAClientInMarch) {
  RunResult r = LovctlOnce({"audit", "client", "--id", "cli-1", "--from",
                            "2025-03-01", "--to", "2025-03-31"},
                           3);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Lines(r), 3) << r.output;  // the April read is out
  // Newest first, Stockholm time, who, what, which clients, outcome.
  const size_t evening = r.output.find("2025-03-31 23:30:00");
  const size_t fifth = r.output.find("2025-03-05 14:00:00");
  ASSERT_NE(evening, std::string::npos) << r.output;
  ASSERT_NE(fifth, std::string::npos) << r.output;
  EXPECT_LT(evening, fifth) << r.output;
  for (const char* text :
       {"TIME (STOCKHOLM)", kCaseOfficer, "case_officer", "Norrtälje kommun",
        "lov.visits.v1.VisitsService/GetClientContext", "client_read", "cli-1",
        "OK"}) {
    EXPECT_TRUE(Contains(r, text)) << text << "\n" << r.output;
  }
}

TEST_F(LovctlAuditTest, WhatAUserAccessedInAPeriod) {
  RunResult r = LovctlOnce({"audit", "user", "--subject", kCaseOfficer,
                            "--from", "2025-03-10", "--to", "2025-04-01"},
                           4);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Lines(r), 4) << r.output;  // 12 and 31 March, 1 April
  EXPECT_TRUE(Contains(r, "client_change")) << r.output;
  EXPECT_TRUE(Contains(r, "PERMISSION_DENIED")) << r.output;
  EXPECT_TRUE(Contains(r, "cli-1,cli-2")) << r.output;
  EXPECT_FALSE(Contains(r, "2025-03-05")) << r.output;

  // An RFC 3339 --to excludes its instant: 1 April 00:10 Stockholm is out.
  r = Lovctl({"audit", "user", "--subject", kCaseOfficer, "--from",
              "2025-03-10", "--to", "2025-03-31T22:10:00Z", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "\"records\"")) << r.output;
  EXPECT_TRUE(Contains(r, "lov.choice.v1.ChoiceService/RegisterDecision"))
      << r.output;
  EXPECT_FALSE(Contains(r, "2025-03-31T22:10:00Z")) << r.output;
}

TEST_F(LovctlAuditTest, WrongInputIsRefusedNamingTheFlagOrField) {
  RunResult r = Lovctl({"audit", "client"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r, "--id is required")) << r.output;

  r = Lovctl({"audit", "user", "--subject", kCaseOfficer, "--from", "March"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r, "--from: 'March' is not YYYY-MM-DD")) << r.output;

  r = Lovctl({"audit", "client", "--id", "19121212-1212"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r, "client_id: looks like a personal identity number"))
      << r.output;

  r = Lovctl({"audit", "client", "--id", "cli-1", "--from", "2025-03-10",
              "--to", "2025-03-01"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r, "to_time: must be after from_time")) << r.output;
}

TEST_F(LovctlAuditTest, HelpNamesTheAuditService) {
  RunResult r = Lovctl({"audit", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "audit client")) << r.output;
  EXPECT_TRUE(Contains(r, "audit user")) << r.output;
  EXPECT_TRUE(Contains(r, "LOV_AUDIT_TARGET")) << r.output;
}

}  // namespace
}  // namespace lov
