#include "lov/settlement/domain/statement.h"

#include <algorithm>
#include <compare>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/domain/bands.h"
#include "lov/settlement/domain/checked_sum.h"
#include "lov/settlement/domain/compensation.h"
#include "lov/settlement/domain/listing.h"
#include "lov/settlement/domain/period.h"

namespace lov::settlement {
namespace {

using internal::AddToLine;
using internal::DayModelVisits;
using internal::kOne;
using internal::kSecondsPerHour;
using internal::LineKey;
using internal::Lines;
using internal::LineSum;

std::string VisitSource(const visits::v1::Visit& v, int sign) {
  return absl::StrCat(sign < 0 ? "-" : "", v.visit_id(), "@", v.version());
}

struct Pricing {
  const RateBook* rates;
  bool in_house;
  const std::map<std::string, v1::ZoneArea>* zone_areas;
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
                   Lines& lines) {
  const int sign = visit.sign;
  LineKey s = k;
  s.kind = v1::LINE_KIND_ZONE_SUPPLEMENT;
  if (bp > 0) {
    LineKey b = s;
    b.multiplier_bp = bp;
    AddToLine(lines, b, sign * quantity, visit.source);
  }
  if (ore_per_hour > 0) {
    LineKey h = s;
    h.unit_rate_ore = ore_per_hour;
    h.quantity_per_unit = kSecondsPerHour;
    AddToLine(lines, h, sign * seconds, visit.source);
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
    AddToLine(lines, b, sign * quantity, visit.source);
  }
  if (ore_per_hour > 0) {
    LineKey h = s;
    h.unit_rate_ore = ore_per_hour;
    h.quantity_per_unit = kSecondsPerHour;
    h.multiplier_bp = visit.extra_staff_bp;
    AddToLine(lines, h, sign * seconds, visit.source);
  }
}

// One priced piece: `quantity` units at the band rate, with supplements.
void AddPiece(const PricedVisit& visit, v1::LineKind kind, v1::Band band,
              int64_t quantity, int64_t per_unit, int64_t seconds,
              Lines& lines) {
  const int sign = visit.sign;
  const v1::BandRate* band_rate = FindBandRate(visit.rate, band);
  LineKey k = visit.key;
  k.kind = kind;
  k.band = band;
  k.unit_rate_ore =
      band_rate ? BandRateOre(*band_rate, visit.pricing.in_house) : 0;
  k.quantity_per_unit = per_unit;
  AddToLine(lines, k, sign * quantity, visit.source);
  if (visit.extra_staff_bp > 0) {
    LineKey d = k;
    d.kind = v1::LINE_KIND_DOUBLE_STAFFING;
    d.multiplier_bp = visit.extra_staff_bp;
    AddToLine(lines, d, sign * quantity, visit.source);
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
    AddToLine(lines, i, sign * quantity, visit.source);
  }
}

// Adds the lines of one visit, with sign -1 to take an old version out.
// Visits of the day models go to `days`, which prices each client's day once.
absl::Status AddVisit(const Pricing& pricing, const visits::v1::Visit& visit,
                      int sign, const std::string& adjusts_period,
                      DayModelVisits& days, Lines& lines) {
  if (visit.status() != visits::v1::VISIT_STATUS_PERFORMED)
    return absl::OkStatus();
  const absl::Time start = FromProtoTime(visit.start());
  const absl::Time end = FromProtoTime(visit.end());
  const absl::CivilDay day = StockholmDate(start);
  absl::StatusOr<const v1::CategoryRate*> found =
      pricing.rates->RateOn(visit.category_id(), day);
  if (!found.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("visit ", visit.visit_id(),
                     " cannot be priced: ", found.status().message()));
  }
  const v1::CategoryRate& rate = **found;
  const v1::RateTable& table = *pricing.rates->TableOn(day);
  const BandSchedule& bands = *pricing.rates->BandsOn(day);
  LineKey key;
  key.adjusts_period = adjusts_period;
  key.category_id = visit.category_id();
  key.zone_id = visit.zone_id();
  key.rate_version = table.effective_date();
  auto area_it = pricing.zone_areas->find(visit.zone_id());
  const PricedVisit priced{
      .pricing = pricing,
      .rate = rate,
      .area = area_it == pricing.zone_areas->end() ? v1::ZONE_AREA_UNSPECIFIED
                                                   : area_it->second,
      .area_supplement = AreaSupplementFor(table, rate, visit.zone_id()),
      .sign = sign,
      .extra_staff_bp =
          visit.double_staffing() && rate.double_staffing_basis_points() > kOne
              ? rate.double_staffing_basis_points() - kOne
              : 0,
      .source = VisitSource(visit, sign),
      .key = std::move(key)};

