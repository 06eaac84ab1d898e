// An audit record's outcome is confirmed, not assumed (docs/security.md):
// the visits service answers a read, its record (pending) durable before
// the answer, and is killed (SIGKILL) before the record's confirmation is
// sent (held back by --audit-confirmation-hold-ms, a test-only flag, as a
// paused Kafka would hold it). The audit service lists that read as
// UNKNOWN, never OK. Started again without the hold, the next read is
// confirmed and listed OK.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lov/audit/v1/audit_service.grpc.pb.h"
#include "lov/visits/tests/visits_test_support.h"

namespace lov::visits {
namespace {

namespace aud = ::lov::audit::v1;

constexpr char kGetVisit[] = "lov.visits.v1.VisitsService/GetVisit";

class VisitsAuditConfirmationTest : public VisitsServiceTest {
 protected:
  std::vector<std::string> ExtraFlags() const override {
    if (!hold_confirmations_) return {};
    return {"--audit-confirmation-hold-ms=600000"};
  }

  grpc::Status GetVisit(const std::string& report_id) {
    v1::GetVisitRequest req;
    req.set_provider_id(kProvider);
    req.set_report_id(report_id);
    v1::GetVisitResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    return stub_->GetVisit(&ctx, req, &resp);
  }

  // The GetVisit records of client c1 the audit service lists, each with
  // its outcome, oldest first.
  std::vector<std::string> ListedGetVisits(aud::AuditService::Stub& audit) {
    aud::ListClientAccessRequest req;
    req.set_client_id("c1");
    aud::ListAccessResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    grpc::Status s = audit.ListClientAccess(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    std::vector<std::string> out;
    for (auto it = resp.records().rbegin(); it != resp.records().rend(); ++it) {
      if (it->method() == kGetVisit) out.push_back(it->outcome());
    }
    return out;
  }

  bool hold_confirmations_ = true;
};

TEST_F(VisitsAuditConfirmationTest,
       AReadWhoseServiceDiedBeforeItsConfirmationIsUnknown) {
  SetUpUpstreams({"c1"});
  ASSERT_EQ(
      Upload({Report("kept", "c1", "s1", Utc(2025, 3, 18, 8, 0), 30)}).size(),
      1u);
  // Answered: its record was durable before the answer; its confirmation
  // waits in the service (held) and dies with it.
  ASSERT_TRUE(GetVisit("kept").ok());
  service_->Kill();

  ::lov::testing::ServiceProcess audit_service("services/audit/audit",
                                               {"--namespace=" + ns_});
  ASSERT_TRUE(audit_service.Start().ok()) << audit_service.Log();
  auto audit = aud::AuditService::NewStub(audit_service.Channel());
  std::vector<std::string> listed;
  EXPECT_TRUE(::lov::testing::Eventually(
      [&] {
        listed = ListedGetVisits(*audit);
        return !listed.empty();
      },
      absl::Seconds(60)))
      << "the answered read has no audit record";
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0], "UNKNOWN")
      << "an unconfirmed read is listed as " << listed[0];

  // The same service without the hold: the read is confirmed, listed OK,
  // and the first stays UNKNOWN.
  hold_confirmations_ = false;
  StartService();
  ASSERT_TRUE(GetVisit("kept").ok());
  EXPECT_TRUE(::lov::testing::Eventually(
      [&] {
        listed = ListedGetVisits(*audit);
        return listed.size() == 2 && listed[1] == "OK";
      },
      absl::Seconds(60)))
      << "the confirmed read is not listed OK: " << listed.size() << " listed"
      << (listed.size() == 2 ? ", the second " + listed[1] : "");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0], "UNKNOWN");
}

}  // namespace
}  // namespace lov::visits
