// The demo municipality's rulebook as rate-table data (docs/settlement.md):
// home help paid per performed hour by time band, with a rural supplement
// and, in the sparse zones (glesbygd), travel per km on the distance each
// visit reports; day activities paid per enrolled day at the client's
// decided support level.
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {
namespace {

// Per km driven to a visit in a sparse zone: 3.50 kr (in-house 3.00 kr).
constexpr int64_t kTravelPerKmOre = 350;
constexpr int64_t kInHouseTravelPerKmOre = 300;

// The rates of one home-help category: the day rate (öre per hour) scaled
// per time band, the in-house unit 31 SEK less, a rural supplement, travel
// per km in the sparse area type.
void AddCategoryRates(set::RateTable& table, const char* category_id,
                      int64_t day_ore, int64_t vat_basis_points) {
  auto* rates = table.add_categories();
  rates->set_category_id(category_id);
  rates->set_model(set::PAYMENT_MODEL_PERFORMED_HOURS);
  for (auto [band, percent] :
       std::vector<std::pair<set::Band, int>>{{set::BAND_DAY, 100},
                                              {set::BAND_EVENING, 115},
                                              {set::BAND_NIGHT, 140},
                                              {set::BAND_WEEKEND, 125},
                                              {set::BAND_HOLIDAY, 150}}) {
    auto* band_rate = rates->add_band_rates();
    band_rate->set_band(band);
    band_rate->set_private_ore(day_ore * percent / 100);
    band_rate->set_in_house_ore((day_ore - 3100) * percent / 100);
  }
  auto* rural = rates->add_zone_supplements();
  rural->set_area(set::ZONE_AREA_RURAL);
  rural->set_basis_points(500);
  rates->set_double_staffing_basis_points(20000);
  rates->set_vat_basis_points(vat_basis_points);
  rates->mutable_travel_per_km()->set_private_ore(kTravelPerKmOre);
  rates->mutable_travel_per_km()->set_in_house_ore(kInHouseTravelPerKmOre);
}

// The zones by area type: the town and its surroundings, and the sparse
// countryside where staff drive far between clients.
void AddAreaTypes(set::RateTable& table) {
  auto* town = table.add_area_types();
  town->set_area_type_id("tatort");
  auto* sparse = table.add_area_types();
  sparse->set_area_type_id("glesbygd");
  sparse->set_sparse(true);
  for (const char* zone : {"stad", "sodra", "norra", "vaddo"}) {
    (SparseZone(zone) ? sparse : town)->add_zone_ids(zone);
  }
}

// Day activities per enrolled day by the support level in the client's
// decision (no default: every client needs a decided level).
void AddDayActivities(set::RateTable& table) {
  struct Level {
    const char* level;
    int64_t private_ore, in_house_ore;
  };
  for (const Level& l :
       {Level{"niva-1", 18000, 17100}, Level{"niva-2", 32000, 30400},
        Level{"niva-3", 48000, 45600}}) {
    auto* rate = table.add_support_levels();
    rate->set_level(l.level);
    rate->mutable_per_day()->set_private_ore(l.private_ore);
    rate->mutable_per_day()->set_in_house_ore(l.in_house_ore);
  }
  auto* days = table.add_categories();
  days->set_category_id(kDayActivity);
  days->set_model(set::PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL);
}

}  // namespace

set::RateTable DemoRateTable(absl::CivilDay effective) {
  set::RateTable table;
  table.set_effective_date(FormatDate(effective));
  table.set_description(
      "Norrtälje hemtjänst per utförd timme, resa per km i glesbygd; "
      "dagverksamhet per inskriven dag efter stödnivå");
  table.mutable_bands()->set_day_start_minute(7 * 60);
  table.mutable_bands()->set_evening_start_minute(19 * 60);
  table.mutable_bands()->set_night_start_minute(22 * 60);
  AddAreaTypes(table);
  AddCategoryRates(table, "home-help-service", 45000, 2500);
  AddCategoryRates(table, "home-help-personal-care", 51600, 0);
  AddDayActivities(table);
  return table;
}

}  // namespace lov::sim
