// The neutrality audit's statistics: p-values against printed chi-square
// tables, a small table worked out by hand, and seeded sequences (a fair one
// is not flagged, a biased one is).
#include "lov/choice/domain/neutrality.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "lov/choice/domain/allocation.h"
#include "lov/choice/domain/eligibility.h"
#include "lov/choice/domain/rechoice_rules.h"

namespace lov::choice {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

NeutralityTrial Trial(const std::string& outcome,
                      std::vector<std::string> entitled) {
  return {outcome, std::move(entitled)};
}

const std::vector<std::string> kFive = {"p-a", "p-b", "p-c", "p-d", "p-e"};

// Critical values from a printed chi-square table (upper tail).
TEST(ChiSquarePValueTest, MatchesPrintedTableValues) {
  EXPECT_NEAR(ChiSquarePValue(3.841459, 1), 0.05, 1e-6);
  EXPECT_NEAR(ChiSquarePValue(6.634897, 1), 0.01, 1e-6);
  EXPECT_NEAR(ChiSquarePValue(10.827566, 1), 0.001, 1e-7);
  EXPECT_NEAR(ChiSquarePValue(5.991465, 2), 0.05, 1e-6);
  EXPECT_NEAR(ChiSquarePValue(13.276704, 4), 0.01, 1e-6);
  EXPECT_NEAR(ChiSquarePValue(18.307038, 10), 0.05, 1e-6);
  EXPECT_NEAR(ChiSquarePValue(23.209251, 10), 0.01, 1e-6);
  EXPECT_NEAR(ChiSquarePValue(0.454936, 1), 0.5, 1e-6);
}

TEST(ChiSquarePValueTest, TwoDegreesOfFreedomIsAnExponential) {
  // With 2 degrees of freedom P(X >= x) = e^(-x/2) exactly.
  EXPECT_NEAR(ChiSquarePValue(2, 2), std::exp(-1.0), 1e-12);
  EXPECT_NEAR(ChiSquarePValue(30, 2), std::exp(-15.0), 1e-15);
  EXPECT_DOUBLE_EQ(ChiSquarePValue(0, 3), 1.0);
}

TEST(RegularizedGammaQTest, KnownValues) {
  // Q(1, x) = e^-x; Q(0.5, x) = erfc(sqrt(x)).
  EXPECT_NEAR(RegularizedGammaQ(1, 0.5), std::exp(-0.5), 1e-12);
  EXPECT_NEAR(RegularizedGammaQ(1, 7), std::exp(-7.0), 1e-14);
  EXPECT_NEAR(RegularizedGammaQ(0.5, 0.3), std::erfc(std::sqrt(0.3)), 1e-12);
  EXPECT_NEAR(RegularizedGammaQ(0.5, 4), std::erfc(2.0), 1e-12);
}

// 60 lists of three providers: A first 10 times, B 20, C 30. Expected 20
// each; chi-square = (10-20)^2/20 + 0 + (30-20)^2/20 = 10 with 2 degrees of
// freedom, so p = e^-5 = 0.006738 < 0.01.
TEST(TestNeutralityTest, HandWorkedTinyTable) {
  std::vector<NeutralityTrial> trials;
  const std::vector<std::string> abc = {"a", "b", "c"};
  for (int i = 0; i < 10; ++i) trials.push_back(Trial("a", abc));
  for (int i = 0; i < 20; ++i) trials.push_back(Trial("b", abc));
  for (int i = 0; i < 30; ++i) trials.push_back(Trial("c", abc));
  NeutralityResult r = TestNeutrality(trials);
  EXPECT_EQ(r.trials, 60);
  EXPECT_EQ(r.cells["a"].observed, 10);
  EXPECT_DOUBLE_EQ(r.cells["a"].expected, 20);
  EXPECT_DOUBLE_EQ(r.chi_square, 10);
  EXPECT_EQ(r.degrees_of_freedom, 2);
  EXPECT_NEAR(r.p_value, 0.006738, 1e-6);
  EXPECT_EQ(r.verdict, NeutralityVerdict::kDeviates);
  // At alpha 0.005 the same table is not flagged.
  EXPECT_EQ(TestNeutrality(trials, 0.005).verdict,
            NeutralityVerdict::kConsistent);
}

// Lists of different lengths: 20 lists of {a, b} and 20 of {a, b, c, d}.
// Expected: a = b = 20/2 + 20/4 = 15, c = d = 20/4 = 5.
TEST(TestNeutralityTest, ExpectedSumsOneOverNPerList) {
  std::vector<NeutralityTrial> trials;
  for (int i = 0; i < 20; ++i) trials.push_back(Trial("a", {"a", "b"}));
  for (int i = 0; i < 20; ++i) {
    trials.push_back(Trial("c", {"a", "b", "c", "d"}));
  }
  NeutralityResult r = TestNeutrality(trials);
  EXPECT_DOUBLE_EQ(r.cells["a"].expected, 15);
  EXPECT_DOUBLE_EQ(r.cells["b"].expected, 15);
  EXPECT_DOUBLE_EQ(r.cells["c"].expected, 5);
  EXPECT_DOUBLE_EQ(r.cells["d"].expected, 5);
  EXPECT_DOUBLE_EQ(r.min_expected, 5);
  // (20-15)^2/15 + 15^2/15 + 15^2/5 + 5^2/5 = 5/3 + 15 + 45 + 5.
  EXPECT_NEAR(r.chi_square, 5.0 / 3 + 65, 1e-9);
  EXPECT_EQ(r.verdict, NeutralityVerdict::kDeviates);
}

// Lists drawn with the service's own shuffle (NeutralOrder) under seeds
// from a seeded generator: the first place is fair, so not flagged.
TEST(TestNeutralityTest, FairSeededListsAreNotFlagged) {
  std::mt19937_64 seeds(20261202);
  std::vector<NeutralityTrial> trials;
  for (int i = 0; i < 1000; ++i) {
    const std::vector<size_t> order = NeutralOrder(kFive.size(), seeds() | 1);
    trials.push_back(Trial(kFive[order[0]], kFive));
  }
  NeutralityResult r = TestNeutrality(trials);
  EXPECT_EQ(r.trials, 1000);
  EXPECT_NEAR(r.cells["p-a"].expected, 200, 1e-9);
  EXPECT_GE(r.p_value, 0.01);
  EXPECT_EQ(r.verdict, NeutralityVerdict::kConsistent);
}

// One provider first in 40% of the lists where a fair order gives 20%.
TEST(TestNeutralityTest, BiasedSeededListsAreFlagged) {
  std::mt19937_64 rng(19);
  std::bernoulli_distribution favoured(0.4);
  std::uniform_int_distribution<size_t> other(1, kFive.size() - 1);
  std::vector<NeutralityTrial> trials;
  for (int i = 0; i < 500; ++i) {
    trials.push_back(Trial(kFive[favoured(rng) ? 0 : other(rng)], kFive));
  }
  NeutralityResult r = TestNeutrality(trials);
  EXPECT_NEAR(r.cells["p-a"].expected, 100, 1e-9);
  EXPECT_GT(r.cells["p-a"].observed, 170);
  EXPECT_LT(r.p_value, 1e-6);
  EXPECT_EQ(r.verdict, NeutralityVerdict::kDeviates);
}

TEST(TestNeutralityTest, TooFewToJudge) {
  // 10 lists of five: expected 2 per provider, below 5, however biased.
  std::vector<NeutralityTrial> trials(10, Trial("p-a", kFive));
  NeutralityResult r = TestNeutrality(trials);
  EXPECT_LT(r.p_value, 0.01);
  EXPECT_EQ(r.verdict, NeutralityVerdict::kTooFew);
  // One provider only: nothing to compare.
  EXPECT_EQ(TestNeutrality({Trial("a", {"a"})}).verdict,
            NeutralityVerdict::kTooFew);
  EXPECT_EQ(TestNeutrality({}).verdict, NeutralityVerdict::kTooFew);
}

TEST(TrialOfListTest, FirstShownAmongEligibleAndReproductionsLeftOut) {
  v1::EligibleListShown list;
  list.add_provider_ids("p-c");
  list.add_provider_ids("p-a");
  for (const char* id : {"p-a", "p-b", "p-c"})
    list.add_eligible_provider_ids(id);
  std::vector<NeutralityTrial> t = TrialOfList(list);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].outcome_provider_id, "p-c");
  EXPECT_THAT(t[0].entitled_provider_ids, ElementsAre("p-a", "p-b", "p-c"));
  list.set_reproduction(true);
  EXPECT_THAT(TrialOfList(list), IsEmpty());
}

