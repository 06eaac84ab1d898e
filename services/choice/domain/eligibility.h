#ifndef LOV_SERVICES_CHOICE_DOMAIN_ELIGIBILITY_H_
#define LOV_SERVICES_CHOICE_DOMAIN_ELIGIBILITY_H_

// Which providers a client may choose, the neutral order they are shown in,
// and how many real choices a zone offers. Pure functions over the
// registry's records (the registry's own StatusAsOf decides approval,
// pauses, suspensions and notices) and the choice service's slot counts.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/registry/v1/registry.pb.h"

namespace lov::choice {

namespace v1 = ::lov::choice::v1;
namespace reg = ::lov::registry::v1;

// What a provider's slots in a zone hold on a day: the clients, and the
// granted minutes a month of those clients in the categories the provider
// serves them in.
struct Occupancy {
  Occupancy(int clients = 0, int64_t minutes = 0)  // NOLINT: a count is one
      : clients(clients), minutes(minutes) {}
  int clients;
  int64_t minutes;
};

// The limits a new slot is taken under; -1 = no limit.
struct SlotLimits {
  int max_clients = -1;
  int64_t max_minutes = -1;
};

// One provider's standing for a zone and a set of categories on a day.
struct Standing {
  std::string provider_id;
  std::string name;
  // Approved for every category in the zone on the day (possibly full,
  // paused or leaving).
  bool approved = false;
  // Approved and not paused, suspended, terminated or leaving (caps aside).
  bool accepting = false;
  // Approved, accepting new clients and under its cap: may be chosen.
  bool selectable = false;
  std::vector<std::string> reasons;  // why not selectable
  bool capped = false;               // the number of clients is capped
  int max_clients = 0;
  int occupied = 0;
  // Granted minutes a month the provider takes in the zone (0 = no hours
  // cap), what its clients there hold, and what this client would add.
  int64_t max_minutes = 0;
  int64_t occupied_minutes = 0;
  int64_t client_minutes = 0;
  // The latest first day of the approvals the categories need: the
  // rotation takes the provider from the 1st of the month after it.
  std::string approved_from;

  SlotLimits limits() const {
    return {capped ? max_clients : -1, max_minutes > 0 ? max_minutes : -1};
  }
};

// `occupied`: the provider's slots in the zone on `day`; `client_minutes`:
// the client's granted minutes a month in `category_ids` (what taking the
// client adds under an hours cap).
Standing StandingOf(const reg::Municipality& municipality,
                    const reg::Provider& provider, const std::string& zone_id,
                    const std::vector<std::string>& category_ids,
                    absl::CivilDay day, Occupancy occupied,
                    int64_t client_minutes = 0);

// "12" for 720 minutes, "12.5" for 750: hours as staff read them.
std::string HoursText(int64_t minutes);

// A permutation of 0..n-1 for the neutral list: a Fisher-Yates shuffle
// driven by mt19937_64(seed), whose output the C++ standard fixes, so the
// same seed gives the same order on every platform and build.
std::vector<size_t> NeutralOrder(size_t n, uint64_t seed);

// Selectable providers per category of the zone on `day`; fewer than two
// means "no real choice". `occupied(provider_id)`: its slots in the zone.
std::vector<v1::ZoneHealth> ZoneHealthOf(
    const reg::Municipality& municipality,
    const std::vector<reg::Provider>& providers, const std::string& zone_id,
    absl::CivilDay day,
    const std::function<Occupancy(const std::string&)>& occupied);

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_DOMAIN_ELIGIBILITY_H_
