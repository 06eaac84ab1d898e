#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_RATE_BOOK_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_RATE_BOOK_H_

// Rate tables versioned by effective date. The version in force on a
// visit's Stockholm start date prices the whole visit (a visit that starts
// 31 January 23:00 and ends 1 February is priced by January's table);
// listing fees and granted time are priced by the version in force on the
// first day of the period. A new version therefore never changes a month
// before its effective date.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lov/settlement/domain/bands.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

// Far above any real rate, and low enough that no month of any provider
// can overflow 64-bit öre (1 000 000 kr an hour x 10 for a million years).
inline constexpr int64_t kMaxRateOre = 100'000'000;      // 1 000 000.00 kr
inline constexpr int64_t kMaxRateBasisPoints = 100'000;  // 10x

// InvalidArgument naming the field and the rule. Amounts are bounded
// (at most 1 000 000.00 kr, multipliers at most 10x) so that no statement
// priced by a valid table can overflow.
absl::Status ValidateRateTable(const v1::RateTable& table);

// The rate of `band` for a provider kind, or nullptr if the band is absent.
const v1::BandRate* FindBandRate(const v1::CategoryRate& rate, v1::Band band);
int64_t BandRateOre(const v1::BandRate& rate, bool in_house);
int64_t ListingFeeOre(const v1::CategoryRate& rate, bool in_house);

class RateBook {
 public:
  RateBook() = default;
  explicit RateBook(const std::vector<v1::RateTable>& tables);

  void Add(v1::RateTable table);

  // The table in force on `day`, or nullptr if none has started yet.
  const v1::RateTable* TableOn(absl::CivilDay day) const;
  // The compiled band rules of that table (built once, when added).
  const BandSchedule* BandsOn(absl::CivilDay day) const;
  // The category's rate in the table in force on `day`; FailedPrecondition
  // naming the category and the day if there is none.
  absl::StatusOr<const v1::CategoryRate*> RateOn(const std::string& category_id,
                                                 absl::CivilDay day) const;
  std::vector<v1::RateTable> All() const;
  bool empty() const { return tables_.empty(); }

 private:
  struct Version {
    v1::RateTable table;
    BandSchedule bands;
  };
  const Version* VersionOn(absl::CivilDay day) const;

  std::map<absl::CivilDay, Version> tables_;
};

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_RATE_BOOK_H_
