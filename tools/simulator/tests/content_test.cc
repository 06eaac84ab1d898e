// What the simulator makes up is a pure function of its seed: the same seed
// gives byte for byte the same reports under the same report ids, whatever
// else the run drew or in what order its threads ran.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "simulator.h"

namespace lov::sim {
namespace {

constexpr uint64_t kSeed = 20240201;
const absl::CivilMonth kMonth(2026, 10);

// The clients as the services would have given them ids and providers.
std::vector<SimClient> Town(uint64_t seed, int n) {
  std::vector<SimClient> clients = DrawClients(seed, n);
  for (int i = 0; i < n; ++i) {
    clients[i].client_id = "cli-" + std::to_string(i);
    clients[i].provider_id = ProviderId(Providers()[i % 6].org);
  }
  return clients;
}

std::string Bytes(const std::vector<vis::VisitReport>& reports) {
  std::string bytes;
  for (const auto& r : reports) bytes += r.SerializeAsString();
  return bytes;
}

std::vector<vis::VisitReport> OfClient(
    const std::vector<vis::VisitReport>& reports, const std::string& client) {
  std::vector<vis::VisitReport> own;
  for (const auto& r : reports)
    if (r.client_id() == client &&
        r.report_id().find("-bad") == std::string::npos)
      own.push_back(r);
  return own;
}

TEST(ContentTest, TheSameSeedMakesByteIdenticalReports) {
  const auto first = MonthOfVisits(kSeed, kMonth, Town(kSeed, 40));
  const auto second = MonthOfVisits(kSeed, kMonth, Town(kSeed, 40));
  ASSERT_GT(first.size(), 400u);
  EXPECT_EQ(Bytes(first), Bytes(second));
  // Another seed: other lengths, evidence and statuses.
  EXPECT_NE(Bytes(first),
            Bytes(MonthOfVisits(kSeed + 1, kMonth, Town(kSeed, 40))));
}

// A rerun finds some clients already served and some cases closed; what it
// draws for one client must not shift what another gets.
TEST(ContentTest, AClientsVisitsDoNotDependOnOtherClients) {
  std::vector<SimClient> town = Town(kSeed, 10);
  const auto before = OfClient(MonthOfVisits(kSeed, kMonth, town), "cli-3");
  town[0].service_minutes += 600;  // client 0 now gets ten more visits
  town[1].care_minutes = 0;
  const auto after = OfClient(MonthOfVisits(kSeed, kMonth, town), "cli-3");
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(Bytes(before), Bytes(after));
}

TEST(ContentTest, EachClientIsDrawnOnItsOwn) {
  const std::vector<SimClient> small = DrawClients(kSeed, 50);
  const std::vector<SimClient> large = DrawClients(kSeed, 100);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(small[i].zone, large[i].zone) << i;
    EXPECT_EQ(small[i].service_minutes, large[i].service_minutes) << i;
    EXPECT_EQ(small[i].care_minutes, large[i].care_minutes) << i;
    EXPECT_EQ(small[i].chose, large[i].chose) << i;
  }
}

cho::ListEligibleProvidersResponse List(const std::vector<int>& order) {
  cho::ListEligibleProvidersResponse list;
  for (int k : order)
    list.add_providers()->set_provider_id(ProviderId(Providers()[k].org));
  return list;
}

// The neutral list comes in a random order; the client's pick does not.
TEST(ContentTest, APickDoesNotDependOnTheListsOrder) {
  for (uint64_t client = 0; client < 50; ++client) {
    std::mt19937_64 a = StreamOf(kSeed, "choose", client);
    std::mt19937_64 b = StreamOf(kSeed, "choose", client);
    EXPECT_EQ(PickProvider(List({0, 1, 2, 3, 4, 5}), a),
              PickProvider(List({5, 3, 1, 0, 4, 2}), b))
        << client;
  }
}

TEST(ContentTest, APickIsNeverTheLeaver) {
  const std::string leaver = ProviderId(kAllegioOrg);
  for (uint64_t client = 0; client < 50; ++client) {
    std::mt19937_64 rng = StreamOf(kSeed, "rechoose-pick", client);
    const std::string pick = PickProvider(List({1, 0, 2}), rng, leaver);
    EXPECT_FALSE(pick.empty());
    EXPECT_NE(pick, leaver);
  }
  std::mt19937_64 rng = StreamOf(kSeed, "rechoose-pick", 0);
  EXPECT_EQ(PickProvider(List({1}), rng, leaver), "");
}

TEST(ContentTest, StreamsDifferByPurposeAndClient) {
  EXPECT_EQ(StreamOf(kSeed, "choose", 1)(), StreamOf(kSeed, "choose", 1)());
  EXPECT_NE(StreamOf(kSeed, "choose", 1)(), StreamOf(kSeed, "choose", 2)());
  EXPECT_NE(StreamOf(kSeed, "choose", 1)(), StreamOf(kSeed, "decision", 1)());
  EXPECT_NE(StreamOf(kSeed, "choose", 1)(), StreamOf(kSeed + 1, "choose", 1)());
}

}  // namespace
}  // namespace lov::sim
