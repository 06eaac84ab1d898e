// With Kafka paused (SIGSTOP: connections open, no answers), the visits
// service's reads answer within their deadline or fail fast, while writes
// wait for Kafka on some of its workers. Run by kafka_pause_test.sh against
// a Kafka of the test's own (LOV_KAFKA_PID_FILE), never the shared one.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lov/auth/v1/audit.pb.h"
#include "lov/platform/kafka.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/topics.h"
#include "lov/visits/tests/visits_test_support.h"
#include "lov/visits/v1/visits.grpc.pb.h"

namespace lov::visits {
namespace {

namespace v1 = ::lov::visits::v1;

pid_t KafkaPid() {
  const char* file = std::getenv("LOV_KAFKA_PID_FILE");
  if (file == nullptr) return -1;
  std::ifstream in(file);
  std::string text;
  std::getline(in, text);
  pid_t pid = -1;
  return absl::SimpleAtoi(text, &pid) ? pid : -1;
}

// Resumes Kafka however the test ends.
struct Paused {
  explicit Paused(pid_t pid) : pid(pid) { kill(pid, SIGSTOP); }
  ~Paused() { kill(pid, SIGCONT); }
  pid_t pid;
};

class VisitsKafkaPauseTest : public VisitsServiceTest {
 protected:
  // The GetVisit records in the namespace's audit topic since `since`, by
  // record id, each with its outcome as a reader takes it: a correction
  // (corrects_record_id) gives the record it names its outcome.
  std::map<std::string, std::string> GetVisitOutcomes(absl::Time since) {
    std::map<std::string, std::string> outcome;
    std::map<std::string, std::string> corrected;
    absl::Status s = ReplayTopics(
        ::lov::testing::Stack().reader("audit-reader"), {Topic(topics::kAudit)},
        [&](const CloudEvent& ce) {
          auth::v1::AuditRecord r;
          if (!r.ParseFromString(ce.data)) {
            ADD_FAILURE() << "an audit event that is no AuditRecord";
          }
          if (r.method() != "lov.visits.v1.VisitsService/GetVisit" ||
              FromProtoTime(r.at()) < since ||
              !r.confirms_record_id().empty()) {
            return absl::OkStatus();
          }
          if (r.corrects_record_id().empty()) {
            outcome[r.record_id()] = r.outcome();
          } else {
            corrected[r.corrects_record_id()] = r.outcome();
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    for (const auto& [id, code] : corrected) {
      if (outcome.count(id)) outcome[id] = code;
    }
    return outcome;
  }

  grpc::Status GetVisit(const std::string& report_id,
                        std::chrono::milliseconds deadline) {
    v1::GetVisitRequest req;
    req.set_provider_id(kProvider);
    req.set_report_id(report_id);
    v1::GetVisitResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + deadline);
    return stub_->GetVisit(&ctx, req, &resp);
  }
};

// A read refused while Kafka is paused, whose audit record was still
// waiting in the producer when the caller's deadline passed, must not be
// in the audit log as answered once Kafka resumes and the record lands
// (found by this test: it said "OK"). The record is corrected: its outcome
// is the refusal's. A read after Kafka is back is audited as OK.
TEST_F(VisitsKafkaPauseTest, AReadRefusedWhileKafkaIsPausedIsNotAuditedAsOk) {
  const pid_t kafka = KafkaPid();
  ASSERT_GT(kafka, 0) << "run by kafka_pause_test.sh (LOV_KAFKA_PID_FILE)";
  SetUpUpstreams({"c1"});
  ASSERT_EQ(
      Upload({Report("kept", "c1", "s1", Utc(2025, 3, 18, 8, 0), 30)}).size(),
      1u);
  const absl::Time paused_at = absl::Now();
  {
    Paused paused(kafka);
    grpc::Status refused = GetVisit("kept", std::chrono::milliseconds(2000));
    EXPECT_FALSE(refused.ok()) << "answered without its audit record";
    // Kafka resumes while the record still waits in the producer (its
    // delivery timeout is 30 s): it lands after the caller has gone.
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  const absl::Time resumed_at = absl::Now();

  std::map<std::string, std::string> during;
  EXPECT_TRUE(::lov::testing::Eventually(
      [&] {
        during = GetVisitOutcomes(paused_at);
        return !during.empty() &&
               std::all_of(during.begin(), during.end(),
                           [](const auto& kv) { return kv.second != "OK"; });
      },
      absl::Seconds(60)))
      << "a refused GetVisit is in the audit log as OK (or has no record)";
  for (const auto& [id, code] : during) {
    EXPECT_TRUE(code == "DEADLINE_EXCEEDED" || code == "CANCELLED" ||
                code == "UNAVAILABLE")
        << id << ": " << code;
  }

  // Kafka is back: a read answers, and its record says OK, uncorrected.
  EXPECT_TRUE(::lov::testing::Eventually(
      [&] { return GetVisit("kept", std::chrono::milliseconds(30000)).ok(); },
      absl::Seconds(90)));
  bool answered = false;
  for (const auto& [id, code] : GetVisitOutcomes(resumed_at)) {
    if (!during.count(id) && code == "OK") answered = true;
  }
  EXPECT_TRUE(answered) << "no OK record of the GetVisit after Kafka resumed";
}

// Every read of visits is audited, and the audit record goes to Kafka
// before the answer (docs/security.md): with Kafka paused a read is refused
// within its deadline, never answered without its record and never held
// past the deadline.
TEST_F(VisitsKafkaPauseTest, ReadsAnswerWithinTheirDeadlineWhileKafkaIsPaused) {
  const pid_t kafka = KafkaPid();
  ASSERT_GT(kafka, 0) << "run by kafka_pause_test.sh (LOV_KAFKA_PID_FILE)";
  SetUpUpstreams({"c1"});
  const absl::Time nine = Utc(2025, 3, 18, 8, 0);
  std::vector<v1::ReportOutcome> before =
      Upload({Report("kept", "c1", "s1", nine, 30),
              Report("refused", "c-unknown", "s2", nine, 30)});
  ASSERT_EQ(before.size(), 2u);

  std::vector<std::thread> writers;
  {
    Paused paused(kafka);
    // Writes that wait for Kafka on two of the four workers.
    for (int i = 0; i < 2; ++i) {
      writers.emplace_back([this, i, nine] {
        v1::ReportVisitRequest req;
        *req.mutable_report() =
            Report(absl::StrCat("during-", i), "c1", absl::StrCat("w", i),
                   nine + absl::Hours(i + 1), 30);
        v1::ReportOutcome resp;
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(90));
        stub_->ReportVisit(&ctx, req, &resp);  // any outcome
      });
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));  // they wait now

    // Each read, with a 3 s deadline: answered from Redis, or refused
    // fast; never held past its deadline.
    const auto deadline = std::chrono::seconds(3);
    auto read = [&](const char* name, auto call) {
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + deadline);
      const absl::Time start = absl::Now();
      grpc::Status s = call(&ctx);
      const absl::Duration took = absl::Now() - start;
      EXPECT_LE(took, absl::Seconds(5)) << name;  // the deadline, and slack
      EXPECT_TRUE(s.ok() ||
                  s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                  s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                  s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED)
          << name << ": " << s.error_code() << " " << s.error_message();
      return s;
    };
    for (int round = 0; round < 3; ++round) {
      grpc::Status got = read("GetVisit", [&](grpc::ClientContext* ctx) {
        v1::GetVisitRequest req;
        req.set_provider_id(kProvider);
        req.set_report_id("kept");
        v1::GetVisitResponse resp;
        grpc::Status s = stub_->GetVisit(ctx, req, &resp);
        if (s.ok()) EXPECT_EQ(resp.current().report_id(), "kept");
        return s;
      });
      // Found by this test: GetVisit is a client read, so it waits for its
      // audit record; with Kafka paused that ends at the deadline.
      EXPECT_FALSE(got.ok()) << "answered without its audit record";
      read("ListRejected", [&](grpc::ClientContext* ctx) {
        v1::ListRejectedRequest req;
        req.set_provider_id(kProvider);
        req.set_period("2025-03");
        v1::ListRejectedResponse resp;
        return stub_->ListRejected(ctx, req, &resp);
      });
      read("GetClientContext", [&](grpc::ClientContext* ctx) {
        v1::GetClientContextRequest req;
        req.set_client_id("c1");
        v1::GetClientContextResponse resp;
        return stub_->GetClientContext(ctx, req, &resp);
      });
      read("GetPerformedVsGranted", [&](grpc::ClientContext* ctx) {
        v1::GetPerformedVsGrantedRequest req;
        req.set_client_id("c1");
        req.set_period("2025-03");
        v1::GetPerformedVsGrantedResponse resp;
        return stub_->GetPerformedVsGranted(ctx, req, &resp);
      });
    }
  }
  for (auto& w : writers) w.join();
}

}  // namespace
}  // namespace lov::visits
