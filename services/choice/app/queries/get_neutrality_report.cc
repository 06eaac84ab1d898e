// The allocation-neutrality audit of a period, zone and category: who came
// first in the fresh neutral lists, and who got the non-choice
// allocations, each against what the rule gives, with a chi-square test.
#include "absl/strings/str_cat.h"
#include "lov/choice/app/neutrality_reports.h"
#include "lov/choice/app/use_case_support.h"
#include "lov/choice/domain/neutrality.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

absl::StatusOr<absl::CivilDay> RequiredDate(const std::string& field,
                                            const std::string& text) {
  if (text.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": required (YYYY-MM-DD)"));
  }
  return DateOr(field, text, absl::CivilDay());
}

v1::NeutralityVerdict VerdictOf(NeutralityVerdict v) {
  switch (v) {
    case NeutralityVerdict::kConsistent:
      return v1::NEUTRALITY_VERDICT_CONSISTENT;
    case NeutralityVerdict::kDeviates:
      return v1::NEUTRALITY_VERDICT_DEVIATES;
    case NeutralityVerdict::kTooFew:
      return v1::NEUTRALITY_VERDICT_TOO_FEW;
  }
  return v1::NEUTRALITY_VERDICT_UNSPECIFIED;
}

void Describe(const NeutralityResult& r,
              google::protobuf::RepeatedPtrField<v1::NeutralityCount>* counts,
              v1::NeutralityTest* test) {
  for (const auto& [provider_id, cell] : r.cells) {
    v1::NeutralityCount* c = counts->Add();
    c->set_provider_id(provider_id);
    c->set_observed(cell.observed);
    c->set_expected(cell.expected);
  }
  test->set_chi_square(r.chi_square);
  test->set_degrees_of_freedom(r.degrees_of_freedom);
  test->set_p_value(r.p_value);
  test->set_verdict(VerdictOf(r.verdict));
  test->set_min_expected(r.min_expected);
  test->set_trials(r.trials);
}

}  // namespace

absl::StatusOr<v1::GetNeutralityReportResponse>
NeutralityReports::GetNeutralityReport(
    const v1::GetNeutralityReportRequest& request) {
  absl::StatusOr<absl::CivilDay> from =
      RequiredDate("from_date", request.from_date());
  if (!from.ok()) return from.status();
  absl::StatusOr<absl::CivilDay> to =
      RequiredDate("to_date", request.to_date());
  if (!to.ok()) return to.status();
  if (*to < *from) {
    return absl::InvalidArgumentError(
        "to_date: before from_date (the period is from_date to to_date, "
        "both included)");
  }
  if (*to - *from >= kMaxNeutralityReportDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("to_date: the period is at most ",
                     kMaxNeutralityReportDays, " days; ask for it in parts"));
  }
  if (request.zone_id().empty()) {
    return absl::InvalidArgumentError("zone_id: required");
  }
  if (request.category_id().empty()) {
    return absl::InvalidArgumentError("category_id: required");
  }
  if (!(request.alpha() >= 0 && request.alpha() <= 0.5)) {
    return absl::InvalidArgumentError(
        "alpha: must be between 0 and 0.5 (0 = 0.01)");
  }
  const double alpha =
      request.alpha() > 0 ? request.alpha() : kDefaultNeutralityAlpha;
  v1::GetNeutralityReportResponse out;
  out.set_from_date(FormatDate(*from));
  out.set_to_date(FormatDate(*to));
  out.set_zone_id(request.zone_id());
  out.set_category_id(request.category_id());
  out.set_alpha(alpha);
  for (NeutralityKind kind :
       {NeutralityKind::kListShown, NeutralityKind::kAllocation}) {
    absl::StatusOr<std::vector<NeutralityTrial>> trials = store_->Trials(
        kind, request.zone_id(), request.category_id(), *from, *to);
    if (!trials.ok()) return trials.status();
    const NeutralityResult r = TestNeutrality(*trials, alpha);
    if (kind == NeutralityKind::kListShown) {
      Describe(r, out.mutable_shown_first(), out.mutable_shown_first_test());
    } else {
      Describe(r, out.mutable_allocated(), out.mutable_allocation_test());
    }
  }
  return out;
}

}  // namespace lov::choice
