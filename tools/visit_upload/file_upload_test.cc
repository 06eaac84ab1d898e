// A file larger than one batch goes batch by batch: no stream carries more
// than a batch, every report is answered once and in file order per batch,
// the progress line counts up, and a broken line anywhere sends nothing.
#include "file_upload.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "report_file.h"

namespace lov::upload {
namespace {

// Answers each report ACCEPTED, or REJECTED for client "k-unknown"; keeps
// how many reports each stream carried.
class CountingVisits final : public v1::VisitsService::Service {
 public:
  grpc::Status UploadVisits(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<v1::UploadVisitsResponse,
                               v1::UploadVisitsRequest>* stream) override {
    v1::UploadVisitsRequest request;
    int64_t sequence = 0;
    for (; stream->Read(&request); ++sequence) {
      v1::UploadVisitsResponse response;
      auto* o = response.mutable_outcome();
      o->set_report_id(request.report().report_id());
      o->set_visit_id("p1/" + request.report().report_id());
      o->set_outcome(request.report().client_id() == "k-unknown"
                         ? v1::OUTCOME_REJECTED
                         : v1::OUTCOME_ACCEPTED);
      o->set_sequence(sequence);
      stream->Write(response);
    }
    std::lock_guard<std::mutex> lock(mu_);
    per_stream_.push_back(sequence);
    return grpc::Status::OK;
  }

  std::vector<int64_t> per_stream() {
    std::lock_guard<std::mutex> lock(mu_);
    return per_stream_;
  }

 private:
  std::mutex mu_;
  std::vector<int64_t> per_stream_;
};

class FileUploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    server_->Shutdown();
    std::filesystem::remove_all(dir_);
  }

  // `reports` reports, every fourth for an unknown client; `extra` appended
  // as a last line.
  std::string WriteFile(int reports, const std::string& extra = "") {
    const std::string path = dir_ + "/visits.jsonl";
    std::ofstream out(path);
    for (int i = 0; i < reports; ++i) {
      v1::VisitReport r;
      r.set_provider_id("p1");
      r.set_report_id(absl::StrCat("r", i));
      r.set_client_id(i % 4 == 3 ? "k-unknown" : "k1");
      std::string json;
      EXPECT_TRUE(google::protobuf::util::MessageToJsonString(r, &json).ok());
      out << json << "\n";
      if (i == 2) out << "\n";  // blank lines are skipped
    }
    out << extra;
    return path;
  }

  absl::StatusOr<UploadCounts> Upload(const std::string& path,
                                      FileUploadOptions options) {
    return UploadFile(
        [&] {
          return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port_),
                                           grpc::InsecureChannelCredentials(),
                                           QuickReconnect());
        },
        [](grpc::ClientContext*) {}, path, options,
        [&](int64_t index, const v1::ReportOutcome& o) {
          answers_.emplace_back(index, o.report_id());
        },
        [&](const std::vector<v1::ReportOutcome>& batch) {
          batches_.push_back(batch);
        });
  }

  CountingVisits service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::string dir_ = std::filesystem::temp_directory_path() /
                     absl::StrCat("file-upload-", ::getpid());
  std::vector<std::pair<int64_t, std::string>> answers_;
  std::vector<std::vector<v1::ReportOutcome>> batches_;
};

TEST_F(FileUploadTest, AFileLargerThanABatchGoesBatchByBatch) {
  const std::string path = WriteFile(10);
  std::stringstream progress;
  FileUploadOptions options;
  options.batch = 4;
  options.progress = &progress;
  absl::StatusOr<UploadCounts> counts = Upload(path, options);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->accepted, 8);
  EXPECT_EQ(counts->rejected, 2);
  EXPECT_EQ(counts->resent, 0);
  EXPECT_EQ(counts->given_up, 0);

  // Three streams of at most a batch each.
  EXPECT_EQ(service_.per_stream(), (std::vector<int64_t>{4, 4, 2}));
  // Each report answered once, with its index in the file.
  ASSERT_EQ(answers_.size(), 10u);
  std::map<int64_t, std::string> by_index(answers_.begin(), answers_.end());
  ASSERT_EQ(by_index.size(), 10u);
  for (const auto& [index, report] : by_index) {
    EXPECT_EQ(report, absl::StrCat("r", index));
  }
  // Batches in file order.
  ASSERT_EQ(batches_.size(), 3u);
  EXPECT_EQ(batches_[0].size(), 4u);
  EXPECT_EQ(batches_[2].size(), 2u);
  int i = 0;
  for (const auto& batch : batches_) {
    for (const auto& o : batch)
      EXPECT_EQ(o.report_id(), absl::StrCat("r", i++));
  }
  // Not a terminal: a progress line per batch, counting up to the total.
  std::vector<std::string> lines =
      absl::StrSplit(progress.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << progress.str();
  EXPECT_EQ(lines[0],
            "upload: 4 of 10 reports answered (3 accepted, 1 rejected, 0 "
            "given up)");
  EXPECT_EQ(lines[2],
            "upload: 10 of 10 reports answered (8 accepted, 2 rejected, 0 "
            "given up)");
}

TEST_F(FileUploadTest, OnATerminalTheProgressLineIsRedrawnInPlace) {
  const std::string path = WriteFile(6);
  std::stringstream progress;
  FileUploadOptions options;
  options.batch = 4;
  options.progress = &progress;
  options.in_place = true;
  ASSERT_TRUE(Upload(path, options).ok());
  const std::string text = progress.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.find("\rupload: 4 of 6 reports answered"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\rupload: 6 of 6 reports answered (5 accepted, 1 "
                      "rejected, 0 given up)\n"),
            std::string::npos)
      << text;
}

TEST_F(FileUploadTest, ABrokenLineAnywhereSendsNothing) {
  const std::string path = WriteFile(9, "{\"report_id\": 7, oops\n");
  FileUploadOptions options;
  options.batch = 4;
  options.what = "--file";
  absl::StatusOr<UploadCounts> counts = Upload(path, options);
  ASSERT_FALSE(counts.ok());
  EXPECT_EQ(counts.status().code(), absl::StatusCode::kInvalidArgument);
  // Nine reports and a blank line before it: line 11.
  EXPECT_NE(std::string(counts.status().message())
                .find(absl::StrCat(path,
                                   " line 11: not a "
                                   "lov.visits.v1.VisitReport")),
            std::string::npos)
      << counts.status();
  EXPECT_TRUE(service_.per_stream().empty());
  EXPECT_TRUE(answers_.empty());
}

TEST_F(FileUploadTest, AMissingFileIsNamed) {
  FileUploadOptions options;
  options.what = "--file";
  absl::StatusOr<UploadCounts> counts = Upload(dir_ + "/none.jsonl", options);
  ASSERT_FALSE(counts.ok());
  EXPECT_EQ(counts.status().message(),
            absl::StrCat("--file: cannot read ", dir_, "/none.jsonl"));
}

TEST(ReportFileTest, ReadsReportByReportAndCounts) {
  const std::string path = std::filesystem::temp_directory_path() /
                           absl::StrCat("report-file-", ::getpid(), ".jsonl");
  {
    std::ofstream out(path);
    out << "{\"reportId\": \"a\"}\n\n{\"report_id\": \"b\"}\n";
  }
  auto file = ReportFile::Open(path, "--file");
  ASSERT_TRUE(file.ok()) << file.status();
  auto first = (*file)->Next();
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->report_id(), "a");
  auto second = (*file)->Next();
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->report_id(), "b");
  EXPECT_EQ((*file)->line(), 3);
  auto end = (*file)->Next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  auto count = CountReports(path, "--file");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace lov::upload
