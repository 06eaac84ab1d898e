#include "lov/settlement/domain/statement.h"

#include <algorithm>
#include <compare>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/domain/band_calendar.h"
#include "lov/settlement/domain/bands.h"
#include "lov/settlement/domain/compensation.h"
#include "lov/settlement/domain/line_index.h"
#include "lov/settlement/domain/listing.h"
#include "lov/settlement/domain/period.h"
#include "lov/settlement/domain/statement_totals.h"
#include "lov/settlement/domain/support_level_changes.h"
#include "lov/settlement/domain/support_level_days.h"

namespace lov::settlement {
namespace {

using internal::AddToLine;
using internal::DayModelVisits;
using internal::kOne;
using internal::kSecondsPerHour;
using internal::LineIndex;
using internal::LineKey;
using internal::Lines;
using internal::LineSum;

std::string VisitSource(const VisitRow& v, int sign) {
  return absl::StrCat(sign < 0 ? "-" : "", v.visit_id, "@", v.version);
}

struct Pricing {
  const RateBook* rates;
  bool in_house;
  const std::map<std::string, v1::ZoneArea>* zone_areas;
  BandCalendar* calendar;  // the statement month's days, worked out once
};

// One visit version being priced: its rate, zone area and the line key its
// pieces share.
struct PricedVisit {
  const Pricing& pricing;
  const v1::CategoryRate& rate;
  v1::ZoneArea area;
  // The table's supplement for the visit's zone (area_supplements), if any.
  const v1::AreaSupplement* area_supplement;
  int sign;  // -1 takes an old version out
  int64_t extra_staff_bp;
  std::string source;
  LineKey key;
};

// A zone supplement on piece `k` (basis points of its band amount and/or
// öre per performed hour) and, if the category says so, on its
// double-staffing extra too: bp x extra bp of the band amount (per unit
// x 10000 keeps it exact), öre per hour x extra bp.
void AddSupplement(const PricedVisit& visit, const LineKey& k, int64_t bp,
                   int64_t ore_per_hour, int64_t quantity, int64_t seconds,
                   LineIndex& lines) {
  const int sign = visit.sign;
  LineKey s = k;
  s.kind = v1::LINE_KIND_ZONE_SUPPLEMENT;
  if (bp > 0) {
    LineKey b = s;
    b.multiplier_bp = bp;
    lines.Add(b, sign * quantity, visit.source);
  }
  if (ore_per_hour > 0) {
    LineKey h = s;
    h.unit_rate_ore = ore_per_hour;
    h.quantity_per_unit = kSecondsPerHour;
    lines.Add(h, sign * seconds, visit.source);
  }
  if (!visit.rate.supplements_on_double_staffing() ||
      visit.extra_staff_bp == 0) {
    return;
  }
  s.note = "on double staffing";
  if (bp > 0) {
    LineKey b = s;
    b.quantity_per_unit = k.quantity_per_unit * kOne;
    b.multiplier_bp = bp * visit.extra_staff_bp;
    lines.Add(b, sign * quantity, visit.source);
  }
  if (ore_per_hour > 0) {
    LineKey h = s;
    h.unit_rate_ore = ore_per_hour;
    h.quantity_per_unit = kSecondsPerHour;
    h.multiplier_bp = visit.extra_staff_bp;
    lines.Add(h, sign * seconds, visit.source);
  }
}

// One priced piece: `quantity` units at the band rate, with supplements.
void AddPiece(const PricedVisit& visit, v1::LineKind kind, v1::Band band,
              int64_t quantity, int64_t per_unit, int64_t seconds,
              LineIndex& lines) {
  const int sign = visit.sign;
  const v1::BandRate* band_rate = FindBandRate(visit.rate, band);
  LineKey k = visit.key;
  k.kind = kind;
  k.band = band;
  k.unit_rate_ore =
      band_rate ? BandRateOre(*band_rate, visit.pricing.in_house) : 0;
  k.quantity_per_unit = per_unit;
  lines.Add(k, sign * quantity, visit.source);
  if (visit.extra_staff_bp > 0) {
    LineKey d = k;
    d.kind = v1::LINE_KIND_DOUBLE_STAFFING;
    d.multiplier_bp = visit.extra_staff_bp;
    lines.Add(d, sign * quantity, visit.source);
  }
  for (const v1::ZoneSupplement& z : visit.rate.zone_supplements()) {
    if (z.area() != visit.area) continue;
    AddSupplement(visit, k, z.basis_points(), z.ore_per_hour(), quantity,
                  seconds, lines);
  }
  if (visit.area_supplement != nullptr) {
    AddSupplement(visit, k, visit.area_supplement->basis_points(),
                  visit.area_supplement->ore_per_hour(), quantity, seconds,
                  lines);
  }
  const int64_t indirect_bp = visit.rate.indirect_time().basis_points();
  if (kind == v1::LINE_KIND_PERFORMED_TIME && indirect_bp > 0) {
    LineKey i = k;
    i.kind = v1::LINE_KIND_INDIRECT_TIME;
    i.multiplier_bp = indirect_bp;
    lines.Add(i, sign * quantity, visit.source);
  }
}

// Adds the lines of one visit, with sign -1 to take an old version out.
// Visits of the day models go to `days`, which prices each client's day once.
absl::Status AddVisit(const Pricing& pricing, const VisitRow& visit, int sign,
                      const std::string& adjusts_period, DayModelVisits& days,
                      LineIndex& lines) {
  if (!visit.performed) return absl::OkStatus();
  const absl::Time start = visit.start;
  const absl::Time end = visit.end;
  const int64_t performed = PerformedSeconds(visit);
  const absl::CivilDay day = pricing.calendar->DayOf(start);
  const std::string category_id(visit.category_id);
  const std::string zone_id(visit.zone_id);
  absl::StatusOr<const v1::CategoryRate*> found =
      pricing.rates->RateOn(category_id, day);
  if (!found.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("visit ", visit.visit_id,
                     " cannot be priced: ", found.status().message()));
  }
  const v1::CategoryRate& rate = **found;
  const v1::RateTable& table = *pricing.rates->TableOn(day);
  const BandSchedule& bands = *pricing.rates->BandsOn(day);
  LineKey key;
  key.adjusts_period = adjusts_period;
  key.category_id = category_id;
  key.zone_id = zone_id;
  key.rate_version = table.effective_date();
  auto area_it = pricing.zone_areas->find(zone_id);
  const PricedVisit priced{
      .pricing = pricing,
      .rate = rate,
      .area = area_it == pricing.zone_areas->end() ? v1::ZONE_AREA_UNSPECIFIED
                                                   : area_it->second,
      .area_supplement = AreaSupplementFor(table, rate, zone_id),
      .sign = sign,
      .extra_staff_bp =
          visit.double_staffing && rate.double_staffing_basis_points() > kOne
              ? rate.double_staffing_basis_points() - kOne
              : 0,
      .source = VisitSource(visit, sign),
      .key = std::move(key)};

