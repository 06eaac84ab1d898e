#include "lov/console/app/console_app.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/text.h"

namespace lov::console {
namespace {

using json = nlohmann::json;

template <typename Event>
absl::Status ParseAndApply(const CloudEvent& ce, DashboardModel* model) {
  Event event;
  if (absl::Status s = FromCloudEvent(ce, &event); !s.ok()) return s;
  model->Apply(event);
  return absl::OkStatus();
}

}  // namespace

ConsoleApp::~ConsoleApp() { Stop(); }

void RecentIds::Add(const std::string& id) {
  if (capacity_ == 0 || !ids_.insert(id).second) return;
  order_.push_back(id);
  if (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
}

absl::Status ConsoleApp::Apply(const CloudEvent& ce) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto partition = std::make_pair(ce.topic, ce.partition);
  if (ce.partition >= 0 && ce.offset >= 0) {
    auto it = applied_offset_.find(partition);
    if (it != applied_offset_.end() && ce.offset <= it->second) {
      return absl::OkStatus();  // redelivered after a rebalance or retry
    }
  }
  if (recent_.Contains(ce.id)) return absl::OkStatus();
  const absl::string_view topic = AsAbsl(ce.topic);
  absl::Status s;
  std::string base;
  if (absl::EndsWith(topic, topics::kRegistryEvents)) {
    base = topics::kRegistryEvents;
    s = ParseAndApply<registry::v1::RegistryEvent>(ce, &model_);
  } else if (absl::EndsWith(topic, topics::kChoiceEvents)) {
    base = topics::kChoiceEvents;
    s = ParseAndApply<choice::v1::ChoiceEvent>(ce, &model_);
  } else if (absl::EndsWith(topic, topics::kVisitsEvents)) {
    base = topics::kVisitsEvents;
    s = ParseAndApply<visits::v1::VisitEvent>(ce, &model_);
  } else if (absl::EndsWith(topic, topics::kVisitsRejected)) {
    // Rejected reports, counted like those still on the events topic.
    base = topics::kVisitsRejected;
    s = ParseAndApply<visits::v1::VisitEvent>(ce, &model_);
  } else if (absl::EndsWith(topic, topics::kSettlementEvents)) {
    base = topics::kSettlementEvents;
    s = ParseAndApply<settlement::v1::SettlementEvent>(ce, &model_);
  } else if (absl::EndsWith(topic, topics::kFollowupEvents)) {
    base = topics::kFollowupEvents;
    s = ParseAndApply<followup::v1::FollowupEvent>(ce, &model_);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("the console does not read topic ", ce.topic));
  }
  if (!s.ok()) return s;
  recent_.Add(ce.id);
  if (ce.partition >= 0 && ce.offset >= 0)
    applied_offset_[partition] = ce.offset;
  ++applied_;
  ++applied_by_topic_[base];
  last_event_ = clock_->Now();
  return absl::OkStatus();
}

