#include "lov/platform/projection.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "lov/platform/log.h"
#include "lov/platform/metrics.h"

namespace lov {
namespace {

// At once, without the graceful shutdown: every answer from here on would
// come from a state that is gone, and the offsets saved on the way out
// would describe a state that no longer exists.
void ExitIfStateLost(RedisClient* redis, const std::string& projection,
                     const std::string& ready_key) {
  absl::StatusOr<RedisReply> ready = redis->Command({"EXISTS", ready_key});
  if (!ready.ok() || ready->integer != 0) return;
  log::Error(
      "the state is gone from Redis (its ready key is missing): stopping, so "
      "that the restart rebuilds it from Kafka",
      {{"projection", projection},
       {"ready_key", ready_key},
       {"exit_code", kStateLostExitCode}});
  std::_Exit(kStateLostExitCode);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Projection>> Projection::Start(
    const CommonSettings& common, ProjectionSettings settings,
    RedisClient* redis, EventProducer* producer, EventHandler apply) {
  std::unique_ptr<Projection> p(new Projection());
  p->offsets_ = std::make_unique<RedisOffsetStore>(
      redis, ProjectionOffsetsKey(
                 common.KeyPrefix(absl::StrCat("lov:", common.service_name)),
                 settings.name));
  absl::StatusOr<RedisReply> ready =
      redis->Command({"EXISTS", settings.ready_key});
  if (!ready.ok()) return ready.status();
  if (ready->integer == 0) {
    log::Info("rebuilding state from Kafka", {{"projection", settings.name}});
    const absl::Time began = absl::Now();
    absl::Status s =
        ReplayTopics(common.kafka(), settings.topics, apply, &p->replayed_,
                     p->offsets_.get(), settings.apply_batch);
    if (!s.ok()) return s;
    absl::StatusOr<RedisReply> set =
        redis->Command({"SET", settings.ready_key, "1"});
    if (!set.ok()) return set.status();
    log::Info("state rebuilt",
              {{"projection", settings.name},
               {"events", p->replayed_},
               {"ms", absl::ToInt64Milliseconds(absl::Now() - began)}});
  }
  std::string group =
      common.Group(absl::StrCat(common.service_name, ".", settings.name));
  if (settings.dedupe) {
    p->dedupe_ = std::make_unique<RedisDedupeStore>(
        redis, common.KeyPrefix(absl::StrCat("lov:", common.service_name,
                                             ":seen:", settings.name)));
  }
  ConsumerSettings cs;
  cs.kafka = common.kafka();
  cs.group_id = group;
  cs.topics = settings.topics;
  cs.dead_letter_topic = settings.dead_letter_topic;
  cs.batch_handler = settings.apply_batch;
  auto consumer = EventConsumer::Create(cs, producer, p->dedupe_.get(),
                                        std::move(apply), p->offsets_.get());
  if (!consumer.ok()) return consumer.status();
  p->consumer_ = std::move(*consumer);
  p->live_ = std::make_shared<LiveConsumer>();
  p->live_->consumer = p->consumer_.get();
  auto& reg = metrics::Registry::Default();
  metrics::Labels labels = {{"service", common.service_name}, {"group", group}};
  auto* lag =
      &reg.GetGauge("lov_consumer_lag",
                    "Events not yet consumed, per consumer group", labels);
  auto* handled =
      &reg.GetCounter("lov_events_consumed_total",
                      "Events handled by the consumer group", labels);
  auto* dead = &reg.GetCounter("lov_events_dead_lettered_total",
                               "Events sent to the dead-letter topic", labels);
  auto* retrying = &reg.GetGauge(
      "lov_consumer_retrying",
      "1 while the consumer group retries an event it could not handle "
      "because Redis or Kafka failed (its partition waits), else 0",
      labels);
  auto* retries = &reg.GetCounter(
      "lov_consumer_retries_total",
      "Attempts to handle an event that failed transiently", labels);
  reg.AddCollector([live = p->live_, lag, handled, dead, retrying, retries] {
    std::lock_guard<std::mutex> lock(live->mu);
    if (live->consumer == nullptr) return;
    lag->Set(static_cast<double>(live->consumer->Lag()));
    handled->SetTotal(static_cast<double>(live->consumer->handled()));
    dead->SetTotal(static_cast<double>(live->consumer->dead_lettered()));
    retrying->Set(live->consumer->retrying() ? 1 : 0);
    retries->SetTotal(static_cast<double>(live->consumer->retries()));
  });
  p->consumer_->Start();
  p->ready_check_ = std::make_unique<PeriodicRunner>(
      [redis, name = settings.name, key = settings.ready_key] {
        ExitIfStateLost(redis, name, key);
      },
      settings.ready_check_every);
  p->ready_check_->Start();
  return p;
}

void RedisWriteBatch::AddCommand(std::vector<std::string> args) {
  calls_.push_back({"", std::move(args)});
}

void RedisWriteBatch::AddScript(const std::string& source,
                                const std::vector<std::string>& keys,
                                const std::vector<std::string>& args) {
  Call call{source, {std::to_string(keys.size())}};
  call.args.insert(call.args.end(), keys.begin(), keys.end());
  call.args.insert(call.args.end(), args.begin(), args.end());
  calls_.push_back(std::move(call));
}

absl::StatusOr<std::vector<RedisReply>> RedisWriteBatch::Run(
    RedisClient* redis) {
  std::vector<Call> calls = std::move(calls_);
  calls_.clear();
  if (calls.empty()) return std::vector<RedisReply>();
  std::vector<std::string> unloaded;
  for (const Call& c : calls) {
    if (!c.script.empty() && shas_.count(c.script) == 0 &&
        std::find(unloaded.begin(), unloaded.end(), c.script) ==
            unloaded.end()) {
      unloaded.push_back(c.script);
    }
  }
  if (!unloaded.empty()) {
    std::vector<std::vector<std::string>> loads;
    for (const std::string& source : unloaded) {
      loads.push_back({"SCRIPT", "LOAD", source});
    }
    absl::StatusOr<std::vector<RedisReply>> shas = redis->Pipeline(loads);
    if (!shas.ok()) return shas.status();
    for (size_t i = 0; i < unloaded.size(); ++i) {
      shas_[unloaded[i]] = (*shas)[i].str;
    }
  }
  std::vector<std::vector<std::string>> commands;
  commands.reserve(calls.size());
  for (Call& c : calls) {
    if (c.script.empty()) {
      commands.push_back(std::move(c.args));
      continue;
    }
    std::vector<std::string> cmd = {"EVALSHA", shas_[c.script]};
    cmd.insert(cmd.end(), std::make_move_iterator(c.args.begin()),
               std::make_move_iterator(c.args.end()));
    commands.push_back(std::move(cmd));
  }
  absl::StatusOr<std::vector<RedisReply>> replies = redis->Pipeline(commands);
  // A Redis that lost its script cache (a restart) loads them again next
  // time; this batch is handled one by one meanwhile.
  if (!replies.ok()) shas_.clear();
  return replies;
}

Projection::~Projection() { Stop(); }

void Projection::Stop() {
  if (ready_check_) ready_check_->Stop();
  if (live_) {
    std::lock_guard<std::mutex> lock(live_->mu);
    live_->consumer = nullptr;
  }
  if (consumer_) consumer_->Stop();
}

}  // namespace lov
