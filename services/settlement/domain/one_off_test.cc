// The sharing rules of one-off payments, each exact to the öre: the shares
// add up to the total, and the remainder rule (largest remainder, ties to
// the provider id that sorts first) is worked out by hand below.
#include "lov/settlement/domain/one_off.h"

#include <gtest/gtest.h>

namespace lov::settlement {
namespace {

v1::CreateOneOffPaymentRequest Payment(v1::OneOffRule rule, int64_t total) {
  v1::CreateOneOffPaymentRequest r;
  r.set_payment_id("support-2024");
  r.set_total_ore(total);
  r.set_rule(rule);
  if (!SharesAreGiven(rule)) r.set_basis_period("2024-01");
  r.set_paid_in_period("2024-02");
  return r;
}

void Give(v1::CreateOneOffPaymentRequest& r, const std::string& provider,
          int64_t weight, int64_t amount_ore) {
  v1::OneOffShare* s = r.add_given_shares();
  s->set_provider_id(provider);
  s->set_weight(weight);
  s->set_amount_ore(amount_ore);
}

choice::v1::Assignment Listed(const std::string& client,
                              std::vector<std::string> categories,
                              const std::string& from, const std::string& to) {
  choice::v1::Assignment a;
  a.set_client_id(client);
  for (const std::string& c : categories) a.add_category_ids(c);
  a.set_valid_from(from);
  a.set_valid_to(to);
  return a;
}

std::vector<int64_t> Amounts(const v1::OneOffPayment& p) {
  std::vector<int64_t> out;
  int64_t sum = 0;
  for (const v1::OneOffShare& s : p.shares()) {
    out.push_back(s.amount_ore());
    sum += s.amount_ore();
  }
  EXPECT_EQ(sum, p.total_ore());
  return out;
}

TEST(SettlementOneOffRulesTest, ClientDaysCountEachClientDayOnce) {
  // c1: 1-10 January in two categories, and again 5-15 January: days 1-15
  // once, 15. c2: from 20 January, open-ended: 20-31, 12. c3: December
  // only, 0. Total 27.
  EXPECT_EQ(
      ListedClientDays({Listed("c1", {"personal-care", "service"}, "2024-01-01",
                               "2024-01-10"),
                        Listed("c1", {"service"}, "2024-01-05", "2024-01-15"),
                        Listed("c2", {"personal-care"}, "2024-01-20", ""),
                        Listed("c3", {"service"}, "2023-12-01", "2023-12-31")},
                       absl::CivilMonth(2024, 1)),
      27);
}

TEST(SettlementOneOffRulesTest, SharedByListedClientDays) {
  // 1000.00 kr by 27, 31 and 35 client-days (93): 29032.258, 33333.333 and
  // 37634.408 öre; truncated 99999, the one öre left to the largest
  // remainder (prv-c, .408).
  absl::StatusOr<v1::OneOffPayment> p = AllocateOneOff(
      Payment(v1::ONE_OFF_RULE_LISTED_CLIENT_DAYS, 100000),
      {{"prv-a", 27}, {"prv-b", 31}, {"prv-c", 35}, {"prv-d", 0}});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(Amounts(*p), (std::vector<int64_t>{29032, 33333, 37635}));
  EXPECT_EQ(p->shares(2).weight(), 35);
  // Nobody listed: nothing to share by, and the error says so.
  absl::StatusOr<v1::OneOffPayment> none = AllocateOneOff(
      Payment(v1::ONE_OFF_RULE_LISTED_CLIENT_DAYS, 100000), {{"prv-a", 0}});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("had any client listed in 2024-01"),
            std::string::npos);
}

TEST(SettlementOneOffRulesTest, FixedAmountsArePaidAsGiven) {
  v1::CreateOneOffPaymentRequest r =
      Payment(v1::ONE_OFF_RULE_FIXED_AMOUNTS, 500000);
  Give(r, "prv-b", 0, 300000);
  Give(r, "prv-a", 0, 200000);
  absl::StatusOr<v1::OneOffPayment> p = AllocateOneOff(r, {});
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->shares_size(), 2);
  EXPECT_EQ(p->shares(0).provider_id(), "prv-a");
  EXPECT_EQ(Amounts(*p), (std::vector<int64_t>{200000, 300000}));
  // Amounts that do not add up to the total are refused, naming both sums.
  r.mutable_given_shares(1)->set_amount_ore(150000);
  absl::Status s = ValidateOneOff(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "given_shares: the amounts add up to 450000 öre, not total_ore "
            "(500000 öre)");
}

