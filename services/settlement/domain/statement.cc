#include "lov/settlement/domain/statement.h"

#include <algorithm>
#include <compare>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/settlement/domain/bands.h"
#include "lov/settlement/domain/listing.h"
#include "lov/settlement/domain/period.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"

namespace lov::settlement {
namespace {

constexpr int64_t kOne = 10000;  // multiplier 1x in basis points
constexpr int64_t kSecondsPerHour = 3600;

// Everything that makes two amounts one line; the order of the fields is
// the order of the lines: regular lines first, then adjustments by the
// period they correct.
struct LineKey {
  std::string adjusts_period;
  int kind = 0;
  std::string category_id;
  std::string zone_id;
  int band = 0;
  std::string rate_version;
  int64_t unit_rate_ore = 0;
  int64_t quantity_per_unit = 1;
  int64_t multiplier_bp = kOne;
  std::string note;  // e.g. the one-off payment's description

  auto operator<=>(const LineKey&) const = default;
};

struct LineSum {
  int64_t quantity = 0;
  std::vector<std::string> sources;
};

using Lines = std::map<LineKey, LineSum>;

std::string VisitSource(const visits::v1::Visit& v, int sign) {
  return absl::StrCat(sign < 0 ? "-" : "", v.visit_id(), "@", v.version());
}

void Add(Lines& lines, const LineKey& key, int64_t quantity,
         std::string source) {
  LineSum& sum = lines[key];
  sum.quantity += quantity;
  sum.sources.push_back(std::move(source));
}

struct Pricing {
  const RateBook* rates;
  bool in_house;
  const std::map<std::string, v1::ZoneArea>* zone_areas;
};

// Adds the lines of one visit, with sign -1 to take an old version out.
absl::Status AddVisit(const Pricing& pricing, const visits::v1::Visit& visit,
                      int sign, const std::string& adjusts_period,
                      Lines& lines) {
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
  auto area_it = pricing.zone_areas->find(visit.zone_id());
  const v1::ZoneArea area = area_it == pricing.zone_areas->end()
                                ? v1::ZONE_AREA_UNSPECIFIED
                                : area_it->second;
  const std::string source = VisitSource(visit, sign);
  const int64_t extra_staff_bp =
      visit.double_staffing() && rate.double_staffing_basis_points() > kOne
          ? rate.double_staffing_basis_points() - kOne
          : 0;
  LineKey key;
  key.adjusts_period = adjusts_period;
  key.category_id = visit.category_id();
  key.zone_id = visit.zone_id();
  key.rate_version = table.effective_date();

  // One priced piece: `quantity` units at the band rate, with supplements.
  auto price = [&](v1::LineKind kind, v1::Band band, int64_t quantity,
                   int64_t per_unit, int64_t seconds) {
    const v1::BandRate* band_rate = FindBandRate(rate, band);
    const int64_t unit =
        band_rate ? BandRateOre(*band_rate, pricing.in_house) : 0;
    LineKey k = key;
    k.kind = kind;
    k.band = band;
    k.unit_rate_ore = unit;
    k.quantity_per_unit = per_unit;
    Add(lines, k, sign * quantity, source);
    if (extra_staff_bp > 0) {
      LineKey d = k;
      d.kind = v1::LINE_KIND_DOUBLE_STAFFING;
      d.multiplier_bp = extra_staff_bp;
      Add(lines, d, sign * quantity, source);
    }
    for (const v1::ZoneSupplement& z : rate.zone_supplements()) {
      if (z.area() != area) continue;
      if (z.basis_points() > 0) {
        LineKey s = k;
        s.kind = v1::LINE_KIND_ZONE_SUPPLEMENT;
        s.multiplier_bp = z.basis_points();
        Add(lines, s, sign * quantity, source);
      }
      if (z.ore_per_hour() > 0) {
        LineKey s = k;
        s.kind = v1::LINE_KIND_ZONE_SUPPLEMENT;
        s.unit_rate_ore = z.ore_per_hour();
        s.quantity_per_unit = kSecondsPerHour;
        Add(lines, s, sign * seconds, source);
      }
    }
  };

  switch (rate.model()) {
    case v1::PAYMENT_MODEL_PERFORMED_HOURS:
      for (const BandPiece& piece : SplitIntoBands(start, end, table.bands())) {
        price(v1::LINE_KIND_PERFORMED_TIME, piece.band, piece.seconds,
              kSecondsPerHour, piece.seconds);
      }
      break;
    case v1::PAYMENT_MODEL_PER_VISIT:
      price(v1::LINE_KIND_VISITS, BandAt(start, table.bands()), 1, 1,
            std::max<int64_t>(0, absl::ToInt64Seconds(end - start)));
      break;
    default:  // granted hours: paid from the decision, not per visit
      break;
  }
  return absl::OkStatus();
}

std::string Describe(const LineKey& key) {
  std::string text;
  switch (key.kind) {
    case v1::LINE_KIND_PERFORMED_TIME:
      text = "Performed time (utförd tid)";
      break;
    case v1::LINE_KIND_VISITS:
      text = "Visits";
      break;
    case v1::LINE_KIND_GRANTED_TIME:
      text = "Granted time (beviljad tid), pro rata days";
      break;
    case v1::LINE_KIND_DOUBLE_STAFFING:
      text = "Double staffing supplement";
      break;
    case v1::LINE_KIND_ZONE_SUPPLEMENT:
      text = "Zone supplement";
      break;
    case v1::LINE_KIND_LISTING_FEE:
      text = "Listing fee (listningsersättning)";
      break;
    case v1::LINE_KIND_ONE_OFF:
      text = absl::StrCat("One-off payment: ", key.note);
      break;
    case v1::LINE_KIND_VAT:
      text = "VAT (moms)";
      break;
    default:
      text = "Line";
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

}  // namespace

Money LineAmount(int64_t unit_rate_ore, int64_t quantity,
                 int64_t quantity_per_unit, int64_t multiplier_bp) {
  return Money::FromOre(unit_rate_ore)
      .MulDiv(quantity * multiplier_bp, quantity_per_unit * kOne,
              Rounding::kHalfUp);
}

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
  Lines lines;
  v1::Statement statement;
  statement.set_provider_id(input.provider_id);
  statement.set_period(FormatPeriod(input.period));
  statement.set_statement_id(
      StatementId(input.provider_id, statement.period()));
  statement.set_status(v1::STATEMENT_STATUS_PREVIEW);
  statement.set_in_house(input.in_house);

  int64_t performed = 0;
  for (const visits::v1::Visit& v : input.visits) {
    if (absl::Status s = AddVisit(pricing, v, +1, "", lines); !s.ok()) return s;
    performed += PerformedSeconds(v);
  }
  statement.set_performed_seconds(performed);

  std::vector<std::string> adjustment_ids;
  for (const Adjustment& a : input.adjustments) {
    if (a.current) {
      if (absl::Status s =
              AddVisit(pricing, *a.current, +1, a.adjusts_period, lines);
          !s.ok()) {
        return s;
      }
    }
    if (a.previous) {
      if (absl::Status s =
              AddVisit(pricing, *a.previous, -1, a.adjusts_period, lines);
          !s.ok()) {
        return s;
      }
    }
    adjustment_ids.push_back(a.adjustment_id);
  }
  std::sort(adjustment_ids.begin(), adjustment_ids.end());
  for (auto& id : adjustment_ids) statement.add_adjustment_ids(std::move(id));

  // Listing fees and granted time use the table in force on the 1st.
  const absl::CivilDay first_day(input.period);
  const int64_t days_in_month = DaysInMonth(input.period);
  const v1::RateTable* month_table = input.rates->TableOn(first_day);
  if (month_table != nullptr) {
    const std::vector<ClientDays> listed =
        ListedDays(input.assignments, input.period, input.listing_rule);
    const std::vector<ClientDays> assigned = ListedDays(
        input.assignments, input.period, v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
    for (const v1::CategoryRate& rate : month_table->categories()) {
      const int64_t fee = ListingFeeOre(rate, input.in_house);
      if (fee > 0) {
        for (const ClientDays& c : listed) {
          if (c.category_id != rate.category_id()) continue;
          LineKey k;
          k.kind = v1::LINE_KIND_LISTING_FEE;
          k.category_id = c.category_id;
          k.zone_id = c.zone_id;
          k.rate_version = month_table->effective_date();
          k.unit_rate_ore = fee;
          k.quantity_per_unit = days_in_month;
          LineSum& sum = lines[k];
          sum.quantity += c.days;
          for (std::string& d : DescribeDays(c))
            sum.sources.push_back(std::move(d));
        }
      }
      if (rate.model() == v1::PAYMENT_MODEL_GRANTED_HOURS) {
        const v1::BandRate* day_rate = FindBandRate(rate, v1::BAND_DAY);
        static const std::vector<choice::v1::Decision> kNone;
        for (const ClientDays& c : assigned) {
          if (c.category_id != rate.category_id()) continue;
          auto it = input.decisions_by_client.find(c.client_id);
          const int64_t granted = GrantedSecondsTimesDays(
              c, it == input.decisions_by_client.end() ? kNone : it->second);
          if (granted == 0) continue;
          LineKey k;
          k.kind = v1::LINE_KIND_GRANTED_TIME;
          k.category_id = c.category_id;
          k.zone_id = c.zone_id;
          k.rate_version = month_table->effective_date();
          k.unit_rate_ore =
              day_rate ? BandRateOre(*day_rate, input.in_house) : 0;
          k.quantity_per_unit = kSecondsPerHour * days_in_month;
          LineSum& sum = lines[k];
          sum.quantity += granted;
          for (std::string& d : DescribeDays(c))
            sum.sources.push_back(std::move(d));
        }
      }
    }
  }

  for (const v1::OneOffPayment& p : input.one_offs) {
    for (const v1::OneOffShare& share : p.shares()) {
      if (share.provider_id() != input.provider_id) continue;
      LineKey k;
      k.kind = v1::LINE_KIND_ONE_OFF;
      k.unit_rate_ore = share.amount_ore();
      k.note = p.description().empty() ? p.payment_id() : p.description();
      Add(lines, k, 1, absl::StrCat("payment:", p.payment_id()));
    }
  }

  // Round each line once; net per category for VAT.
  std::map<std::string, Money> net_by_category;
  Money net;
  int line_no = 0;
  for (auto& [key, sum] : lines) {
    // An adjustment that nets to nothing still shows what it was made of.
    if (sum.quantity == 0 && key.adjusts_period.empty()) continue;
    const Money amount = LineAmount(key.unit_rate_ore, sum.quantity,
                                    key.quantity_per_unit, key.multiplier_bp);
    v1::StatementLine* line = statement.add_lines();
    line->set_line_no(++line_no);
    line->set_kind(static_cast<v1::LineKind>(key.kind));
    line->set_category_id(key.category_id);
    line->set_zone_id(key.zone_id);
    line->set_band(static_cast<v1::Band>(key.band));
    line->set_rate_version(key.rate_version);
    line->set_unit_rate_ore(key.unit_rate_ore);
    line->set_quantity(sum.quantity);
    line->set_quantity_per_unit(key.quantity_per_unit);
    line->set_multiplier_bp(key.multiplier_bp);
    line->set_amount_ore(amount.ore());
    line->set_adjusts_period(key.adjusts_period);
    line->set_description(Describe(key));
    std::sort(sum.sources.begin(), sum.sources.end());
    for (std::string& s : sum.sources) line->add_sources(std::move(s));
    net += amount;
    if (!key.category_id.empty()) net_by_category[key.category_id] += amount;
  }

  Money vat;
  if (month_table != nullptr) {
    for (const auto& [category, base] : net_by_category) {
      int64_t vat_bp = 0;
      for (const v1::CategoryRate& rate : month_table->categories()) {
        if (rate.category_id() == category) vat_bp = rate.vat_basis_points();
      }
      if (vat_bp == 0 || base.ore() == 0) continue;
      const Money amount = LineAmount(base.ore(), 1, 1, vat_bp);
      v1::StatementLine* line = statement.add_lines();
      line->set_line_no(++line_no);
      line->set_kind(v1::LINE_KIND_VAT);
      line->set_category_id(category);
      line->set_rate_version(month_table->effective_date());
      line->set_unit_rate_ore(base.ore());
      line->set_quantity(1);
      line->set_quantity_per_unit(1);
      line->set_multiplier_bp(vat_bp);
      line->set_amount_ore(amount.ore());
      line->set_description(absl::StrFormat(
          "VAT (moms) %d.%02d %% on %s", vat_bp / 100, vat_bp % 100, category));
      line->add_sources(absl::StrCat("category:", category));
      vat += amount;
    }
  }
  statement.set_net_ore(net.ore());
  statement.set_vat_ore(vat.ore());
  statement.set_total_ore((net + vat).ore());
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
