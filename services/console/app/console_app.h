// The console's use cases: fold every service's events into the dashboard's
// read model, keep the latest pipeline health, answer snapshots.
//
// The state lives in memory only and is rebuilt from the topics at start:
// the console is a read model that decides nothing and writes nothing, the
// topics are the system of record, and a replay of a municipality's events
// takes seconds. Redis would add a second copy to keep consistent for no
// gain.
#ifndef LOV_CONSOLE_APP_CONSOLE_APP_H_
#define LOV_CONSOLE_APP_CONSOLE_APP_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "lov/console/domain/dashboard_model.h"
#include "lov/console/domain/neutrality_board.h"
#include "lov/console/ports.h"
#include "lov/platform/clock.h"
#include "lov/platform/kafka.h"
#include "lov/platform/periodic_runner.h"
#include "lov/platform/topics.h"
#include "nlohmann/json.hpp"

namespace lov::console {

// The last `capacity` event ids, to recognise a duplicate that arrives
// close behind its first copy, in bounded memory.
class RecentIds {
 public:
  explicit RecentIds(size_t capacity) : capacity_(capacity) {}
  bool Contains(const std::string& id) const { return ids_.count(id) > 0; }
  void Add(const std::string& id);
  size_t size() const { return ids_.size(); }

 private:
  size_t capacity_;
  std::unordered_set<std::string> ids_;
  std::deque<std::string> order_;
};

class ConsoleApp {
 public:
  // How many recent event ids are remembered besides the offsets.
  static constexpr size_t kRecentIds = 100000;

  explicit ConsoleApp(const Clock* clock, size_t recent_ids = kRecentIds)
      : clock_(clock), recent_(recent_ids) {}
  ~ConsoleApp();

  // Applies one event from any of the five topics (the topic name, with or
  // without a namespace prefix, says which). Skips a redelivery (an offset
  // at or below the last applied one of its partition) and a second copy of
  // a recent event id; memory stays bounded however long it runs.
  // InvalidArgument: the body does not parse (poison, for the dead letters).
  absl::Status Apply(const CloudEvent& event);

  // The dashboard: the read model plus the pipeline health.
  nlohmann::json Snapshot() const;

  void SetHealth(PipelineHealth health);
  // Checks `probe` now and then every `interval` until Stop().
  void StartHealthChecks(PipelineProbe* probe, absl::Duration interval);
  // Asks `source` for every zone and category of the registry, for the
  // neutrality panel's period (app/neutrality_refresh.cc); and so every
  // `interval` until Stop().
  void RefreshNeutrality(NeutralitySource* source);
  void StartNeutralityChecks(NeutralitySource* source, absl::Duration interval);
  // The last round's verdicts per zone, category and test (empty before the
  // first round), for the metric a deviation alert reads.
  std::vector<NeutralityFlag> NeutralityVerdicts() const;
  // Asks `source` for every provider's indicators as of the first day of
  // the current month (Stockholm date), for the continuity panel's as-of
  // rows (app/indicators_refresh.cc); and so every `interval` until Stop().
  void RefreshIndicatorsAsOf(IndicatorsSource* source);
  void StartIndicatorsChecks(IndicatorsSource* source, absl::Duration interval);
  void Stop();

  std::vector<ZoneChoice> ZoneChoices() const;
  // The consumer groups' lag per topic of the last health check.
  std::vector<TopicLag> GroupLags() const;
  int64_t applied() const;

 private:
  const Clock* clock_;
  mutable std::mutex mu_;
  DashboardModel model_;
  // Last applied offset per (topic, partition), and recent event ids.
  std::map<std::pair<std::string, int32_t>, int64_t> applied_offset_;
  RecentIds recent_;
  int64_t applied_ = 0;
  std::map<std::string, int64_t> applied_by_topic_;
  PipelineHealth health_;
  absl::Time last_event_ = absl::InfinitePast();
  NeutralityBoard neutrality_;
  // The continuity panel's as-of rows: follow-up's answer (all pages), or
  // why there is none; checked_at InfinitePast: never asked yet.
  struct IndicatorsAsOf {
    absl::CivilDay as_of;
    absl::Time checked_at = absl::InfinitePast();
    std::string error;
    std::vector<followup::v1::ProviderIndicators> rows;
  };
  IndicatorsAsOf indicators_as_of_;

  std::unique_ptr<PeriodicRunner> health_checks_;
  std::unique_ptr<PeriodicRunner> neutrality_checks_;
  std::unique_ptr<PeriodicRunner> indicators_checks_;
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_APP_CONSOLE_APP_H_
