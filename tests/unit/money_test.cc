#include "lov/platform/money.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lov {
namespace {

using ::testing::HasSubstr;

std::vector<Money> Ore(const std::vector<int64_t>& amounts) {
  std::vector<Money> result;
  for (int64_t ore : amounts) result.push_back(Money::FromOre(ore));
  return result;
}

int64_t Sum(const std::vector<Money>& parts) {
  int64_t sum = 0;
  for (Money part : parts) sum += part.ore();
  return sum;
}

TEST(MoneyParseTest, AcceptsKronorWithPointOrComma) {
  EXPECT_EQ(Money::Parse("1234.56").value().ore(), 123456);
  EXPECT_EQ(Money::Parse("1234,56").value().ore(), 123456);
  EXPECT_EQ(Money::Parse("-12.5").value().ore(), -1250);
  EXPECT_EQ(Money::Parse("100").value().ore(), 10000);
  EXPECT_EQ(Money::Parse("0.05").value().ore(), 5);
  EXPECT_EQ(Money::Parse("-0,05").value().ore(), -5);
  EXPECT_EQ(Money::Parse("-0").value().ore(), 0);
}

TEST(MoneyParseTest, AcceptsTheWholeInt64Range) {
  EXPECT_EQ(Money::Parse("92233720368547758.07").value().ore(),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Money::Parse("-92233720368547758.08").value().ore(),
            std::numeric_limits<int64_t>::min());
}

TEST(MoneyParseTest, RejectsMoreThanTwoDecimalsNamingTheInput) {
  const absl::StatusOr<Money> parsed = Money::Parse("12.345");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("\"12.345\""), std::string::npos)
      << parsed.status();
  EXPECT_NE(parsed.status().message().find("more than 2 decimals"),
            std::string::npos)
      << parsed.status();
}

TEST(MoneyParseTest, RejectsGarbage) {
  for (const char* bad :
       {"", "abc", "12a", "1.2.3", "12.", ".5", "-", "--1", "+5", "1 000", " 1",
        "1 ", "1,000.00", "0x10", "92233720368547758.08",
        "-92233720368547758.09", "100000000000000000000"}) {
    const absl::StatusOr<Money> parsed = Money::Parse(bad);
    EXPECT_FALSE(parsed.ok()) << "input: \"" << bad << "\"";
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << "input: \"" << bad << "\"";
  }
  const absl::StatusOr<Money> parsed = Money::Parse("12a");
  EXPECT_NE(parsed.status().message().find("\"12a\""), std::string::npos)
      << parsed.status();
}

TEST(MoneyFormatTest, AlwaysTwoDecimals) {
  EXPECT_EQ(Money::FromOre(123456).ToDecimalString(), "1234.56");
  EXPECT_EQ(Money::FromOre(-5).ToDecimalString(), "-0.05");
  EXPECT_EQ(Money::FromOre(0).ToDecimalString(), "0.00");
  EXPECT_EQ(Money::FromOre(-100).ToDecimalString(), "-1.00");
  EXPECT_EQ(Money::FromOre(1250).ToDecimalString(), "12.50");
  EXPECT_EQ(
      Money::FromOre(std::numeric_limits<int64_t>::min()).ToDecimalString(),
      "-92233720368547758.08");
}

TEST(MoneyArithmeticTest, AddsSubtractsNegatesAndCompares) {
  Money a = Money::FromOre(1050);
  const Money b = Money::FromOre(-250);
  EXPECT_EQ((a + b).ore(), 800);
  EXPECT_EQ((a - b).ore(), 1300);
  EXPECT_EQ((-a).ore(), -1050);
  a += Money::FromOre(50);
  EXPECT_EQ(a.ore(), 1100);
  a -= Money::FromOre(100);
  EXPECT_EQ(a.ore(), 1000);
  EXPECT_LT(b, a);
  EXPECT_GT(a, b);
  EXPECT_LE(a, Money::FromOre(1000));
  EXPECT_EQ(a, Money::FromOre(1000));
  EXPECT_NE(a, b);
  EXPECT_EQ(Money().ore(), 0);
}

struct RoundingCase {
  int64_t ore;
  int64_t num;
  int64_t den;
  int64_t half_up;
  int64_t half_even;
  int64_t toward_zero;
};

