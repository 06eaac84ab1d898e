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
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "domain/dashboard_model.h"
#include "lov/platform/clock.h"
#include "lov/platform/kafka.h"
#include "lov/platform/topics.h"
#include "nlohmann/json.hpp"
#include "ports.h"

namespace lov::console {

// Topic base names (before the namespace prefix).
inline constexpr const char* kRegistryEvents = lov::topics::kRegistryEvents;
inline constexpr const char* kChoiceEvents = lov::topics::kChoiceEvents;
inline constexpr const char* kVisitsEvents = lov::topics::kVisitsEvents;
inline constexpr const char* kSettlementEvents = lov::topics::kSettlementEvents;

class ConsoleApp {
 public:
  explicit ConsoleApp(const Clock* clock) : clock_(clock) {}
  ~ConsoleApp();

  // Applies one event from any of the four topics (the topic name, with or
  // without a namespace prefix, says which). Deduplicates on the event id.
  // InvalidArgument: the body does not parse (poison, for the dead letters).
  absl::Status Apply(const CloudEvent& event);

  // The dashboard: the read model plus the pipeline health.
  nlohmann::json Snapshot() const;

  void SetHealth(PipelineHealth health);
  // Checks `probe` now and then every `interval` until Stop().
  void StartHealthChecks(PipelineProbe* probe, absl::Duration interval);
  void Stop();

  std::vector<ZoneChoice> ZoneChoices() const;
  int64_t applied() const;

 private:
  const Clock* clock_;
  mutable std::mutex mu_;
  DashboardModel model_;
  std::unordered_set<std::string> seen_;
  std::map<std::string, int64_t> applied_by_topic_;
  PipelineHealth health_;
  absl::Time last_event_ = absl::InfinitePast();

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread health_thread_;
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_APP_CONSOLE_APP_H_
