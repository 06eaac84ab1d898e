#include "lov/choice/domain/eligibility.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/contract/provider_record.h"

namespace lov::choice {

std::string HoursText(int64_t minutes) {
  if (minutes % 60 == 0) return absl::StrCat(minutes / 60);
  return absl::StrFormat("%.1f", static_cast<double>(minutes) / 60.0);
}

Standing StandingOf(const reg::Municipality& municipality,
                    const reg::Provider& provider, const std::string& zone_id,
                    const std::vector<std::string>& category_ids,
                    absl::CivilDay day, Occupancy occupied,
                    int64_t client_minutes) {
  Standing s;
  s.provider_id = provider.provider_id();
  s.name = provider.name();
  s.occupied = occupied.clients;
  s.occupied_minutes = occupied.minutes;
  s.client_minutes = client_minutes;
  const reg::ProviderStatus status =
      registry::StatusAsOf(municipality, provider, day);
  const std::string today = FormatDate(day);
  bool all_approved = !category_ids.empty();
  bool accepting = true;
  for (const std::string& category : category_ids) {
    const reg::ZoneCategoryStatus* found = nullptr;
    for (const auto& st : status.statuses()) {
      if (st.zone_id() == zone_id && st.category_id() == category) found = &st;
    }
    if (found == nullptr) {
      all_approved = false;
      s.reasons.push_back(absl::StrCat("not approved for ", category,
                                       " in zone ", zone_id, " on ", today));
      continue;
    }
    if (found->capped()) {
      s.capped = true;
      s.max_clients = found->max_clients();
    }
    if (found->max_hours_per_month() > 0) {
      s.max_minutes = int64_t{found->max_hours_per_month()} * 60;
    }
    if (!found->accepting_new_clients()) {
      accepting = false;
      for (const auto& r : found->reasons()) {
        if (std::find(s.reasons.begin(), s.reasons.end(), r) ==
            s.reasons.end()) {
          s.reasons.push_back(r);
        }
      }
    }
    for (const auto& a : provider.approvals()) {
      if (a.zone_id() == zone_id && a.category_id() == category &&
          a.effective_from() <= today &&
          (a.effective_to().empty() || today <= a.effective_to()) &&
          a.effective_from() > s.approved_from) {
        s.approved_from = a.effective_from();
      }
    }
  }
  s.approved = all_approved;
  bool room = true;
  if (s.capped && s.occupied >= s.max_clients && s.max_clients > 0) {
    room = false;
    s.reasons.push_back(absl::StrCat("at capacity cap ", s.max_clients, " (",
                                     s.occupied, " clients)"));
  }
  if (s.max_minutes > 0 &&
      (s.occupied_minutes >= s.max_minutes ||
       s.occupied_minutes + client_minutes > s.max_minutes)) {
    room = false;
    s.reasons.push_back(absl::StrCat(
        "at hours cap ", HoursText(s.max_minutes), " h a month (",
        HoursText(s.occupied_minutes), " h granted to its clients in the zone",
        client_minutes > 0
            ? absl::StrCat(", this client ", HoursText(client_minutes), " h")
            : "",
        ")"));
  }
  s.accepting = all_approved && accepting;
  s.selectable = s.accepting && room;
  return s;
}

std::vector<size_t> NeutralOrder(size_t n, uint64_t seed) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  for (size_t i = n; i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

std::vector<v1::ZoneHealth> ZoneHealthOf(
    const reg::Municipality& municipality,
    const std::vector<reg::Provider>& providers, const std::string& zone_id,
    absl::CivilDay day,
    const std::function<Occupancy(const std::string&)>& occupied) {
  std::vector<v1::ZoneHealth> out;
  for (const auto& category : municipality.categories()) {
    int selectable = 0;
    for (const auto& p : providers) {
      if (StandingOf(municipality, p, zone_id, {category.category_id()}, day,
                     occupied(p.provider_id()))
              .selectable) {
        ++selectable;
      }
    }
    v1::ZoneHealth h;
    h.set_zone_id(zone_id);
    h.set_category_id(category.category_id());
    h.set_selectable_providers(selectable);
    h.set_no_real_choice(selectable < 2);
    h.set_as_of(FormatDate(day));
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace lov::choice
