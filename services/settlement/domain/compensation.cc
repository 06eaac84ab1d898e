#include "lov/settlement/domain/compensation.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/settlement/domain/rate_book.h"

namespace lov::settlement {
namespace {

absl::Status Invalid(const std::string& field, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

bool InRange(int64_t value, int64_t max) { return value >= 0 && value <= max; }

absl::Status ValidatePrice(const std::string& field, const v1::UnitPrice& p,
                           int64_t max = kMaxRateOre) {
  if (!InRange(p.private_ore(), max) || !InRange(p.in_house_ore(), max)) {
    return Invalid(field, absl::StrCat("private_ore and in_house_ore must be "
                                       "between 0 and ",
                                       max, " öre"));
  }
  return absl::OkStatus();
}

// Travel is paid in the zones of sparse area types only, so a price
// without one could never be paid.
absl::Status ValidateTravel(const v1::RateTable& table,
                            const std::string& field, const v1::UnitPrice& p,
                            int64_t max) {
  if (absl::Status s = ValidatePrice(field, p, max); !s.ok()) return s;
  if (p.private_ore() == 0 && p.in_house_ore() == 0) return absl::OkStatus();
  for (const auto& a : table.area_types()) {
    if (a.sparse()) return absl::OkStatus();
  }
  return Invalid(field,
                 "is paid in the zones of sparse area types, and no "
                 "table.area_types entry is sparse");
}

bool IsUnitModel(v1::PaymentModel m) {
  return m == v1::PAYMENT_MODEL_PER_PARTICIPATION_DAY ||
         m == v1::PAYMENT_MODEL_PER_HALF_DAY ||
         m == v1::PAYMENT_MODEL_PER_TREATMENT;
}

// Area type ids, each once; a zone in at most one area type.
absl::Status ValidateAreaTypes(const v1::RateTable& table) {
  std::set<std::string> ids;
  std::map<std::string, std::string> zone_area;
  for (int i = 0; i < table.area_types_size(); ++i) {
    const v1::AreaTypeDefinition& a = table.area_types(i);
    const std::string f = absl::StrCat("table.area_types[", i, "]");
    if (a.area_type_id().empty()) {
      return Invalid(f + ".area_type_id", "is required");
    }
    if (!ids.insert(a.area_type_id()).second) {
      return Invalid(f + ".area_type_id",
                     absl::StrCat("'", a.area_type_id(), "' appears twice"));
    }
    for (int j = 0; j < a.zone_ids_size(); ++j) {
      const std::string& zone = a.zone_ids(j);
      const std::string zf = absl::StrCat(f, ".zone_ids[", j, "]");
      if (zone.empty()) return Invalid(zf, "is empty");
      auto [it, fresh] = zone_area.emplace(zone, a.area_type_id());
      if (!fresh) {
        return Invalid(
            zf, absl::StrCat("zone '", zone, "' is already in area type '",
                             it->second, "' (a zone has one area type)"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateSupportLevels(const v1::RateTable& table) {
  std::set<std::string> levels;
  for (int i = 0; i < table.support_levels_size(); ++i) {
    const v1::SupportLevelRate& l = table.support_levels(i);
    const std::string f = absl::StrCat("table.support_levels[", i, "]");
    if (l.level().empty()) return Invalid(f + ".level", "is required");
    if (!levels.insert(l.level()).second) {
      return Invalid(f + ".level",
                     absl::StrCat("'", l.level(), "' appears twice"));
    }
    if (absl::Status s = ValidatePrice(f + ".per_day", l.per_day()); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

std::string AreaTypeIds(const v1::RateTable& table) {
  std::vector<std::string> ids;
  for (const auto& a : table.area_types()) ids.push_back(a.area_type_id());
  return ids.empty() ? "none" : absl::StrJoin(ids, ", ");
}

absl::Status ValidateAreaSupplements(const v1::RateTable& table,
                                     const v1::CategoryRate& c,
                                     const std::string& f) {
  if (c.area_supplements().empty()) return absl::OkStatus();
  if (!c.zone_supplements().empty()) {
    return Invalid(f + ".area_supplements",
                   "give either zone_supplements (by the registry's URBAN / "
                   "RURAL) or area_supplements, not both");
  }
  if (c.model() != v1::PAYMENT_MODEL_PERFORMED_HOURS &&
      c.model() != v1::PAYMENT_MODEL_PER_VISIT) {
    return Invalid(
        f + ".area_supplements",
        absl::StrCat("are paid on performed time or visits; model ",
                     v1::PaymentModel_Name(c.model()), " has neither"));
  }
  std::set<std::string> area_types;
  std::set<std::string> zones;
  for (int j = 0; j < c.area_supplements_size(); ++j) {
    const v1::AreaSupplement& s = c.area_supplements(j);
    const std::string sf = absl::StrCat(f, ".area_supplements[", j, "]");
    if (s.area_type_id().empty() == s.zone_id().empty()) {
      return Invalid(sf, "set exactly one of area_type_id and zone_id");
    }
    if (!s.area_type_id().empty()) {
      bool known = false;
      for (const auto& a : table.area_types()) {
        known = known || a.area_type_id() == s.area_type_id();
      }
      if (!known) {
        return Invalid(
            sf + ".area_type_id",
            absl::StrCat("unknown area type '", s.area_type_id(),
                         "' (table.area_types has: ", AreaTypeIds(table), ")"));
      }
      if (!area_types.insert(s.area_type_id()).second) {
        return Invalid(
            sf + ".area_type_id",
            absl::StrCat("'", s.area_type_id(), "' has a supplement already"));
      }
    } else if (!zones.insert(s.zone_id()).second) {
      return Invalid(
          sf + ".zone_id",
          absl::StrCat("'", s.zone_id(), "' has a supplement already"));
    }
    if (!InRange(s.basis_points(), kMaxRateBasisPoints)) {
      return Invalid(sf + ".basis_points",
                     absl::StrCat("must be from 0 to ", kMaxRateBasisPoints));
    }
    if (!InRange(s.ore_per_hour(), kMaxRateOre)) {
      return Invalid(sf + ".ore_per_hour",
                     absl::StrCat("must be from 0 to ", kMaxRateOre));
    }
  }
  return absl::OkStatus();
}

// The unit, half-day and support-level fields: set for their models only.
absl::Status ValidateModelFields(const v1::RateTable& table,
                                 const v1::CategoryRate& c,
                                 const std::string& f) {
  const std::string model = v1::PaymentModel_Name(c.model());
  if (c.has_unit_price() != IsUnitModel(c.model())) {
    return Invalid(f + ".unit_price",
                   c.has_unit_price()
                       ? absl::StrCat("is not used by model ", model)
                       : absl::StrCat("is required by model ", model));
  }
  if (absl::Status s = ValidatePrice(f + ".unit_price", c.unit_price());
      !s.ok()) {
    return s;
  }
  const bool half_day = c.model() == v1::PAYMENT_MODEL_PER_HALF_DAY;
  if (half_day &&
      (c.half_day_max_minutes() < 1 || c.half_day_max_minutes() > 1439)) {
    return Invalid(f + ".half_day_max_minutes",
                   "must be from 1 to 1439 for PAYMENT_MODEL_PER_HALF_DAY");
  }
  if (!half_day && c.half_day_max_minutes() != 0) {
    return Invalid(f + ".half_day_max_minutes",
                   absl::StrCat("is not used by model ", model));
  }
  const bool by_level = c.model() == v1::PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL;
  if (!by_level && !c.support_level().empty()) {
    return Invalid(f + ".support_level",
                   absl::StrCat("is not used by model ", model));
  }
  if (by_level && table.support_levels().empty()) {
    return Invalid(f + ".model",
                   absl::StrCat(model,
                                " pays the day rates of table.support_levels, "
                                "and the table has none"));
  }
  // The category's own level is the default for clients whose decision
  // names none (support_level_days.h); empty: no default.
  if (by_level && !c.support_level().empty()) {
    bool known = false;
    for (const auto& l : table.support_levels()) {
      known = known || l.level() == c.support_level();
    }
    if (!known) {
      return Invalid(f + ".support_level",
                     absl::StrCat("'", c.support_level(),
                                  "' is not in table.support_levels"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateExtras(const v1::RateTable& table,
                            const v1::CategoryRate& c, const std::string& f) {
  if (absl::Status s = ValidateTravel(table, f + ".travel_per_visit",
                                      c.travel_per_visit(), kMaxRateOre);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateTravel(table, f + ".travel_per_km",
                                      c.travel_per_km(), kMaxTravelOrePerKm);
      !s.ok()) {
    return s;
  }
  const v1::IndirectTimeSupplement& it = c.indirect_time();
  if (!InRange(it.basis_points(), kMaxRateBasisPoints)) {
    return Invalid(f + ".indirect_time.basis_points",
                   absl::StrCat("must be from 0 to ", kMaxRateBasisPoints));
  }
  if (!InRange(it.ore_per_hour(), kMaxRateOre)) {
    return Invalid(f + ".indirect_time.ore_per_hour",
                   absl::StrCat("must be from 0 to ", kMaxRateOre));
  }
  if (it.basis_points() > 0 && c.model() != v1::PAYMENT_MODEL_PERFORMED_HOURS) {
    return Invalid(f + ".indirect_time.basis_points",
                   "is a share of the performed-time amount, so only for "
                   "PAYMENT_MODEL_PERFORMED_HOURS (use ore_per_hour)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateCompensation(const v1::RateTable& table) {
  if (absl::Status s = ValidateAreaTypes(table); !s.ok()) return s;
  if (absl::Status s = ValidateSupportLevels(table); !s.ok()) return s;
  for (int i = 0; i < table.categories_size(); ++i) {
    const v1::CategoryRate& c = table.categories(i);
    const std::string f = absl::StrCat("table.categories[", i, "]");
    if (absl::Status s = ValidateAreaSupplements(table, c, f); !s.ok()) {
      return s;
    }
    if (absl::Status s = ValidateModelFields(table, c, f); !s.ok()) return s;
    if (absl::Status s = ValidateExtras(table, c, f); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::vector<std::pair<std::string, std::string>> ZonesNamed(
    const v1::RateTable& table) {
  std::vector<std::pair<std::string, std::string>> out;
  for (int i = 0; i < table.area_types_size(); ++i) {
    for (int j = 0; j < table.area_types(i).zone_ids_size(); ++j) {
      out.emplace_back(
          absl::StrCat("table.area_types[", i, "].zone_ids[", j, "]"),
          table.area_types(i).zone_ids(j));
    }
  }
  for (int i = 0; i < table.categories_size(); ++i) {
    const v1::CategoryRate& c = table.categories(i);
    for (int j = 0; j < c.area_supplements_size(); ++j) {
      if (c.area_supplements(j).zone_id().empty()) continue;
      out.emplace_back(absl::StrCat("table.categories[", i,
                                    "].area_supplements[", j, "].zone_id"),
                       c.area_supplements(j).zone_id());
    }
  }
  return out;
}

bool UsesBandRates(v1::PaymentModel model) {
  return model == v1::PAYMENT_MODEL_PERFORMED_HOURS ||
         model == v1::PAYMENT_MODEL_GRANTED_HOURS ||
         model == v1::PAYMENT_MODEL_PER_VISIT;
}

int64_t UnitPriceOre(const v1::UnitPrice& price, bool in_house) {
  return in_house ? price.in_house_ore() : price.private_ore();
}

const v1::AreaTypeDefinition* AreaTypeOf(const v1::RateTable& table,
                                         const std::string& zone_id) {
  for (const v1::AreaTypeDefinition& a : table.area_types()) {
    for (const std::string& z : a.zone_ids()) {
      if (z == zone_id) return &a;
    }
  }
  return nullptr;
}

const v1::AreaSupplement* AreaSupplementFor(const v1::RateTable& table,
                                            const v1::CategoryRate& rate,
                                            const std::string& zone_id) {
  for (const v1::AreaSupplement& s : rate.area_supplements()) {
    if (s.zone_id() == zone_id) return &s;
  }
  const v1::AreaTypeDefinition* area = AreaTypeOf(table, zone_id);
  if (area == nullptr) return nullptr;
  for (const v1::AreaSupplement& s : rate.area_supplements()) {
    if (!s.area_type_id().empty() && s.area_type_id() == area->area_type_id())
      return &s;
  }
  return nullptr;
}

namespace internal {

void AddVisitExtras(const VisitExtras& v, Lines& lines) {
  const int64_t travel = UnitPriceOre(v.rate.travel_per_visit(), v.in_house);
  const v1::AreaTypeDefinition* area = AreaTypeOf(v.table, v.key.zone_id);
  const bool sparse = area != nullptr && area->sparse();
  if (travel > 0 && sparse) {
    LineKey k = v.key;
    k.kind = v1::LINE_KIND_TRAVEL;
    k.unit_rate_ore = travel;
    AddToLine(lines, k, v.sign, v.source);
  }
  // The line's metres in one sum, so the km are rounded once per line.
  const int64_t per_km = UnitPriceOre(v.rate.travel_per_km(), v.in_house);
  if (per_km > 0 && sparse && v.travel_metres > 0) {
    LineKey k = v.key;
    k.kind = v1::LINE_KIND_TRAVEL_DISTANCE;
    k.unit_rate_ore = per_km;
    k.quantity_per_unit = kMetresPerKm;
    AddToLine(lines, k, v.sign * v.travel_metres, v.source);
  }
  const int64_t indirect = v.rate.indirect_time().ore_per_hour();
  if (indirect > 0 && v.seconds > 0) {
    LineKey k = v.key;
    k.kind = v1::LINE_KIND_INDIRECT_TIME;
    k.unit_rate_ore = indirect;
    k.quantity_per_unit = kSecondsPerHour;
    AddToLine(lines, k, v.sign * v.seconds, v.source);
  }
}

void DayModelVisits::Add(const v1::CategoryRate& rate, const LineKey& key,
                         const std::string& client_id, absl::CivilDay day,
                         int64_t seconds, std::string source) {
  Day& d = days_[{key, client_id, day}];
  d.rate = &rate;
  d.seconds += seconds;
  d.sources.push_back(std::move(source));
}

std::pair<LineKey, int64_t> DayModelVisits::Priced(const Where& where,
                                                   const Day& d,
                                                   bool in_house) {
  LineKey k = std::get<0>(where);
  k.unit_rate_ore = UnitPriceOre(d.rate->unit_price(), in_house);
  int64_t units = 1;
  if (d.rate->model() == v1::PAYMENT_MODEL_PER_HALF_DAY) {
    k.kind = v1::LINE_KIND_HALF_DAY;
    units = d.seconds <= d.rate->half_day_max_minutes() * int64_t{60} ? 1 : 2;
  } else {
    k.kind = v1::LINE_KIND_PARTICIPATION_DAY;
  }
  return {std::move(k), units};
}

void DayModelVisits::AddLines(bool in_house, int sign, Lines& lines) const {
  for (const auto& [where, d] : days_) {
    auto [key, units] = Priced(where, d, in_house);
    LineSum& sum = lines[key];
    sum.quantity += sign * units;
    for (const std::string& s : d.sources) sum.sources.push_back(s);
  }
}

void DayModelVisits::AddDifference(const DayModelVisits& before,
                                   const DayModelVisits& after,
                                   const DayModelVisits& changed, bool in_house,
                                   Lines& lines) {
  auto units_in = [in_house](const DayModelVisits& days, const Where& where) {
    auto it = days.days_.find(where);
    return it == days.days_.end() ? 0
                                  : Priced(where, it->second, in_house).second;
  };
  for (const auto& [where, d] : changed.days_) {
    LineSum& sum = lines[Priced(where, d, in_house).first];
    sum.quantity += units_in(after, where) - units_in(before, where);
    for (const std::string& s : d.sources) sum.sources.push_back(s);
  }
}

}  // namespace internal
}  // namespace lov::settlement
