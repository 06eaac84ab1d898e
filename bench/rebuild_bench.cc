// Load driver: state rebuild per service. The four services with state run
// under a namespace of their own, the simulator plays a demo month through
// them (--clients, as `make run` does), and then each service in turn is
// stopped, its Redis keys deleted, and started again: the time from start to
// SERVING (health stays NOT_SERVING until its projections have replayed
// their topics) against a bare consumer reading the same topics from the
// beginning in the same run (raw_consume.h). Kafka and Redis come from
// LOV_TEST_ENV_FILE. Not a test.
//
//   rebuild_bench [--clients=1500]
//   [--services=registry,choice,visits,settlement]
#include <cstdio>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "bench_support.h"
#include "lov/platform/ids.h"
#include "lov/platform/topics.h"
#include "raw_consume.h"
#include "service_process.h"
#include "test_issuer.h"
#include "test_stack.h"

namespace {

using lov::testing::ServiceProcess;

int Fail(const std::string& what) {
  std::fprintf(stderr, "rebuild_bench: %s\n", what.c_str());
  return 1;
}

// The topics each service's state projection replays (its main.cc).
std::vector<std::string> StateTopics(const std::string& service) {
  using namespace lov::topics;
  if (service == "registry") return {kRegistryEvents};
  if (service == "choice") return {kChoiceEvents, kRegistryEvents};
  if (service == "visits") {
    return {kVisitsEvents, kChoiceEvents, kRegistryEvents, kSettlementEvents};
  }
  return {kRegistryEvents, kChoiceEvents, kVisitsEvents, kSettlementEvents};
}

}  // namespace

int main(int argc, char** argv) {
  const int clients =
      static_cast<int>(lov::bench::Flag(argc, argv, "clients", 1500));
  const std::vector<std::string> measured =
      absl::StrSplit(lov::bench::TextFlag(argc, argv, "services",
                                          "registry,choice,visits,settlement"),
                     ',');
  auto issuer = lov::testing::TestIssuer::Make();
  if (!issuer.ok()) return Fail(std::string(issuer.status().message()));
  const std::string ns = "bench" + lov::NewUuid().substr(0, 6);
  const std::vector<std::string> names = {"registry", "choice", "visits",
                                          "settlement"};
  std::map<std::string, std::unique_ptr<ServiceProcess>> services;
  for (const auto& s : names) {
    services[s] = std::make_unique<ServiceProcess>(
        absl::StrCat("services/", s, "/", s), (*issuer)->ServiceFlags(ns));
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
      "tools/simulator/simulator", flags, absl::Minutes(60),
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
    service.Terminate();
    absl::StatusOr<int> wiped =
        lov::testing::WipeRedisKeys(absl::StrCat(ns, ":lov:", s, ":*"));
    if (!wiped.ok()) return Fail(std::string(wiped.status().message()));
    const absl::Time start = absl::Now();
    if (absl::Status st = service.Start(absl::Minutes(30)); !st.ok()) {
      return Fail(absl::StrCat(s, " did not rebuild: ", st.message(), "\n",
                               service.Log()));
    }
    const double rebuild_s = lov::bench::SecondsSince(start);
    std::printf(
        "%s: %d keys deleted; ready in %.2f s; raw consume of %lld events "
        "(%.1f MiB) from %s in %.2f s\n",
        s.c_str(), *wiped, rebuild_s, static_cast<long long>(raw->messages),
        raw->bytes / 1048576.0, absl::StrJoin(StateTopics(s), ", ").c_str(),
        raw->seconds);
    const double ratio = raw->seconds / rebuild_s;
    lov::bench::PrintRow(
        "rebuild-" + s,
        absl::StrFormat("%s: %lld events to ready in %.2f s", s,
                        static_cast<long long>(raw->messages), rebuild_s),
        absl::StrFormat("raw consume %.2f s", raw->seconds), ratio,
        "raw/rebuild >= 0.3", ratio >= 0.3);
  }
  return 0;
}