TEST(TrialOfAllocationTest, SharesTheRulesGive) {
  v1::AllocationExplanation rotation;
  rotation.set_policy(v1::ALLOCATION_POLICY_ROTATION);
  for (const char* id : {"p-b", "p-c", "p-a"}) {
    rotation.add_candidates_in_order(id);
  }
  auto* skipped = rotation.add_skipped();
  skipped->set_provider_id("p-b");
  skipped->set_reason("at capacity cap 2");
  rotation.set_chosen_provider_id("p-c");
  std::vector<NeutralityTrial> t = TrialOfAllocation(rotation);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].outcome_provider_id, "p-c");
  EXPECT_THAT(t[0].entitled_provider_ids, UnorderedElementsAre("p-c", "p-a"));

  v1::AllocationExplanation in_house;
  in_house.set_policy(v1::ALLOCATION_POLICY_IN_HOUSE);
  for (const char* id : {"p-home", "p-a", "p-b"}) {
    in_house.add_candidates_in_order(id);
  }
  in_house.set_chosen_provider_id("p-home");
  EXPECT_THAT(TrialOfAllocation(in_house)[0].entitled_provider_ids,
              ElementsAre("p-home"));
  // The in-house unit full: the rotation of the others applies.
  skipped = in_house.add_skipped();
  skipped->set_provider_id("p-home");
  skipped->set_reason("at capacity cap 5");
  in_house.set_chosen_provider_id("p-a");
  EXPECT_THAT(TrialOfAllocation(in_house)[0].entitled_provider_ids,
              ElementsAre("p-a", "p-b"));
  EXPECT_THAT(TrialOfAllocation(v1::AllocationExplanation()), IsEmpty());
  // The provider continuing after a move: no policy decided it.
  v1::AllocationExplanation moved;
  moved.add_candidates_in_order("p-a");
  moved.set_chosen_provider_id("p-a");
  EXPECT_THAT(TrialOfAllocation(moved), IsEmpty());
}

