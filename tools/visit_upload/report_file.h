// A file of visit reports, one lov.visits.v1.VisitReport in JSON per line
// (blank lines skipped), read report by report: an upload of any size holds
// only the reports it is sending (file_upload.h).
#ifndef LOV_TOOLS_VISIT_UPLOAD_REPORT_FILE_H_
#define LOV_TOOLS_VISIT_UPLOAD_REPORT_FILE_H_

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "lov/visits/v1/visits.pb.h"

namespace lov::upload {

class ReportFile {
 public:
  // `what` names the file in errors (e.g. "--file").
  static absl::StatusOr<std::unique_ptr<ReportFile>> Open(
      const std::string& path, const std::string& what);

  // The next report; nullopt at the end of the file. A line that is no
  // VisitReport is an error naming the file and the line.
  absl::StatusOr<std::optional<visits::v1::VisitReport>> Next();

  // The line last read (1-based).
  int64_t line() const { return line_; }

 private:
  ReportFile(std::string path, std::string what)
      : path_(std::move(path)), what_(std::move(what)) {}
  std::string path_;
  std::string what_;
  std::ifstream in_;
  int64_t line_ = 0;
};

// Reads the whole file once, keeping nothing: the number of reports, or the
// first line that is not one (so nothing is sent from a broken file).
absl::StatusOr<int64_t> CountReports(const std::string& path,
                                     const std::string& what);

}  // namespace lov::upload

#endif  // LOV_TOOLS_VISIT_UPLOAD_REPORT_FILE_H_
