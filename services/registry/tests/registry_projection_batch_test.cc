// The registry state projection in batches (StateBatchProjection,
// state_projection.h) on the real Redis of the ctest stack: the same events
// cut into batches of every size leave exactly the state that applying
// them one by one (StateProjection) leaves.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/registry/adapters/state_projection.h"
#include "redis_dump.h"
#include "test_stack.h"

namespace lov::registry {
namespace {

using ::lov::testing::DumpRedis;
using ::lov::testing::ExpectEveryBatchSizeGives;
using ::lov::testing::Stack;
using ::lov::testing::UniqueName;

CloudEvent Provider(const std::string& id, int64_t version, bool update) {
  v1::RegistryEvent e;
  e.set_event_id(absl::StrCat("reg-", id, "-", version));
  e.set_aggregate_id(id);
  e.set_aggregate_version(version);
  e.set_request_id(absl::StrCat("req-", id, "-", version));
  e.set_request_fingerprint("fp");
  v1::Provider* p = update
                        ? e.mutable_provider_updated()->mutable_provider()
                        : e.mutable_provider_registered()->mutable_provider();
  p->set_provider_id(id);
  p->set_name(absl::StrCat("Provider ", id, " v", version));
  return ToCloudEvent(e, "/lov/registry");
}

CloudEvent Municipality(int64_t version) {
  v1::RegistryEvent e;
  e.set_event_id(absl::StrCat("mun-", version));
  e.set_aggregate_id("municipality");
  e.set_aggregate_version(version);
  e.mutable_municipality_configured()->mutable_municipality()->set_name(
      absl::StrCat("Kommun v", version));
  return ToCloudEvent(e, "/lov/registry");
}

// Providers interleaved, each registered and updated, the municipality
// configured twice, and a redelivered (older) event in between.
std::vector<CloudEvent> Events() {
  return {Municipality(1),
          Provider("prv-1", 1, false),
          Provider("prv-2", 1, false),
          Provider("prv-1", 2, true),
          Municipality(2),
          Provider("prv-1", 1, false),
          Provider("prv-3", 1, false),
          Provider("prv-2", 2, true),
          Provider("prv-1", 3, true)};
}

TEST(RegistryProjectionBatchTest, EveryBatchSizeLeavesTheOneByOneState) {
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  const std::vector<CloudEvent> events = Events();

  const std::string each_prefix = UniqueName("it:registry-each");
  RedisRegistryStore each(redis->get(), each_prefix);
  EventHandler one = StateProjection(&each);
  for (const CloudEvent& ce : events) ASSERT_TRUE(one(ce).ok()) << ce.id;
  const std::string expected = DumpRedis(**redis, each_prefix);
  ASSERT_NE(expected.find("history:prv-1"), std::string::npos) << expected;

  ExpectEveryBatchSizeGives(**redis, events, "registry", expected,
                            [&](const std::string& prefix) {
                              return StateBatchProjection(redis->get(), prefix);
                            });
}

}  // namespace
}  // namespace lov::registry
