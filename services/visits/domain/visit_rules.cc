#include "lov/visits/domain/visit_rules.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/period.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/requests.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/swedish_holidays.h"

namespace lov::visits {
namespace {

Verdict Reject(Verdict v, v1::ReasonCode reason, std::string detail) {
  v.accepted = false;
  v.reason = reason;
  v.detail = std::move(detail);
  v.exceptions.clear();
  return v;
}

v1::VisitException Exception(v1::ExceptionCode code, std::string detail) {
  v1::VisitException e;
  e.set_code(ExceptionName(code));
  e.set_detail(std::move(detail));
  return e;
}

std::optional<absl::CivilDay> Day(const std::string& text) {
  if (text.empty()) return std::nullopt;
  absl::StatusOr<absl::CivilDay> d = ParseDate(text);
  if (!d.ok()) return std::nullopt;
  return *d;
}

bool CoversDay(const std::string& from, const std::string& to,
               absl::CivilDay day) {
  std::optional<absl::CivilDay> f = Day(from);
  if (!f || day < *f) return false;
  std::optional<absl::CivilDay> t = Day(to);
  return !t || day <= *t;
}

std::string Hhmm(absl::CivilSecond s) {
  return absl::StrFormat("%02d:%02d", s.hour(), s.minute());
}

}  // namespace

std::string VisitIdOf(const std::string& provider_id,
                      const std::string& report_id) {
  return absl::StrCat(provider_id, "/", report_id);
}

v1::Visit ToVisit(const v1::VisitReport& r) {
  v1::Visit v;
  v.set_visit_id(VisitIdOf(r.provider_id(), r.report_id()));
  v.set_report_id(r.report_id());
  v.set_provider_id(r.provider_id());
  v.set_client_id(r.client_id());
  v.set_category_id(r.category_id());
  v.set_staff_id(r.staff_id());
  if (r.has_start()) *v.mutable_start() = r.start();
  if (r.has_end()) *v.mutable_end() = r.end();
  v.set_double_staffing(r.double_staffing());
  v.set_second_staff_id(r.second_staff_id());
  v.set_evidence(r.evidence());
  *v.mutable_activities() = r.activities();
  v.set_status(r.status() == v1::VISIT_STATUS_UNSPECIFIED
                   ? v1::VISIT_STATUS_PERFORMED
                   : r.status());
  v.set_status_reason(r.status_reason());
  v.set_travel_metres(r.travel_metres());
  return v;
}

absl::Status CheckWellFormed(const v1::VisitReport& r) {
  auto missing = [](const char* field, const char* why = "is required") {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
  };
  if (r.report_id().empty()) return missing("report_id");
  if (r.report_id().find('/') != std::string::npos ||
      r.report_id().size() > 128) {
    return missing("report_id", "must be at most 128 characters without '/'");
  }
  if (r.provider_id().empty()) return missing("provider_id");
  if (r.client_id().empty()) return missing("client_id");
  if (r.category_id().empty()) return missing("category_id");
  if (r.staff_id().empty()) return missing("staff_id");
  if (!r.has_start()) return missing("start");
  if (!r.has_end()) return missing("end");
  if (r.start().nanos() < 0 || r.start().nanos() > 999999999 ||
      r.end().nanos() < 0 || r.end().nanos() > 999999999) {
    return missing("start/end", "nanos out of range");
  }
  if (r.double_staffing()) {
    if (r.second_staff_id().empty()) {
      return missing("second_staff_id", "is required with double_staffing");
    }
    if (r.second_staff_id() == r.staff_id()) {
      return missing("second_staff_id", "must differ from staff_id");
    }
  } else if (!r.second_staff_id().empty()) {
    return missing("second_staff_id", "is only allowed with double_staffing");
  }
  if (r.status() != v1::VISIT_STATUS_UNSPECIFIED &&
      r.status() != v1::VISIT_STATUS_PERFORMED && r.status_reason().empty()) {
    return missing("status_reason",
                   "is required for a visit that did not happen");
  }
  if (!v1::VisitStatus_IsValid(r.status())) return missing("status", "unknown");
  if (!v1::Evidence_IsValid(r.evidence()))
    return missing("evidence", "unknown");
  if (r.travel_metres() > kMaxTravelMetres) {
    return absl::InvalidArgumentError(absl::StrCat(
        "travel_metres: ", r.travel_metres(), " is above the maximum ",
        kMaxTravelMetres, " metres (500 km)"));
  }
  return absl::OkStatus();
}

absl::Status CheckNoPersonnummer(const v1::VisitReport& r) {
  return RefusePersonnummerIn(r, {"report_id", "client_id", "staff_id",
                                  "second_staff_id", "status_reason"});
}

const choice::v1::Assignment* FindAssignment(
    const std::vector<choice::v1::Assignment>& assignments,
    const std::string& provider_id, const std::string& category_id,
    absl::Time at) {
  const absl::CivilDay day = StockholmDate(at);
  for (const auto& a : assignments) {
    if (a.provider_id() != provider_id) continue;
    if (std::find(a.category_ids().begin(), a.category_ids().end(),
                  category_id) == a.category_ids().end()) {
      continue;
    }
    if (CoversDay(a.valid_from(), a.valid_to(), day)) return &a;
  }
  return nullptr;
}

bool InsideHours(const registry::v1::ServiceCategory& category,
                 absl::Time start, absl::Time end) {
  if (category.hours().empty()) return true;
  const absl::CivilSecond s = ToStockholm(start);
  const absl::CivilSecond e = ToStockholm(end);
  const absl::CivilDay day(s);
  int end_minute;
  if (absl::CivilDay(e) == day) {
    end_minute = e.hour() * 60 + e.minute() + (e.second() > 0 ? 1 : 0);
  } else if (absl::CivilDay(e) == day + 1 && e.hour() == 0 && e.minute() == 0 &&
             e.second() == 0) {
    end_minute = 24 * 60;
  } else {
    return false;
  }
  const int start_minute = s.hour() * 60 + s.minute();
  int weekday;  // ISO: Monday 1 .. Sunday 7
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      weekday = 1;
      break;
    case absl::Weekday::tuesday:
      weekday = 2;
      break;
    case absl::Weekday::wednesday:
      weekday = 3;
      break;
    case absl::Weekday::thursday:
      weekday = 4;
      break;
    case absl::Weekday::friday:
      weekday = 5;
      break;
    case absl::Weekday::saturday:
      weekday = 6;
      break;
    default:
      weekday = 7;
      break;
  }
  if (category.public_holidays_as_sunday() && IsPublicHoliday(day)) {
    weekday = 7;
  }
  for (const auto& h : category.hours()) {
    if (!h.weekdays().empty() &&
        std::find(h.weekdays().begin(), h.weekdays().end(), weekday) ==
            h.weekdays().end()) {
      continue;
    }
    if (h.start_minute() <= start_minute && end_minute <= h.end_minute()) {
      return true;
    }
  }
  return false;
}

