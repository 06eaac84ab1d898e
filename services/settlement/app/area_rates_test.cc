// AddRateTable with area types (issue 18 item 2): the zones a table names
// must be zones the registry told settlement about; the refusal names the
// field and publishes nothing. Pricing is in domain/area_supplements_test.cc
// and, through the service, tests/compensation_service_test.cc.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/settlement/app/settlement_app_test_support.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;
using ::testing::IsEmpty;

class AreaRatesTest : public test_support::SettlementAppFixture {
 protected:
  // January 2024's rates with two area types over city and north, 5 %
  // for personal care in landsbygd.
  static v1::RateTable WithAreaTypes() {
    v1::RateTable t = testing::January2024();
    v1::AreaTypeDefinition* town = t.add_area_types();
    town->set_area_type_id("tätort");
    town->add_zone_ids("city");
    v1::AreaTypeDefinition* rural = t.add_area_types();
    rural->set_area_type_id("landsbygd");
    rural->add_zone_ids("north");
    v1::CategoryRate* care = t.mutable_categories(0);
    care->clear_zone_supplements();
    v1::AreaSupplement* s = care->add_area_supplements();
    s->set_area_type_id("landsbygd");
    s->set_basis_points(500);
    return t;
  }
};

TEST_F(AreaRatesTest, AZoneTheRegistryNeverNamedIsRefusedByField) {
  ASSERT_TRUE(store_.SetZoneAreas({{"city", v1::ZONE_AREA_URBAN}}).ok());
  absl::StatusOr<v1::RateTable> refused =
      app_.AddRateTable(AddRates(WithAreaTypes()));
  EXPECT_TRUE(IsError(refused.status(), absl::StatusCode::kInvalidArgument,
                      {"table.area_types[1].zone_ids[0]: unknown zone "
                       "'north' (zones known from the registry: city)"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
}

TEST_F(AreaRatesTest, KnownZonesAreAcceptedAndPriceThePreview) {
  ASSERT_TRUE(store_
                  .SetZoneAreas({{"city", v1::ZONE_AREA_URBAN},
                                 {"north", v1::ZONE_AREA_RURAL}})
                  .ok());
  absl::StatusOr<v1::RateTable> added =
      app_.AddRateTable(AddRates(WithAreaTypes()));
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_TRUE(store_.SetProviderKind(test_support::kProvider, false).ok());
  visits::v1::Visit v = test_support::JanuaryVisit(
      test_support::kProvider, "v-north", "personal-care",
      "2024-01-17T08:00:00Z", "2024-01-17T09:00:00Z");
  v.set_zone_id("north");
  ASSERT_TRUE(store_.PutVisit(v).ok());
  // 1 h by day, 516 kr, and 5 % in landsbygd: 51 600 + 2 580 = 54 180.
  absl::StatusOr<v1::Statement> s = Preview(test_support::kProvider, "2024-01");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->total_ore(), 54180);
}

}  // namespace
}  // namespace lov::settlement
