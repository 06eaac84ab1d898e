#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_SUPPORT_LEVELS_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_SUPPORT_LEVELS_H_

// What the support-level unit tests share (support_level_days_test.cc,
// support_level_changes_test.cc): January 2024's rates with two levels,
// daily activities paid by the client's decided level, and the
// assignments and decisions of the clients in them (Assigned serves any
// category: compensation_test.cc too).

#include <string>

#include "lov/choice/v1/events.pb.h"
#include "lov/settlement/domain/test_rate_builder.h"
#include "lov/settlement/domain/test_rates.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement::testing {

// Daily activities, paid per day by the client's support level.
inline constexpr char kDaily[] = "daglig-verksamhet";

// January 2024's rates plus level 1 (520 kr a day, 500 in-house) and level
// 2 (780 kr, 750), and daily activities paid by level with `default_level`
// as the category's own level ("" = none).
inline v1::RateTable SupportLevels(const std::string& default_level = "") {
  v1::RateTable t = January2024();
  AddSupportLevel(t, "niva-1", Price(52000, 50000));
  AddSupportLevel(t, "niva-2", Price(78000, 75000));
  AddCategory(t, kDaily, v1::PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL)
      ->set_support_level(default_level);
  return t;
}

// `client` assigned to prv-a in the city zone for `category` from `from`
// to `to` ("" = open-ended).
inline choice::v1::Assignment Assigned(const std::string& client,
                                       const std::string& category,
                                       const std::string& from,
                                       const std::string& to) {
  choice::v1::Assignment a;
  a.set_assignment_id(client + "/" + from);
  a.set_client_id(client);
  a.set_provider_id("prv-a");
  a.set_zone_id("city");
  a.add_category_ids(category);
  a.set_valid_from(from);
  a.set_valid_to(to);
  return a;
}

// A decision granting 600 minutes a month of daily activities at `level`
// ("" = none named) from `from` to `to` ("" = open-ended).
inline choice::v1::Decision Decided(const std::string& id,
                                    const std::string& from,
                                    const std::string& to,
                                    const std::string& level) {
  choice::v1::Decision d;
  d.set_decision_id(id);
  d.set_valid_from(from);
  d.set_valid_to(to);
  choice::v1::GrantedCategory* g = d.add_categories();
  g->set_category_id(kDaily);
  g->set_minutes_per_month(600);
  g->set_support_level(level);
  return d;
}

}  // namespace lov::settlement::testing

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_SUPPORT_LEVELS_H_
