// Load driver: state rebuild per service. The five services with state run
// under a namespace of their own, the simulator plays a demo month through
// them (--clients, as `make run` does), and then each service in turn is
// stopped, its Redis keys deleted, and started again: the time from start to
// SERVING (health stays NOT_SERVING until its projections have replayed
// their topics; the moment taken from the service's "<name> serving" log
// line, not from the 100 ms health poll) against a bare consumer reading the
// same topics from the beginning in the same run (raw_consume.h). Kafka and
// Redis come from LOV_TEST_ENV_FILE. Not a test.
//
// Each service is rebuilt twice: first with --projection-batches=false
// (every event one by one, printed for comparison), then as it runs (with
// its batches, the row); visits also once between them with its batches
// but --replay-plain=false (every batch by the record script, as before
// the rebuild's plain path), and every service once with
// --replay-gather-ms=0 (a replay batch holds what had arrived, as before
// 3 Dec) and once with --replay-overlap=false (each batch read only after
// the last was handled). Besides the time to SERVING, the replay time the
// service logs
// ("state rebuilt", ms) is printed with its own ratio, and the batches its
// replays handed on ("replay phases": how many, the largest).
//
//   rebuild_bench [--clients=1500]
//   [--services=registry,choice,visits,settlement,followup]
//   [--binaries=DIR]  the services and the simulator from DIR (a copy of
//                     the build's, laid out as in it) instead of the build
//                     (default: $LOV_BENCH_BINARIES, e.g. so that other
//                     builds cannot replace them during a run)
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "bench_support.h"
#include "lov/platform/ids.h"
#include "lov/platform/redis.h"
#include "lov/platform/topics.h"
#include "raw_consume.h"
#include "service_process.h"
#include "test_issuer.h"
#include "test_stack.h"

namespace {

using lov::bench::Binary;
using lov::testing::ServiceProcess;

int Fail(const std::string& what) {
  std::fprintf(stderr, "rebuild_bench: %s\n", what.c_str());
  return 1;
}

// The topics each service's state projection replays (its main.cc).
std::vector<std::string> StateTopics(const std::string& service) {
  using namespace lov::topics;
  if (service == "registry") return {kRegistryEvents};
  if (service == "choice") {
    return {kRegistryEvents, kChoiceEvents, "lov.choice.keys.v1",
            kFollowupEvents};
  }
  if (service == "followup") {
    return {kFollowupEvents, kVisitsEvents, kChoiceEvents};
  }
  if (service == "visits") {
    return {kVisitsEvents, kVisitsRejected, kChoiceEvents, kRegistryEvents,
            kSettlementEvents};
  }
  return {kRegistryEvents, kChoiceEvents, kVisitsEvents, kSettlementEvents};
}

// The milliseconds the service's log says its projections took to replay
// their topics ("state rebuilt"), summed; -1 if it logged none.
int64_t ReplayMs(const std::string& log) {
  int64_t total = -1;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (!absl::StrContains(line, "\"state rebuilt\"")) continue;
    size_t at = line.find("\"ms\":");
    int64_t ms = 0;
    if (at == absl::string_view::npos) continue;
    absl::string_view rest = line.substr(at + 5);
    size_t end = rest.find_first_not_of("0123456789");
    if (!absl::SimpleAtoi(rest.substr(0, end), &ms)) continue;
    total = std::max<int64_t>(total, 0) + ms;
  }
  return total;
}

// The batches the service's replays handed on ("replay phases" lines): how
// many in all and the largest.
std::pair<int64_t, int64_t> ReplayBatches(const std::string& log) {
  int64_t batches = 0, largest = 0;
  auto field = [](absl::string_view line, absl::string_view name) {
    size_t at = line.find(absl::StrCat("\"", name, "\":"));
    int64_t v = 0;
    if (at == absl::string_view::npos) return v;
    absl::string_view rest = line.substr(at + name.size() + 3);
    if (!absl::SimpleAtoi(rest.substr(0, rest.find_first_not_of("0123456789")),
                          &v)) {
      return int64_t{0};
    }
    return v;
  };
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (!absl::StrContains(line, "\"replay phases\"")) continue;
    batches += field(line, "batches");
    largest = std::max(largest, field(line, "largest_batch"));
  }
  return {batches, largest};
}

struct Rebuilt {
  // Start to SERVING, as the service logs it. The figure the health poll
  // gives (`polled`) is later by up to the poll's 100 ms, a third of a
  // small service's time.
  double seconds = 0;
  double polled = 0;
  int64_t replay_ms = -1;
  int64_t batches = 0, largest_batch = 0;
  int wiped = 0;
  // Redis over the pass (from the start to SERVING): the commands it ran,
  // its main thread's CPU seconds, the AOF rewrites it started.
  lov::bench::CommandStats commands_before, commands_after;
  double redis_cpu = 0;
  int64_t aof_rewrites = 0;
};

