#ifndef LOV_TOOLS_LOVCTL_FOLLOWUP_TEXT_H_
#define LOV_TOOLS_LOVCTL_FOLLOWUP_TEXT_H_

// The follow-up commands' words for the service's enums, both ways, and a
// finding as it is typed: "SUMMARY" or "SUMMARY;action-plan-due=YYYY-MM-DD".

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lov/followup/v1/followup.pb.h"
#include "lov/platform/stockholm_time.h"

namespace lov::cli {

inline absl::StatusOr<followup::v1::ComplaintStatus> ParseComplaintStatus(
    const std::string& word) {
  if (word == "investigating")
    return followup::v1::COMPLAINT_STATUS_INVESTIGATING;
  if (word == "answered") return followup::v1::COMPLAINT_STATUS_ANSWERED;
  if (word == "closed") return followup::v1::COMPLAINT_STATUS_CLOSED;
  return absl::InvalidArgumentError(absl::StrCat(
      "--status: '", word, "' is not investigating, answered or closed"));
}

inline std::string ComplaintStatusText(followup::v1::ComplaintStatus s) {
  switch (s) {
    case followup::v1::COMPLAINT_STATUS_RECEIVED:
      return "received";
    case followup::v1::COMPLAINT_STATUS_INVESTIGATING:
      return "investigating";
    case followup::v1::COMPLAINT_STATUS_ANSWERED:
      return "answered";
    case followup::v1::COMPLAINT_STATUS_CLOSED:
      return "closed";
    default:
      return "-";
  }
}

inline absl::StatusOr<followup::v1::DeviationKind> ParseDeviationKind(
    const std::string& word) {
  if (word == "deviation") return followup::v1::DEVIATION_KIND_DEVIATION;
  if (word == "lex-sarah") return followup::v1::DEVIATION_KIND_LEX_SARAH;
  return absl::InvalidArgumentError(
      absl::StrCat("--kind: '", word, "' is not deviation or lex-sarah"));
}

inline std::string DeviationKindText(followup::v1::DeviationKind k) {
  switch (k) {
    case followup::v1::DEVIATION_KIND_DEVIATION:
      return "deviation";
    case followup::v1::DEVIATION_KIND_LEX_SARAH:
      return "lex-sarah";
    default:
      return "-";
  }
}

inline absl::StatusOr<followup::v1::Severity> ParseSeverity(
    const std::string& word) {
  if (word == "minor") return followup::v1::SEVERITY_MINOR;
  if (word == "serious-risk") return followup::v1::SEVERITY_SERIOUS_RISK;
  if (word == "serious") return followup::v1::SEVERITY_SERIOUS;
  return absl::InvalidArgumentError(absl::StrCat(
      "--severity: '", word, "' is not minor, serious-risk or serious"));
}

inline std::string SeverityText(followup::v1::Severity s) {
  switch (s) {
    case followup::v1::SEVERITY_MINOR:
      return "minor";
    case followup::v1::SEVERITY_SERIOUS_RISK:
      return "serious-risk";
    case followup::v1::SEVERITY_SERIOUS:
      return "serious";
    default:
      return "-";
  }
}

// A finding as typed; `where` names it in errors ("--finding 2",
// "findings.txt line 4").
inline absl::StatusOr<followup::v1::FindingInput> ParseFinding(
    const std::string& text, const std::string& where) {
  static constexpr char kDue[] = ";action-plan-due=";
  followup::v1::FindingInput finding;
  std::string summary = text;
  if (const size_t at = text.rfind(kDue); at != std::string::npos) {
    summary = text.substr(0, at);
    const std::string due = text.substr(at + sizeof(kDue) - 1);
    if (!ParseDate(due).ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": action-plan-due '", due, "' is not a date YYYY-MM-DD"));
    }
    finding.set_requires_action_plan(true);
    finding.set_action_plan_due_date(due);
  }
  summary = std::string(absl::StripAsciiWhitespace(summary));
  if (summary.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where,
        ": the summary is empty (\"SUMMARY[;action-plan-due=YYYY-MM-DD]\")"));
  }
  finding.set_summary(summary);
  return finding;
}

}  // namespace lov::cli

#endif  // LOV_TOOLS_LOVCTL_FOLLOWUP_TEXT_H_
