#include "lov/platform/money.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/text.h"

namespace lov {
namespace {

using Int128 = __int128;

constexpr Int128 kInt64Max = std::numeric_limits<int64_t>::max();
constexpr Int128 kInt64Min = std::numeric_limits<int64_t>::min();

absl::Status ParseError(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid money amount ", Quoted(text), ": ", AsAbsl(why)));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Rounds numerator / denominator (denominator > 0) to an integer.
Int128 DivideRounded(Int128 numerator, Int128 denominator, Rounding rounding) {
  Int128 quotient = numerator / denominator;         // Truncates toward zero.
  const Int128 remainder = numerator % denominator;  // Sign of numerator.
  if (remainder == 0 || rounding == Rounding::kTowardZero) return quotient;
  const Int128 twice_abs_remainder =
      2 * (remainder < 0 ? -remainder : remainder);
  const bool away_from_zero =
      twice_abs_remainder > denominator ||
      (twice_abs_remainder == denominator &&
       (rounding == Rounding::kHalfUp || quotient % 2 != 0));
  if (away_from_zero) quotient += numerator < 0 ? -1 : 1;
  return quotient;
}

}  // namespace

absl::StatusOr<Money> Money::Parse(std::string_view text) {
  std::string_view rest = text;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.remove_prefix(1);

  const size_t mark = rest.find_first_of(".,");
  const std::string_view whole = rest.substr(0, mark);
  const std::string_view fraction = mark == std::string_view::npos
                                        ? std::string_view()
                                        : rest.substr(mark + 1);

  if (text.empty()) return ParseError(text, "empty");
  if (whole.empty()) {
    return ParseError(text, "expected digits before the decimal mark");
  }
  if (mark != std::string_view::npos && fraction.empty()) {
    return ParseError(text, "expected digits after the decimal mark");
  }
  if (!std::all_of(whole.begin(), whole.end(), IsDigit) ||
      !std::all_of(fraction.begin(), fraction.end(), IsDigit)) {
    return ParseError(text, "expected kronor such as 1234.56 or 1234,56");
  }
  if (fraction.size() > 2) return ParseError(text, "more than 2 decimals");

  // The limit is the magnitude of int64 min, so "-92233720368547758.08"
  // parses; the positive side is checked after the sign is applied.
  constexpr Int128 kMaxMagnitude = -kInt64Min;
  Int128 magnitude = 0;
  for (char c : whole) {
    magnitude = magnitude * 10 + (c - '0');
    if (magnitude * 100 > kMaxMagnitude) {
      return ParseError(text, "out of range");
    }
  }
  magnitude *= 100;
  if (!fraction.empty()) magnitude += (fraction[0] - '0') * 10;
  if (fraction.size() == 2) magnitude += fraction[1] - '0';

  const Int128 ore = negative ? -magnitude : magnitude;
  if (ore > kInt64Max || ore < kInt64Min) {
    return ParseError(text, "out of range");
  }
  return Money(static_cast<int64_t>(ore));
}

std::string Money::ToDecimalString() const {
  // Unsigned so that the magnitude of int64 min is representable.
  const uint64_t magnitude = ore_ < 0
                                 ? uint64_t{0} - static_cast<uint64_t>(ore_)
                                 : static_cast<uint64_t>(ore_);
  return absl::StrFormat("%s%d.%02d", ore_ < 0 ? "-" : "", magnitude / 100,
                         magnitude % 100);
}

absl::StatusOr<Money> Money::MulDiv(int64_t num, int64_t den,
                                    Rounding rounding) const {
  if (den == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("money: ", ore_, " öre times ", num, " divided by zero"));
  }
  Int128 numerator = static_cast<Int128>(ore_) * num;
  Int128 denominator = den;
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const Int128 result = DivideRounded(numerator, denominator, rounding);
  if (result > kInt64Max || result < kInt64Min) {
    return absl::OutOfRangeError(absl::StrCat("money: ", ore_, " öre times ",
                                              num, " / ", den,
                                              " does not fit in 64-bit öre"));
  }
  return Money(static_cast<int64_t>(result));
}

absl::StatusOr<Money> Money::RateTimesSeconds(Money rate_per_hour,
                                              int64_t seconds,
                                              Rounding rounding) {
  constexpr int64_t kSecondsPerHour = 3600;
  return rate_per_hour.MulDiv(seconds, kSecondsPerHour, rounding);
}

absl::StatusOr<Money> Money::PercentBasisPoints(int64_t basis_points,
                                                Rounding rounding) const {
  constexpr int64_t kBasisPointsPerWhole = 10000;
  return MulDiv(basis_points, kBasisPointsPerWhole, rounding);
}

absl::StatusOr<std::vector<Money>> Money::Allocate(
    Money total, const std::vector<int64_t>& weights) {
  std::vector<Money> parts(weights.size());
  Int128 weight_sum = 0;
  for (int64_t weight : weights) {
    if (weight < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("money: allocation weight ", weight, " is negative"));
    }
    weight_sum += weight;
  }
  if (weight_sum == 0) return parts;

  const bool negative = total.ore_ < 0;
  const Int128 magnitude = negative ? -static_cast<Int128>(total.ore_)
                                    : static_cast<Int128>(total.ore_);
  std::vector<Int128> remainders(weights.size());
  Int128 left_over = magnitude;
  for (size_t i = 0; i < weights.size(); ++i) {
    const Int128 share = magnitude * weights[i];
    const Int128 truncated = share / weight_sum;
    remainders[i] = share % weight_sum;
    left_over -= truncated;
    // truncated <= magnitude <= 2^63, and only int64 min reaches 2^63, in
    // which case it is negated back below.
    parts[i].ore_ = static_cast<int64_t>(negative ? -truncated : truncated);
  }

  // Fewer öre are left over than there are non-zero weights, so each
  // remainder gets at most one. A stable sort keeps ties in index order.
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return remainders[a] > remainders[b];
  });
  for (size_t i = 0; left_over > 0; ++i, --left_over) {
    parts[order[i]].ore_ += negative ? -1 : 1;
  }
  return parts;
}

}  // namespace lov
