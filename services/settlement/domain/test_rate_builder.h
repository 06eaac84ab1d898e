#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_RATE_BUILDER_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_RATE_BUILDER_H_

// Small builders for the rate tables of the unit tests: the parts a test
// adds to January2024() (test_rates.h), each in one line, so that a table
// reads as the rates it holds:
//
//   v1::RateTable t = January2024();
//   AddAreaType(t, "glesbygd", {"fjall"}, /*sparse=*/true);
//   AddUnitCategory(t, "daycare", v1::PAYMENT_MODEL_PER_PARTICIPATION_DAY,
//                   Price(45000, 42000));

#include <cstdint>
#include <string>
#include <vector>

#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement::testing {

namespace v1 = ::lov::settlement::v1;

// A price per unit: private providers' öre and the in-house unit's.
inline v1::UnitPrice Price(int64_t private_ore, int64_t in_house_ore) {
  v1::UnitPrice p;
  p.set_private_ore(private_ore);
  p.set_in_house_ore(in_house_ore);
  return p;
}

// An area type over `zone_ids`; a sparse one (glesbygd) pays travel.
inline v1::AreaTypeDefinition* AddAreaType(
    v1::RateTable& table, const std::string& area_type_id,
    const std::vector<std::string>& zone_ids, bool sparse = false) {
  v1::AreaTypeDefinition* a = table.add_area_types();
  a->set_area_type_id(area_type_id);
  for (const std::string& z : zone_ids) a->add_zone_ids(z);
  a->set_sparse(sparse);
  return a;
}

// A category of `model` with no rates yet (a support-level category takes
// its rate from the table's support levels).
inline v1::CategoryRate* AddCategory(v1::RateTable& table,
                                     const std::string& category_id,
                                     v1::PaymentModel model) {
  v1::CategoryRate* c = table.add_categories();
  c->set_category_id(category_id);
  c->set_model(model);
  return c;
}

// A category paid per unit (day, half day, treatment) at `price`.
inline v1::CategoryRate* AddUnitCategory(v1::RateTable& table,
                                         const std::string& category_id,
                                         v1::PaymentModel model,
                                         const v1::UnitPrice& price) {
  v1::CategoryRate* c = AddCategory(table, category_id, model);
  *c->mutable_unit_price() = price;
  return c;
}

// The day rate of support level `level`.
inline v1::SupportLevelRate* AddSupportLevel(v1::RateTable& table,
                                             const std::string& level,
                                             const v1::UnitPrice& per_day) {
  v1::SupportLevelRate* l = table.add_support_levels();
  l->set_level(level);
  *l->mutable_per_day() = per_day;
  return l;
}

}  // namespace lov::settlement::testing

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_RATE_BUILDER_H_
