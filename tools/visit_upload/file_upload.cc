#include "file_upload.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "report_file.h"

namespace lov::upload {
namespace {

// "upload: 1500 of 4000 reports answered (1350 accepted, 150 rejected, 0
// given up)".
std::string ProgressText(int64_t answered, int64_t total,
                         const UploadCounts& counts) {
  return absl::StrCat("upload: ", answered, " of ", total,
                      " reports answered (", counts.accepted, " accepted, ",
                      counts.rejected, " rejected, ", counts.given_up,
                      " given up)");
}

void Add(UploadCounts& sum, const UploadCounts& batch) {
  sum.accepted += batch.accepted;
  sum.rejected += batch.rejected;
  sum.resent += batch.resent;
  sum.given_up += batch.given_up;
}

}  // namespace

absl::StatusOr<UploadCounts> UploadFile(const Connect& connect,
                                        const PrepareCall& prepare,
                                        const std::string& path,
                                        const FileUploadOptions& options,
                                        const OnAnswer& on_answer,
                                        const OnBatch& on_batch) {
  absl::StatusOr<int64_t> total = CountReports(path, options.what);
  if (!total.ok()) return total.status();
  auto file = ReportFile::Open(path, options.what);
  if (!file.ok()) return file.status();
  const size_t batch_size = std::max<size_t>(options.batch, 1);
  UploadCounts sum;
  int64_t first = 0;  // the batch's first report, counted from the file's
  std::vector<v1::VisitReport> batch;
  std::vector<v1::ReportOutcome> outcomes;
  while (true) {
    batch.clear();
    while (batch.size() < batch_size) {
      auto report = (*file)->Next();
      if (!report.ok()) return report.status();  // changed since counted
      if (!report->has_value()) break;
      batch.push_back(std::move(**report));
    }
    if (batch.empty()) break;
    outcomes.assign(batch.size(), v1::ReportOutcome());
    UploadCounts live = sum;  // for the progress line within the batch
    int64_t answered = first;
    auto counts = UploadWithResend(
        connect, prepare, batch, options.upload,
        [&](size_t i, const v1::ReportOutcome& o) {
          outcomes[i] = o;
          on_answer(first + static_cast<int64_t>(i), o);
          ++answered;
          if (Decides(o)) {
            (o.outcome() == v1::OUTCOME_REJECTED ? live.rejected
                                                 : live.accepted)++;
          } else {
            ++live.given_up;
          }
          if (options.progress != nullptr && options.in_place &&
              (answered % 100 == 0 || answered == *total)) {
            *options.progress << "\r" << ProgressText(answered, *total, live)
                              << std::flush;
          }
        });
    if (!counts.ok()) {
      if (options.progress != nullptr && options.in_place) {
        *options.progress << "\n";
      }
      return counts.status();
    }
    Add(sum, *counts);
    first += static_cast<int64_t>(batch.size());
    on_batch(outcomes);
    if (options.progress != nullptr) {
      *options.progress << (options.in_place ? "\r" : "")
                        << ProgressText(first, *total, sum)
                        << (options.in_place && first < *total ? "" : "\n")
                        << std::flush;
    }
  }
  return sum;
}

}  // namespace lov::upload
