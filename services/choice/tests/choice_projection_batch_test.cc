// The choice state projection in batches (StateBatchProjection,
// choice_projections.h) on the real Redis of the ctest stack: the same
// events cut into batches of every size leave exactly the state that
// applying them one by one (StateProjection) leaves.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/choice/adapters/choice_projections.h"
#include "redis_dump.h"
#include "test_stack.h"

namespace lov::choice {
namespace {

using ::lov::testing::DumpRedis;
using ::lov::testing::ExpectEveryBatchSizeGives;
using ::lov::testing::Stack;
using ::lov::testing::UniqueName;

CloudEvent Registry(const std::string& provider_id, int64_t version) {
  registry::v1::RegistryEvent e;
  e.set_event_id(absl::StrCat("reg-", provider_id, "-", version));
  e.set_aggregate_id(provider_id);
  e.set_aggregate_version(version);
  registry::v1::Provider* p =
      e.mutable_provider_registered()->mutable_provider();
  p->set_provider_id(provider_id);
  p->set_name(absl::StrCat("Provider ", provider_id, " v", version));
  return ToCloudEvent(e, "/lov/registry");
}

v1::ChoiceEvent Envelope(const std::string& aggregate, int64_t version) {
  v1::ChoiceEvent e;
  e.set_event_id(absl::StrCat("ch-", aggregate, "-", version));
  e.set_aggregate_id(aggregate);
  e.set_aggregate_version(version);
  e.set_request_id(absl::StrCat("req-", aggregate, "-", version));
  e.set_request_fingerprint("fp");
  return e;
}

CloudEvent Registered(const std::string& client) {
  v1::ChoiceEvent e = Envelope(client, 1);
  auto* r = e.mutable_client_registered();
  r->set_client_id(client);
  r->set_zone_id("north");
  r->set_personnummer_hmac("hmac-" + client);
  r->set_personnummer_sealed("sealed-" + client);
  return ToCloudEvent(e, "/lov/choice");
}

CloudEvent ZoneChanged(const std::string& client, int64_t version,
                       const std::string& zone) {
  v1::ChoiceEvent e = Envelope(client, version);
  auto* z = e.mutable_client_zone_changed();
  z->set_client_id(client);
  z->set_zone_id(zone);
  z->set_effective_date("2025-03-01");
  return ToCloudEvent(e, "/lov/choice");
}

CloudEvent Health(int64_t version, int selectable) {
  v1::ChoiceEvent e = Envelope("zone-health", version);
  auto* h = e.mutable_zone_health();
  h->set_zone_id("north");
  h->set_category_id("home-care");
  h->set_selectable_providers(selectable);
  return ToCloudEvent(e, "/lov/choice");
}

CloudEvent Shredded(const std::string& client) {
  CloudEvent ce;
  ce.id = "shred-" + client;
  ce.type = kDataKeyShreddedType;
  ce.key = client;
  ce.subject = client;
  return ce;
}

CloudEvent OtherFollowup() {
  CloudEvent ce;
  ce.id = "fu-1";
  ce.type = "se.lov.followup.v1.ComplaintRegistered";
  ce.data = "not read";
  return ce;
}

// Registry, zone health, three clients interleaved (each registered, then
// moved between zones), a redelivered event, a shredding and a follow-up
// event the choice service passes over.
std::vector<CloudEvent> Events() {
  std::vector<CloudEvent> out = {Registry("prv-1", 1),
                                 Registered("c1"),
                                 Registered("c2"),
                                 Health(1, 3),
                                 ZoneChanged("c1", 2, "south"),
                                 Registry("prv-2", 1),
                                 Registered("c3"),
                                 ZoneChanged("c2", 2, "east"),
                                 ZoneChanged("c1", 3, "north"),
                                 OtherFollowup(),
                                 Registry("prv-1", 2),
                                 Shredded("c2"),
                                 ZoneChanged("c1", 2, "south"),
                                 Health(2, 2),
                                 ZoneChanged("c3", 2, "west"),
                                 ZoneChanged("c2", 3, "north")};
  return out;
}

TEST(ChoiceProjectionBatchTest, EveryBatchSizeLeavesTheOneByOneState) {
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  const std::vector<CloudEvent> events = Events();

  const std::string each_prefix = UniqueName("it:choice-each");
  RedisChoiceStore each(redis->get(), each_prefix, nullptr);
  EventHandler one = StateProjection(&each);
  for (const CloudEvent& ce : events) ASSERT_TRUE(one(ce).ok()) << ce.id;
  const std::string expected = DumpRedis(**redis, each_prefix);
  ASSERT_NE(expected.find("client:c3"), std::string::npos) << expected;

  std::vector<std::unique_ptr<RedisChoiceStore>> stores;
  ExpectEveryBatchSizeGives(
      **redis, events, "choice", expected, [&](const std::string& prefix) {
        stores.push_back(
            std::make_unique<RedisChoiceStore>(redis->get(), prefix, nullptr));
        return StateBatchProjection(stores.back().get(), nullptr);
      });
}

}  // namespace
}  // namespace lov::choice
