// Reservations of instances that died between reserving a report id and
// recording its outcome: each instance heartbeats; a dead one's pending
// reservations are dropped once the projection has read both own topics to
// their ends (then they surely never reached Kafka), so a retry decides
// afresh.
#include <chrono>
#include <thread>

#include "lov/platform/log.h"
#include "lov/visits/app/visits_app.h"

namespace lov::visits {
namespace {

constexpr absl::Duration kCatchUpTimeout = absl::Seconds(15);

}  // namespace

absl::Status VisitsApp::Heartbeat() {
  return store_->Heartbeat(instance_, kHeartbeatTtl);
}

absl::StatusOr<bool> VisitsApp::OwnerGone(const std::string& owner,
                                          std::map<std::string, bool>& alive) {
  auto [known, inserted] = alive.emplace(owner, true);
  if (inserted) {
    // Until it is known, an owner counts as alive: its reservation is never
    // taken over by mistake.
    absl::StatusOr<bool> live = store_->OwnerAlive(owner);
    if (!live.ok()) return live.status();
    known->second = *live;
  }
  return !known->second;
}

absl::Status VisitsApp::SweepOrphans() {
  absl::StatusOr<std::vector<Owned>> pending = store_->PendingWithOwners();
  if (!pending.ok()) return pending.status();
  std::map<std::string, bool> alive;
  std::vector<Owned> orphans;
  for (const auto& [id, owner] : *pending) {
    if (owner == instance_) continue;
    absl::StatusOr<bool> gone = OwnerGone(owner, alive);
    if (!gone.ok()) return gone.status();
    if (*gone) orphans.emplace_back(id, owner);
  }
  if (orphans.empty()) return absl::OkStatus();
  return ResolveOrphans(orphans);
}

absl::Status VisitsApp::ResolveOrphans(const std::vector<Owned>& orphans) {
  // The event of an orphan is on one of the two own topics (a rejection on
  // the rejected reports' topic): both are read to their ends.
  const std::vector<std::pair<OwnTopic, TopicEnd*>> own = {
      {OwnTopic::kEvents, topic_end_}, {OwnTopic::kRejected, rejected_end_}};
  std::vector<std::map<int32_t, int64_t>> ends;
  for (const auto& [topic, topic_end] : own) {
    absl::StatusOr<std::map<int32_t, int64_t>> end =
        topic_end->HighWatermarks();
    if (!end.ok()) return end.status();
    ends.push_back(std::move(*end));
  }
  const absl::Time give_up = absl::Now() + kCatchUpTimeout;
  while (true) {
    bool caught_up = true;
    for (size_t t = 0; t < own.size(); ++t) {
      absl::StatusOr<std::map<int32_t, int64_t>> applied =
          store_->AppliedOffsets(own[t].first);
      if (!applied.ok()) return applied.status();
      for (const auto& [p, high] : ends[t]) {
        auto it = applied->find(p);
        if (high > 0 && (it == applied->end() || it->second < high)) {
          caught_up = false;
        }
      }
    }
    if (caught_up) break;
    if (absl::Now() > give_up) {
      return absl::UnavailableError(
          "the projection has not yet read the visits topics to their ends");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (const auto& [visit_id, owner] : orphans) {
    absl::StatusOr<bool> dropped = store_->ReleasePending(visit_id, owner);
    if (!dropped.ok()) return dropped.status();
    // Still pending with both topics read: its event never reached Kafka.
    // Otherwise it is no longer pending under the dead owner: the
    // projection recorded its event meanwhile (it did reach Kafka), or
    // another replica's sweep dropped it first.
    if (*dropped) {
      log::Info(
          "dropped a dead instance's reservation: its report never reached "
          "Kafka and is decided afresh when sent again",
          {{"visit_id", visit_id}, {"owner", owner}});
    } else {
      log::Info(
          "nothing to drop for a dead instance's reservation: no longer "
          "pending (recorded from Kafka, or dropped by another sweep)",
          {{"visit_id", visit_id}, {"owner", owner}});
    }
  }
  return absl::OkStatus();
}

}  // namespace lov::visits