TEST(SettlementOneOffRulesTest, SharedByTheCommitteesTable) {
  // 5 MSEK by weights 3, 3, 1 (7): 214285714.29, 214285714.29 and
  // 71428571.43 öre; truncated 499999999, the öre left to prv-c (.43).
  v1::CreateOneOffPaymentRequest r =
      Payment(v1::ONE_OFF_RULE_GIVEN_WEIGHTS, 500'000'000);
  Give(r, "prv-a", 3, 0);
  Give(r, "prv-b", 3, 0);
  Give(r, "prv-c", 1, 0);
  absl::StatusOr<v1::OneOffPayment> p = AllocateOneOff(r, {});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(Amounts(*p),
            (std::vector<int64_t>{214285714, 214285714, 71428572}));
  // Equal weights, 1.00 kr in three: 33 öre each and one left over, which
  // goes to the provider id that sorts first.
  r = Payment(v1::ONE_OFF_RULE_GIVEN_WEIGHTS, 100);
  Give(r, "prv-c", 5, 0);
  Give(r, "prv-a", 5, 0);
  Give(r, "prv-b", 5, 0);
  p = AllocateOneOff(r, {});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(Amounts(*p), (std::vector<int64_t>{34, 33, 33}));
}

TEST(SettlementOneOffRulesTest, EachRuleTakesOnlyItsOwnInputs) {
  v1::CreateOneOffPaymentRequest r =
      Payment(v1::ONE_OFF_RULE_PERFORMED_HOURS, 1000);
  Give(r, "prv-a", 1, 0);
  EXPECT_NE(ValidateOneOff(r).message().find(
                "given_shares: only with ONE_OFF_RULE_FIXED_AMOUNTS"),
            std::string::npos);
  r = Payment(v1::ONE_OFF_RULE_LISTED_CLIENT_DAYS, 1000);
  r.clear_basis_period();
  EXPECT_NE(ValidateOneOff(r).message().find("basis_period"),
            std::string::npos);
  r = Payment(v1::ONE_OFF_RULE_GIVEN_WEIGHTS, 1000);
  EXPECT_NE(ValidateOneOff(r).message().find(
                "given_shares: ONE_OFF_RULE_GIVEN_WEIGHTS needs one share per "
                "provider (weight)"),
            std::string::npos);
  Give(r, "prv-a", 1, 0);
  Give(r, "prv-a", 2, 0);
  EXPECT_EQ(ValidateOneOff(r).message(),
            "given_shares[1].provider_id: 'prv-a' appears twice");
  r = Payment(v1::ONE_OFF_RULE_FIXED_AMOUNTS, 1000);
  Give(r, "prv-a", 1, 1000);
  EXPECT_NE(ValidateOneOff(r).message().find("given_shares[0].weight"),
            std::string::npos);
  r = Payment(v1::ONE_OFF_RULE_FIXED_AMOUNTS, 1000);
  Give(r, "prv-a", 0, 1000);
  r.set_basis_period("2024-01");
  EXPECT_NE(ValidateOneOff(r).message().find("basis_period: leave empty"),
            std::string::npos);
  r.clear_basis_period();
  EXPECT_TRUE(ValidateOneOff(r).ok());
}

}  // namespace
}  // namespace lov::settlement
