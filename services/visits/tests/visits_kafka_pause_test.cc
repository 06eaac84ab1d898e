// With Kafka paused (SIGSTOP: connections open, no answers), the visits
// service's reads answer within their deadline or fail fast, while writes
// wait for Kafka on some of its workers. Run by kafka_pause_test.sh against
// a Kafka of the test's own (LOV_KAFKA_PID_FILE), never the shared one.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
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

class VisitsKafkaPauseTest : public VisitsServiceTest {};

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