// The rotation itself (Allocate, the pointer moved on after each): 30
// allocations among three providers give 10 each, exactly the share.
TEST(TrialOfAllocationTest, TheRotationIsConsistentWithItsShare) {
  AllocationRequest request;
  request.policy = DefaultPolicy();
  request.policy.set_allocation_policy(v1::ALLOCATION_POLICY_ROTATION);
  request.zone_id = "north";
  request.day = absl::CivilDay(2026, 3, 2);
  for (const char* id : {"p-a", "p-b", "p-c"}) {
    Standing s;
    s.provider_id = id;
    s.name = std::string("Care ") + id;
    s.approved = true;
    s.selectable = true;
    s.approved_from = "2025-01-15";
    request.standings.push_back(s);
  }
  std::vector<NeutralityTrial> trials;
  for (int i = 0; i < 30; ++i) {
    absl::StatusOr<v1::AllocationExplanation> e = Allocate(request);
    ASSERT_TRUE(e.ok()) << e.status();
    request.rotation = {e->rotation_sequence(), e->chosen_provider_id()};
    for (auto& t : TrialOfAllocation(*e)) trials.push_back(t);
  }
  NeutralityResult r = TestNeutrality(trials);
  EXPECT_EQ(r.cells["p-a"].observed, 10);
  EXPECT_DOUBLE_EQ(r.cells["p-b"].expected, 10);
  EXPECT_DOUBLE_EQ(r.chi_square, 0);
  EXPECT_EQ(r.verdict, NeutralityVerdict::kConsistent);
  // The same 30 with one provider given 20 of them: flagged
  // (chi-square 10 + 2.5 + 2.5 = 15, p = e^-7.5).
  for (int i = 0; i < 30; ++i) {
    trials[i].outcome_provider_id = i < 20 ? "p-a" : (i < 25 ? "p-b" : "p-c");
  }
  r = TestNeutrality(trials);
  EXPECT_NEAR(r.p_value, std::exp(-7.5), 1e-12);
  EXPECT_EQ(r.verdict, NeutralityVerdict::kDeviates);
}

}  // namespace
}  // namespace lov::choice
