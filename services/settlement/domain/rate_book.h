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

// Far above any real rate. Overflow is never silent: LineAmount multiplies
// in 128 bits and answers OUT_OF_RANGE naming the line when its quantity x
// multiplier or its amount does not fit in 64 bits (no abort, no wrap). The
// bounds keep that, and the plain int64 sums of lines into totals, out of
// reach: at the bounds one performed hour pays at most about 1.31e10 öre
// with every supplement (time 1e8, double staffing 9e8, zone 1e9 + 1e8, on
// double staffing 9e9 + 9e8, indirect time 1e9 + 1e8), and a per-visit line
// 1e8 a visit, so a provider's month would need some 700 million performed
// hours, or 90 billion visits, to come near 2^63 öre.
inline constexpr int64_t kMaxRateOre = 100'000'000;      // 1 000 000.00 kr
inline constexpr int64_t kMaxRateBasisPoints = 100'000;  // 10x

// InvalidArgument naming the field and the rule. Amounts are bounded
// (at most 1 000 000.00 kr, multipliers at most 10x); see above for what
// that means for overflow.
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
