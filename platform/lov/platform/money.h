// Money as an exact integer number of öre.
//
// Compensation (ersättning), fees and VAT are paid in whole öre, so amounts
// are int64 öre and never floating point. Every division, and so every
// rounding, goes through Money::MulDiv with an explicit Rounding: a reader can
// find each place where an öre may be gained or lost.

#ifndef LOV_PLATFORM_MONEY_H_
#define LOV_PLATFORM_MONEY_H_

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace lov {

// How MulDiv settles a quotient that is not a whole number of öre.
enum class Rounding {
  // Halves away from zero: 2.5 -> 3, -2.5 -> -3 (the usual commercial rule).
  kHalfUp,
  // Halves to the even neighbour: 2.5 -> 2, 3.5 -> 4, -2.5 -> -2 (banker's
  // rounding; no bias when many amounts are summed).
  kHalfEven,
  // Truncation: 2.9 -> 2, -2.9 -> -2.
  kTowardZero,
};

class Money {
 public:
  constexpr Money() = default;

  static constexpr Money FromOre(int64_t ore) { return Money(ore); }

  // Parses kronor with at most two decimals, '.' or ',' as the decimal mark:
  // "1234.56", "1234,56", "-12.5", "100". Anything else (more decimals,
  // thousands separators, whitespace, a leading '+', an empty integer or
  // fraction part, overflow) is InvalidArgument naming the input.
  static absl::StatusOr<Money> Parse(std::string_view text);

  constexpr int64_t ore() const { return ore_; }

  // "1234.56", "-0.05", "0.00": always two decimals, '.' as the mark.
  std::string ToDecimalString() const;

  // Exact öre * num / den, rounded once as `rounding` says; the intermediate
  // product is 128-bit so it cannot overflow. This is the one place in the
  // platform where money is rounded. A negative den is allowed. den == 0 is
  // InvalidArgument and a result outside int64 öre is OutOfRange: amounts
  // come from requests and events, so a wrong one is refused, never paid
  // and never a crash.
  absl::StatusOr<Money> MulDiv(int64_t num, int64_t den,
                               Rounding rounding) const;

  // rate_per_hour * seconds / 3600, e.g. pay for performed time (utförd tid).
  static absl::StatusOr<Money> RateTimesSeconds(Money rate_per_hour,
                                                int64_t seconds,
                                                Rounding rounding);

  // This amount times basis_points / 10000; VAT 25% is 2500 basis points.
  absl::StatusOr<Money> PercentBasisPoints(int64_t basis_points,
                                           Rounding rounding) const;

  // Splits `total` in proportion to non-negative `weights` so that the parts
  // add up exactly to `total`: each part gets the truncated share, and the
  // öre left over go one each to the largest remainders (ties to the lower
  // index). A negative total is split like its absolute value, then negated,
  // so signs never change the distribution. If every weight is zero (or
  // there are none) every part is zero. A negative weight is
  // InvalidArgument.
  static absl::StatusOr<std::vector<Money>> Allocate(
      Money total, const std::vector<int64_t>& weights);

  // Arithmetic is exact; like int64 itself it assumes no overflow (that is
  // ±92 233 720 368 547 758 kronor).
  constexpr Money operator-() const { return Money(-ore_); }
  constexpr Money& operator+=(Money other) {
    ore_ += other.ore_;
    return *this;
  }
  constexpr Money& operator-=(Money other) {
    ore_ -= other.ore_;
    return *this;
  }
  friend constexpr Money operator+(Money a, Money b) { return a += b; }
  friend constexpr Money operator-(Money a, Money b) { return a -= b; }
  friend constexpr auto operator<=>(const Money&, const Money&) = default;

  // For test failure messages and debugging: "1234.56 kr".
  friend std::ostream& operator<<(std::ostream& os, Money money) {
    return os << money.ToDecimalString() << " kr";
  }

 private:
  constexpr explicit Money(int64_t ore) : ore_(ore) {}

  int64_t ore_ = 0;
};

}  // namespace lov

#endif  // LOV_PLATFORM_MONEY_H_
