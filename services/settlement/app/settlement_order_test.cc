// The same visit and settlement events give the same visits, adjustments
// and next statement in whatever order settlement reads its topics: live
// (the approval before the changes made after it), a rebuild reading the
// visits topic first, and one reading its own topic first.
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
using test_support::kProvider;
using test_support::LateVisitChanges;
using test_support::MakeLateVisitChanges;
using test_support::PreviewFebruary;
using test_support::PutJanuaryBasics;
using ::testing::ElementsAre;

class SettlementOrderTest : public test_support::SettlementAppFixture {
 protected:
  static void ApplyVisits(Projector& projector,
                          const std::vector<visits::v1::VisitEvent>& events) {
    for (const auto& e : events) {
      ASSERT_TRUE(projector.ApplyVisitEvent(e).ok()) << e.event_id();
    }
  }

  static void ApplyOwn(Projector& projector,
                       const std::vector<v1::SettlementEvent>& events) {
    for (const auto& e : events) {
      absl::Status s = projector.ApplySettlementEvent(e);
      ASSERT_TRUE(s.ok()) << s;
    }
  }

  const LateVisitChanges changes_ = MakeLateVisitChanges();
};

TEST_F(SettlementOrderTest, EveryReadingOrderGivesTheSameAdjustments) {
  // Live: January approved, then the changes made after it.
  ASSERT_TRUE(app_.AddRateTable(AddRates(testing::January2024())).ok());
  ASSERT_TRUE(store_.SetProviderKind(kProvider, false).ok());
  Projector live(&store_);
  ApplyVisits(live, changes_.before);
  publisher_.events_.clear();
  absl::StatusOr<v1::Statement> january =
      PreviewAndApprove(kProvider, "2024-01");
  ASSERT_TRUE(january.ok()) << january.status();
  // 2 h personal care x 516 kr + 1.5 h service x 410 kr + 25 % VAT on it.
  EXPECT_EQ(january->total_ore(), 103200 + 61500 + 15375);
  const std::vector<v1::SettlementEvent> own = publisher_.events_;
  ASSERT_EQ(own.back().statement_approved().visit_versions_recorded(), true);
  ApplyVisits(live, changes_.after);

  // A rebuild that reads the visits topic to its end first.
  FakeSettlementStore visits_first;
  PutJanuaryBasics(visits_first);
  Projector p1(&visits_first);
  ApplyVisits(p1, changes_.before);
  ApplyVisits(p1, changes_.after);
  ApplyOwn(p1, own);

  // A rebuild that reads settlement's own topic first.
  FakeSettlementStore own_first;
  PutJanuaryBasics(own_first);
  Projector p2(&own_first);
  ApplyOwn(p2, own);
  ApplyVisits(p2, changes_.before);
  ApplyVisits(p2, changes_.after);

  // The live window: the approval is applied between the changes.
  FakeSettlementStore window;
  PutJanuaryBasics(window);
  Projector p3(&window);
  ApplyVisits(p3, changes_.before);
  ApplyVisits(p3, {changes_.after[0]});
  ApplyOwn(p3, own);
  ApplyVisits(p3, {changes_.after[1], changes_.after[2]});

  const std::string expected = store_.VisitStateDump();
  EXPECT_EQ(visits_first.VisitStateDump(), expected);
  EXPECT_EQ(own_first.VisitStateDump(), expected);
  EXPECT_EQ(window.VisitStateDump(), expected);

  // January keeps the versions it paid; the three changes are adjustments.
  for (FakeSettlementStore* s : {&store_, &visits_first, &own_first, &window}) {
    std::vector<std::string> in_january;
    const std::vector<visits::v1::Visit> visits =
        *s->Visits(kProvider, "2024-01");
    for (const auto& v : visits) {
      in_january.push_back(absl::StrCat(v.visit_id(), "@", v.version()));
    }
    EXPECT_THAT(in_january, ElementsAre("v-care@1", "v-service@1"));
    std::vector<std::string> adjustments;
    const std::vector<visits::v1::VisitEvent> booked =
        *s->Adjustments(kProvider);
    for (const auto& e : booked) {
      adjustments.push_back(e.event_id());
    }
    EXPECT_THAT(adjustments,
                ElementsAre("e-care-2", "e-late-1", "e-service-void"));
    // February books them: +0.5 h x 516 kr = 258.00 kr; the late service
    // hour 410.00 kr + 102.50 kr VAT; the void takes back 615.00 kr and
    // 153.75 kr VAT. 25 800 + 51 250 - 76 875 = 175 öre.
    absl::StatusOr<v1::Statement> february = PreviewFebruary(*s);
    ASSERT_TRUE(february.ok()) << february.status();
    EXPECT_EQ(february->total_ore(), 175);
    EXPECT_THAT(february->adjustment_ids(),
                ElementsAre("e-care-2", "e-late-1", "e-service-void"));
  }
}

// A correction made before the statement was computed is no adjustment,
// also when a rebuild reads the approval first.
TEST_F(SettlementOrderTest, AChangeTheStatementCountedIsNoAdjustment) {
  ASSERT_TRUE(app_.AddRateTable(AddRates(testing::January2024())).ok());
  ASSERT_TRUE(store_.SetProviderKind(kProvider, false).ok());
  Projector live(&store_);
  ApplyVisits(live,
              {changes_.before[0], changes_.after[0], changes_.before[1]});
  publisher_.events_.clear();
  absl::StatusOr<v1::Statement> january =
      PreviewAndApprove(kProvider, "2024-01");
  ASSERT_TRUE(january.ok()) << january.status();
  // 2.5 h personal care + the service visit with its VAT.
  EXPECT_EQ(january->total_ore(), 129000 + 61500 + 15375);
  const std::vector<v1::SettlementEvent> own = publisher_.events_;

  FakeSettlementStore own_first;
  PutJanuaryBasics(own_first);
  Projector p(&own_first);
  ApplyOwn(p, own);
  ApplyVisits(p, {changes_.before[0], changes_.after[0], changes_.before[1]});
  EXPECT_EQ(own_first.VisitStateDump(), store_.VisitStateDump());
  EXPECT_TRUE(own_first.Adjustments(kProvider)->empty());
  absl::StatusOr<v1::Statement> february = PreviewFebruary(own_first);
  ASSERT_TRUE(february.ok()) << february.status();
  EXPECT_EQ(february->total_ore(), 0);
}

}  // namespace
}  // namespace lov::settlement
