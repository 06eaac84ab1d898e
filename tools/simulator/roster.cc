// Staff rosters: who of a provider's staff does each visit, so staff
// continuity differs between providers as it does in real home care; and
// the simulator's own count of that continuity (docs/followup.md), to check
// the follow-up service and the dashboard against.
//
// A provider serves its clients in teams: the clients of a block of 24
// (by the simulator's client number) form the provider's teams there, up to
// `clients_per_team` clients to a team of `staff_per_team` people. Each day
// the team's work rotates: in each shift (morning, afternoon, evening) a
// client's visits go to one member, no member has two clients in one shift
// (nobody is in two places: the visits service refuses a staff member
// double-booked), and the second member of a double-staffed visit is
// another member of the same team. On some days a member is ill and the
// team's substitute (vikarie) takes that member's visits.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {
namespace {

constexpr size_t kBlock = 24;

// The part of a provider id its staff ids carry: "prv-5565541645" ->
// "556554".
std::string StaffPrefix(const std::string& provider_id) {
  return "stf-" + provider_id.substr(4, 6);
}

}  // namespace

StaffPlan PlanOf(const std::string& provider_id) {
  // The in-house unit and Tiohundra ("continuity of staff") work in small
  // stable teams; Attendo from a large rotating pool; the others between.
  if (provider_id == ProviderId(Providers().front().org)) return {3, 7};
  if (provider_id == ProviderId(kTiohundraOrg)) return {3, 6};
  if (provider_id == ProviderId("556554-1645")) return {8, 20};
  return {5, 11};
}

StaffRoster::StaffRoster(uint64_t seed, const std::vector<SimClient>& clients)
    : seed_(seed), seats_(clients.size()) {
  for (size_t block = 0; block * kBlock < clients.size(); ++block) {
    std::map<std::string, int> rank;  // per provider, within the block
    for (size_t i = block * kBlock;
         i < std::min(clients.size(), (block + 1) * kBlock); ++i) {
      const std::string& provider = clients[i].provider_id;
      if (provider.empty()) continue;
      const int n = rank[provider]++;
      const int team_size = PlanOf(provider).clients_per_team;
      Seat& seat = seats_[i];
      seat.provider_id = provider;
      seat.team = absl::StrCat("b", block, "t", n / team_size);
      seat.seat = n % team_size;
      teams_[provider].insert(seat.team);
    }
  }
}

StaffRoster::Staff StaffRoster::StaffFor(size_t i, absl::CivilDay day,
                                         int shift) const {
  const Seat& seat = seats_.at(i);
  const StaffPlan plan = PlanOf(seat.provider_id);
  const int64_t day_number = day - absl::CivilDay(1970, 1, 1);
  const int rotation =
      static_cast<int>((day_number + 3 * shift) % plan.staff_per_team);
  // Who of the team is ill today, if anyone (about one day in eight).
  std::mt19937_64 rng =
      StreamOf(seed_, absl::StrCat("ill/", seat.provider_id, "/", seat.team),
               static_cast<uint64_t>(day_number));
  const int ill =
      rng() % 8 == 0 ? static_cast<int>(rng() % plan.staff_per_team) : -1;
  auto member = [&](int m) {
    const std::string who = m == ill ? "v" : absl::StrCat(m);
    return absl::StrCat(StaffPrefix(seat.provider_id), "-", seat.team, "-",
                        who);
  };
  return {member((seat.seat + rotation) % plan.staff_per_team),
          member((seat.seat + plan.clients_per_team + rotation) %
                 plan.staff_per_team)};
}

std::set<std::string> StaffRoster::Pool(const std::string& provider_id) const {
  std::set<std::string> pool;
  auto teams = teams_.find(provider_id);
  if (teams == teams_.end()) return pool;
  const std::string prefix = StaffPrefix(provider_id);
  for (const std::string& team : teams->second) {
    for (int m = 0; m < PlanOf(provider_id).staff_per_team; ++m)
      pool.insert(absl::StrCat(prefix, "-", team, "-", m));
    pool.insert(absl::StrCat(prefix, "-", team, "-v"));
  }
  return pool;
}

std::map<std::string, ContinuityCount> StaffContinuity(
    const std::vector<vis::VisitReport>& accepted, absl::CivilDay from) {
  const absl::Time start = FromStockholm(absl::CivilSecond(from));
  const absl::Time end = FromStockholm(absl::CivilSecond(from + 14));
  struct Seen {
    int visits = 0;
    std::set<std::string> staff;
  };
  std::map<std::string, std::map<std::string, Seen>> by_provider;
  for (const vis::VisitReport& r : accepted) {
    const absl::Time at = FromProtoTime(r.start());
    const int hour = ToStockholm(at).hour();
    if (r.status() != vis::VISIT_STATUS_PERFORMED || at < start || at >= end ||
        hour < 7 || hour >= 22) {
      continue;
    }
    Seen& seen = by_provider[r.provider_id()][r.client_id()];
    ++seen.visits;
    seen.staff.insert(r.staff_id());
    if (r.double_staffing()) seen.staff.insert(r.second_staff_id());
  }
  std::map<std::string, ContinuityCount> out;
  for (const auto& [provider, clients] : by_provider) {
    std::vector<int> staff;
    for (const auto& [client, seen] : clients)
      if (seen.visits >= 28)
        staff.push_back(static_cast<int>(seen.staff.size()));
    ContinuityCount& count = out[provider];
    count.clients = static_cast<int>(staff.size());
    if (staff.empty()) continue;
    std::sort(staff.begin(), staff.end());
    const size_t n = staff.size();
    count.median_staff =
        n % 2 == 1 ? staff[n / 2] : (staff[n / 2 - 1] + staff[n / 2]) / 2.0;
  }
  return out;
}

}  // namespace lov::sim