int64_t GrantedMinutes(const std::vector<choice::v1::Decision>& decisions,
                       const std::string& category_id, absl::CivilMonth month) {
  const absl::CivilDay first(month);
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  const int64_t days_in_month = last - first + 1;
  int64_t total = 0;
  for (const auto& d : decisions) {
    std::optional<absl::CivilDay> from = Day(d.valid_from());
    if (!from) continue;
    std::optional<absl::CivilDay> to = Day(d.valid_to());
    const absl::CivilDay a = std::max(*from, first);
    const absl::CivilDay b = to ? std::min(*to, last) : last;
    if (b < a) continue;
    const int64_t days = b - a + 1;
    for (const auto& c : d.categories()) {
      if (c.category_id() != category_id) continue;
      total +=
          static_cast<int64_t>(c.minutes_per_month()) * days / days_in_month;
    }
  }
  return total;
}

std::string PeriodOf(absl::Time t) {
  const absl::CivilSecond s = ToStockholm(t);
  return absl::StrFormat("%04d-%02d", s.year(), s.month());
}

bool IsPeriod(const std::string& text) { return ParsePeriod(text).ok(); }

absl::CivilMonth MonthOf(const std::string& period) {
  absl::StatusOr<absl::CivilMonth> month = ParsePeriod(period);
  return month.ok() ? *month : absl::CivilMonth(1970, 1);
}

std::string OpenPeriodFrom(const std::string& period,
                           const std::set<std::string>& locked) {
  absl::CivilMonth m = MonthOf(period);
  while (true) {
    std::string p = absl::StrFormat("%04d-%02d", m.year(), m.month());
    if (!locked.contains(p)) return p;
    ++m;
  }
}

int64_t ClientMinutes(const v1::Visit& v) {
  if (v.status() != v1::VISIT_STATUS_PERFORMED) return 0;
  const absl::Duration d = FromProtoTime(v.end()) - FromProtoTime(v.start());
  return std::max<int64_t>(0, absl::ToInt64Minutes(d));
}

