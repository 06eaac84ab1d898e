// Sums of öre at the edge of int64: the largest sum is kept, one öre more is
// refused with an error naming the statement, never wrapped around.
#include "lov/settlement/domain/checked_sum.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "lov/settlement/domain/statement_test_support.h"

namespace lov::settlement {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kHalf = int64_t{1} << 62;  // 4 611 686 018 427 387 904

TEST(CheckedSumTest, KeepsTheLargestSumAndRefusesOneOreMore) {
  int64_t sum = kMax - 1;
  ASSERT_TRUE(AddOre(1, &sum, "statement p/2024-01: net").ok());
  EXPECT_EQ(sum, kMax);
  const absl::Status s = AddOre(1, &sum, "statement p/2024-01: net");
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(s.message(),
              HasSubstr("statement p/2024-01: net: 9223372036854775807 + 1 "
                        "öre does not fit in 64 bits"));
  EXPECT_EQ(sum, kMax);  // unchanged
}

TEST(CheckedSumTest, RefusesBelowTheSmallestSum) {
  int64_t sum = kMin + 1;
  ASSERT_TRUE(AddOre(-1, &sum, "x").ok());
  EXPECT_EQ(sum, kMin);
  EXPECT_EQ(AddOre(-1, &sum, "x").code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(sum, kMin);
  // Opposite signs never overflow.
  ASSERT_TRUE(AddOre(kMax, &sum, "x").ok());
  EXPECT_EQ(sum, -1);
}

TEST(CheckedSumTest, AddsMoney) {
  Money sum = Money::FromOre(kHalf);
  ASSERT_TRUE(AddMoney(Money::FromOre(kHalf - 1), &sum, "x").ok());
  EXPECT_EQ(sum.ore(), kMax);
  EXPECT_EQ(AddMoney(Money::FromOre(1), &sum, "x").code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(sum.ore(), kMax);
}

using StatementSumTest = testing::StatementTest;

v1::OneOffPayment OneOff(const std::string& id, int64_t amount_ore) {
  v1::OneOffPayment p;
  p.set_payment_id(id);
  p.set_description(id);  // one line each
  v1::OneOffShare* share = p.add_shares();
  share->set_provider_id("prv-a");
  share->set_amount_ore(amount_ore);
  return p;
}

// Two one-off lines of 2^62 öre and 2^62 - 1 öre: each line fits, and so
// does their sum, 2^63 - 1 öre, the largest int64.
TEST_F(StatementSumTest, TheLargestNetIsKept) {
  input_.one_offs = {OneOff("a", kHalf), OneOff("b", kHalf - 1)};
  const v1::Statement s = Build();
  ASSERT_EQ(s.lines_size(), 2);
  EXPECT_EQ(s.net_ore(), kMax);
  EXPECT_EQ(s.total_ore(), kMax);
}

// 2^62 + 2^62 öre is 2^63: one öre past int64. Refused, naming the
// statement, not a wrapped negative total.
TEST_F(StatementSumTest, ANetPastInt64IsRefusedNamingTheStatement) {
  input_.one_offs = {OneOff("a", kHalf), OneOff("b", kHalf)};
  const absl::StatusOr<v1::Statement> s = BuildStatement(input_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(s.status().message(),
              HasSubstr("statement prv-a/2024-01: net: 4611686018427387904 + "
                        "4611686018427387904 öre does not fit in 64 bits"));
}

TEST_F(StatementSumTest, ANetBelowInt64IsRefused) {
  input_.one_offs = {OneOff("a", -kHalf), OneOff("b", -kHalf), OneOff("c", -1)};
  const absl::StatusOr<v1::Statement> s = BuildStatement(input_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(s.status().message(), HasSubstr("statement prv-a/2024-01: net"));
}

}  // namespace
}  // namespace lov::settlement
