// What the simulator makes up: the clients, their picks, their visits. A
// pure function of the seed (and the month and the number of clients):
// every decision draws from a generator of its own, derived from the seed,
// what it is for and whose it is, so nothing depends on the order threads
// run in, on what an earlier run left in the services or on how many draws
// another phase made. A second run with the same seed sends the same
// content under the same report ids.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {
namespace {

// FNV-1a: a hash fixed by its definition (std::hash is not).
uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// The client's visits in one category, spread evenly over the month.
void AddClientVisits(uint64_t seed, absl::CivilMonth month, size_t i,
                     const SimClient& c, const StaffRoster& roster,
                     const std::string& category, int granted_minutes,
                     std::vector<vis::VisitReport>* out) {
  if (granted_minutes == 0) return;
  std::mt19937_64 rng = StreamOf(seed, "visits/" + category, i);
  // A stream of its own, so the distances change none of the other draws.
  std::mt19937_64 travel = StreamOf(seed, "travel/" + category, i);
  const bool sparse = SparseZone(c.zone);
  const bool service = category == "home-help-service";
  const absl::CivilDay first_day(month);
  const int days = static_cast<int>(absl::CivilDay(month + 1) - first_day);
  const int visit_minutes = service ? 60 : 30;
  // About 82% of granted time is performed (Stockholm, 2014).
  const int visits = std::max(1, granted_minutes * 82 / 100 / visit_minutes);
  for (int v = 0; v < visits; ++v) {
    const absl::CivilDay day =
        first_day + static_cast<int>((v * days) / visits);
    // Morning, lunch, afternoon or evening slot; the minute spreads them.
    static const int kSlots[] = {7 * 60 + 30, 11 * 60 + 30, 14 * 60, 19 * 60};
    // The roster's shift: the morning (up to the lunch visit), the
    // afternoon, the evening; a shift's visits never overlap another's.
    static const int kShifts[] = {0, 0, 1, 2};
    const int slot = service ? 9 * 60 + 30 : kSlots[v % 4];
    const StaffRoster::Staff staff =
        roster.StaffFor(i, day, service ? 0 : kShifts[v % 4]);
    const int minute = slot + static_cast<int>(i % 90);
    const int length = visit_minutes - 5 + static_cast<int>(rng() % 15);
    vis::VisitReport r;
    r.set_report_id(absl::StrCat(absl::FormatCivilTime(month), "-", i, "-",
                                 service ? "s" : "c", v));
    r.set_provider_id(c.provider_id);
    r.set_client_id(c.client_id);
    r.set_category_id(category);
    r.set_staff_id(staff.staff);
    const absl::Time start =
        FromStockholm(absl::CivilSecond(day) + minute * 60);
    *r.mutable_start() = ToProtoTime(start);
    *r.mutable_end() = ToProtoTime(start + absl::Minutes(length));
    r.set_evidence(rng() % 20 == 0 ? vis::EVIDENCE_MANUAL
                                   : vis::EVIDENCE_NFC_TAG);
    r.set_status(vis::VISIT_STATUS_PERFORMED);
    // Driven from the previous client or the base, in whole metres: 1.5 to
    // 25 km in the sparse countryside (paid per km there), 0.3 to 3 km in
    // town (reported, not paid).
    r.set_travel_metres(sparse ? 1500 + travel() % 23501
                               : 300 + travel() % 2701);
    if (!service && rng() % 20 == 0) {
      r.set_double_staffing(true);
      r.set_second_staff_id(staff.second);
    }
    if (rng() % 50 == 0) {  // missed visit: client not at home
      r.set_status(vis::VISIT_STATUS_CLIENT_ABSENT);
      r.set_status_reason("client not at home");
    }
    out->push_back(std::move(r));
  }
}

// Some bad reports, as real systems send them, and a few sent twice.
void AddBadReports(const std::vector<SimClient>& clients,
                   std::vector<vis::VisitReport>* out) {
  const size_t good = out->size();
  if (good == 0) return;
  for (size_t k = 0; k < good / 200; ++k) {
    vis::VisitReport bad = (*out)[(k * 7919) % good];
    bad.set_report_id(absl::StrCat(bad.report_id(), "-bad", k));
    const SimClient& other = clients[(k * 31 + 1) % clients.size()];
    switch (k % 3) {
      case 0:  // end before start
        *bad.mutable_end() = bad.start();
        break;
      case 1:  // a client the provider does not serve
        if (other.provider_id == bad.provider_id()) continue;
        bad.set_client_id(other.client_id);
        bad.set_staff_id(bad.staff_id() + "-x");
        break;
      case 2:  // no staff id
        bad.clear_staff_id();
        break;
    }
    out->push_back(std::move(bad));
  }
  for (size_t k = 0; k < good / 500; ++k)
    out->push_back((*out)[(k * 104729) % good]);
}

}  // namespace

