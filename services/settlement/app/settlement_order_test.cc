// The same visit and settlement events give the same visits, adjustments
// and next statement in whatever order settlement reads its topics: live
// (the approval before the changes made after it), a rebuild reading the
// visits topic first, and one reading its own topic first.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/proto_util.h"
#include "lov/settlement/app/reactions/projector.h"
#include "lov/settlement/app/settlement_app_test_support.h"

namespace lov::settlement {
namespace {

using ::lov::testing::FixedClock;
using test_support::FakeSettlementStore;
using test_support::JanuaryVisit;
using test_support::kProvider;
using test_support::RecordedOwnEvents;
using test_support::RecordingPublisher;
using ::testing::ElementsAre;

visits::v1::VisitEvent Accepted(const std::string& event_id,
                                const visits::v1::Visit& v) {
  visits::v1::VisitEvent e;
  e.set_event_id(event_id);
  *e.mutable_visit_accepted()->mutable_visit() = v;
  return e;
}

visits::v1::VisitEvent Corrected(const std::string& event_id,
                                 const visits::v1::Visit& from,
                                 const visits::v1::Visit& to) {
  visits::v1::VisitEvent e;
  e.set_event_id(event_id);
  *e.mutable_visit_corrected()->mutable_previous() = from;
  *e.mutable_visit_corrected()->mutable_visit() = to;
  return e;
}

visits::v1::VisitEvent Voided(const std::string& event_id,
                              const visits::v1::Visit& from) {
  visits::v1::VisitEvent e;
  e.set_event_id(event_id);
  *e.mutable_visit_voided()->mutable_previous() = from;
  e.mutable_visit_voided()->set_period(from.period());
  return e;
}

class SettlementOrderTest : public test_support::SettlementAppFixture {
 protected:
  void SetUp() override {
    care1_ = JanuaryVisit(kProvider, "v-care", "personal-care",
                          "2024-01-17T08:00:00Z", "2024-01-17T10:00:00Z");
    care2_ = care1_;
    care2_.set_version(2);
    *care2_.mutable_end() = ToProtoTime(testing::Utc("2024-01-17T10:30:00Z"));
    service1_ = JanuaryVisit(kProvider, "v-service", "service",
                             "2024-01-18T08:00:00Z", "2024-01-18T09:30:00Z");
    late1_ = JanuaryVisit(kProvider, "v-late", "service",
                          "2024-01-19T08:00:00Z", "2024-01-19T09:00:00Z");
    // Counted by January's statement: the care visit as first reported,
    // then corrected before the statement was computed, and the service.
    before_ = {Accepted("e-care-1", care1_),
               Accepted("e-service-1", service1_)};
    // Made after January's statement was computed, before the visits
    // service saw the approval (so none names adjusts_period): the care
    // visit corrected from 2 h to 2.5 h, a late report of a service visit
    // and the service visit voided.
    after_ = {Corrected("e-care-2", care1_, care2_),
              Accepted("e-late-1", late1_),
              Voided("e-service-void", service1_)};
  }

  // A fresh settlement state with January's rates and the provider.
  static void Basics(FakeSettlementStore& store) {
    ASSERT_TRUE(store.PutRateTable(testing::January2024()).ok());
    ASSERT_TRUE(store.SetProviderKind(kProvider, false).ok());
  }

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

  // February's statement previewed on `store` (what the adjustments pay).
  absl::StatusOr<v1::Statement> FebruaryOn(FakeSettlementStore& store) {
    RecordingPublisher publisher;
    RecordedOwnEvents own(&publisher);
    FixedClock clock(absl::FromCivil(absl::CivilSecond(2024, 3, 4, 9, 0, 0),
                                     absl::UTCTimeZone()));
    SettlementApp app(&store, &publisher, &own, &clock, 64);
    v1::PreviewStatementRequest r;
    r.set_provider_id(kProvider);
    r.set_period("2024-02");
    return app.PreviewStatement(r);
  }

  visits::v1::Visit care1_, care2_, service1_, late1_;
  std::vector<visits::v1::VisitEvent> before_, after_;
};

TEST_F(SettlementOrderTest, EveryReadingOrderGivesTheSameAdjustments) {
  // Live: January approved, then the changes made after it.
  ASSERT_TRUE(app_.AddRateTable(AddRates(testing::January2024())).ok());
  ASSERT_TRUE(store_.SetProviderKind(kProvider, false).ok());
  Projector live(&store_);
  ApplyVisits(live, before_);
  publisher_.events_.clear();
  absl::StatusOr<v1::Statement> january =
      PreviewAndApprove(kProvider, "2024-01");
  ASSERT_TRUE(january.ok()) << january.status();
  // 2 h personal care x 516 kr + 1.5 h service x 410 kr + 25 % VAT on it.
  EXPECT_EQ(january->total_ore(), 103200 + 61500 + 15375);
  const std::vector<v1::SettlementEvent> own = publisher_.events_;
  ASSERT_EQ(own.back().statement_approved().visit_versions_recorded(), true);
  ApplyVisits(live, after_);

  // A rebuild that reads the visits topic to its end first.
  FakeSettlementStore visits_first;
  Basics(visits_first);
  Projector p1(&visits_first);
  ApplyVisits(p1, before_);
  ApplyVisits(p1, after_);
  ApplyOwn(p1, own);

  // A rebuild that reads settlement's own topic first.
  FakeSettlementStore own_first;
  Basics(own_first);
  Projector p2(&own_first);
  ApplyOwn(p2, own);
  ApplyVisits(p2, before_);
  ApplyVisits(p2, after_);

  // The live window: the approval is applied between the changes.
  FakeSettlementStore window;
  Basics(window);
  Projector p3(&window);
  ApplyVisits(p3, before_);
  ApplyVisits(p3, {after_[0]});
  ApplyOwn(p3, own);
  ApplyVisits(p3, {after_[1], after_[2]});

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
    absl::StatusOr<v1::Statement> february = FebruaryOn(*s);
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
  ApplyVisits(live, {before_[0], after_[0], before_[1]});
  publisher_.events_.clear();
  absl::StatusOr<v1::Statement> january =
      PreviewAndApprove(kProvider, "2024-01");
  ASSERT_TRUE(january.ok()) << january.status();
  // 2.5 h personal care + the service visit with its VAT.
  EXPECT_EQ(january->total_ore(), 129000 + 61500 + 15375);
  const std::vector<v1::SettlementEvent> own = publisher_.events_;

  FakeSettlementStore own_first;
  Basics(own_first);
  Projector p(&own_first);
  ApplyOwn(p, own);
  ApplyVisits(p, {before_[0], after_[0], before_[1]});
  EXPECT_EQ(own_first.VisitStateDump(), store_.VisitStateDump());
  EXPECT_TRUE(own_first.Adjustments(kProvider)->empty());
  absl::StatusOr<v1::Statement> february = FebruaryOn(own_first);
  ASSERT_TRUE(february.ok()) << february.status();
  EXPECT_EQ(february->total_ore(), 0);
}

}  // namespace
}  // namespace lov::settlement
