// Non-choice allocation under each policy; the expected provider and the
// recorded reasons are worked out by hand from the standings given.
#include "lov/choice/domain/allocation.h"

#include <gtest/gtest.h>

#include "lov/choice/domain/rechoice_rules.h"

namespace lov::choice {
namespace {

absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

Standing Provider(const std::string& id, const std::string& name,
                  bool selectable = true,
                  const std::string& approved_from = "2024-01-15") {
  Standing s;
  s.provider_id = id;
  s.name = name;
  s.approved = true;
  s.selectable = selectable;
  s.approved_from = approved_from;
  return s;
}

Standing AtCap(Standing s, int cap) {
  s.selectable = false;
  s.capped = true;
  s.max_clients = cap;
  s.occupied = cap;
  s.reasons.push_back("at capacity cap " + std::to_string(cap) + " (" +
                      std::to_string(cap) + " clients)");
  return s;
}

AllocationRequest Request(v1::AllocationPolicy policy) {
  AllocationRequest r;
  r.policy = DefaultPolicy();
  r.policy.set_allocation_policy(policy);
  r.zone_id = "north";
  r.day = D(2025, 3, 20);
  // Names decide the rotation order: Allegio, Attendo, Tiohundra.
  r.standings = {Provider("prv-t", "Tiohundra AB"),
                 Provider("prv-al", "Allegio Omsorg AB"),
                 Provider("prv-at", "Attendo Sverige AB")};
  return r;
}

std::vector<std::string> Candidates(const v1::AllocationExplanation& e) {
  return {e.candidates_in_order().begin(), e.candidates_in_order().end()};
}

TEST(InHouse, AllocatesTheInHouseProvider) {
  AllocationRequest r = Request(v1::ALLOCATION_POLICY_IN_HOUSE);
  r.standings.push_back(Provider("prv-home", "Norrtälje hemtjänst"));
  r.in_house_provider_id = "prv-home";
  absl::StatusOr<v1::AllocationExplanation> e = Allocate(r);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->chosen_provider_id(), "prv-home");
  EXPECT_EQ(e->policy(), v1::ALLOCATION_POLICY_IN_HOUSE);
  EXPECT_EQ(e->candidates_in_order(0), "prv-home");
  EXPECT_TRUE(e->skipped().empty());
  EXPECT_EQ(e->rotation_sequence(), 0);
}

TEST(InHouse, AtItsCapFallsBackToTheRotationOrderAndSaysWhy) {
  AllocationRequest r = Request(v1::ALLOCATION_POLICY_IN_HOUSE);
  r.standings.push_back(AtCap(Provider("prv-home", "Norrtälje hemtjänst"), 10));
  r.in_house_provider_id = "prv-home";
  absl::StatusOr<v1::AllocationExplanation> e = Allocate(r);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->chosen_provider_id(), "prv-al");
  ASSERT_EQ(e->skipped_size(), 1);
  EXPECT_EQ(e->skipped(0).provider_id(), "prv-home");
  EXPECT_EQ(e->skipped(0).reason(), "at capacity cap 10 (10 clients)");
}

TEST(Rotation, FixedAlphabeticalOrderContinuesAfterTheLastAllocation) {
  AllocationRequest r = Request(v1::ALLOCATION_POLICY_ROTATION);
  r.rotation = {7, "prv-al"};  // Allegio got the 7th
  absl::StatusOr<v1::AllocationExplanation> e = Allocate(r);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(Candidates(*e),
            (std::vector<std::string>{"prv-at", "prv-t", "prv-al"}));
  EXPECT_EQ(e->chosen_provider_id(), "prv-at");
  EXPECT_EQ(e->rotation_sequence(), 8);

  r.rotation = {8, "prv-t"};  // wraps around to the start
  e = Allocate(r);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->chosen_provider_id(), "prv-al");
  EXPECT_EQ(e->rotation_sequence(), 9);

  r.rotation = {};  // nobody allocated yet: the first in order
  e = Allocate(r);
  EXPECT_EQ(e->chosen_provider_id(), "prv-al");
  EXPECT_EQ(e->rotation_sequence(), 1);
}

