#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_BANDS_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_BANDS_H_

// Splits a visit into time bands (OB: evening, night, weekend, holiday) by
// the Stockholm wall clock.
//
// The band of an instant is decided by the Stockholm date and time at that
// instant, the highest band winning: a public holiday (and, if configured, a
// holiday eve) is HOLIDAY all day; Saturday and Sunday are WEEKEND all day;
// other days are NIGHT before day_start and from night_start, EVENING from
// evening_start, DAY otherwise. A visit is cut at every band boundary and
// at every local midnight; each piece is measured in real elapsed seconds,
// so a night on a daylight-saving day is an hour shorter (March) or longer
// (October) on the wall clock than it was in paid time.

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

struct BandPiece {
  v1::Band band;
  absl::Time start;
  absl::Time end;
  int64_t seconds;
};

// InvalidArgument naming the field unless 0 <= day_start < evening_start <=
// night_start <= 1440.
absl::Status ValidateBands(const v1::BandDefinition& bands);

// The band at instant `t`.
v1::Band BandAt(absl::Time t, const v1::BandDefinition& bands);

// The pieces of [start, end), in time order, adjacent pieces of the same
// band merged. Empty if end <= start.
std::vector<BandPiece> SplitIntoBands(absl::Time start, absl::Time end,
                                      const v1::BandDefinition& bands);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_BANDS_H_
