#include "lov/choice/domain/rechoice_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

absl::Status Invalid(const std::string& field, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("policy.", field, ": ", why));
}

absl::CivilDay FirstOfMonth(absl::CivilMonth month) {
  return absl::CivilDay(month.year(), month.month(), 1);
}

}  // namespace

v1::ChoicePolicy DefaultPolicy() {
  v1::ChoicePolicy p;
  p.set_allocation_policy(v1::ALLOCATION_POLICY_IN_HOUSE);
  p.set_rechoice_timing(v1::RECHOICE_TIMING_NOTICE_DAYS);
  p.set_rechoice_notice_days(14);
  p.set_one_provider_for_all_categories(true);
  p.set_rechoice_deadline_lead_days(14);
  return p;
}

absl::Status ValidatePolicy(const v1::ChoicePolicy& p) {
  switch (p.allocation_policy()) {
    case v1::ALLOCATION_POLICY_IN_HOUSE:
    case v1::ALLOCATION_POLICY_ROTATION:
      break;
    case v1::ALLOCATION_POLICY_PROXIMITY:
      if (p.designated_providers().empty()) {
        return Invalid("designated_providers",
                       "PROXIMITY needs a designated provider per zone");
      }
      break;
    default:
      return Invalid("allocation_policy",
                     "must be IN_HOUSE, ROTATION or PROXIMITY");
  }
  for (const auto& d : p.designated_providers()) {
    if (d.zone_id().empty() || d.provider_id().empty()) {
      return Invalid("designated_providers",
                     "each needs a zone_id and a provider_id");
    }
  }
  switch (p.rechoice_timing()) {
    case v1::RECHOICE_TIMING_NOTICE_DAYS:
      if (p.rechoice_notice_days() < 5 || p.rechoice_notice_days() > 31) {
        return Invalid("rechoice_notice_days",
                       "the notice period for a re-choice is 5 to 31 days");
      }
      break;
    case v1::RECHOICE_TIMING_ONE_MONTH:
      break;
    case v1::RECHOICE_TIMING_CUTOFF:
      if (p.rechoice_cutoff_day() < 1 || p.rechoice_cutoff_day() > 28) {
        return Invalid("rechoice_cutoff_day",
                       "the cut-off is a day of the month, 1 to 28");
      }
      break;
    default:
      return Invalid("rechoice_timing",
                     "must be NOTICE_DAYS, ONE_MONTH or CUTOFF");
  }
  if (p.max_rechoices_per_12_months() < 0) {
    return Invalid("max_rechoices_per_12_months", "0 (no cap) or more");
  }
  if (p.rechoice_deadline_lead_days() < 1 ||
      p.rechoice_deadline_lead_days() > 90) {
    return Invalid("rechoice_deadline_lead_days", "1 to 90 days");
  }
  return absl::OkStatus();
}

absl::CivilDay RechoiceEffectiveDate(const v1::ChoicePolicy& policy,
                                     absl::CivilDay reported_on) {
  switch (policy.rechoice_timing()) {
    case v1::RECHOICE_TIMING_ONE_MONTH: {
      const absl::CivilMonth next = absl::CivilMonth(reported_on) + 1;
      const int day = std::min<int>(reported_on.day(), DaysInMonth(next));
      return absl::CivilDay(next.year(), next.month(), day);
    }
    case v1::RECHOICE_TIMING_CUTOFF: {
      const absl::CivilMonth month(reported_on);
      return reported_on.day() <= policy.rechoice_cutoff_day()
                 ? FirstOfMonth(month + 1)
                 : FirstOfMonth(month + 2);
    }
    case v1::RECHOICE_TIMING_NOTICE_DAYS:
    default:
      return reported_on + policy.rechoice_notice_days();
  }
}

absl::CivilDay ReportedOn(absl::Time reported_at) {
  return StockholmDate(reported_at);
}

absl::Status CheckRechoiceCap(const std::vector<std::string>& reported_on,
                              absl::CivilDay today, int max) {
  if (max <= 0) return absl::OkStatus();
  // The 12 months up to today: from the same day a year ago, exclusive.
  const absl::CivilDay a_year_ago(today.year() - 1, today.month(), today.day());
  int count = 0;
  for (const auto& text : reported_on) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(text);
    if (day.ok() && *day > a_year_ago && *day <= today) ++count;
  }
  if (count >= max) {
    return absl::FailedPreconditionError(
        absl::StrCat("re-choice cap: the municipality allows at most ", max,
                     " re-choices in 12 months and the client has made ", count,
                     " since ", FormatDate(a_year_ago + 1)));
  }
  return absl::OkStatus();
}

absl::CivilDay RechoiceDeadline(absl::CivilDay leaving_date, int lead_days,
                                absl::CivilDay today) {
  absl::CivilDay deadline = leaving_date - lead_days;
  if (deadline < today) deadline = today;
  if (deadline >= leaving_date) deadline = leaving_date - 1;
  return deadline;
}

}  // namespace lov::choice