TEST(Rotation, SkipsAProviderAtItsCapUntilItHasRoom) {
  AllocationRequest r = Request(v1::ALLOCATION_POLICY_ROTATION);
  r.rotation = {3, "prv-al"};
  r.standings[2] = AtCap(r.standings[2], 25);  // Attendo is full
  absl::StatusOr<v1::AllocationExplanation> e = Allocate(r);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->chosen_provider_id(), "prv-t");
  ASSERT_EQ(e->skipped_size(), 1);
  EXPECT_EQ(e->skipped(0).provider_id(), "prv-at");
  EXPECT_EQ(e->skipped(0).reason(), "at capacity cap 25 (25 clients)");
  // With room again, Attendo's turn comes back in the fixed order.
  r.standings[2] = Provider("prv-at", "Attendo Sverige AB");
  r.rotation = {4, "prv-al"};
  EXPECT_EQ(Allocate(r)->chosen_provider_id(), "prv-at");
}

TEST(Rotation, NewProvidersJoinTheMonthAfterApproval) {
  EXPECT_EQ(RotationJoinDate(D(2025, 3, 10)), D(2025, 4, 1));
  EXPECT_EQ(RotationJoinDate(D(2025, 3, 1)), D(2025, 4, 1));
  EXPECT_EQ(RotationJoinDate(D(2025, 12, 31)), D(2026, 1, 1));

  AllocationRequest r = Request(v1::ALLOCATION_POLICY_ROTATION);
  // "Aa Omsorg" would be first in order, but was approved on 2025-03-10.
  r.standings.push_back(Provider("prv-aa", "Aa Omsorg AB", true, "2025-03-10"));
  r.day = D(2025, 3, 31);
  absl::StatusOr<v1::AllocationExplanation> e = Allocate(r);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->chosen_provider_id(), "prv-al");
  EXPECT_EQ(Candidates(*e),
            (std::vector<std::string>{"prv-al", "prv-at", "prv-t"}));
  ASSERT_EQ(e->skipped_size(), 1);
  EXPECT_EQ(e->skipped(0).provider_id(), "prv-aa");
  EXPECT_EQ(e->skipped(0).reason(),
            "approved 2025-03-10: joins the rotation 2025-04-01");

  r.day = D(2025, 4, 1);
  e = Allocate(r);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->chosen_provider_id(), "prv-aa");
}

TEST(Rotation, NeverAllocatesTheProviderBeingLeft) {
  AllocationRequest r = Request(v1::ALLOCATION_POLICY_ROTATION);
  r.rotation = {1, "prv-al"};
  r.excluded_provider_id = "prv-at";
  absl::StatusOr<v1::AllocationExplanation> e = Allocate(r);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->chosen_provider_id(), "prv-t");
  ASSERT_EQ(e->skipped_size(), 1);
  EXPECT_EQ(e->skipped(0).reason(), "the provider being left");
}

TEST(Proximity, AllocatesTheZonesDesignatedProvider) {
  AllocationRequest r = Request(v1::ALLOCATION_POLICY_PROXIMITY);
  auto* d = r.policy.add_designated_providers();
  d->set_zone_id("south");
  d->set_provider_id("prv-al");
  d = r.policy.add_designated_providers();
  d->set_zone_id("north");
  d->set_provider_id("prv-t");
  absl::StatusOr<v1::AllocationExplanation> e = Allocate(r);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->chosen_provider_id(), "prv-t");
  EXPECT_EQ(e->candidates_in_order(0), "prv-t");
  EXPECT_EQ(e->policy(), v1::ALLOCATION_POLICY_PROXIMITY);

  // Designated provider paused: recorded, then the rotation order.
  r.standings[0].selectable = false;
  r.standings[0].reasons = {"intake paused by the provider"};
  e = Allocate(r);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->chosen_provider_id(), "prv-al");
  EXPECT_EQ(e->skipped(0).provider_id(), "prv-t");
  EXPECT_EQ(e->skipped(0).reason(), "intake paused by the provider");
}

TEST(Allocate, NobodyWithRoomIsAClearError) {
  AllocationRequest r = Request(v1::ALLOCATION_POLICY_ROTATION);
  for (auto& s : r.standings) s = AtCap(s, 5);
  absl::StatusOr<v1::AllocationExplanation> e = Allocate(r);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(e.status().message().find("no provider can take the client"),
            absl::string_view::npos);
  EXPECT_NE(e.status().message().find("prv-at: at capacity cap 5"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace lov::choice
