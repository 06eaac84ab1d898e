#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_RATES_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_RATES_H_

// Rate tables and visits for the unit tests, with round numbers so that the
// expectations can be worked out by hand.

#include <array>
#include <string>

#include "absl/time/time.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/v1/settlement.pb.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::settlement::testing {

namespace v1 = ::lov::settlement::v1;

inline v1::BandDefinition StandardBands() {
  v1::BandDefinition b;
  b.set_day_start_minute(7 * 60);
  b.set_evening_start_minute(18 * 60);
  b.set_night_start_minute(22 * 60);
  return b;
}

// Private / in-house öre per hour (or per visit) for DAY, EVENING, NIGHT,
// WEEKEND, HOLIDAY.
inline v1::CategoryRate Category(const std::string& id, v1::PaymentModel model,
                                 std::array<int64_t, 5> priv,
                                 std::array<int64_t, 5> in_house) {
  v1::CategoryRate c;
  c.set_category_id(id);
  c.set_model(model);
  const v1::Band bands[] = {v1::BAND_DAY, v1::BAND_EVENING, v1::BAND_NIGHT,
                            v1::BAND_WEEKEND, v1::BAND_HOLIDAY};
  for (int i = 0; i < 5; ++i) {
    v1::BandRate* r = c.add_band_rates();
    r->set_band(bands[i]);
    r->set_private_ore(priv[i]);
    r->set_in_house_ore(in_house[i]);
  }
  return c;
}

// January 2024: personal care 516 kr/h by day (private), 485 in-house;
// service 410 kr/h with 25 % VAT; home nursing per visit with a listing
// fee of 197 kr (private) / 185 kr (in-house) a month; granted-time home
// help at 400 kr/h.
inline v1::RateTable January2024() {
  v1::RateTable t;
  t.set_effective_date("2024-01-01");
  *t.mutable_bands() = StandardBands();
  v1::CategoryRate care = Category(
      "personal-care", v1::PAYMENT_MODEL_PERFORMED_HOURS,
      {51600, 60000, 70000, 65000, 80000}, {48500, 56000, 66000, 61000, 75000});
  care.set_double_staffing_basis_points(20000);
  v1::ZoneSupplement* rural = care.add_zone_supplements();
  rural->set_area(v1::ZONE_AREA_RURAL);
  rural->set_basis_points(1000);
  *t.add_categories() = care;
  v1::CategoryRate service = Category(
      "service", v1::PAYMENT_MODEL_PERFORMED_HOURS,
      {41000, 45000, 50000, 48000, 55000}, {39000, 43000, 48000, 46000, 53000});
  service.set_vat_basis_points(2500);
  *t.add_categories() = service;
  v1::CategoryRate nursing = Category(
      "home-nursing", v1::PAYMENT_MODEL_PER_VISIT,
      {26000, 26000, 24500, 30000, 35000}, {24500, 24500, 23000, 28000, 33000});
  nursing.set_listing_fee_private_ore(19700);
  nursing.set_listing_fee_in_house_ore(18500);
  *t.add_categories() = nursing;
  *t.add_categories() = Category(
      "granted-help", v1::PAYMENT_MODEL_GRANTED_HOURS,
      {40000, 40000, 40000, 40000, 40000}, {38000, 38000, 38000, 38000, 38000});
  return t;
}

// January2024() plus day care at 450 kr per day of participation (420
// in-house) and rehabilitation at 200 kr per half day (190) up to 4 h.
inline v1::RateTable DayModels2024() {
  v1::RateTable t = January2024();
  v1::CategoryRate* daycare = t.add_categories();
  daycare->set_category_id("daycare");
  daycare->set_model(v1::PAYMENT_MODEL_PER_PARTICIPATION_DAY);
  daycare->mutable_unit_price()->set_private_ore(45000);
  daycare->mutable_unit_price()->set_in_house_ore(42000);
  v1::CategoryRate* rehab = t.add_categories();
  rehab->set_category_id("rehab");
  rehab->set_model(v1::PAYMENT_MODEL_PER_HALF_DAY);
  rehab->mutable_unit_price()->set_private_ore(20000);
  rehab->mutable_unit_price()->set_in_house_ore(19000);
  rehab->set_half_day_max_minutes(240);
  return t;
}

inline absl::Time Utc(const std::string& rfc3339) {
  return *ParseRfc3339(rfc3339);
}

inline visits::v1::Visit MakeVisit(const std::string& id,
                                   const std::string& category,
                                   const std::string& start_utc,
                                   const std::string& end_utc,
                                   const std::string& zone = "city") {
  visits::v1::Visit v;
  v.set_visit_id(id);
  v.set_provider_id("prv-a");
  v.set_client_id("c1");
  v.set_category_id(category);
  *v.mutable_start() = ToProtoTime(Utc(start_utc));
  *v.mutable_end() = ToProtoTime(Utc(end_utc));
  v.set_status(visits::v1::VISIT_STATUS_PERFORMED);
  v.set_zone_id(zone);
  v.set_version(1);
  return v;
}

}  // namespace lov::settlement::testing

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_RATES_H_