std::mt19937_64 StreamOf(uint64_t seed, std::string_view purpose,
                         uint64_t index) {
  const uint64_t what = Fnv1a(purpose);
  std::seed_seq parts{
      static_cast<uint32_t>(seed),  static_cast<uint32_t>(seed >> 32),
      static_cast<uint32_t>(what),  static_cast<uint32_t>(what >> 32),
      static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32)};
  return std::mt19937_64(parts);
}

std::vector<SimClient> DrawClients(uint64_t seed, int n) {
  // Weighted by population: most clients live in the town.
  static const char* const kZones[] = {"stad",  "stad",  "stad", "sodra",
                                       "sodra", "norra", "vaddo"};
  std::vector<SimClient> clients(n);
  for (int i = 0; i < n; ++i) {
    std::mt19937_64 rng = StreamOf(seed, "client", i);
    SimClient& c = clients[i];
    c.zone = kZones[rng() % 7];
    c.service_minutes = 60 * (2 + static_cast<int>(rng() % 10));
    c.care_minutes =
        (rng() % 3 == 0) ? 0 : 60 * (8 + static_cast<int>(rng() % 50));
    c.chose = rng() % 100 < 84;
    // About one in five also goes to day activities, at a level of its own.
    std::mt19937_64 days = StreamOf(seed, "day-activity", i);
    if (days() % 5 == 0) {
      c.day_activity_minutes = 60 * (12 + static_cast<int>(days() % 25));
      c.support_level = "niva-" + std::to_string(1 + days() % 3);
    }
  }
  return clients;
}

std::string PickProvider(const cho::ListEligibleProvidersResponse& list,
                         std::mt19937_64& rng, const std::string& leaver) {
  // One draw per provider in the order of their ids, not of the list (its
  // order is neutral, that is random); a tie goes to the lower id.
  std::vector<std::string> ids;
  for (const auto& e : list.providers()) {
    if (e.provider_id() != leaver) ids.push_back(e.provider_id());
  }
  std::sort(ids.begin(), ids.end());
  std::string pick;
  int best = -1;
  for (const std::string& id : ids) {
    int weight = 1;
    for (const auto& p : Providers()) {
      if (ProviderId(p.org) == id) weight = p.popularity;
    }
    const int score = static_cast<int>(rng() % 10) * weight;
    if (score > best) best = score, pick = id;
  }
  return pick;
}

bool RechoosesInTime(uint64_t seed, size_t client) {
  return StreamOf(seed, "rechoose", client)() % 100 < 60;
}

std::vector<vis::VisitReport> MonthOfVisits(
    uint64_t seed, absl::CivilMonth month,
    const std::vector<SimClient>& clients) {
  std::vector<vis::VisitReport> out;
  const StaffRoster roster(seed, clients);
  for (size_t i = 0; i < clients.size(); ++i) {
    const SimClient& c = clients[i];
    if (c.provider_id.empty()) continue;
    AddClientVisits(seed, month, i, c, roster, "home-help-service",
                    c.service_minutes, &out);
    AddClientVisits(seed, month, i, c, roster, "home-help-personal-care",
                    c.care_minutes, &out);
  }
  AddBadReports(clients, &out);
  return out;
}

}  // namespace lov::sim