int64_t StaffMinutes(const v1::Visit& v) {
  return ClientMinutes(v) * (v.double_staffing() ? 2 : 1);
}

std::vector<IndexSlot> IndexSlotsOf(const v1::Visit& v) {
  std::vector<IndexSlot> slots;
  if (v.status() != v1::VISIT_STATUS_PERFORMED) return slots;
  slots.push_back(
      {v1::REASON_CODE_STAFF_DOUBLE_BOOKED, "staff:" + v.staff_id()});
  if (v.double_staffing()) {
    slots.push_back(
        {v1::REASON_CODE_STAFF_DOUBLE_BOOKED, "staff:" + v.second_staff_id()});
  }
  slots.push_back(
      {v1::REASON_CODE_OVERLAPPING_VISIT,
       absl::StrCat("client:", v.client_id(), "|", v.provider_id())});
  return slots;
}

bool Overlaps(absl::Time a_start, absl::Time a_end, absl::Time b_start,
              absl::Time b_end) {
  return a_start < b_end && b_start < a_end;
}

Verdict OverlapVerdict(const Verdict& verified, const IndexSlot& slot,
                       const std::string& other_visit_id) {
  if (slot.guards == v1::REASON_CODE_STAFF_DOUBLE_BOOKED) {
    return Reject(verified, slot.guards,
                  absl::StrCat("staff ", slot.name.substr(6), " is in visit ",
                               other_visit_id, " at the same time"));
  }
  return Reject(verified, slot.guards,
                absl::StrCat("overlaps visit ", other_visit_id,
                             " of the same provider to the same client"));
}

Verdict DuplicateVerdict(const v1::VisitReport& report,
                         const std::string& first_visit_id) {
  Verdict v;
  v.visit = ToVisit(report);
  return Reject(std::move(v), v1::REASON_CODE_DUPLICATE_REPORT,
                absl::StrCat("report_id '", report.report_id(),
                             "' was already reported with other content as ",
                             first_visit_id));
}

Verdict Verify(const v1::VisitReport& report, const VerificationContext& ctx,
               const Limits& limits, absl::Time now) {
  Verdict v;
  v.visit = ToVisit(report);
  if (absl::Status s = CheckWellFormed(report); !s.ok()) {
    return Reject(std::move(v), v1::REASON_CODE_MALFORMED,
                  std::string(s.message()));
  }
  const absl::Time start = FromProtoTime(report.start());
  const absl::Time end = FromProtoTime(report.end());
  if (end <= start) {
    return Reject(
        std::move(v), v1::REASON_CODE_END_BEFORE_START,
        absl::StrCat("end ", FormatRfc3339Utc(end), " is not after start ",
                     FormatRfc3339Utc(start)));
  }
  if (end > now + limits.clock_skew) {
    return Reject(std::move(v), v1::REASON_CODE_IN_FUTURE,
                  absl::StrCat("end ", FormatRfc3339Utc(end),
                               " is later than now ", FormatRfc3339Utc(now)));
  }
  if (end - start > limits.max_length) {
    return Reject(
        std::move(v), v1::REASON_CODE_TOO_LONG,
        absl::StrCat("the visit lasts ", absl::ToInt64Minutes(end - start),
                     " minutes; the maximum is ",
                     absl::ToInt64Minutes(limits.max_length)));
  }
  if (ctx.assignments.empty() && ctx.decisions.empty()) {
    return Reject(std::move(v), v1::REASON_CODE_UNKNOWN_CLIENT,
                  absl::StrCat("no assignment or decision is known for client ",
                               report.client_id()));
  }
  const choice::v1::Assignment* a = FindAssignment(
      ctx.assignments, report.provider_id(), report.category_id(), start);
  if (a == nullptr) {
    return Reject(std::move(v), v1::REASON_CODE_NOT_ASSIGNED,
                  absl::StrCat("provider ", report.provider_id(),
                               " was not assigned to the client for ",
                               report.category_id(), " on ",
                               FormatDate(StockholmDate(start))));
  }
  v.accepted = true;
  v.visit.set_assignment_id(a->assignment_id());
  v.visit.set_zone_id(a->zone_id());
  v.visit.set_version(1);
  const std::string own_period = PeriodOf(start);
  v.visit.set_period(OpenPeriodFrom(own_period, ctx.locked_periods));
  if (v.visit.period() != own_period) v.adjusts_period = own_period;

  if (ctx.municipality) {
    for (const auto& c : ctx.municipality->categories()) {
      if (c.category_id() != report.category_id()) continue;
      if (!InsideHours(c, start, end)) {
        v.exceptions.push_back(Exception(
            v1::EXCEPTION_CODE_OUTSIDE_HOURS,
            absl::StrCat(Hhmm(ToStockholm(start)), "-", Hhmm(ToStockholm(end)),
                         " Stockholm time is outside the hours of "
                         "responsibility of ",
                         c.category_id())));
      }
    }
  }
  if (v.visit.status() == v1::VISIT_STATUS_PERFORMED) {
    const int64_t granted =
        GrantedMinutes(ctx.decisions, report.category_id(),
                       absl::CivilMonth(ToStockholm(start)));
    const int64_t performed =
        ctx.performed_minutes_in_month + ClientMinutes(v.visit);
    if (performed > granted * limits.far_over_granted_factor) {
      v.exceptions.push_back(Exception(
          v1::EXCEPTION_CODE_FAR_OVER_GRANTED,
          absl::StrCat(performed, " minutes performed in ", own_period,
                       " against ", granted, " granted (limit factor ",
                       limits.far_over_granted_factor, ")")));
    }
  }
  if (report.evidence() == v1::EVIDENCE_MANUAL) {
    v.exceptions.push_back(
        Exception(v1::EXCEPTION_CODE_MANUAL_EVIDENCE,
                  "confirmed by hand, not by an NFC tag or the app"));
  }
  return v;
}

