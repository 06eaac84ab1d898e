#include "lov/settlement/domain/rate_book.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/text.h"
#include "lov/settlement/domain/bands.h"

namespace lov::settlement {
namespace {

absl::Status Invalid(const std::string& field, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

constexpr v1::Band kAllBands[] = {v1::BAND_DAY, v1::BAND_EVENING,
                                  v1::BAND_NIGHT, v1::BAND_WEEKEND,
                                  v1::BAND_HOLIDAY};

}  // namespace

absl::Status ValidateRateTable(const v1::RateTable& table) {
  if (absl::StatusOr<absl::CivilDay> d = ParseDate(table.effective_date());
      !d.ok()) {
    return Invalid("table.effective_date", std::string(d.status().message()));
  }
  if (absl::Status s = ValidateBands(table.bands()); !s.ok()) return s;
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
      if (r.private_ore() < 0 || r.in_house_ore() < 0) {
        return Invalid(f + ".band_rates", "rates must not be negative");
      }
    }
    for (v1::Band b : kAllBands) {
      if (!bands.count(b)) {
        return Invalid(f + ".band_rates",
                       absl::StrCat("band ", v1::Band_Name(b),
                                    " is missing (every band needs a rate)"));
      }
    }
    for (const v1::ZoneSupplement& z : c.zone_supplements()) {
      if (z.area() == v1::ZONE_AREA_UNSPECIFIED || z.basis_points() < 0 ||
          z.ore_per_hour() < 0) {
        return Invalid(f + ".zone_supplements",
                       "needs an area and non-negative amounts");
      }
    }
    if (c.double_staffing_basis_points() != 0 &&
        c.double_staffing_basis_points() < 10000) {
      return Invalid(f + ".double_staffing_basis_points",
                     "must be 0 (none) or at least 10000 (1x)");
    }
    if (c.listing_fee_private_ore() < 0 || c.listing_fee_in_house_ore() < 0) {
      return Invalid(f + ".listing_fee", "must not be negative");
    }
    if (c.vat_basis_points() < 0 || c.vat_basis_points() > 10000) {
      return Invalid(f + ".vat_basis_points", "must be between 0 and 10000");
    }
  }
  return absl::OkStatus();
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
  tables_[*day] = std::move(table);
}

const v1::RateTable* RateBook::TableOn(absl::CivilDay day) const {
  auto it = tables_.upper_bound(day);
  if (it == tables_.begin()) return nullptr;
  return &std::prev(it)->second;
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
  for (const auto& [day, t] : tables_) out.push_back(t);
  return out;
}

}  // namespace lov::settlement