// INFO persistence's aof_rewrites: how many AOF rewrites Redis has made
// since it started (Redis 7); -1 if unknown.
int64_t AofRewrites() {
  absl::StatusOr<std::unique_ptr<lov::RedisClient>> redis =
      lov::testing::Stack().ConnectRedis();
  if (!redis.ok()) return -1;
  absl::StatusOr<lov::RedisReply> info =
      (*redis)->Command({"INFO", "persistence"});
  if (!info.ok()) return -1;
  for (absl::string_view line : absl::StrSplit(info->str, '\n')) {
    int64_t n = 0;
    if (absl::ConsumePrefix(&line, "aof_rewrites:") &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &n)) {
      return n;
    }
  }
  return -1;
}

// Stops `service`, deletes its keys and starts `next` (the same service,
// maybe with other flags) on them: how long until it serves again.
absl::StatusOr<Rebuilt> Rebuild(ServiceProcess& service, ServiceProcess& next,
                                const std::string& service_name,
                                const std::string& key_pattern) {
  service.Terminate();
  absl::StatusOr<int> wiped = lov::testing::WipeRedisKeys(key_pattern);
  if (!wiped.ok()) return wiped.status();
  Rebuilt out;
  absl::StatusOr<lov::bench::CommandStats> stats =
      lov::bench::ReadCommandStats();
  if (!stats.ok()) return stats.status();
  out.commands_before = *std::move(stats);
  const absl::StatusOr<double> cpu = lov::bench::RedisMainThreadCpuSeconds();
  const int64_t rewrites = AofRewrites();
  const absl::Time start = absl::Now();
  if (absl::Status st = next.Start(absl::Minutes(30)); !st.ok()) {
    return absl::InternalError(
        absl::StrCat("did not rebuild: ", st.message(), "\n", next.Log()));
  }
  stats = lov::bench::ReadCommandStats();
  if (!stats.ok()) return stats.status();
  out.commands_after = *std::move(stats);
  const absl::StatusOr<double> cpu_after =
      lov::bench::RedisMainThreadCpuSeconds();
  if (cpu.ok() && cpu_after.ok()) out.redis_cpu = *cpu_after - *cpu;
  out.aof_rewrites = AofRewrites() - rewrites;
  out.polled = lov::bench::SecondsSince(start);
  const std::string log = next.Log();
  std::optional<absl::Time> serving =
      lov::bench::LogLineTime(log, service_name + " serving");
  out.seconds = serving ? absl::ToDoubleSeconds(*serving - start) : out.polled;
  out.replay_ms = ReplayMs(log);
  std::tie(out.batches, out.largest_batch) = ReplayBatches(log);
  out.wiped = *wiped;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int clients =
      static_cast<int>(lov::bench::Flag(argc, argv, "clients", 1500));
  const std::vector<std::string> measured =
      absl::StrSplit(lov::bench::TextFlag(argc, argv, "services",
                                          "registry,choice,visits,settlement,"
                                          "followup"),
                     ',');
  const std::string binaries = lov::bench::BinariesFlag(argc, argv);
  auto issuer = lov::testing::TestIssuer::Make();
  if (!issuer.ok()) return Fail(std::string(issuer.status().message()));
  const std::string ns = "bench" + lov::NewUuid().substr(0, 6);
  const std::vector<std::string> names = {"registry", "choice", "visits",
                                          "settlement", "followup"};
  std::map<std::string, std::unique_ptr<ServiceProcess>> services;
  for (const auto& s : names) {
    services[s] = std::make_unique<ServiceProcess>(
        Binary(binaries, absl::StrCat("services/", s, "/", s)),
        (*issuer)->ServiceFlags(ns));
    if (absl::Status st = services[s]->Start(); !st.ok()) {
      return Fail(
          absl::StrCat(s, ": ", st.message(), "\n", services[s]->Log()));
    }
  }

  // The demo month, through the services' APIs.
  std::vector<std::string> flags = {absl::StrCat("--clients=", clients),
                                    "--threads=4"};
  for (const auto& s : names) {
    flags.push_back(absl::StrCat("--", s, "=", services[s]->target()));
  }
  const absl::Time sim_start = absl::Now();
  lov::testing::RunResult sim = lov::testing::RunToCompletion(
      Binary(binaries, "tools/simulator/simulator"), flags, absl::Minutes(60),
      {"LOV_DEV_ISSUER_KEY=" + (*issuer)->key_path()});
  if (sim.exit_code != 0) {
    return Fail(absl::StrCat("the simulator failed (", sim.exit_code, "):\n",
                             sim.output));
  }
  std::printf("simulated a month of %d clients in %.1f s\n", clients,
              lov::bench::SecondsSince(sim_start));

  const auto kafka = lov::testing::Stack().kafka("bench");
  for (const auto& s : measured) {
    if (services.count(s) == 0) return Fail("no service named " + s);
    std::vector<std::string> topics;
    for (const std::string& t : StateTopics(s)) topics.push_back(ns + "." + t);

    absl::StatusOr<lov::bench::RawConsumed> raw =
        lov::bench::RawConsume(kafka, topics);
    if (!raw.ok()) return Fail(std::string(raw.status().message()));

    ServiceProcess& service = *services[s];
    const std::string keys = absl::StrCat(ns, ":lov:", s, ":*");
    // One by one first, on a process of its own with batches off.
    std::vector<std::string> each_flags = (*issuer)->ServiceFlags(ns);
    each_flags.push_back("--projection-batches=false");
    ServiceProcess each(Binary(binaries, absl::StrCat("services/", s, "/", s)),
                        each_flags);
    absl::StatusOr<Rebuilt> one = Rebuild(service, each, s, keys);
    if (!one.ok()) return Fail(s + " (one by one) " + one.status().ToString());
    std::vector<std::pair<std::string, Rebuilt>> passes = {
        {"one by one", *one}};
    ServiceProcess* last = &each;
    std::unique_ptr<ServiceProcess> script;
    if (s == "visits") {
      // Batched, but every batch by the record script (the rebuild's plain
      // path off): the figure before that path, in the same run.
      std::vector<std::string> script_flags = (*issuer)->ServiceFlags(ns);
      script_flags.push_back("--replay-plain=false");
      script = std::make_unique<ServiceProcess>(
          Binary(binaries, "services/visits/visits"), script_flags);
      absl::StatusOr<Rebuilt> r = Rebuild(each, *script, s, keys);
      if (!r.ok()) return Fail(s + " (record script) " + r.status().ToString());
      passes.push_back({"batched, record script", *r});
      last = script.get();
    }
    // Batched, each partial batch handed on at once (no wait for the next
    // fetch): the figure before 3 Dec's replay batches, in the same run.
    std::vector<std::string> eager_flags = (*issuer)->ServiceFlags(ns);
    eager_flags.push_back("--replay-gather-ms=0");
    ServiceProcess eager(Binary(binaries, absl::StrCat("services/", s, "/", s)),
                         eager_flags);
    absl::StatusOr<Rebuilt> e = Rebuild(*last, eager, s, keys);
    if (!e.ok()) return Fail(s + " (gather 0) " + e.status().ToString());
    passes.push_back({"batched, gather 0", *e});
    last = &eager;
    // Batched, each batch read only after the last was handled (no
    // overlap): the figure before 3 Dec's overlap, in the same run.
    std::vector<std::string> turns_flags = (*issuer)->ServiceFlags(ns);
    turns_flags.push_back("--replay-overlap=false");
    ServiceProcess turns(Binary(binaries, absl::StrCat("services/", s, "/", s)),
                         turns_flags);
    absl::StatusOr<Rebuilt> t = Rebuild(*last, turns, s, keys);
    if (!t.ok()) return Fail(s + " (no overlap) " + t.status().ToString());
    passes.push_back({"batched, no overlap", *t});
    last = &turns;
    absl::StatusOr<Rebuilt> batched = Rebuild(*last, service, s, keys);
    if (!batched.ok()) return Fail(s + " " + batched.status().ToString());
    passes.push_back({"batched", *batched});
    for (const auto& [how, r] : passes) {
      std::printf(
          "%s (%s): %d keys deleted; ready in %.2f s (health poll: %.2f s; "
          "replay %lld ms: raw/replay %.3f; %lld batches, largest %lld); raw "
          "consume of %lld events "
          "(%.1f MiB) from %s in %.2f s: raw/ready %.3f; Redis main thread "
          "%.2f s CPU (%.0f %% of ready), %lld AOF rewrites\n",
          s.c_str(), how.c_str(), r.wiped, r.seconds, r.polled,
          static_cast<long long>(r.replay_ms),
          r.replay_ms > 0 ? raw->seconds * 1000 / r.replay_ms : 0.0,
          static_cast<long long>(r.batches),
          static_cast<long long>(r.largest_batch),
          static_cast<long long>(raw->messages), raw->bytes / 1048576.0,
          absl::StrJoin(StateTopics(s), ", ").c_str(), raw->seconds,
          raw->seconds / r.seconds, r.redis_cpu,
          r.seconds > 0 ? 100 * r.redis_cpu / r.seconds : 0.0,
          static_cast<long long>(r.aof_rewrites));
    }
    // What the row's pass asked of Redis, per replayed event.
    std::printf("%s (batched): ", s.c_str());
    lov::bench::PrintCommandsPer(batched->commands_before,
                                 batched->commands_after, raw->messages,
                                 "event");
    const double rebuild_s = batched->seconds;
    const double ratio = raw->seconds / rebuild_s;
    lov::bench::PrintRow(
        "rebuild-" + s,
        absl::StrFormat("%s: %lld events to ready in %.2f s (replay %lld ms; "
                        "no overlap: %.2f s, replay %lld ms; "
                        "gather 0: %.2f s, replay %lld ms; "
                        "one by one: %.2f s, replay %lld ms)",
                        s, static_cast<long long>(raw->messages), rebuild_s,
                        static_cast<long long>(batched->replay_ms), t->seconds,
                        static_cast<long long>(t->replay_ms), e->seconds,
                        static_cast<long long>(e->replay_ms), one->seconds,
                        static_cast<long long>(one->replay_ms)),
        absl::StrFormat("raw consume %.2f s", raw->seconds), ratio,
        "raw/rebuild >= 0.3", ratio >= 0.3);
  }
  return 0;
}
