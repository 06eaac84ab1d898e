#include "report_file.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"

namespace lov::upload {

absl::StatusOr<std::unique_ptr<ReportFile>> ReportFile::Open(
    const std::string& path, const std::string& what) {
  std::unique_ptr<ReportFile> file(new ReportFile(path, what));
  file->in_.open(path);
  if (!file->in_) {
    return absl::NotFoundError(absl::StrCat(what, ": cannot read ", path));
  }
  return file;
}

absl::StatusOr<std::optional<visits::v1::VisitReport>> ReportFile::Next() {
  std::string text;
  while (std::getline(in_, text)) {
    ++line_;
    if (text.empty()) continue;
    visits::v1::VisitReport report;
    auto parsed = google::protobuf::util::JsonStringToMessage(text, &report);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path_, " line ", line_, ": not a lov.visits.v1.VisitReport in JSON: ",
          std::string(parsed.message())));
    }
    return report;
  }
  if (in_.bad()) {
    return absl::DataLossError(
        absl::StrCat(what_, ": reading ", path_, " failed after line ", line_));
  }
  return std::nullopt;
}

absl::StatusOr<int64_t> CountReports(const std::string& path,
                                     const std::string& what) {
  auto file = ReportFile::Open(path, what);
  if (!file.ok()) return file.status();
  int64_t count = 0;
  while (true) {
    auto report = (*file)->Next();
    if (!report.ok()) return report.status();
    if (!report->has_value()) return count;
    ++count;
  }
}

}  // namespace lov::upload
