#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_COMPENSATION_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_COMPENSATION_H_

// The rate table's area types and zone supplements, and the compensation
// models beside the hourly ones (docs/settlement.md, "Area types" and
// "Compensation models"): per day of participation, per half day, per
// treatment, per day by support level, travel in sparse zones and the
// indirect-time supplement. All data in the rate table, priced in whole
// öre on lines that are rounded once (LineAmount).

#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "lov/settlement/domain/statement_lines.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

// InvalidArgument naming the field: area types, area supplements, support
// levels and the fields of the unit and day models. Called by
// ValidateRateTable.
absl::Status ValidateCompensation(const v1::RateTable& table);

// The highest travel_per_km: 1 000.00 kr per km, far above any real rate.
// With the visits service's 500 km a visit that is at most 5e7 öre, below
// the 1e8 of a per-visit line (rate_book.h), and LineAmount still answers
// OUT_OF_RANGE rather than wrap for any distance an event could carry.
inline constexpr int64_t kMaxTravelOrePerKm = 100'000;

// Every zone id the table names, with the field that names it, so that
// AddRateTable can refuse zones settlement does not know.
std::vector<std::pair<std::string, std::string>> ZonesNamed(
    const v1::RateTable& table);

// Whether the category is priced from band rates (hours, visits, granted
// time); the unit and day models are not.
bool UsesBandRates(v1::PaymentModel model);

int64_t UnitPriceOre(const v1::UnitPrice& price, bool in_house);

// The area type the table puts the zone in, or nullptr.
const v1::AreaTypeDefinition* AreaTypeOf(const v1::RateTable& table,
                                         const std::string& zone_id);

// The category's area supplement for the zone: the zone's own, else its
// area type's; nullptr if none.
const v1::AreaSupplement* AreaSupplementFor(const v1::RateTable& table,
                                            const v1::CategoryRate& rate,
                                            const std::string& zone_id);

namespace internal {

// One visit version's extras of any model: travel compensation if its zone
// is in a sparse area type (per visit, and per km on the metres it
// reports), the indirect-time supplement per performed hour. `key` is the
// visit's line key (category, zone, rate version).
struct VisitExtras {
  const v1::RateTable& table;
  const v1::CategoryRate& rate;
  bool in_house;
  int64_t seconds;        // performed
  int64_t travel_metres;  // reported
  int sign;               // -1 takes an old version out
  const LineKey& key;
  const std::string& source;
};
void AddVisitExtras(const VisitExtras& visit, Lines& lines);

// The visits of day-model categories (PER_PARTICIPATION_DAY, PER_HALF_DAY)
// gathered by client and Stockholm date, so a client's day is paid once
// however many visits it had.
class DayModelVisits {
 public:
  void Add(const v1::CategoryRate& rate, const LineKey& key,
           const std::string& client_id, absl::CivilDay day, int64_t seconds,
           std::string source);
  // One participation day per client and date; a half day per client and
  // date up to half_day_max_minutes performed, two half days above.
  void AddLines(bool in_house, int sign, Lines& lines) const;
  bool empty() const { return days_.empty(); }

  // A change of a paid month pays the difference of the client's days, not
  // the visit: for every client and date of `changed` (the old version with
  // sign -1 and the new one with +1), the units of `after` (the month's
  // paid visits with the new version) minus those of `before` (with the old
  // one), on the line of that day, with `changed`'s sources. A visit added
  // on a paid day is 0, on a new day one day; voiding one of two visits of
  // a day is 0, the only one minus one day.
  static void AddDifference(const DayModelVisits& before,
                            const DayModelVisits& after,
                            const DayModelVisits& changed, bool in_house,
                            Lines& lines);

 private:
  using Where = std::tuple<LineKey, std::string, absl::CivilDay>;
  struct Day {
    const v1::CategoryRate* rate = nullptr;
    int64_t seconds = 0;
    std::vector<std::string> sources;
  };
  // The line of one client's day (kind, unit price) and its units.
  static std::pair<LineKey, int64_t> Priced(const Where& where, const Day& d,
                                            bool in_house);
  std::map<Where, Day> days_;
};

}  // namespace internal
}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_COMPENSATION_H_
