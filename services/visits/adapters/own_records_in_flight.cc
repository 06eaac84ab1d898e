#include "lov/visits/adapters/own_records_in_flight.h"

#include "absl/time/clock.h"

namespace lov::visits {

void OwnRecordsInFlight::Add(const std::vector<std::string>& visit_ids) {
  if (visit_ids.empty()) return;
  const absl::Time now = absl::Now();
  std::lock_guard<std::mutex> lock(mu_);
  // Bounded: what was left behind goes once there is a lot of it.
  if (reserved_at_.size() > 4 * visit_ids.size() + 10000) {
    std::erase_if(reserved_at_,
                  [&](const auto& e) { return now - e.second > kStale; });
  }
  for (const std::string& id : visit_ids) reserved_at_[id] = now;
}

void OwnRecordsInFlight::Done(const std::vector<std::string>& visit_ids) {
  if (visit_ids.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& id : visit_ids) reserved_at_.erase(id);
  }
  done_.notify_all();
}

bool OwnRecordsInFlight::AnyInFlight(const std::vector<std::string>& visit_ids,
                                     absl::Time now) const {
  for (const std::string& id : visit_ids) {
    auto it = reserved_at_.find(id);
    if (it != reserved_at_.end() && now - it->second <= kStale) return true;
  }
  return false;
}

bool OwnRecordsInFlight::AwaitDone(const std::vector<std::string>& visit_ids,
                                   absl::Duration wait) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!AnyInFlight(visit_ids, absl::Now())) return false;
  done_.wait_for(lock, absl::ToChronoMilliseconds(wait),
                 [&] { return !AnyInFlight(visit_ids, absl::Now()); });
  return true;
}

size_t OwnRecordsInFlight::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reserved_at_.size();
}

}  // namespace lov::visits
