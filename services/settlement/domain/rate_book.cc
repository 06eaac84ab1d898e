#include "lov/settlement/domain/rate_book.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/text.h"
#include "lov/settlement/domain/bands.h"
#include "lov/settlement/domain/compensation.h"

namespace lov::settlement {
namespace {

absl::Status Invalid(const std::string& field, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

constexpr v1::Band kAllBands[] = {v1::BAND_DAY, v1::BAND_EVENING,
                                  v1::BAND_NIGHT, v1::BAND_WEEKEND,
                                  v1::BAND_HOLIDAY};

constexpr int64_t kMaxOre = kMaxRateOre;
constexpr int64_t kMaxBasisPoints = kMaxRateBasisPoints;

bool InRange(int64_t value, int64_t max) { return value >= 0 && value <= max; }

}  // namespace

absl::Status ValidateRateTable(const v1::RateTable& table) {
  if (absl::StatusOr<absl::CivilDay> d = ParseDate(table.effective_date());
      !d.ok()) {
    return Invalid("table.effective_date", std::string(d.status().message()));
  }
  if (table.has_band_rules()) {
    if (table.bands().ByteSizeLong() != 0) {
      return Invalid("table.bands",
                     "must be left empty when table.band_rules is given (the "
                     "rules decide every band)");
    }
    if (absl::Status s = ValidateBandRules(table.band_rules()); !s.ok()) {
      return s;
    }
  } else if (absl::Status s = ValidateBands(table.bands()); !s.ok()) {
    return s;
  }
  if (absl::Status s =
          RefusePersonnummer("table.description", table.description());
      !s.ok()) {
    return s;
  }
  if (table.categories().empty()) {
    return Invalid("table.categories", "at least one category is required");
  }
  std::set<std::string> seen;
  for (int i = 0; i < table.categories_size(); ++i) {
    const v1::CategoryRate& c = table.categories(i);
    const std::string f = absl::StrCat("table.categories[", i, "]");
    if (c.category_id().empty())
      return Invalid(f + ".category_id", "is required");
    if (!seen.insert(c.category_id()).second) {
      return Invalid(f + ".category_id",
                     absl::StrCat("'", c.category_id(), "' appears twice"));
    }
    if (c.model() == v1::PAYMENT_MODEL_UNSPECIFIED) {
      return Invalid(f + ".model", "is required");
    }
    std::set<int> bands;
    for (const v1::BandRate& r : c.band_rates()) {
      if (r.band() == v1::BAND_UNSPECIFIED || !bands.insert(r.band()).second) {
        return Invalid(f + ".band_rates",
                       "each band must be given once and be specified");
      }
      if (!InRange(r.private_ore(), kMaxOre) ||
          !InRange(r.in_house_ore(), kMaxOre)) {
        return Invalid(
            f + ".band_rates",
            absl::StrCat("rates must be between 0 and ", kMaxOre, " öre"));
      }
    }
    for (v1::Band b : kAllBands) {
      if (UsesBandRates(c.model()) && !bands.count(b)) {
        return Invalid(f + ".band_rates",
                       absl::StrCat("band ", v1::Band_Name(b),
                                    " is missing (every band needs a rate)"));
      }
    }
    for (const v1::ZoneSupplement& z : c.zone_supplements()) {
      if (z.area() == v1::ZONE_AREA_UNSPECIFIED ||
          !InRange(z.basis_points(), kMaxBasisPoints) ||
          !InRange(z.ore_per_hour(), kMaxOre)) {
        return Invalid(f + ".zone_supplements",
                       absl::StrCat("needs an area, basis points from 0 to ",
                                    kMaxBasisPoints,
                                    " and öre per hour from "
                                    "0 to ",
                                    kMaxOre));
      }
    }
    if (c.double_staffing_basis_points() != 0 &&
        (c.double_staffing_basis_points() < 10000 ||
         c.double_staffing_basis_points() > kMaxBasisPoints)) {
      return Invalid(f + ".double_staffing_basis_points",
                     absl::StrCat("must be 0 (none) or from 10000 (1x) to ",
                                  kMaxBasisPoints));
    }
    if (!InRange(c.listing_fee_private_ore(), kMaxOre) ||
        !InRange(c.listing_fee_in_house_ore(), kMaxOre)) {
      return Invalid(f + ".listing_fee",
                     absl::StrCat("must be between 0 and ", kMaxOre, " öre"));
    }
    if (c.vat_basis_points() < 0 || c.vat_basis_points() > 10000) {
      return Invalid(f + ".vat_basis_points", "must be between 0 and 10000");
    }
  }
  return ValidateCompensation(table);
}

const v1::BandRate* FindBandRate(const v1::CategoryRate& rate, v1::Band band) {
  for (const v1::BandRate& r : rate.band_rates()) {
    if (r.band() == band) return &r;
  }
  return nullptr;
}

int64_t BandRateOre(const v1::BandRate& rate, bool in_house) {
  return in_house ? rate.in_house_ore() : rate.private_ore();
}

int64_t ListingFeeOre(const v1::CategoryRate& rate, bool in_house) {
  return in_house ? rate.listing_fee_in_house_ore()
                  : rate.listing_fee_private_ore();
}

RateBook::RateBook(const std::vector<v1::RateTable>& tables) {
  for (const v1::RateTable& t : tables) Add(t);
}

void RateBook::Add(v1::RateTable table) {
  absl::StatusOr<absl::CivilDay> day = ParseDate(table.effective_date());
  if (!day.ok()) return;
  BandSchedule schedule = BandSchedule::ForTable(table);
  tables_.insert_or_assign(*day,
                           Version{std::move(table), std::move(schedule)});
}

const RateBook::Version* RateBook::VersionOn(absl::CivilDay day) const {
  auto it = tables_.upper_bound(day);
  if (it == tables_.begin()) return nullptr;
  return &std::prev(it)->second;
}

const v1::RateTable* RateBook::TableOn(absl::CivilDay day) const {
  const Version* v = VersionOn(day);
  return v == nullptr ? nullptr : &v->table;
}

const BandSchedule* RateBook::BandsOn(absl::CivilDay day) const {
  const Version* v = VersionOn(day);
  return v == nullptr ? nullptr : &v->bands;
}

absl::StatusOr<const v1::CategoryRate*> RateBook::RateOn(
    const std::string& category_id, absl::CivilDay day) const {
  const v1::RateTable* table = TableOn(day);
  if (table == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("no rate table is in force on ", FormatDate(day),
                     " (AddRateTable with an earlier effective_date first)"));
  }
  for (const v1::CategoryRate& c : table->categories()) {
    if (c.category_id() == category_id) return &c;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("the rate table in force on ", FormatDate(day), " (from ",
                   table->effective_date(), ") has no rate for category '",
                   category_id, "'"));
}

std::vector<v1::RateTable> RateBook::All() const {
  std::vector<v1::RateTable> out;
  for (const auto& [day, v] : tables_) out.push_back(v.table);
  return out;
}

}  // namespace lov::settlement
