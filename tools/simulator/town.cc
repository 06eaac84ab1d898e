// Norrtälje kommun as the demo sets it up: its zones and categories, the
// in-house unit and the five private providers of the source documents.
#include "absl/strings/str_format.h"
#include "lov/platform/identity_numbers.h"
#include "simulator.h"

namespace lov::sim {

const std::vector<ProviderSpec>& Providers() {
  static const std::vector<ProviderSpec> providers = {
      {"212000-0209",
       "Norrtälje kommun, hemtjänst i egen regi",
       reg::PROVIDER_KIND_IN_HOUSE,
       {"norra", "sodra", "vaddo", "stad"},
       0,
       {"sv", "fi"},
       {"dementia", "diabetes"},
       5},
      {kAllegioOrg,
       "Allegio Omsorg AB",
       reg::PROVIDER_KIND_PRIVATE,
       {"stad", "sodra"},
       260,
       {"sv", "ar"},
       {"culture", "diet"},
       3},
      {"556554-1645",
       "Attendo Sverige AB",
       reg::PROVIDER_KIND_PRIVATE,
       {"stad", "sodra", "norra"},
       0,
       {"sv", "fi", "en"},
       {"dementia"},
       4},
      {kTiohundraOrg,
       "Tiohundra AB",
       reg::PROVIDER_KIND_PRIVATE,
       {"stad", "norra", "vaddo"},
       300,
       {"sv"},
       {"continuity of staff"},
       3},
      {"556708-0311",
       "Väddö Vård AB",
       reg::PROVIDER_KIND_PRIVATE,
       {"vaddo"},
       120,
       {"sv"},
       {"diabetes"},
       2},
      {"559012-3450",
       "Äldreliv i Stockholm AB",
       reg::PROVIDER_KIND_PRIVATE,
       {"stad", "sodra"},
       0,
       {"sv", "fi"},
       {"dementia", "culture"},
       2},
  };
  return providers;
}

std::string ProviderId(const std::string& org) {
  std::string digits;
  for (char c : org)
    if (c != '-') digits += c;
  return "prv-" + digits;
}

namespace {

void AddZones(reg::Municipality& town) {
  struct Zone {
    const char* id;
    const char* name;
    reg::AreaType area;
  };
  for (const Zone& z :
       {Zone{"norra", "Norra (Hallstavik, Rimbo norr)", reg::AREA_TYPE_RURAL},
        Zone{"sodra", "Södra (Rimbo, Åkersberga gräns)", reg::AREA_TYPE_URBAN},
        Zone{"vaddo", "Väddö och Grisslehamn", reg::AREA_TYPE_RURAL},
        Zone{"stad", "Norrtälje stad", reg::AREA_TYPE_URBAN}}) {
    auto* zone = town.add_zones();
    zone->set_zone_id(z.id);
    zone->set_name(z.name);
    zone->set_area_type(z.area);
  }
}

// A category offered from `from` to `to` o'clock on `weekdays` (none: every
// day).
reg::ServiceCategory* AddCategory(reg::Municipality& town, const char* id,
                                  const char* name, int from, int to,
                                  const std::vector<int>& weekdays) {
  auto* category = town.add_categories();
  category->set_category_id(id);
  category->set_name(name);
  auto* hours = category->add_hours();
  hours->set_start_minute(from * 60);
  hours->set_end_minute(to * 60);
  for (int d : weekdays) hours->add_weekdays(d);
  return category;
}

}  // namespace

reg::Municipality Norrtalje() {
  reg::Municipality town;
  town.set_municipality_id("0188");
  town.set_name("Norrtälje kommun");
  town.set_provider_notice_days(60);
  town.set_stop_intake_on_notice(true);
  town.set_in_house_provider_id(ProviderId(Providers()[0].org));
  AddZones(town);
  AddCategory(town, "home-help-service", "Hemtjänst, service", 7, 22, {});
  AddCategory(town, "home-help-personal-care", "Hemtjänst, omvårdnad", 7, 22,
              {})
      ->add_required_manager_qualifications("care-degree");
  AddCategory(town, "home-nursing", "Hemsjukvård", 7, 17, {});
  AddCategory(town, "home-rehabilitation", "Hemrehabilitering", 8, 17,
              {1, 2, 3, 4, 5});
  // Paid per enrolled day at the client's decided support level.
  AddCategory(town, kDayActivity, "Dagverksamhet", 9, 16, {1, 2, 3, 4, 5});
  return town;
}

bool SparseZone(const std::string& zone_id) {
  return zone_id == "norra" || zone_id == "vaddo";
}

std::string Personnummer(int year, int month, int day, int n) {
  const std::string nine =
      absl::StrFormat("%02d%02d%02d%03d", year % 100, month, day, n % 1000);
  return absl::StrFormat("%04d%02d%02d%03d%d", year, month, day, n % 1000,
                         LuhnCheckDigit(nine));
}

}  // namespace lov::sim