v1::ReportOutcome OutcomeOf(const v1::VisitEvent& event) {
  v1::ReportOutcome o;
  if (event.has_visit_accepted()) {
    const auto& a = event.visit_accepted();
    o.set_visit_id(a.visit().visit_id());
    o.set_report_id(a.visit().report_id());
    o.set_outcome(a.exceptions().empty()
                      ? v1::OUTCOME_ACCEPTED
                      : v1::OUTCOME_ACCEPTED_WITH_EXCEPTIONS);
    *o.mutable_exceptions() = a.exceptions();
    o.set_period(a.visit().period());
  } else if (event.has_visit_rejected()) {
    const auto& r = event.visit_rejected();
    o.set_visit_id(r.report().visit_id().empty() ? event.aggregate_id()
                                                 : r.report().visit_id());
    o.set_report_id(r.report_id());
    o.set_outcome(v1::OUTCOME_REJECTED);
    o.set_reason_code(ReasonFromName(r.reason_code()));
    o.set_detail(r.detail());
    o.set_period(r.period());
  }
  return o;
}

std::string ReasonName(v1::ReasonCode code) {
  const std::string& full = v1::ReasonCode_Name(code);
  constexpr size_t kPrefix = sizeof("REASON_CODE_") - 1;
  return full.size() > kPrefix ? full.substr(kPrefix) : full;
}

v1::ReasonCode ReasonFromName(const std::string& name) {
  v1::ReasonCode code;
  if (v1::ReasonCode_Parse("REASON_CODE_" + name, &code)) return code;
  return v1::REASON_CODE_UNSPECIFIED;
}

std::string ExceptionName(v1::ExceptionCode code) {
  const std::string& full = v1::ExceptionCode_Name(code);
  constexpr size_t kPrefix = sizeof("EXCEPTION_CODE_") - 1;
  return full.size() > kPrefix ? full.substr(kPrefix) : full;
}

v1::PerformedVsGranted CompareToGranted(const std::string& client_id,
                                        const std::string& category_id,
                                        const std::string& period,
                                        int64_t granted, int64_t performed,
                                        int64_t staff, int64_t visits) {
  v1::PerformedVsGranted row;
  row.set_client_id(client_id);
  row.set_category_id(category_id);
  row.set_period(period);
  row.set_granted_minutes(granted);
  row.set_performed_minutes(performed);
  row.set_staff_minutes(staff);
  row.set_visits(visits);
  if (granted > 0) {
    row.set_deviation_percent(100.0 * static_cast<double>(performed - granted) /
                              static_cast<double>(granted));
  } else {
    row.set_not_granted(performed > 0);
  }
  return row;
}

bool IsLargeDeviation(const v1::PerformedVsGranted& row,
                      double threshold_percent) {
  if (row.not_granted()) return true;
  if (row.granted_minutes() == 0) return false;
  return std::abs(row.deviation_percent()) >= threshold_percent;
}

}  // namespace lov::visits
