// The audit records of UploadVisits batches, read from the namespace's
// lov.audit.v1 as the audit service reads them, with the binary as a
// process against the real Kafka and Redis: a batch's record says OK
// before its outcomes go out, so a stream that ends before they all went
// out (the client left) has that record corrected (CANCELLED), and a stream
// read to its end has none corrected.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "lov/auth/v1/audit.pb.h"
#include "lov/platform/grpc_channel.h"
#include "lov/platform/kafka.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/topics.h"
#include "lov/visits/tests/visits_test_support.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "test_stack.h"

namespace lov::visits {
namespace {

namespace v1 = ::lov::visits::v1;
using ::lov::testing::Stack;

constexpr char kUploadVisits[] = "lov.visits.v1.VisitsService/UploadVisits";

// About 200 bytes each, rejected (the client is unknown): the batch's
// record is written whatever its verdicts.
std::vector<v1::VisitReport> Reports(const std::string& prefix, int n) {
  std::vector<v1::VisitReport> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(Report(absl::StrCat(prefix, i), "c-unknown",
                         absl::StrCat("s", i),
                         Utc(2025, 3, 18, 8, 0) + absl::Hours(i), 30));
  }
  return out;
}

class VisitsUploadAuditTest : public VisitsServiceTest {
 protected:
  static constexpr int kBatch = 50;
  std::vector<std::string> ExtraFlags() const override {
    return {"--max-reports-per-stream=0", "--upload-reports-per-second=0",
            absl::StrCat("--upload-batch-size=", kBatch)};
  }

  // The UploadVisits batch records in the audit topic: each record's
  // outcome as a reader takes it (a correction gives the record it names
  // its outcome), and every correction's outcome.
  struct Records {
    std::map<std::string, std::string> outcome;  // by record id
    // Each correction's outcome, by the record it corrects.
    std::map<std::string, std::string> corrections;
    std::set<std::string> corrected_unknown;  // naming no record seen
    std::set<std::string> confirmed;          // records with a confirmation
  };
  Records UploadRecords() {
    Records out;
    absl::Status s = ReplayTopics(
        Stack().reader("audit-reader"), {Topic(topics::kAudit)},
        [&](const CloudEvent& ce) {
          auth::v1::AuditRecord r;
          if (!r.ParseFromString(ce.data)) {
            ADD_FAILURE() << "an audit event that is no AuditRecord";
          }
          if (r.method() != kUploadVisits) return absl::OkStatus();
          if (!r.confirms_record_id().empty()) {
            out.confirmed.insert(r.confirms_record_id());
          } else if (r.corrects_record_id().empty()) {
            out.outcome[r.record_id()] = r.outcome();
          } else {
            out.corrections[r.corrects_record_id()] = r.outcome();
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    for (const auto& [id, code] : out.corrections) {
      if (out.outcome.count(id)) {
        out.outcome[id] = code;
      } else {
        out.corrected_unknown.insert(id);
      }
    }
    return out;
  }
};

TEST_F(VisitsUploadAuditTest, AStreamReadToItsEndHasNoBatchRecordCorrected) {
  const std::vector<v1::ReportOutcome> outcomes = Upload(Reports("r", 120));
  ASSERT_EQ(outcomes.size(), 120u);
  // A correction would be sent as the stream ends, before its status.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const Records records = UploadRecords();
  EXPECT_GE(records.outcome.size(), 120u / kBatch);
  for (const auto& [id, code] : records.outcome) {
    EXPECT_EQ(code, "OK") << id;
  }
  EXPECT_TRUE(records.corrections.empty());
  // Each batch's record is confirmed once its outcomes were written.
  Records confirmed;
  EXPECT_TRUE(::lov::testing::Eventually(
      [&] {
        confirmed = UploadRecords();
        return confirmed.confirmed.size() == confirmed.outcome.size();
      },
      absl::Seconds(30)))
      << confirmed.confirmed.size() << " of " << confirmed.outcome.size()
      << " batch records confirmed";
  for (const auto& [id, code] : confirmed.outcome) {
    EXPECT_EQ(confirmed.confirmed.count(id), 1u) << id;
  }
}

// A client that sends and never reads, then leaves: the service stops
// taking new batches while two batches' outcomes wait unsent (docs/
// visits.md), so at least two batches' outcomes never went out, and their
// records, which said OK, must say CANCELLED (found by this test: they
// stayed OK).
TEST_F(VisitsUploadAuditTest, AStreamLeftBeforeItsOutcomesWentOutIsCorrected) {
  const std::vector<v1::VisitReport> reports = Reports("left-", 1000);
  // A client whose transport takes few answers: a fixed 16 KiB window.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 16 * 1024);
  auto stalled = v1::VisitsService::NewStub(OpenChannel(
      service_->target(), Stack().Client("system:test"), nullptr, args));
  grpc::ClientContext ctx;
  ::lov::testing::SignIn(&ctx, auth::v1::ROLE_PROVIDER, kProvider);
  auto stream = stalled->UploadVisits(&ctx);
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (const v1::VisitReport& r : reports) {
      v1::UploadVisitsRequest req;
      *req.mutable_report() = r;
      if (!stream->Write(req)) return;
      ++written;
    }
    stream->WritesDone();
  });
  // Until the client's writes stop moving (the service stopped reading, or
  // all went), and the batches read have their records.
  int last = -1;
  for (int still = 0; still < 4;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const int now = written.load();
    still = now == last ? still + 1 : 0;
    last = now;
  }
  const size_t ok_before_leaving = UploadRecords().outcome.size();
  ASSERT_GE(ok_before_leaving, 4u) << "the service handled too few batches";
  ctx.TryCancel();
  writer.join();
  stream->Finish();

  Records records;
  EXPECT_TRUE(::lov::testing::Eventually(
      [&] {
        records = UploadRecords();
        return records.corrections.size() >= 2;
      },
      absl::Seconds(30)))
      << "the batches whose outcomes never went out are still OK: "
      << records.corrections.size() << " corrected";
  for (const auto& [id, code] : records.corrections) {
    EXPECT_EQ(code, "CANCELLED") << id;
  }
  EXPECT_TRUE(records.corrected_unknown.empty())
      << "a correction names a record the log does not hold";
  // The batches whose outcomes all went out stay OK.
  int ok = 0;
  for (const auto& [id, code] : records.outcome) ok += code == "OK" ? 1 : 0;
  EXPECT_GE(ok, 1);
  EXPECT_EQ(static_cast<size_t>(ok) + records.corrections.size(),
            records.outcome.size());
  // A corrected batch was never confirmed.
  for (const auto& [id, code] : records.corrections) {
    EXPECT_EQ(records.confirmed.count(id), 0u) << id;
  }
}

}  // namespace
}  // namespace lov::visits