nlohmann::json ConsoleApp::Snapshot() const {
  const absl::Time now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  json out = model_.Snapshot(now);
  json services = json::array();
  for (const ServiceHealth& s : health_.services) {
    json groups = json::array();
    for (const GroupHealth& g : s.groups) {
      groups.push_back({{"group", g.group},
                        {"lag", g.lag_unknown ? json(nullptr) : json(g.lag)},
                        {"consumed", g.consumed},
                        {"dead_lettered", g.dead_lettered},
                        {"never_committed", g.never_committed}});
    }
    json pods = json::array();
    for (const PodHealth& p : s.pods) {
      pods.push_back({{"address", p.address},
                      {"up", p.up},
                      {"serving", p.serving},
                      {"dependencies_up", p.dependencies_up},
                      {"dependencies_down", p.dependencies_down},
                      {"error", p.error}});
    }
    services.push_back({{"name", s.name},
                        {"metrics_address", s.metrics_address},
                        {"up", s.up},
                        {"serving", s.serving},
                        {"degraded", s.degraded},
                        {"dependencies_down", s.dependencies_down},
                        {"error", s.error},
                        {"groups", groups},
                        {"pods", pods}});
  }
  json group_lags = json::array();
  for (const TopicLag& g : health_.group_lags) {
    json row = {{"group", g.group}, {"topic", g.topic}, {"lag", g.lag}};
    if (health_.never_committed.count({g.group, g.topic}) > 0) {
      row["never_committed"] = true;
    }
    group_lags.push_back(std::move(row));
  }
  json topics = json::object();
  int64_t total = 0;
  for (const auto& [topic, n] : applied_by_topic_) {
    topics[topic] = n;
    total += n;
  }
  out["pipeline"] = {
      {"checked_at", health_.checked_at == absl::InfinitePast()
                         ? json(nullptr)
                         : json(FormatRfc3339Utc(health_.checked_at))},
      {"services", services},
      {"group_lags", group_lags},
      {"group_lags_error", health_.group_lags_error},
      {"kafka_reachable", health_.kafka_reachable},
      {"kafka_error", health_.kafka_error},
      {"redis_reachable", health_.redis_reachable},
      {"redis_error", health_.redis_error},
      {"events_applied", total},
      {"events_by_topic", topics},
      {"last_event_at", last_event_ == absl::InfinitePast()
                            ? json(nullptr)
                            : json(FormatRfc3339Utc(last_event_))}};
  out["neutrality"] = NeutralityJson(
      neutrality_,
      {[this](const std::string& id) { return model_.ProviderName(id); },
       [this](const std::string& id) { return model_.ZoneName(id); },
       [this](const std::string& id) { return model_.CategoryName(id); }});
  json as_of_rows = json::array();
  for (const followup::v1::ProviderIndicators& i : indicators_as_of_.rows) {
    as_of_rows.push_back(
        {{"provider_id", i.provider_id()},
         {"provider", model_.ProviderName(i.provider_id())},
         {"median_staff", i.median_staff()},
         {"clients", i.continuity_clients()},
         {"from_date", i.continuity_from_date()},
         {"listed_clients", i.listed_clients()},
         {"visits", i.visits()},
         {"visits_with_exceptions", i.visits_with_exceptions()},
         {"complaints_per_1000_clients", i.complaints_per_1000_clients()},
         {"deviations_per_1000_clients", i.deviations_per_1000_clients()}});
  }
  out["continuity_as_of"] = {
      {"as_of", FormatDate(indicators_as_of_.as_of)},
      {"checked_at",
       indicators_as_of_.checked_at == absl::InfinitePast()
           ? json(nullptr)
           : json(FormatRfc3339Utc(indicators_as_of_.checked_at))},
      {"error", indicators_as_of_.error},
      {"rows", as_of_rows}};
  return out;
}

void ConsoleApp::SetHealth(PipelineHealth health) {
  std::lock_guard<std::mutex> lock(mu_);
  health_ = std::move(health);
}

void ConsoleApp::StartHealthChecks(PipelineProbe* probe,
                                   absl::Duration interval) {
  health_checks_ = std::make_unique<PeriodicRunner>(
      [this, probe] { SetHealth(probe->Check()); }, interval);
  health_checks_->Start();
}

void ConsoleApp::Stop() {
  health_checks_.reset();
  neutrality_checks_.reset();
  indicators_checks_.reset();
}

std::vector<ZoneChoice> ConsoleApp::ZoneChoices() const {
  std::lock_guard<std::mutex> lock(mu_);
  return model_.ZoneChoices();
}

std::vector<TopicLag> ConsoleApp::GroupLags() const {
  std::lock_guard<std::mutex> lock(mu_);
  return health_.group_lags;
}

int64_t ConsoleApp::applied() const {
  std::lock_guard<std::mutex> lock(mu_);
  return applied_;
}

}  // namespace lov::console
