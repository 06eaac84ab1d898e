#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_BANDS_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_BANDS_H_

// Splits a visit into time bands (OB: evening, night, weekend, holiday) by
// the Stockholm wall clock.
//
// The bands are data: a rate table's BandRules name, per kind of day
// (weekday, Friday, Saturday, Sunday, public holiday, holiday eve), windows
// of the day that belong to a band, and a precedence for where windows
// overlap. A table without band rules uses DefaultBandRules of its
// BandDefinition, which is the behaviour from before rules were data: a
// public holiday (and, if configured, a holiday eve) is HOLIDAY all day;
// Saturday and Sunday are WEEKEND all day; other days are NIGHT before
// day_start and from night_start, EVENING from evening_start, DAY otherwise.
//
// A visit is cut at every band boundary and at every local midnight; each
// piece is measured in real elapsed seconds, so a night on a daylight-saving
// day is an hour shorter (March) or longer (October) on the wall clock than
// it was in paid time. In the repeated hour of October both occurrences of
// a wall time belong to that wall time's band.

#include <array>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
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

// The band rules that reproduce `bands` with the fixed precedence holiday >
// weekend > night > evening > day: the configuration of every table that
// has no band_rules.
v1::BandRules DefaultBandRules(const v1::BandDefinition& bands);

// InvalidArgument naming the field: windows with a day type, a band and
// 0 <= start < end <= 1440; precedence without repeats; extra eves as
// "MM-DD" or "YYYY-MM-DD"; and every minute of every kind of day covered
// by exactly one band after precedence, else the error names the kind of
// day and the minute range left uncovered or claimed by two unranked bands.
absl::Status ValidateBandRules(const v1::BandRules& rules);

// Band rules compiled once per rate table: for each of the twelve kinds of
// day (Monday-Thursday, Friday, Saturday or Sunday; plain, holiday eve or
// public holiday) the day's bands as a few minute segments, so splitting a
// visit only classifies its days and walks their segments.
class BandSchedule {
 public:
  // `rules` should have passed ValidateBandRules; minutes no window covers
  // are BAND_UNSPECIFIED (paid nothing).
  explicit BandSchedule(const v1::BandRules& rules);
  // The table's band_rules, or DefaultBandRules(table.bands()) without.
  static BandSchedule ForTable(const v1::RateTable& table);

  // The band at instant `t`.
  v1::Band At(absl::Time t) const;

  // The pieces of [start, end), in time order, adjacent pieces of the same
  // band merged. Empty if end <= start.
  std::vector<BandPiece> Split(absl::Time start, absl::Time end) const;

  // The pieces of the whole Stockholm day `day`, from its midnight to the
  // next, adjacent pieces of the same band merged: Split cuts each day of a
  // visit out of these (band_calendar.h keeps them for a month).
  std::vector<BandPiece> DayPieces(absl::CivilDay day) const;

 private:
  struct Segment {
    int start_minute;
    int end_minute;
    v1::Band band;
  };
  static constexpr int kKinds = 12;

  int KindOf(absl::CivilDay day) const;

  std::array<std::vector<Segment>, kKinds> segments_;
  std::set<std::pair<int, int>> yearly_eves_;  // (month, day)
  std::set<absl::CivilDay> dated_eves_;
};

namespace internal {
// Appends [from, to) of `band` to `pieces`, merged into the last piece if
// that one has the same band and ends at `from`; nothing if it is empty.
void AppendPiece(std::vector<BandPiece>& pieces, v1::Band band, absl::Time from,
                 absl::Time to);
}  // namespace internal

// The band at `t` and the pieces of [start, end) under DefaultBandRules.
v1::Band BandAt(absl::Time t, const v1::BandDefinition& bands);
std::vector<BandPiece> SplitIntoBands(absl::Time start, absl::Time end,
                                      const v1::BandDefinition& bands);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_BANDS_H_