  switch (rate.model()) {
    case v1::PAYMENT_MODEL_PERFORMED_HOURS:
      for (const BandPiece& piece :
           pricing.calendar->Split(bands, start, end)) {
        AddPiece(priced, v1::LINE_KIND_PERFORMED_TIME, piece.band,
                 piece.seconds, kSecondsPerHour, piece.seconds, lines);
      }
      break;
    case v1::PAYMENT_MODEL_PER_VISIT:
      AddPiece(priced, v1::LINE_KIND_VISITS, bands.At(start), 1, 1, performed,
               lines);
      break;
    case v1::PAYMENT_MODEL_PER_TREATMENT: {
      LineKey t = priced.key;
      t.kind = v1::LINE_KIND_TREATMENT;
      t.unit_rate_ore = UnitPriceOre(rate.unit_price(), pricing.in_house);
      lines.Add(t, sign, priced.source);
      break;
    }
    case v1::PAYMENT_MODEL_PER_PARTICIPATION_DAY:
    case v1::PAYMENT_MODEL_PER_HALF_DAY:
      days.Add(rate, priced.key, std::string(visit.client_id), day, performed,
               priced.source);
      break;
    default:  // granted hours, support-level days: paid from the choice
      break;  // events, not per visit
  }
  internal::AddVisitExtras({.table = table,
                            .rate = rate,
                            .in_house = pricing.in_house,
                            .seconds = performed,
                            .travel_metres = visit.travel_metres,
                            .sign = sign,
                            .key = priced.key,
                            .source = priced.source},
                           lines.lines());
  return absl::OkStatus();
}

// The statement's heading: whose, which month, a preview.
v1::Statement NewStatement(const StatementInput& input) {
  v1::Statement statement;
  statement.set_provider_id(input.provider_id);
  statement.set_period(FormatPeriod(input.period));
  statement.set_statement_id(
      StatementId(input.provider_id, statement.period()));
  statement.set_status(v1::STATEMENT_STATUS_PREVIEW);
  statement.set_in_house(input.in_house);
  return statement;
}

// The month's own visits, and the seconds performed in them.
absl::Status AddVisits(const StatementInput& input, const Pricing& pricing,
                       Lines& lines, v1::Statement& statement) {
  int64_t performed = 0;
  DayModelVisits days;
  LineIndex index(lines);
  for (const visits::v1::Visit& v : input.visits) {
    const VisitRow row = RowOf(v);
    if (absl::Status s = AddVisit(pricing, row, +1, "", days, index); !s.ok()) {
      return s;
    }
    performed += PerformedSeconds(row);
  }
  for (const VisitRow& row : input.visit_rows) {
    if (absl::Status s = AddVisit(pricing, row, +1, "", days, index); !s.ok()) {
      return s;
    }
    performed += PerformedSeconds(row);
  }
  days.AddLines(input.in_house, +1, lines);
  statement.set_performed_seconds(performed);
  return absl::OkStatus();
}

// Corrections of locked periods: the current version in, the previous one
// out, on lines of their own; the statement lists the adjustments it books.
absl::Status AddAdjustments(const StatementInput& input, const Pricing& pricing,
                            Lines& lines, v1::Statement& statement) {
  std::vector<std::string> adjustment_ids;
  LineIndex index(lines);
  for (const Adjustment& a : input.adjustments) {
    // Day models: the difference of the client's paid days
    // (DayModelVisits::AddDifference); the other models per visit version.
    DayModelVisits changed;
    if (a.current) {
      if (absl::Status s = AddVisit(pricing, RowOf(*a.current), +1,
                                    a.adjusts_period, changed, index);
          !s.ok()) {
        return s;
      }
    }
    if (a.previous) {
      if (absl::Status s = AddVisit(pricing, RowOf(*a.previous), -1,
                                    a.adjusts_period, changed, index);
          !s.ok()) {
        return s;
      }
    }
    if (!changed.empty()) {
      const std::string& id =
          a.current ? a.current->visit_id() : a.previous->visit_id();
      DayModelVisits before;
      Lines ignored;  // only the days of the paid visits count here
      LineIndex ignoring(ignored);
      for (const visits::v1::Visit& v : a.paid_before) {
        if (v.visit_id() == id) continue;
        if (absl::Status s = AddVisit(pricing, RowOf(v), +1, a.adjusts_period,
                                      before, ignoring);
            !s.ok()) {
          return s;
        }
      }
      DayModelVisits after = before;
      for (auto [version, days] :
           {std::pair{&a.previous, &before}, std::pair{&a.current, &after}}) {
        if (!*version) continue;
        if (absl::Status s = AddVisit(pricing, RowOf(**version), +1,
                                      a.adjusts_period, *days, ignoring);
            !s.ok()) {
          return s;
        }
      }
      DayModelVisits::AddDifference(before, after, changed, input.in_house,
                                    lines);
    }
    adjustment_ids.push_back(a.adjustment_id);
  }
  std::sort(adjustment_ids.begin(), adjustment_ids.end());
  for (auto& id : adjustment_ids) statement.add_adjustment_ids(std::move(id));
  return absl::OkStatus();
}

// `quantity` more on the line of one client's days, which the days explain.
void AddClientDays(Lines& lines, v1::LineKind kind, const ClientDays& c,
                   const v1::RateTable& month_table, int64_t unit_rate_ore,
                   int64_t quantity_per_unit, int64_t quantity,
                   std::string note = "", std::string support_level = "") {
  LineKey k;
  k.kind = kind;
  k.category_id = c.category_id;
  k.zone_id = c.zone_id;
  k.rate_version = month_table.effective_date();
  k.unit_rate_ore = unit_rate_ore;
  k.quantity_per_unit = quantity_per_unit;
  k.note = std::move(note);
  k.support_level = std::move(support_level);
  LineSum& sum = lines[k];
  sum.quantity += quantity;
  for (std::string& d : DescribeDays(c)) sum.sources.push_back(std::move(d));
}

// Listing fees (listningsersättning) for the days each client counts as
// listed under the municipality's rule: fee x days / days in the month.
void AddListingFees(const StatementInput& input,
                    const v1::RateTable& month_table, Lines& lines) {
  const std::vector<ClientDays> listed =
      ListedDays(input.assignments, input.period, input.listing_rule);
  const int64_t days_in_month = DaysInMonth(input.period);
  for (const v1::CategoryRate& rate : month_table.categories()) {
    const int64_t fee = ListingFeeOre(rate, input.in_house);
    if (fee <= 0) continue;
    for (const ClientDays& c : listed) {
      if (c.category_id != rate.category_id()) continue;
      AddClientDays(lines, v1::LINE_KIND_LISTING_FEE, c, month_table, fee,
                    days_in_month, c.days);
    }
  }
}

// The client's decisions (none if settlement knows of none).
const std::vector<choice::v1::Decision>& DecisionsOf(
    const StatementInput& input, const std::string& client_id) {
  static const std::vector<choice::v1::Decision> kNone;
  auto it = input.decisions_by_client.find(client_id);
  return it == input.decisions_by_client.end() ? kNone : it->second;
}

// Granted time (beviljad tid) of the granted-hours categories, for the days
// each client was assigned, at the day rate, whatever was performed.
void AddGrantedTime(const StatementInput& input,
                    const v1::RateTable& month_table, Lines& lines) {
  const std::vector<ClientDays> assigned = ListedDays(
      input.assignments, input.period, v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
  const int64_t days_in_month = DaysInMonth(input.period);
  for (const v1::CategoryRate& rate : month_table.categories()) {
    if (rate.model() != v1::PAYMENT_MODEL_GRANTED_HOURS) continue;
    const v1::BandRate* day_rate = FindBandRate(rate, v1::BAND_DAY);
    const int64_t unit = day_rate ? BandRateOre(*day_rate, input.in_house) : 0;
    for (const ClientDays& c : assigned) {
      if (c.category_id != rate.category_id()) continue;
      const int64_t granted =
          GrantedSecondsTimesDays(c, DecisionsOf(input, c.client_id));
      if (granted == 0) continue;
      AddClientDays(lines, v1::LINE_KIND_GRANTED_TIME, c, month_table, unit,
                    kSecondsPerHour * days_in_month, granted);
    }
  }
}

// Days by support level: each day a client is assigned to the provider in
// a PER_DAY_BY_SUPPORT_LEVEL category, at the day rate of the client's
// level that day (support_level_days.h), one line per level.
absl::Status AddSupportLevelDays(const StatementInput& input,
                                 const v1::RateTable& month_table,
                                 Lines& lines) {
  std::vector<ClientDays> assigned;
  for (const v1::CategoryRate& rate : month_table.categories()) {
    if (rate.model() != v1::PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL) continue;
    if (assigned.empty()) {
      assigned = ListedDays(input.assignments, input.period,
                            v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
    }
    for (const ClientDays& c : assigned) {
      if (c.category_id != rate.category_id() || c.days == 0) continue;
      absl::StatusOr<std::vector<SupportLevelDays>> by_level =
          DaysBySupportLevel(c, DecisionsOf(input, c.client_id), rate,
                             month_table, input.in_house);
      if (!by_level.ok()) return by_level.status();
      for (const SupportLevelDays& l : *by_level) {
        AddClientDays(lines, v1::LINE_KIND_SUPPORT_LEVEL_DAY, l.days,
                      month_table, l.per_day_ore, 1, l.days.days,
                      absl::StrCat("level ", l.level), l.level);
      }
    }
  }
  return absl::OkStatus();
}

// The provider's shares of one-off payments paid in this period.
void AddOneOffs(const StatementInput& input, Lines& lines) {
  for (const v1::OneOffPayment& p : input.one_offs) {
    for (const v1::OneOffShare& share : p.shares()) {
      if (share.provider_id() != input.provider_id) continue;
      LineKey k;
      k.kind = v1::LINE_KIND_ONE_OFF;
      k.unit_rate_ore = share.amount_ore();
      k.note = p.description().empty() ? p.payment_id() : p.description();
      AddToLine(lines, k, 1, absl::StrCat("payment:", p.payment_id()));
    }
  }
}

}  // namespace

int64_t PerformedSeconds(const visits::v1::Visit& visit) {
  if (visit.status() != visits::v1::VISIT_STATUS_PERFORMED) return 0;
  return std::max<int64_t>(0,
                           absl::ToInt64Seconds(FromProtoTime(visit.end()) -
                                                FromProtoTime(visit.start())));
}

int64_t PerformedSeconds(const VisitRow& visit) {
  if (!visit.performed) return 0;
  return std::max<int64_t>(0, absl::ToInt64Seconds(visit.end - visit.start));
}

VisitRow RowOf(const visits::v1::Visit& visit) {
  return {.visit_id = visit.visit_id(),
          .version = visit.version(),
          .performed = visit.status() == visits::v1::VISIT_STATUS_PERFORMED,
          .start = FromProtoTime(visit.start()),
          .end = FromProtoTime(visit.end()),
          .category_id = visit.category_id(),
          .zone_id = visit.zone_id(),
          .client_id = visit.client_id(),
          .double_staffing = visit.double_staffing(),
          .travel_metres = visit.travel_metres()};
}

absl::StatusOr<v1::Statement> BuildStatement(const StatementInput& input) {
  if (input.rates == nullptr) {
    return absl::FailedPreconditionError("no rate tables are loaded");
  }
  BandCalendar calendar(input.period);
  const Pricing pricing{input.rates, input.in_house, &input.zone_areas,
                        &calendar};
  v1::Statement statement = NewStatement(input);
  Lines lines;
  if (absl::Status s = AddVisits(input, pricing, lines, statement); !s.ok()) {
    return s;
  }
  if (absl::Status s = AddAdjustments(input, pricing, lines, statement);
      !s.ok()) {
    return s;
  }
  // Listing fees, granted time and support-level days use the table in
  // force on the 1st.
  const v1::RateTable* month_table =
      input.rates->TableOn(absl::CivilDay(input.period));
  if (month_table != nullptr) {
    AddListingFees(input, *month_table, lines);
    AddGrantedTime(input, *month_table, lines);
    if (absl::Status s = AddSupportLevelDays(input, *month_table, lines);
        !s.ok()) {
      return s;
    }
  }
  // Levels changed after their month was approved.
  if (absl::Status s = AddSupportLevelChanges(input, lines); !s.ok()) {
    return s;
  }
  AddOneOffs(input, lines);
  if (absl::Status s =
          internal::WriteLinesAndTotals(month_table, lines, statement);
      !s.ok()) {
    return s;
  }
  return statement;
}

}  // namespace lov::settlement
