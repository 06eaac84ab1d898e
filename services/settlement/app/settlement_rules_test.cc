// The municipality's rulebook as data through the use cases: band rules in
// AddRateTable and the preview they price, and the one-off sharing rules in
// CreateOneOffPayment. Expected öre are worked out by hand.
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/settlement/app/settlement_app_test_support.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;
using test_support::JanuaryVisit;
using test_support::kOtherProvider;
using test_support::kProvider;
using ::testing::IsEmpty;

class SettlementRulesTest : public test_support::SettlementAppFixture {
 protected:
  // January 2024's rates with the night rate on every night (22-07),
  // weekends and holidays included: NIGHT ranks first.
  static v1::RateTable NightFirstJanuary() {
    v1::RateTable t = testing::January2024();
    t.clear_bands();
    v1::BandRules* r = t.mutable_band_rules();
    auto window = [&](std::vector<v1::DayType> types, int from, int to,
                      v1::Band band) {
      v1::BandWindow* w = r->add_windows();
      for (v1::DayType d : types) w->add_day_types(d);
      w->set_start_minute(from);
      w->set_end_minute(to);
      w->set_band(band);
    };
    const std::vector<v1::DayType> every_day = {
        v1::DAY_TYPE_WEEKDAY, v1::DAY_TYPE_SATURDAY, v1::DAY_TYPE_SUNDAY};
    window(every_day, 0, 420, v1::BAND_NIGHT);
    window(every_day, 1320, 1440, v1::BAND_NIGHT);
    window({v1::DAY_TYPE_WEEKDAY}, 420, 1080, v1::BAND_DAY);
    window({v1::DAY_TYPE_WEEKDAY}, 1080, 1320, v1::BAND_EVENING);
    window({v1::DAY_TYPE_SATURDAY, v1::DAY_TYPE_SUNDAY}, 0, 1440,
           v1::BAND_WEEKEND);
    window({v1::DAY_TYPE_PUBLIC_HOLIDAY}, 0, 1440, v1::BAND_HOLIDAY);
    for (v1::Band b : {v1::BAND_NIGHT, v1::BAND_HOLIDAY, v1::BAND_WEEKEND,
                       v1::BAND_EVENING, v1::BAND_DAY}) {
      r->add_precedence(b);
    }
    return t;
  }

  // A January assignment of `client` to `provider`.
  void List(const std::string& provider, const std::string& client,
            const std::string& from, const std::string& to) {
    choice::v1::Assignment a;
    a.set_assignment_id(provider + "/" + client + "/" + from);
    a.set_provider_id(provider);
    a.set_client_id(client);
    a.add_category_ids("personal-care");
    a.set_valid_from(from);
    a.set_valid_to(to);
    ASSERT_TRUE(store_.PutAssignment(a).ok());
  }

  static v1::CreateOneOffPaymentRequest Support(v1::OneOffRule rule,
                                                int64_t total) {
    v1::CreateOneOffPaymentRequest r;
    r.set_payment_id("adaptation-2024");
    r.set_description("Verksamhetsanpassning");
    r.set_total_ore(total);
    r.set_rule(rule);
    r.set_paid_in_period("2024-02");
    return r;
  }

  static void Give(v1::CreateOneOffPaymentRequest& r, const std::string& id,
                   int64_t weight, int64_t amount_ore) {
    v1::OneOffShare* s = r.add_given_shares();
    s->set_provider_id(id);
    s->set_weight(weight);
    s->set_amount_ore(amount_ore);
  }
};

TEST_F(SettlementRulesTest, BandRulesPriceThePreview) {
  ASSERT_TRUE(app_.AddRateTable(AddRates(NightFirstJanuary())).ok());
  ASSERT_TRUE(store_.SetProviderKind(kProvider, false).ok());
  // Saturday 20 January 2024 21:00-23:00 CET: 1 h WEEKEND (650 kr) and,
  // night first, 1 h NIGHT (700 kr) rather than WEEKEND.
  ASSERT_TRUE(store_
                  .PutVisit(JanuaryVisit(kProvider, "v-sat", "personal-care",
                                         "2024-01-20T20:00:00Z",
                                         "2024-01-20T22:00:00Z"))
                  .ok());
  absl::StatusOr<v1::Statement> s = Preview(kProvider, "2024-01");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->net_ore(), 65000 + 70000);
  ASSERT_EQ(s->lines_size(), 2);  // ordered by band
  EXPECT_EQ(s->lines(0).band(), v1::BAND_NIGHT);
  EXPECT_EQ(s->lines(0).amount_ore(), 70000);
  EXPECT_EQ(s->lines(1).band(), v1::BAND_WEEKEND);
  EXPECT_EQ(s->lines(1).amount_ore(), 65000);
}