  switch (rate.model()) {
    case v1::PAYMENT_MODEL_PERFORMED_HOURS:
      for (const BandPiece& piece : bands.Split(start, end)) {
        AddPiece(priced, v1::LINE_KIND_PERFORMED_TIME, piece.band,
                 piece.seconds, kSecondsPerHour, piece.seconds, lines);
      }
      break;
    case v1::PAYMENT_MODEL_PER_VISIT:
      AddPiece(priced, v1::LINE_KIND_VISITS, bands.At(start), 1, 1,
               std::max<int64_t>(0, absl::ToInt64Seconds(end - start)), lines);
      break;
    case v1::PAYMENT_MODEL_PER_TREATMENT: {
      LineKey t = priced.key;
      t.kind = v1::LINE_KIND_TREATMENT;
      t.unit_rate_ore = UnitPriceOre(rate.unit_price(), pricing.in_house);
      AddToLine(lines, t, sign, priced.source);
      break;
    }
    case v1::PAYMENT_MODEL_PER_PARTICIPATION_DAY:
    case v1::PAYMENT_MODEL_PER_HALF_DAY:
      days.Add(rate, priced.key, visit.client_id(), day,
               PerformedSeconds(visit), priced.source);
      break;
    default:  // granted hours, support-level days: paid from the choice
      break;  // events, not per visit
  }
  internal::AddVisitExtras({.table = table,
                            .rate = rate,
                            .in_house = pricing.in_house,
                            .seconds = PerformedSeconds(visit),
                            .sign = sign,
                            .key = priced.key,
                            .source = priced.source},
                           lines);
  return absl::OkStatus();
}

// What a line kind pays, for the line's description. Every kind is named
// here (no default: -Wswitch flags a new kind without a text, and
// statement_test checks every value of the enum).
const char* KindText(v1::LineKind kind) {
  switch (kind) {
    case v1::LINE_KIND_PERFORMED_TIME:
      return "Performed time (utförd tid)";
    case v1::LINE_KIND_VISITS:
      return "Visits";
    case v1::LINE_KIND_GRANTED_TIME:
      return "Granted time (beviljad tid), pro rata days";
    case v1::LINE_KIND_DOUBLE_STAFFING:
      return "Double staffing supplement";
    case v1::LINE_KIND_ZONE_SUPPLEMENT:
      return "Zone supplement";
    case v1::LINE_KIND_LISTING_FEE:
      return "Listing fee (listningsersättning)";
    case v1::LINE_KIND_ONE_OFF:
      return "One-off payment: ";
    case v1::LINE_KIND_VAT:
      return "VAT (moms)";
    case v1::LINE_KIND_PARTICIPATION_DAY:
      return "Days of participation (deltagardagar)";
    case v1::LINE_KIND_HALF_DAY:
      return "Half days (halvdagar)";
    case v1::LINE_KIND_TREATMENT:
      return "Treatments (behandlingar)";
    case v1::LINE_KIND_SUPPORT_LEVEL_DAY:
      return "Days by support level (dagar per stödnivå)";
    case v1::LINE_KIND_TRAVEL:
      return "Travel compensation, sparse area (reseersättning)";
    case v1::LINE_KIND_INDIRECT_TIME:
      return "Indirect time supplement (indirekt tid)";
    case v1::LINE_KIND_UNSPECIFIED:
    case v1::LineKind_INT_MIN_SENTINEL_DO_NOT_USE_:
    case v1::LineKind_INT_MAX_SENTINEL_DO_NOT_USE_:
      break;
  }
  return "Line";
}

std::string Describe(const LineKey& key) {
  std::string text = KindText(static_cast<v1::LineKind>(key.kind));
  if (key.kind == v1::LINE_KIND_ONE_OFF) {
    absl::StrAppend(&text, key.note);
  } else if (!key.note.empty()) {
    absl::StrAppend(&text, ", ", key.note);
  }
  if (key.band != v1::BAND_UNSPECIFIED) {
    std::string band = v1::Band_Name(static_cast<v1::Band>(key.band));
    absl::StrAppend(&text, ", ", band.substr(5));  // drop "BAND_"
  }
  if (!key.adjusts_period.empty()) {
    absl::StrAppend(&text, ", adjustment of ", key.adjusts_period);
  }
  return text;
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
  for (const visits::v1::Visit& v : input.visits) {
    if (absl::Status s = AddVisit(pricing, v, +1, "", days, lines); !s.ok()) {
      return s;
    }
    performed += PerformedSeconds(v);
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
  for (const Adjustment& a : input.adjustments) {
    // Day models: the difference of the client's paid days
    // (DayModelVisits::AddDifference); the other models per visit version.
    DayModelVisits changed;
    if (a.current) {
      if (absl::Status s = AddVisit(pricing, *a.current, +1, a.adjusts_period,
                                    changed, lines);
          !s.ok()) {
        return s;
      }
    }
    if (a.previous) {
      if (absl::Status s = AddVisit(pricing, *a.previous, -1, a.adjusts_period,
                                    changed, lines);
          !s.ok()) {
        return s;
      }
    }
    if (!changed.empty()) {
      const std::string& id =
          a.current ? a.current->visit_id() : a.previous->visit_id();
      DayModelVisits before;
      Lines ignored;  // only the days of the paid visits count here
      for (const visits::v1::Visit& v : a.paid_before) {
        if (v.visit_id() == id) continue;
        if (absl::Status s =
                AddVisit(pricing, v, +1, a.adjusts_period, before, ignored);
            !s.ok()) {
          return s;
        }
      }
      DayModelVisits after = before;
      for (auto [version, days] :
           {std::pair{&a.previous, &before}, std::pair{&a.current, &after}}) {
        if (!*version) continue;
        if (absl::Status s = AddVisit(pricing, **version, +1, a.adjusts_period,
                                      *days, ignored);
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
                   int64_t quantity_per_unit, int64_t quantity) {
  LineKey k;
  k.kind = kind;
  k.category_id = c.category_id;
  k.zone_id = c.zone_id;
  k.rate_version = month_table.effective_date();
  k.unit_rate_ore = unit_rate_ore;
  k.quantity_per_unit = quantity_per_unit;
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

// Granted time (beviljad tid) of the granted-hours categories, for the days
// each client was assigned, at the day rate, whatever was performed.
void AddGrantedTime(const StatementInput& input,
                    const v1::RateTable& month_table, Lines& lines) {
  const std::vector<ClientDays> assigned = ListedDays(
      input.assignments, input.period, v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
  const int64_t days_in_month = DaysInMonth(input.period);
  static const std::vector<choice::v1::Decision> kNone;
  for (const v1::CategoryRate& rate : month_table.categories()) {
    if (rate.model() != v1::PAYMENT_MODEL_GRANTED_HOURS) continue;
    const v1::BandRate* day_rate = FindBandRate(rate, v1::BAND_DAY);
    const int64_t unit = day_rate ? BandRateOre(*day_rate, input.in_house) : 0;
    for (const ClientDays& c : assigned) {
      if (c.category_id != rate.category_id()) continue;
      auto it = input.decisions_by_client.find(c.client_id);
      const int64_t granted = GrantedSecondsTimesDays(
          c, it == input.decisions_by_client.end() ? kNone : it->second);
      if (granted == 0) continue;
      AddClientDays(lines, v1::LINE_KIND_GRANTED_TIME, c, month_table, unit,
                    kSecondsPerHour * days_in_month, granted);
    }
  }
}

// Days by support level: each day a client is assigned to the provider in
// a PER_DAY_BY_SUPPORT_LEVEL category, at its level's day rate.
void AddSupportLevelDays(const StatementInput& input,
                         const v1::RateTable& month_table, Lines& lines) {
  std::vector<ClientDays> assigned;
  for (const v1::CategoryRate& rate : month_table.categories()) {
    if (rate.model() != v1::PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL) continue;
    if (assigned.empty()) {
      assigned = ListedDays(input.assignments, input.period,
                            v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
    }
    int64_t unit = 0;
    for (const v1::SupportLevelRate& l : month_table.support_levels()) {
      if (l.level() == rate.support_level()) {
        unit = UnitPriceOre(l.per_day(), input.in_house);
      }
    }
    for (const ClientDays& c : assigned) {
      if (c.category_id != rate.category_id() || c.days == 0) continue;
      AddClientDays(lines, v1::LINE_KIND_SUPPORT_LEVEL_DAY, c, month_table,
                    unit, 1, c.days);
    }
  }
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

struct NetAmounts {
  Money total;
  std::map<std::string, Money> by_category;  // the bases of VAT
};

// The statement's lines, each rounded once, in the order of their keys.
absl::StatusOr<NetAmounts> WriteLines(Lines& lines, v1::Statement& statement) {
  NetAmounts net;
  for (auto& [key, sum] : lines) {
    // An adjustment that nets to nothing still shows what it was made of.
    if (sum.quantity == 0 && key.adjusts_period.empty()) continue;
    const absl::StatusOr<Money> amount =
        LineAmount(key.unit_rate_ore, sum.quantity, key.quantity_per_unit,
                   key.multiplier_bp);
    if (!amount.ok()) return amount.status();
    v1::StatementLine* line = statement.add_lines();
    line->set_line_no(statement.lines_size());
    line->set_kind(static_cast<v1::LineKind>(key.kind));
    line->set_category_id(key.category_id);
    line->set_zone_id(key.zone_id);
    line->set_band(static_cast<v1::Band>(key.band));
    line->set_rate_version(key.rate_version);
    line->set_unit_rate_ore(key.unit_rate_ore);
    line->set_quantity(sum.quantity);
    line->set_quantity_per_unit(key.quantity_per_unit);
    line->set_multiplier_bp(key.multiplier_bp);
    line->set_amount_ore(amount->ore());
    line->set_adjusts_period(key.adjusts_period);
    line->set_description(Describe(key));
    std::sort(sum.sources.begin(), sum.sources.end());
    for (std::string& s : sum.sources) line->add_sources(std::move(s));
    const std::string what =
        absl::StrCat("statement ", statement.statement_id(), ": net");
    if (absl::Status s = AddMoney(*amount, &net.total, what); !s.ok()) {
      return s;
    }
    if (!key.category_id.empty()) {
      if (absl::Status s =
              AddMoney(*amount, &net.by_category[key.category_id],
                       absl::StrCat(what, " of ", key.category_id));
          !s.ok()) {
        return s;
      }
    }
  }
  return net;
}

// One VAT line per category with VAT: its rounded net times the VAT rate,
// rounded once. Returns the VAT of the statement.
absl::StatusOr<Money> AddVatLines(
    const v1::RateTable& month_table,
    const std::map<std::string, Money>& net_by_category,
    v1::Statement& statement) {
  Money vat;
  for (const auto& [category, base] : net_by_category) {
    int64_t vat_bp = 0;
    for (const v1::CategoryRate& rate : month_table.categories()) {
      if (rate.category_id() == category) vat_bp = rate.vat_basis_points();
    }
    if (vat_bp == 0 || base.ore() == 0) continue;
    const absl::StatusOr<Money> amount = LineAmount(base.ore(), 1, 1, vat_bp);
    if (!amount.ok()) return amount.status();
    v1::StatementLine* line = statement.add_lines();
    line->set_line_no(statement.lines_size());
    line->set_kind(v1::LINE_KIND_VAT);
    line->set_category_id(category);
    line->set_rate_version(month_table.effective_date());
    line->set_unit_rate_ore(base.ore());
    line->set_quantity(1);
    line->set_quantity_per_unit(1);
    line->set_multiplier_bp(vat_bp);
    line->set_amount_ore(amount->ore());
    line->set_description(absl::StrFormat(
        "VAT (moms) %d.%02d %% on %s", vat_bp / 100, vat_bp % 100, category));
    line->add_sources(absl::StrCat("category:", category));
    if (absl::Status s = AddMoney(
            *amount, &vat,
            absl::StrCat("statement ", statement.statement_id(), ": VAT"));
        !s.ok()) {
      return s;
    }
  }
  return vat;
}

}  // namespace

absl::StatusOr<Money> LineAmount(int64_t unit_rate_ore, int64_t quantity,
                                 int64_t quantity_per_unit,
                                 int64_t multiplier_bp) {
  int64_t num = 0;
  int64_t den = 0;
  if (__builtin_mul_overflow(quantity, multiplier_bp, &num) ||
      __builtin_mul_overflow(quantity_per_unit, kOne, &den)) {
    return absl::OutOfRangeError(absl::StrCat(
        "line amount: quantity ", quantity, " x ", multiplier_bp, " bp per ",
        quantity_per_unit, " does not fit in 64 bits"));
  }
  return Money::FromOre(unit_rate_ore).MulDiv(num, den, Rounding::kHalfUp);
}

std::string LineKindText(v1::LineKind kind) { return KindText(kind); }

int64_t PerformedSeconds(const visits::v1::Visit& visit) {
  if (visit.status() != visits::v1::VISIT_STATUS_PERFORMED) return 0;
  return std::max<int64_t>(0,
                           absl::ToInt64Seconds(FromProtoTime(visit.end()) -
                                                FromProtoTime(visit.start())));
}

absl::StatusOr<v1::Statement> BuildStatement(const StatementInput& input) {
  if (input.rates == nullptr) {
    return absl::FailedPreconditionError("no rate tables are loaded");
  }
  const Pricing pricing{input.rates, input.in_house, &input.zone_areas};
  v1::Statement statement = NewStatement(input);
  Lines lines;
  if (absl::Status s = AddVisits(input, pricing, lines, statement); !s.ok()) {
    return s;
  }
  if (absl::Status s = AddAdjustments(input, pricing, lines, statement);
      !s.ok()) {
    return s;
  }
  // Listing fees and granted time use the table in force on the 1st.
  const v1::RateTable* month_table =
      input.rates->TableOn(absl::CivilDay(input.period));
  if (month_table != nullptr) {
    AddListingFees(input, *month_table, lines);
    AddGrantedTime(input, *month_table, lines);
    AddSupportLevelDays(input, *month_table, lines);
  }
  AddOneOffs(input, lines);
  const absl::StatusOr<NetAmounts> net = WriteLines(lines, statement);
  if (!net.ok()) return net.status();
  absl::StatusOr<Money> vat = Money();
  if (month_table != nullptr) {
    vat = AddVatLines(*month_table, net->by_category, statement);
    if (!vat.ok()) return vat.status();
  }
  Money total = net->total;
  if (absl::Status s =
          AddMoney(*vat, &total,
                   absl::StrCat("statement ", statement.statement_id(),
                                ": total (net and VAT)"));
      !s.ok()) {
    return s;
  }
  statement.set_net_ore(net->total.ore());
  statement.set_vat_ore(vat->ore());
  statement.set_total_ore(total.ore());
  statement.set_digest(StatementDigest(statement));
  return statement;
}

std::string StatementDigest(const v1::Statement& statement) {
  v1::Statement copy = statement;
  copy.clear_status();
  copy.clear_digest();
  copy.clear_approved_at();
  copy.clear_approved_by();
  return Fingerprint(copy);
}

}  // namespace lov::settlement
