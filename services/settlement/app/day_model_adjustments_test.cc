// Late changes of an approved month under a day model, through the app
// (issue 18): day care pays 450 kr per day of participation; a change pays
// the difference of the client's paid days, in February's statement and,
// after February booked it, in March's. A rebuild reading the topics in
// another order gives the same statement.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/settlement/app/late_visit_changes_test_support.h"
#include "lov/settlement/app/reactions/projector.h"
#include "lov/settlement/app/settlement_app_test_support.h"

namespace lov::settlement {
namespace {

using test_support::FakeSettlementStore;
using test_support::JanuaryVisit;
using test_support::kProvider;
using test_support::PreviewFebruary;
using test_support::VisitAccepted;
using test_support::VisitVoided;
using ::testing::ElementsAre;

// Day care of client c1 from 09:00 to 10:00 on `day` January 2024.
visits::v1::Visit DayCare(const std::string& id, int day) {
  const std::string d = absl::StrCat("2024-01-", day < 10 ? "0" : "", day);
  return JanuaryVisit(kProvider, id, "daycare", d + "T08:00:00Z",
                      d + "T09:00:00Z");
}

class DayModelAdjustmentTest : public test_support::SettlementAppFixture {
 protected:
  static void Apply(Projector& p,
                    const std::vector<visits::v1::VisitEvent>& events) {
    for (const auto& e : events) {
      ASSERT_TRUE(p.ApplyVisitEvent(e).ok()) << e.event_id();
    }
  }

  static void ApplyOwn(Projector& p,
                       const std::vector<v1::SettlementEvent>& events) {
    for (const auto& e : events) {
      absl::Status s = p.ApplySettlementEvent(e);
      ASSERT_TRUE(s.ok()) << s;
    }
  }

  static void PutBasics(FakeSettlementStore& store) {
    ASSERT_TRUE(store.PutRateTable(testing::DayModels2024()).ok());
    ASSERT_TRUE(store.SetProviderKind(kProvider, false).ok());
  }

  // January paid: d1 on 8 Jan, d2 and d3 on 10 Jan (two days).
  const std::vector<visits::v1::VisitEvent> january_ = {
      VisitAccepted("e-d1", DayCare("d1", 8)),
      VisitAccepted("e-d2", DayCare("d2", 10)),
      VisitAccepted("e-d3", DayCare("d3", 10))};
  // After January's approval: a late visit on the paid 8 Jan, a late visit
  // on the new 9 Jan, and d2 voided (10 Jan keeps d3).
  const std::vector<visits::v1::VisitEvent> late_ = {
      VisitAccepted("e-d4", DayCare("d4", 8)),
      VisitAccepted("e-d5", DayCare("d5", 9)),
      VisitVoided("e-d2-void", DayCare("d2", 10))};
};

TEST_F(DayModelAdjustmentTest, LateChangesPayTheDifferenceOfPaidDays) {
  ASSERT_TRUE(app_.AddRateTable(AddRates(testing::DayModels2024())).ok());
  ASSERT_TRUE(store_.SetProviderKind(kProvider, false).ok());
  Projector live(&store_);
  Apply(live, january_);
  publisher_.events_.clear();
  absl::StatusOr<v1::Statement> january =
      PreviewAndApprove(kProvider, "2024-01");
  ASSERT_TRUE(january.ok()) << january.status();
  EXPECT_EQ(january->total_ore(), 2 * 45000);  // 8 and 10 Jan
  const std::vector<v1::SettlementEvent> own = publisher_.events_;
  Apply(live, late_);

  // 8 Jan: 0; 9 Jan: +1 day; 10 Jan: 0. Per visit it would have been
  // +1 +1 -1 days.
  absl::StatusOr<v1::Statement> february = PreviewFebruary(store_);
  ASSERT_TRUE(february.ok()) << february.status();
  EXPECT_EQ(february->total_ore(), 45000);
  EXPECT_THAT(february->adjustment_ids(),
              ElementsAre("e-d2-void", "e-d4", "e-d5"));

  // Rebuilds reading the visits topic first, and settlement's own first.
  FakeSettlementStore visits_first;
  PutBasics(visits_first);
  Projector p1(&visits_first);
  Apply(p1, january_);
  Apply(p1, late_);
  ApplyOwn(p1, own);
  FakeSettlementStore own_first;
  PutBasics(own_first);
  Projector p2(&own_first);
  ApplyOwn(p2, own);
  Apply(p2, january_);
  Apply(p2, late_);
  for (FakeSettlementStore* s : {&visits_first, &own_first}) {
    absl::StatusOr<v1::Statement> rebuilt = PreviewFebruary(*s);
    ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
    EXPECT_EQ(rebuilt->total_ore(), 45000);
    EXPECT_EQ(rebuilt->digest(), february->digest());
  }

  // February approved on 4 March: each correction's own net is booked, in
  // the order they are applied (each visit's changes by version).
  clock_.now_ = absl::FromCivil(absl::CivilSecond(2024, 3, 4, 9, 0, 0),
                                absl::UTCTimeZone());
  publisher_.events_.clear();
  absl::StatusOr<v1::Statement> approved =
      PreviewAndApprove(kProvider, "2024-02");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->total_ore(), 45000);
  std::vector<std::string> nets;
  for (const auto& e : publisher_.events_) {
    if (!e.has_adjustment_created()) continue;
    nets.push_back(absl::StrCat(e.adjustment_created().adjustment_id(), "=",
                                e.adjustment_created().net_ore()));
  }
  EXPECT_THAT(nets, ElementsAre("e-d4=0", "e-d5=45000", "e-d2-void=0"));

  // In March: d3 voided, now the last visit of 10 Jan (-1 day), and a late
  // visit on 9 Jan, paid since February (0).
  Apply(live, {VisitVoided("e-d3-void", DayCare("d3", 10)),
               VisitAccepted("e-d6", DayCare("d6", 9))});
  clock_.now_ = absl::FromCivil(absl::CivilSecond(2024, 4, 2, 9, 0, 0),
                                absl::UTCTimeZone());
  absl::StatusOr<v1::Statement> march = Preview(kProvider, "2024-03");
  ASSERT_TRUE(march.ok()) << march.status();
  EXPECT_EQ(march->total_ore(), -45000);
  EXPECT_THAT(march->adjustment_ids(), ElementsAre("e-d3-void", "e-d6"));
}

}  // namespace
}  // namespace lov::settlement