TEST(MoneyMulDivTest, RoundsInEachMode) {
  const RoundingCase cases[] = {
      // 2.5 and -2.5: halves, even neighbour 2.
      {5, 1, 2, 3, 2, 2},
      {-5, 1, 2, -3, -2, -2},
      // 3.5 and -3.5: halves, even neighbour 4.
      {7, 1, 2, 4, 4, 3},
      {-7, 1, 2, -4, -4, -3},
      // A negative denominator flips the sign: -2.5.
      {5, 1, -2, -3, -2, -2},
      {5, -1, 2, -3, -2, -2},
      // 2.333... and 2.666...: not halves.
      {7, 1, 3, 2, 2, 2},
      {8, 1, 3, 3, 3, 2},
      {-8, 1, 3, -3, -3, -2},
      // Exact.
      {300, 2, 3, 200, 200, 200},
      {0, 5, 7, 0, 0, 0},
  };
  for (const RoundingCase& c : cases) {
    const Money m = Money::FromOre(c.ore);
    const std::string where = "ore=" + std::to_string(c.ore) + " * " +
                              std::to_string(c.num) + " / " +
                              std::to_string(c.den);
    EXPECT_EQ(m.MulDiv(c.num, c.den, Rounding::kHalfUp)->ore(), c.half_up)
        << where;
    EXPECT_EQ(m.MulDiv(c.num, c.den, Rounding::kHalfEven)->ore(), c.half_even)
        << where;
    EXPECT_EQ(m.MulDiv(c.num, c.den, Rounding::kTowardZero)->ore(),
              c.toward_zero)
        << where;
  }
}

TEST(MoneyMulDivTest, IntermediateProductDoesNotOverflow) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(Money::FromOre(kMax).MulDiv(3, 3, Rounding::kHalfUp)->ore(), kMax);
  // 10^15 öre * 10^6 / 10^6 needs 10^21 on the way.
  EXPECT_EQ(Money::FromOre(1'000'000'000'000'000)
                .MulDiv(1'000'000, 1'000'000, Rounding::kHalfUp)
                ->ore(),
            1'000'000'000'000'000);
}

// Amounts come from requests and events: misuse is an error, never a crash.
TEST(MoneyMulDivTest, DivisionByZeroIsInvalidArgument) {
  const absl::StatusOr<Money> m =
      Money::FromOre(1).MulDiv(1, 0, Rounding::kHalfUp);
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(m.status().message(), HasSubstr("divided by zero"));
}

TEST(MoneyMulDivTest, ResultOutsideInt64IsOutOfRange) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(
      Money::FromOre(kMax).MulDiv(2, 1, Rounding::kHalfUp).status().code(),
      absl::StatusCode::kOutOfRange);
  // -(int64 min) is one more than int64 max.
  EXPECT_EQ(
      Money::FromOre(kMin).MulDiv(1, -1, Rounding::kHalfUp).status().code(),
      absl::StatusCode::kOutOfRange);
  EXPECT_EQ(
      Money::RateTimesSeconds(Money::FromOre(kMax), 3601, Rounding::kHalfUp)
          .status()
          .code(),
      absl::StatusCode::kOutOfRange);
  // The largest result that fits still comes back: kMax * 3600 / 3600.
  EXPECT_EQ(
      Money::RateTimesSeconds(Money::FromOre(kMax), 3600, Rounding::kHalfUp)
          ->ore(),
      kMax);
}

TEST(MoneyRateTest, RateTimesSeconds) {
  const Money rate = Money::FromOre(45000);  // 450.00 kr per hour.
  // 30 minutes: 225.00 kr.
  EXPECT_EQ(Money::RateTimesSeconds(rate, 1800, Rounding::kHalfUp)->ore(),
            22500);
  // One second: 45000 / 3600 = 12.5 öre.
  EXPECT_EQ(Money::RateTimesSeconds(rate, 1, Rounding::kHalfUp)->ore(), 13);
  EXPECT_EQ(Money::RateTimesSeconds(rate, 1, Rounding::kHalfEven)->ore(), 12);
  EXPECT_EQ(Money::RateTimesSeconds(rate, 1, Rounding::kTowardZero)->ore(), 12);
  // A correction of -1 second: -12.5 öre.
  EXPECT_EQ(Money::RateTimesSeconds(rate, -1, Rounding::kHalfUp)->ore(), -13);
  EXPECT_EQ(Money::RateTimesSeconds(rate, -1, Rounding::kHalfEven)->ore(), -12);
  // 1 h 23 min 20 s = 5000 s at 387.65 kr: 38765 * 5000 / 3600 = 53840.277...
  EXPECT_EQ(
      Money::RateTimesSeconds(Money::FromOre(38765), 5000, Rounding::kHalfUp)
          ->ore(),
      53840);
}

