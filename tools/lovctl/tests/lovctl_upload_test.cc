// `lovctl visit upload` against the visits binary killed (SIGKILL) in the
// middle of the upload and started again: lovctl reopens the stream, resends
// every report not yet decided with the same report id and content, and
// finishes with nothing given up; every report is accepted or rejected
// exactly once in Kafka, read as an outside subscriber would.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lov/platform/topic_end.h"
#include "lov/visits/tests/visits_test_support.h"
#include "service_process.h"
#include "test_sign_in.h"
#include "test_stack.h"

namespace lov::visits {
namespace {

using ::lov::testing::ReadEvents;
using ::lov::testing::RunResult;
using ::lov::testing::RunToCompletion;
using ::lov::testing::Stack;

constexpr int kClients = 40;
// Sent on one stream (--batch), so that the kill, once a few hundred are
// answered, cuts that stream off. With lovctl's default of 1,000 per stream
// the kill could land between two streams, and nothing was cut off.
constexpr int kReports = 8000;

// Lines in `path` so far (the ack log grows while lovctl runs).
int Lines(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

class LovctlUploadTest : public VisitsServiceTest {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // kReports visits of 30 minutes, an hour apart per client, each by its
  // own staff member; every tenth for a client the provider does not serve
  // (rejected; the upload is the provider's own, so all are its reports).
  void WriteReports() {
    std::filesystem::create_directories(dir_);
    std::ofstream out(file_);
    for (int i = 0; i < kReports; ++i) {
      v1::VisitReport r =
          Report(absl::StrCat("v", i), absl::StrCat("k", i % kClients),
                 absl::StrCat("s", i),
                 Utc(2025, 3, 3, 0, 0) + absl::Hours(i / kClients), 30);
      if (i % 10 == 9) r.set_client_id("k-unknown");
      std::string json;
      ASSERT_TRUE(google::protobuf::util::MessageToJsonString(r, &json).ok());
      out << json << "\n";
    }
  }

  std::string dir_ = std::filesystem::temp_directory_path() /
                     ("lovctl-upload-" + NewUuid().substr(0, 8));
  std::string file_ = dir_ + "/visits.jsonl";
  std::string ack_log_ = dir_ + "/acks.tsv";
};

TEST_F(LovctlUploadTest, VisitsKilledMidUploadLosesNoReportAndStoresNoneTwice) {
  std::vector<std::string> clients;
  for (int c = 0; c < kClients; ++c) clients.push_back(absl::StrCat("k", c));
  SetUpUpstreams(clients);
  WriteReports();

  RunResult upload;
  std::thread lovctl([&] {
    upload = RunToCompletion(
        "tools/lovctl/lovctl",
        {"--visits=" + service_->target(), "visit", "upload", "--file", file_,
         "--ack-log", ack_log_, "--batch", absl::StrCat(kReports)},
        absl::Seconds(180),
        {"LOV_TOKEN=" +
             ::lov::testing::TokenOf(auth::v1::ROLE_PROVIDER, kProvider),
         "LOV_TOKEN_FILE="});
  });
  // Killed once a few hundred reports are answered, started again on the
  // same port a second later.
  const bool answered = ::lov::testing::Eventually(
      [&] { return Lines(ack_log_) >= 300; }, absl::Seconds(60));
  service_->Kill();
  const int before_kill = Lines(ack_log_);
  absl::SleepFor(absl::Seconds(1));
  ASSERT_TRUE(service_->Start().ok()) << service_->Log();
  lovctl.join();
  ASSERT_TRUE(answered) << upload.output;
  ASSERT_LT(before_kill, kReports) << "the kill came too late";

  ASSERT_EQ(upload.exit_code, 0) << upload.output.substr(0, 4000);
  std::smatch counts;
  ASSERT_TRUE(std::regex_search(
      upload.output, counts,
      std::regex("(\\d+) accepted, (\\d+) rejected, (\\d+) resent, (\\d+) "
                 "given up")))
      << upload.output.substr(upload.output.size() - 2000);
  EXPECT_EQ(counts[1], absl::StrCat(kReports * 9 / 10));
  EXPECT_EQ(counts[2], absl::StrCat(kReports / 10));
  EXPECT_GT(std::stoi(counts[3]), 0) << "nothing was cut off by the kill";
  EXPECT_EQ(counts[4], "0");

  // The ack log: one line per report, each decided.
  std::map<std::string, std::string> acked;
  std::ifstream acks(ack_log_);
  for (std::string line; std::getline(acks, line);) {
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    ASSERT_GE(cols.size(), 2u) << line;
    EXPECT_TRUE(acked.emplace(cols[0], cols[1]).second) << "twice: " << line;
  }
  EXPECT_EQ(acked.size(), static_cast<size_t>(kReports));

  // Kafka: one accepted-or-rejected event per report (the rejections on
  // their own topic), nothing beyond.
  std::vector<CloudEvent> events =
      ReadEvents(Topic(topics::kVisitsEvents), kReports * 9 / 10);
  const std::vector<CloudEvent> rejected =
      ReadEvents(Topic(topics::kVisitsRejected), kReports / 10);
  events.insert(events.end(), rejected.begin(), rejected.end());
  std::map<std::string, int> per_visit;
  for (const auto& e : events) ++per_visit[e.key];
  for (const auto& [visit, kind] : acked) {
    EXPECT_EQ(per_visit[visit], 1) << visit << " " << kind;
  }
  int64_t records = 0;
  for (const char* base : {topics::kVisitsEvents, topics::kVisitsRejected}) {
    auto end = ::lov::KafkaTopicEnd::Create(Stack().reader(), Topic(base));
    ASSERT_TRUE(end.ok()) << end.status();
    auto marks = (*end)->HighWatermarks();
    ASSERT_TRUE(marks.ok()) << marks.status();
    for (const auto& [partition, high] : *marks) records += high;
  }
  EXPECT_EQ(records, kReports);
}

}  // namespace
}  // namespace lov::visits
