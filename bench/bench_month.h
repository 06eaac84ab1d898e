// The Stockholm-sized month of bench/settlement_bench.cc, for the benches
// that need one provider of it: the same fixed-seed generator, drawing the
// same numbers in the same order, so "the largest provider of the bench
// month" is the same provider with the same visits in both benchmarks.
// Header-only; settlement_bench.cc draws from the same Rng and constants.
#ifndef LOV_BENCH_BENCH_MONTH_H_
#define LOV_BENCH_BENCH_MONTH_H_

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "lov/platform/period.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/v1/settlement.pb.h"
#include "lov/visits/v1/events.pb.h"

namespace lov::bench {

struct Rng {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % n); }
};

constexpr int kPrivateProviders = 110;
constexpr int kInHouseProviders = 36;
constexpr int kProviders = kPrivateProviders + kInHouseProviders;
constexpr int kZones = 14;
constexpr int kFirstRuralZone = 11;

inline std::string MonthProviderId(int i) {
  return absl::StrFormat("prv-%03d", i);
}
inline bool MonthInHouse(int i) { return i >= kPrivateProviders; }
inline std::string MonthZoneId(int z) {
  return absl::StrFormat("zone-%02d", z);
}

// Stockholm 2024 levels, as settlement_bench's Table().
inline settlement::v1::RateTable MonthRateTable() {
  namespace v1 = ::lov::settlement::v1;
  struct Spec {
    const char* id;
    int64_t priv[5];
    int64_t own[5];
    int64_t double_bp, rural_bp, vat_bp;
  };
  const Spec specs[] = {{"personal-care",
                         {51600, 60000, 70000, 65000, 80000},
                         {48500, 56000, 66000, 61000, 75000},
                         20000,
                         1000,
                         0},
                        {"service",
                         {41000, 45000, 50000, 48000, 55000},
                         {39000, 43000, 48000, 46000, 53000},
                         15000,
                         500,
                         2500}};
  const v1::Band bands[] = {v1::BAND_DAY, v1::BAND_EVENING, v1::BAND_NIGHT,
                            v1::BAND_WEEKEND, v1::BAND_HOLIDAY};
  v1::RateTable t;
  t.set_effective_date("2024-01-01");
  t.mutable_bands()->set_day_start_minute(7 * 60);
  t.mutable_bands()->set_evening_start_minute(18 * 60);
  t.mutable_bands()->set_night_start_minute(22 * 60);
  for (const Spec& spec : specs) {
    v1::CategoryRate* c = t.add_categories();
    c->set_category_id(spec.id);
    c->set_model(v1::PAYMENT_MODEL_PERFORMED_HOURS);
    for (int b = 0; b < 5; ++b) {
      v1::BandRate* r = c->add_band_rates();
      r->set_band(bands[b]);
      r->set_private_ore(spec.priv[b]);
      r->set_in_house_ore(spec.own[b]);
    }
    c->set_double_staffing_basis_points(spec.double_bp);
    v1::ZoneSupplement* z = c->add_zone_supplements();
    z->set_area(v1::ZONE_AREA_RURAL);
    z->set_basis_points(spec.rural_bp);
    c->set_vat_basis_points(spec.vat_bp);
  }
  return t;
}

// Walks the month of `clients` clients; calls visit(provider, Visit) for
// each visit of a provider for which want(provider) holds (the others are
// drawn but not built) and counts every provider's visits in `counts`.
template <typename Want, typename Sink>
void WalkMonth(int clients, absl::CivilMonth month, Want want, Sink visit,
               std::vector<int>* counts) {
  Rng rng{20240301};
  const int days = DaysInMonth(month);
  for (int c = 0; c < clients; ++c) {
    const int provider = rng.Below(kProviders);
    const int zone = rng.Below(kZones);
    const bool build = want(provider);
    const std::string client = absl::StrFormat("client-%05d", c);
    for (int d = 0; d < days; ++d) {
      const int visits_today = rng.Below(6);
      for (int k = 0; k < visits_today; ++k) {
        const bool care = rng.Below(10) < 7;
        const int minute = rng.Below(24 * 60);
        const int length = 10 + rng.Below(111);
        const bool double_staffing = rng.Below(100) < 5;
        const bool absent = rng.Below(100) < 3;
        ++(*counts)[provider];
        if (!build) continue;
        visits::v1::Visit v;
        const std::string report = absl::StrFormat("%05d-%02d-%d", c, d, k);
        v.set_visit_id(MonthProviderId(provider) + "/" + report);
        v.set_report_id(report);
        v.set_provider_id(MonthProviderId(provider));
        v.set_client_id(client);
        v.set_category_id(care ? "personal-care" : "service");
        const absl::CivilSecond wall(month.year(), month.month(), 1 + d,
                                     minute / 60, minute % 60, 0);
        const absl::Time start = FromStockholm(wall);
        *v.mutable_start() = ToProtoTime(start);
        *v.mutable_end() = ToProtoTime(start + absl::Minutes(length));
        v.set_double_staffing(double_staffing);
        v.set_status(absent ? visits::v1::VISIT_STATUS_CLIENT_ABSENT
                            : visits::v1::VISIT_STATUS_PERFORMED);
        v.set_zone_id(MonthZoneId(zone));
        v.set_period(FormatPeriod(month));
        v.set_version(1);
        visit(provider, std::move(v));
      }
    }
  }
}

// The provider with the most visits in the month, and its visits.
inline int LargestProvider(int clients, absl::CivilMonth month,
                           std::vector<visits::v1::Visit>* visits) {
  std::vector<int> counts(kProviders, 0);
  WalkMonth(
      clients, month, [](int) { return false; }, [](int, visits::v1::Visit) {},
      &counts);
  int largest = 0;
  for (int p = 1; p < kProviders; ++p) {
    if (counts[p] > counts[largest]) largest = p;
  }
  std::vector<int> again(kProviders, 0);
  WalkMonth(
      clients, month, [&](int p) { return p == largest; },
      [&](int, visits::v1::Visit v) { visits->push_back(std::move(v)); },
      &again);
  return largest;
}

}  // namespace lov::bench

#endif  // LOV_BENCH_BENCH_MONTH_H_
