// `lovctl visit upload FILE`: a file of any size streamed to the visits
// service batch by batch (UploadWithResend for each), holding only one
// batch of reports in memory, with a progress line and the counts.
#ifndef LOV_TOOLS_VISIT_UPLOAD_FILE_UPLOAD_H_
#define LOV_TOOLS_VISIT_UPLOAD_FILE_UPLOAD_H_

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "visit_uploader.h"

namespace lov::upload {

struct FileUploadOptions {
  UploadOptions upload;
  // Reports read, held and sent at a time.
  size_t batch = 1000;
  // Where the progress line goes; none: no progress line. `in_place` (a
  // terminal): the line is redrawn as answers come; otherwise a line per
  // batch.
  std::ostream* progress = nullptr;
  bool in_place = false;
  // Names the file in errors (e.g. "--file").
  std::string what = "file";
};

// Each report's final answer as it comes; `index` counts reports from the
// file's first (0-based).
using OnAnswer =
    std::function<void(int64_t index, const v1::ReportOutcome& outcome)>;
// A batch's final answers, in file order, once the batch is done.
using OnBatch = std::function<void(const std::vector<v1::ReportOutcome>&)>;

// Checks every line of `path` first (nothing is sent from a file with a
// broken line), then uploads it. The counts over all batches, or the first
// error: the file's, or a stream the service refused for good (reports of
// earlier batches are then decided and answered).
absl::StatusOr<UploadCounts> UploadFile(const Connect& connect,
                                        const PrepareCall& prepare,
                                        const std::string& path,
                                        const FileUploadOptions& options,
                                        const OnAnswer& on_answer,
                                        const OnBatch& on_batch);

}  // namespace lov::upload

#endif  // LOV_TOOLS_VISIT_UPLOAD_FILE_UPLOAD_H_
