#include "lov/followup/domain/deviations.h"

#include "absl/strings/str_cat.h"
#include "lov/followup/domain/calendar.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

absl::StatusOr<v1::Deviation> ReportDeviation(
    const v1::ReportDeviationRequest& request, const std::string& deviation_id,
    absl::CivilDay today) {
  if (request.provider_id().empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  if (absl::Status s = RefusePersonnummer("client_id", request.client_id());
      !s.ok()) {
    return s;
  }
  if (request.kind() == v1::DEVIATION_KIND_UNSPECIFIED ||
      !v1::DeviationKind_IsValid(request.kind())) {
    return absl::InvalidArgumentError(
        "kind: is required (DEVIATION or LEX_SARAH)");
  }
  if (!v1::Severity_IsValid(request.severity())) {
    return absl::InvalidArgumentError("severity: is not a known severity");
  }
  if (request.kind() == v1::DEVIATION_KIND_LEX_SARAH &&
      request.severity() == v1::SEVERITY_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "severity: is required for a lex Sarah report (MINOR, SERIOUS_RISK "
        "or SERIOUS)");
  }
  absl::StatusOr<absl::CivilDay> reported =
      PastDateField("reported_date", request.reported_date(), today);
  if (!reported.ok()) return reported.status();
  if (request.occurred_date().empty()) {
    return absl::InvalidArgumentError(
        "occurred_date: is required (YYYY-MM-DD)");
  }
  absl::StatusOr<absl::CivilDay> occurred =
      DateField("occurred_date", request.occurred_date(), std::nullopt);
  if (!occurred.ok()) return occurred.status();
  if (*occurred > *reported) {
    return absl::InvalidArgumentError(
        absl::StrCat("occurred_date: ", FormatDate(*occurred),
                     " is after reported_date (", FormatDate(*reported), ")"));
  }
  v1::Deviation d;
  d.set_deviation_id(deviation_id);
  d.set_provider_id(request.provider_id());
  d.set_client_id(request.client_id());
  d.set_kind(request.kind());
  d.set_severity(request.severity() == v1::SEVERITY_UNSPECIFIED
                     ? v1::SEVERITY_MINOR
                     : request.severity());
  d.set_occurred_date(FormatDate(*occurred));
  d.set_reported_date(FormatDate(*reported));
  if (MustReportToIvo(d)) {
    d.set_ivo_due_date(FormatDate(*reported + kIvoReportDays));
  }
  d.set_version(1);
  return d;
}

absl::StatusOr<v1::Deviation> ReportToIvo(v1::Deviation deviation,
                                          const v1::ReportToIvoRequest& request,
                                          absl::CivilDay today) {
  if (!MustReportToIvo(deviation)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "deviation_id: ", deviation.deviation_id(),
        " is not a lex Sarah report of a serious wrong or risk; only those "
        "are reported to IVO"));
  }
  if (!deviation.ivo_reported_date().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "deviation_id: ", deviation.deviation_id(),
        " was already reported to IVO on ", deviation.ivo_reported_date()));
  }
  absl::StatusOr<absl::CivilDay> date =
      PastDateField("reported_date", request.reported_date(), today);
  if (!date.ok()) return date.status();
  if (FormatDate(*date) < deviation.reported_date()) {
    return absl::InvalidArgumentError(
        absl::StrCat("reported_date: ", FormatDate(*date),
                     " is before the deviation was reported (",
                     deviation.reported_date(), ")"));
  }
  deviation.set_ivo_reported_date(FormatDate(*date));
  deviation.set_version(deviation.version() + 1);
  return deviation;
}

}  // namespace lov::followup