TEST(MoneyRateTest, PercentBasisPoints) {
  // VAT 25% of 100.02 kr = 25.005 kr = 2500.5 öre.
  const Money price = Money::FromOre(10002);
  EXPECT_EQ(price.PercentBasisPoints(2500, Rounding::kHalfUp)->ore(), 2501);
  EXPECT_EQ(price.PercentBasisPoints(2500, Rounding::kHalfEven)->ore(), 2500);
  EXPECT_EQ(price.PercentBasisPoints(2500, Rounding::kTowardZero)->ore(), 2500);
  // 25% of 100.06 kr = 2501.5 öre: the even neighbour is up.
  EXPECT_EQ(Money::FromOre(10006)
                .PercentBasisPoints(2500, Rounding::kHalfEven)
                ->ore(),
            2502);
  // 25% of -100.02 kr = -2500.5 öre.
  EXPECT_EQ(
      Money::FromOre(-10002).PercentBasisPoints(2500, Rounding::kHalfUp)->ore(),
      -2501);
  // 12.5% (1250 bp) of 1000.00 kr is exact.
  EXPECT_EQ(
      Money::FromOre(100000).PercentBasisPoints(1250, Rounding::kHalfUp)->ore(),
      12500);
}

TEST(MoneyAllocateTest, SplitsFiveMillionInThreeExactly) {
  // 5 000 000.00 kr = 500 000 000 öre; a third is 166 666 666.67 öre.
  const std::vector<Money> parts =
      Money::Allocate(Money::FromOre(500'000'000), {1, 1, 1}).value();
  EXPECT_EQ(parts, Ore({166'666'667, 166'666'667, 166'666'666}));
  EXPECT_EQ(Sum(parts), 500'000'000);
}

TEST(MoneyAllocateTest, LargestRemainderGetsTheLeftOver) {
  // 1.00 kr by 1:2 is 33.33 and 66.67 öre; the larger remainder is second.
  EXPECT_EQ(Money::Allocate(Money::FromOre(100), {1, 2}).value(),
            Ore({33, 67}));
  // 0.10 kr by 3:3:4 is 3, 3, 4 exactly.
  EXPECT_EQ(Money::Allocate(Money::FromOre(10), {3, 3, 4}).value(),
            Ore({3, 3, 4}));
  // 0.10 kr by 1:1:1:1:1:1 is 1.67 each: four get 2, two get 1.
  EXPECT_EQ(Money::Allocate(Money::FromOre(10), {1, 1, 1, 1, 1, 1}).value(),
            Ore({2, 2, 2, 2, 1, 1}));
}

TEST(MoneyAllocateTest, NegativeTotalMirrorsPositive) {
  const std::vector<Money> parts =
      Money::Allocate(Money::FromOre(-100), {1, 1, 1}).value();
  EXPECT_EQ(parts, Ore({-34, -33, -33}));
  EXPECT_EQ(Sum(parts), -100);
}

TEST(MoneyAllocateTest, ZeroWeightsGetNothing) {
  EXPECT_EQ(Money::Allocate(Money::FromOre(100), {0, 1, 1}).value(),
            Ore({0, 50, 50}));
  EXPECT_EQ(Money::Allocate(Money::FromOre(100), {0, 0, 0}).value(),
            Ore({0, 0, 0}));
  EXPECT_TRUE(Money::Allocate(Money::FromOre(100), {})->empty());
}

TEST(MoneyAllocateTest, NegativeWeightIsInvalidArgument) {
  const auto parts = Money::Allocate(Money::FromOre(100), {1, -1});
  EXPECT_EQ(parts.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parts.status().message(), HasSubstr("weight -1 is negative"));
}

TEST(MoneyAllocateTest, HugeWeightsAndTotalsStillSumExactly) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<Money> parts =
      Money::Allocate(Money::FromOre(kMax), {kMax, kMax, 1}).value();
  // With kMax = 2n + 1 the exact shares are n + (n + 1) / (2 kMax + 1) twice
  // and 0 + kMax / (2 kMax + 1): the third has the largest remainder and
  // gets the one öre left over.
  EXPECT_EQ(parts, Ore({4611686018427387903, 4611686018427387903, 1}));
  EXPECT_EQ(
      Money::Allocate(Money::FromOre(std::numeric_limits<int64_t>::min()), {1})
          .value(),
      Ore({std::numeric_limits<int64_t>::min()}));
}

}  // namespace
}  // namespace lov
