// The console sees every pod of a watched service: two pods behind one
// name, one of them not serving, make a serving but degraded row with a
// row per pod.
#include "lov/console/adapters/service_pods.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

#include "lov/console/adapters/dns_address_resolver.h"

namespace lov::console {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class FakeResolver : public AddressResolver {
 public:
  std::map<std::string, std::vector<std::string>> addresses;
  absl::StatusOr<std::vector<std::string>> Resolve(
      const std::string& host_port) override {
    auto it = addresses.find(host_port);
    if (it == addresses.end()) {
      return absl::UnavailableError(
          absl::StrCat("resolving ", host_port, ": not found"));
    }
    return it->second;
  }
};

class FakeScraper : public MetricsScraper {
 public:
  std::map<std::string, std::string> texts;  // by pod address
  absl::StatusOr<std::string> Scrape(const std::string&,
                                     const std::string& address) override {
    auto it = texts.find(address);
    if (it == texts.end()) {
      return absl::UnavailableError(
          absl::StrCat(address, "/metrics: Connection"));
    }
    return it->second;
  }
};

constexpr char kServing[] =
    "lov_serving{service=\"choice\"} 1\n"
    "lov_dependency_up{dependency=\"kafka\",service=\"choice\"} 1\n"
    "lov_dependency_up{dependency=\"redis\",service=\"choice\"} 1\n"
    "lov_events_consumed_total{group=\"choice.state\"} 7\n";
constexpr char kRedisDown[] =
    "lov_serving{service=\"choice\"} 0\n"
    "lov_dependency_up{dependency=\"kafka\",service=\"choice\"} 1\n"
    "lov_dependency_up{dependency=\"redis\",service=\"choice\"} 0\n"
    "lov_events_consumed_total{group=\"choice.state\"} 3\n"
    "lov_events_dead_lettered_total{group=\"choice.state\"} 1\n";

// choice-pods:9102 resolving to two pods, 10.0.0.7 and 10.0.0.8, whose
// /metrics read `texts` (by address; a pod not named does not answer).
ServiceHealth CheckTwoChoicePods(std::map<std::string, std::string> texts) {
  FakeResolver resolver;
  resolver.addresses["choice-pods:9102"] = {"10.0.0.7:9102", "10.0.0.8:9102"};
  FakeScraper scraper;
  scraper.texts = std::move(texts);
  return CheckServicePods("choice", "choice-pods:9102", resolver, scraper);
}

TEST(CheckServicePodsTest, OnePodOfTwoNotServingIsADegradedRow) {
  ServiceHealth h = CheckTwoChoicePods(
      {{"10.0.0.7:9102", kServing}, {"10.0.0.8:9102", kRedisDown}});

  EXPECT_EQ(h.name, "choice");
  EXPECT_EQ(h.metrics_address, "choice-pods:9102");
  EXPECT_TRUE(h.up);
  EXPECT_TRUE(h.serving);   // one pod serves
  EXPECT_TRUE(h.degraded);  // and one does not
  EXPECT_THAT(h.dependencies_down, ElementsAre("redis"));
  ASSERT_EQ(h.pods.size(), 2u);
  EXPECT_EQ(h.pods[0].address, "10.0.0.7:9102");
  EXPECT_TRUE(h.pods[0].serving);
  EXPECT_THAT(h.pods[0].dependencies_up, ElementsAre("kafka", "redis"));
  EXPECT_THAT(h.pods[0].dependencies_down, IsEmpty());
  EXPECT_EQ(h.pods[1].address, "10.0.0.8:9102");
  EXPECT_TRUE(h.pods[1].up);
  EXPECT_FALSE(h.pods[1].serving);
  EXPECT_THAT(h.pods[1].dependencies_up, ElementsAre("kafka"));
  EXPECT_THAT(h.pods[1].dependencies_down, ElementsAre("redis"));
  // The group's counts are the two pods' together: 7 + 3 consumed, 0 + 1
  // dead-lettered.
  ASSERT_EQ(h.groups.size(), 1u);
  EXPECT_EQ(h.groups[0].group, "choice.state");
  EXPECT_EQ(h.groups[0].consumed, 10);
  EXPECT_EQ(h.groups[0].dead_lettered, 1);
}

TEST(CheckServicePodsTest, EveryPodServingIsNotDegraded) {
  ServiceHealth h = CheckTwoChoicePods(
      {{"10.0.0.7:9102", kServing}, {"10.0.0.8:9102", kServing}});

  EXPECT_TRUE(h.serving);
  EXPECT_FALSE(h.degraded);
  EXPECT_EQ(h.pods.size(), 2u);
}

// A pod that does not answer leaves the service serving on the other, and
// degraded; no pod serving is a service not serving, not degraded.
TEST(CheckServicePodsTest, APodThatDoesNotAnswerIsDownAndNamed) {
  ServiceHealth h = CheckTwoChoicePods({{"10.0.0.7:9102", kServing}});
  EXPECT_TRUE(h.serving);
  EXPECT_TRUE(h.degraded);
  ASSERT_EQ(h.pods.size(), 2u);
  EXPECT_FALSE(h.pods[1].up);
  EXPECT_EQ(h.pods[1].error, "10.0.0.8:9102/metrics: Connection");

  h = CheckTwoChoicePods({{"10.0.0.7:9102", kRedisDown}});
  EXPECT_TRUE(h.up);
  EXPECT_FALSE(h.serving);
  EXPECT_FALSE(h.degraded);
  EXPECT_THAT(h.dependencies_down, ElementsAre("redis"));
}

// Locally each replica has its own port: a list of addresses, each its
// own pod; a name that does not resolve is the row's error.
TEST(CheckServicePodsTest, AListOfAddressesIsOnePodEach) {
  FakeResolver resolver;
  resolver.addresses["127.0.0.1:9102"] = {"127.0.0.1:9102"};
  resolver.addresses["127.0.0.1:19102"] = {"127.0.0.1:19102"};
  FakeScraper scraper;
  scraper.texts["127.0.0.1:9102"] = kServing;
  scraper.texts["127.0.0.1:19102"] = kServing;

  ServiceHealth h = CheckServicePods("choice", "127.0.0.1:9102,127.0.0.1:19102",
                                     resolver, scraper);
  ASSERT_EQ(h.pods.size(), 2u);
  EXPECT_EQ(h.pods[1].address, "127.0.0.1:19102");
  EXPECT_TRUE(h.serving);
  EXPECT_FALSE(h.degraded);

  h = CheckServicePods("choice", "gone-pods:9102", resolver, scraper);
  EXPECT_FALSE(h.up);
  EXPECT_THAT(h.pods, IsEmpty());
  EXPECT_EQ(h.error, "resolving gone-pods:9102: not found");
}

TEST(DnsAddressResolverTest, AnAddressIsItselfAndAHostItsAddresses) {
  DnsAddressResolver resolver;
  EXPECT_THAT(*resolver.Resolve("127.0.0.1:9102"),
              ElementsAre("127.0.0.1:9102"));
  EXPECT_THAT(*resolver.Resolve("[::1]:9102"), ElementsAre("[::1]:9102"));
  EXPECT_FALSE(resolver.Resolve("no-port").ok());
  EXPECT_FALSE(resolver.Resolve("no-such-host.invalid:9102").ok());
}

}  // namespace
}  // namespace lov::console