TEST_F(SettlementRulesTest, BandRulesWithAGapAreRefusedNamingIt) {
  v1::RateTable t = NightFirstJanuary();
  t.mutable_band_rules()->mutable_windows(3)->set_start_minute(1140);
  absl::StatusOr<v1::RateTable> refused = app_.AddRateTable(AddRates(t));
  EXPECT_TRUE(IsError(refused.status(), absl::StatusCode::kInvalidArgument,
                      {"table.band_rules: on WEEKDAY (Monday to Thursday) "
                       "days, 18:00-19:00 is in no window"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
}

TEST_F(SettlementRulesTest, OneOffSharedByListedClientDays) {
  ASSERT_TRUE(app_.AddRateTable(AddRates(testing::January2024())).ok());
  // prv-a: c1 all January (31) and c2 from 17 January (15): 46 client-days.
  // prv-b: c3 1-10 January: 10. 1 000.00 kr by 46 : 10 (56): 82 142.857
  // and 17 857.143 öre; 82 142 + 17 857 = 99 999, the öre left over to
  // the larger remainder (prv-a, .857): 82 143 and 17 857.
  List(kProvider, "c1", "2024-01-01", "");
  List(kProvider, "c2", "2024-01-17", "2024-02-29");
  List(kOtherProvider, "c3", "2024-01-01", "2024-01-10");
  v1::CreateOneOffPaymentRequest r =
      Support(v1::ONE_OFF_RULE_LISTED_CLIENT_DAYS, 100000);
  r.set_basis_period("2024-01");
  absl::StatusOr<v1::OneOffPayment> paid = app_.CreateOneOffPayment(r);
  ASSERT_TRUE(paid.ok()) << paid.status();
  ASSERT_EQ(paid->shares_size(), 2);
  EXPECT_EQ(paid->shares(0).provider_id(), kProvider);
  EXPECT_EQ(paid->shares(0).weight(), 46);
  EXPECT_EQ(paid->shares(0).amount_ore(), 82143);
  EXPECT_EQ(paid->shares(1).weight(), 10);
  EXPECT_EQ(paid->shares(1).amount_ore(), 17857);
}

TEST_F(SettlementRulesTest, OneOffByFixedAmountsAndItsRetry) {
  ASSERT_TRUE(store_.SetProviderKind(kProvider, false).ok());
  ASSERT_TRUE(store_.SetProviderKind(kOtherProvider, false).ok());
  v1::CreateOneOffPaymentRequest r =
      Support(v1::ONE_OFF_RULE_FIXED_AMOUNTS, 5'000'000'00);
  Give(r, kProvider, 0, 3'000'000'00);
  Give(r, kOtherProvider, 0, 2'000'000'00);
  absl::StatusOr<v1::OneOffPayment> paid = app_.CreateOneOffPayment(r);
  ASSERT_TRUE(paid.ok()) << paid.status();
  ASSERT_EQ(paid->shares_size(), 2);
  EXPECT_EQ(paid->shares(0).amount_ore(), 3'000'000'00);
  EXPECT_EQ(paid->shares(1).amount_ore(), 2'000'000'00);
  EXPECT_EQ(publisher_.events_.size(), 1u);
  // The same request again is a retry; other amounts under the same id
  // are not.
  ASSERT_TRUE(app_.CreateOneOffPayment(r).ok());
  EXPECT_EQ(publisher_.events_.size(), 1u);
  r.mutable_given_shares(0)->set_amount_ore(2'500'000'00);
  r.mutable_given_shares(1)->set_amount_ore(2'500'000'00);
  EXPECT_TRUE(IsError(app_.CreateOneOffPayment(r).status(),
                      absl::StatusCode::kAlreadyExists,
                      {"payment_id: 'adaptation-2024' is already used"}));
}

TEST_F(SettlementRulesTest, OneOffByGivenWeightsToUnknownProviderIsRefused) {
  ASSERT_TRUE(store_.SetProviderKind(kProvider, false).ok());
  v1::CreateOneOffPaymentRequest r =
      Support(v1::ONE_OFF_RULE_GIVEN_WEIGHTS, 1000);
  Give(r, kProvider, 2, 0);
  Give(r, "prv-unknown", 1, 0);
  EXPECT_TRUE(IsError(app_.CreateOneOffPayment(r).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"given_shares[1].provider_id: 'prv-unknown' is not a "
                       "provider settlement knows"}));
  EXPECT_THAT(publisher_.events_, IsEmpty());
  // Known: 1000 öre by 2 : 1 is 666.67 and 333.33: 667 and 333.
  ASSERT_TRUE(store_.SetProviderKind("prv-unknown", false).ok());
  absl::StatusOr<v1::OneOffPayment> paid = app_.CreateOneOffPayment(r);
  ASSERT_TRUE(paid.ok()) << paid.status();
  EXPECT_EQ(paid->shares(0).amount_ore(), 667);
  EXPECT_EQ(paid->shares(1).amount_ore(), 333);
}

}  // namespace
}  // namespace lov::settlement
