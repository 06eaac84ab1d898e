// What the console reads from a service's /metrics: serving, the
// dependencies it cannot reach, its consumer groups.
#include "lov/console/adapters/live_pipeline_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lov::console {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(ReadServiceMetricsTest, NamesTheDependenciesAServiceCannotReach) {
  ServiceHealth h;
  ReadServiceMetrics(
      "# TYPE lov_serving gauge\n"
      "lov_serving{service=\"visits\"} 0\n"
      "# TYPE lov_dependency_up gauge\n"
      "lov_dependency_up{dependency=\"kafka\",service=\"visits\"} 1\n"
      "lov_dependency_up{dependency=\"redis\",service=\"visits\"} 0\n"
      "lov_consumer_lag{group=\"visits.state\",partition=\"0\"} 2\n"
      "lov_consumer_lag{group=\"visits.state\",partition=\"1\"} 3\n",
      &h);
  EXPECT_FALSE(h.serving);
  EXPECT_THAT(h.dependencies_down, ElementsAre("redis"));
  ASSERT_EQ(h.groups.size(), 1u);
  EXPECT_EQ(h.groups[0].group, "visits.state");
  EXPECT_EQ(h.groups[0].lag, 5);
}

TEST(ReadServiceMetricsTest, EverythingReachableIsNoDependencyDown) {
  ServiceHealth h;
  ReadServiceMetrics(
      "lov_serving{service=\"choice\"} 1\n"
      "lov_dependency_up{dependency=\"kafka\",service=\"choice\"} 1\n"
      "lov_dependency_up{dependency=\"redis\",service=\"choice\"} 1\n",
      &h);
  EXPECT_TRUE(h.serving);
  EXPECT_THAT(h.dependencies_down, IsEmpty());
}

// The Lag column comes from Kafka: visits' /metrics says 5 for
// visits.state, Kafka says 2 + 7; Kafka also knows visits.reactions (never
// committed), which the service's /metrics does not name; the group only
// /metrics names (visits.old) has no lag from Kafka. Another service's
// groups stay on its own row.
TEST(SetLagsFromKafkaTest, EachServiceRowShowsItsGroupsLagFromKafka) {
  ServiceHealth visits;
  visits.name = "visits";
  visits.groups = {{"ns.visits.state", 5, 10, 1}, {"ns.visits.old", 4, 0, 0}};
  ServiceHealth choice;
  choice.name = "choice";
  std::vector<ServiceHealth> services = {visits, choice};
  GroupLagReport report;
  report.lags = {{"ns.choice.state", "c", 3},
                 {"ns.visits.reactions", "r", 12},
                 {"ns.visits.state", "c", 2},
                 {"ns.visits.state", "v", 7}};
  report.never_committed = {{"ns.visits.reactions", "r"}};
  report.service_of_group = {{"ns.choice.state", "choice"},
                             {"ns.visits.reactions", "visits"},
                             {"ns.visits.state", "visits"}};
  SetLagsFromKafka(&report, &services);

  ASSERT_EQ(services[0].groups.size(), 3u);
  const GroupHealth& old = services[0].groups[0];
  EXPECT_EQ(old.group, "ns.visits.old");
  EXPECT_TRUE(old.lag_unknown);
  const GroupHealth& reactions = services[0].groups[1];
  EXPECT_EQ(reactions.group, "ns.visits.reactions");
  EXPECT_EQ(reactions.lag, 12);
  EXPECT_TRUE(reactions.never_committed);
  EXPECT_FALSE(reactions.lag_unknown);
  const GroupHealth& state = services[0].groups[2];
  EXPECT_EQ(state.group, "ns.visits.state");
  EXPECT_EQ(state.lag, 9);  // Kafka's 2 + 7, not the 5 of /metrics
  EXPECT_EQ(state.consumed, 10);
  EXPECT_EQ(state.dead_lettered, 1);
  EXPECT_FALSE(state.never_committed);
  ASSERT_EQ(services[1].groups.size(), 1u);
  EXPECT_EQ(services[1].groups[0].group, "ns.choice.state");
  EXPECT_EQ(services[1].groups[0].lag, 3);

  // Kafka not answering: no lag is shown as if it were Kafka's.
  SetLagsFromKafka(nullptr, &services);
  EXPECT_TRUE(services[0].groups[2].lag_unknown);
  EXPECT_TRUE(services[1].groups[0].lag_unknown);
}

// Every service with a metrics port is watched, followup too, at the local
// ports of deploy/local/run.sh unless a flag names another address.
TEST(WatchedServicesTest, WatchesEveryServiceFollowupIncluded) {
  Config defaults({}, {});
  EXPECT_THAT(LivePipelineProbe::WatchedServices(defaults),
              ElementsAre(Pair("registry", "127.0.0.1:9101"),
                          Pair("choice", "127.0.0.1:9102"),
                          Pair("visits", "127.0.0.1:9103"),
                          Pair("settlement", "127.0.0.1:9104"),
                          Pair("followup", "127.0.0.1:9107")));
  Config flags({{"followup-metrics", "followup:19107"}}, {});
  EXPECT_THAT(LivePipelineProbe::WatchedServices(flags),
              Contains(Pair("followup", "followup:19107")));
}

// The pods' /metrics are read over HTTPS against --tls-client-ca; without
// it the console does not start, naming the flag (found by this test: it
// read them over plain HTTP without a word), unless plain HTTP is chosen.
TEST(WatchedServicesTest, PlainHttpOnlyWhenChosenElseTheCaIsRequired) {
  Config none({}, {});
  EXPECT_FALSE(LivePipelineProbe::ReadMetricsWatch(none).plaintext);
  const absl::Status refused = none.Validate();
  EXPECT_NE(
      refused.message().find("--tls-client-ca (LOV_TLS_CLIENT_CA) is not set"),
      std::string::npos)
      << refused;
  Config ca({{"tls-client-ca", "/etc/lov/tls/ca.crt"}}, {});
  LivePipelineProbe::MetricsWatch https =
      LivePipelineProbe::ReadMetricsWatch(ca);
  EXPECT_FALSE(https.plaintext);
  EXPECT_EQ(https.services.size(), 5u);
  EXPECT_TRUE(ca.Validate().ok()) << ca.Validate();
  Config plain({}, {{"LOV_INSECURE_METRICS_PLAINTEXT", "true"}});
  EXPECT_TRUE(LivePipelineProbe::ReadMetricsWatch(plain).plaintext);
  EXPECT_TRUE(plain.Validate().ok()) << plain.Validate();
}

}  // namespace
}  // namespace lov::console
