// The choice service's state: rebuilt from Kafka with the same answers, the
// personnummer kept only encrypted in the log and shown again after a
// rebuild, the state projection on the real Redis without the service, and
// no start without the personnummer key.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "choice_service_test_fixture.h"
#include "lov/choice/adapters/choice_projections.h"
#include "lov/choice/adapters/redis_choice_store.h"
#include "lov/choice/app/personnummer_vault.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/redis.h"
#include "service_process.h"

namespace lov::choice::service_test {
namespace {

using ::lov::testing::ServiceProcess;

// A key-encryption key of the tests' own: 32 bytes.
PersonnummerVault TestVault() {
  return *PersonnummerVault::Create("lov-choice-store-test-kek-32byte");
}

TEST_F(ChoiceServiceTest, StateRebuiltFromKafkaHasTheSameAssignments) {
  StartChoice(1);
  ConfigureMunicipality();
  const std::string a = Provider(1, "Allegio Omsorg AB");
  const std::string b = Provider(2, "Attendo Sverige AB");
  SetCap(a, 3);
  WaitForSelectable("north", 2);
  ConfigurePolicy(v1::ALLOCATION_POLICY_ROTATION);
  std::vector<std::string> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(Client(i));
  v1::ChooseResponse out;
  ASSERT_TRUE(Choose(clients[0], a, &out).ok());
  ASSERT_TRUE(Choose(clients[1], a, &out).ok());
  ASSERT_TRUE(Choose(clients[2], b, &out).ok());
  ASSERT_TRUE(Choose(clients[0], b, &out).ok());  // a re-choice, pending
  for (int i = 3; i < 6; ++i) {
    v1::AllocateNonChoiceRequest r;
    r.set_request_id(absl::StrCat("nc-", i));
    r.set_client_id(clients[i]);
    v1::AllocateNonChoiceResponse nc;
    grpc::Status s =
        CallChoice(&v1::ChoiceService::Stub::AllocateNonChoice, r, &nc);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::EndClientRequest end;
  end.set_request_id("end-1");
  end.set_client_id(clients[1]);
  end.set_reason(v1::END_REASON_CLIENT_DECEASED);
  end.set_last_day(Date(today_ + 2));
  v1::Client ended;
  ASSERT_TRUE(
      CallChoice(&v1::ChoiceService::Stub::EndClient, end, &ended).ok());
  EXPECT_EQ(ended.status(), v1::CLIENT_STATUS_ENDED);

  auto snapshot = [&] {
    std::map<std::string, std::string> s;
    for (const auto& id : clients) {
      v1::Client c = Get(id);
      c.clear_personnummer();
      s[id] = c.SerializeAsString();
    }
    for (const auto& p : {a, b}) {
      v1::ListAssignmentsRequest r;
      r.set_provider_id(p);
      v1::ListAssignmentsResponse l;
      EXPECT_TRUE(
          CallChoice(&v1::ChoiceService::Stub::ListAssignments, r, &l).ok());
      s["provider " + p] = l.SerializeAsString();
    }
    v1::ListEligibleProvidersRequest r;
    r.set_client_id(clients[2]);
    r.set_seed(7);
    v1::ListEligibleProvidersResponse l;
    EXPECT_TRUE(
        CallChoice(&v1::ChoiceService::Stub::ListEligibleProviders, r, &l)
            .ok());
    s["eligible"] = l.SerializeAsString();
    return s;
  };
  const auto before = snapshot();
  EXPECT_EQ(Get(clients[3]).personnummer(), TestPersonnummer(3));

  stack_.process("choice").Kill();
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok());
  int64_t wiped = 0;
  std::string cursor = "0";
  do {
    auto r = (*redis)->Command(
        {"SCAN", cursor, "MATCH", stack_.StateKeys("choice"), "COUNT", "1000"});
    ASSERT_TRUE(r.ok());
    cursor = r->elements[0].str;
    for (const auto& k : r->elements[1].elements) {
      ASSERT_TRUE((*redis)->Command({"DEL", k.str}).ok());
      ++wiped;
    }
  } while (cursor != "0");
  EXPECT_GT(wiped, 10);
  StartChoice(1);

  EXPECT_EQ(snapshot(), before);
  // The number is rebuilt too: decrypted from ClientRegistered with the
  // client's data key from the key topic.
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(Get(clients[i]).personnummer(), TestPersonnummer(i));
  }
  v1::FindClientRequest find;
  find.set_personnummer(TestPersonnummer(3));
  v1::Client found;
  ASSERT_TRUE(
      CallChoice(&v1::ChoiceService::Stub::FindClient, find, &found).ok());
  EXPECT_EQ(found.client_id(), clients[3]);
  EXPECT_EQ(found.personnummer(), TestPersonnummer(3));
}

// The probe's "Redis restarted while clients register": an acknowledged
// registration's personnummer is in Kafka (encrypted, never in clear), so
// a state rebuilt from nothing shows it again.
TEST_F(ChoiceServiceTest, APersonnummerSurvivesALostStateEncryptedInTheLog) {
  StartChoice(1);
  ConfigureMunicipality();
  v1::RegisterClientRequest r;
  r.set_request_id("reg-durable");
  r.set_personnummer(TestPersonnummer(4));
  r.set_zone_id("north");
  v1::Client client;
  grpc::Status s =
      CallChoice(&v1::ChoiceService::Stub::RegisterClient, r, &client);
  ASSERT_TRUE(s.ok()) << s.error_message();

  std::vector<CloudEvent> keys = ReadEvents(keys_topic(), 1);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].key, client.client_id());
  EXPECT_EQ(keys[0].type, "se.lov.choice.v1.ClientDataKeyIssued");
  const std::string registered_type = "se.lov.choice.v1.ClientRegistered";
  std::vector<CloudEvent> events =
      ::lov::testing::ReadEventsUntil(topic(), [&](const auto& arrived) {
        return std::any_of(
            arrived.begin(), arrived.end(),
            [&](const CloudEvent& ce) { return ce.type == registered_type; });
      });
  events.push_back(keys[0]);
  v1::ChoiceEvent registered;
  for (const CloudEvent& ce : events) {
    EXPECT_TRUE(FindPersonnummer(ce.data).empty()) << ce.type;
    for (const auto& [name, value] : ce.extra_headers) {
      EXPECT_TRUE(FindPersonnummer(value).empty()) << name;
    }
    if (ce.type == registered_type) {
      ASSERT_TRUE(registered.ParseFromString(ce.data));
    }
  }
  EXPECT_EQ(registered.aggregate_id(), client.client_id());
  EXPECT_FALSE(registered.client_registered().personnummer_sealed().empty());

  stack_.process("choice").Kill();
  absl::StatusOr<int> wiped =
      ::lov::testing::WipeRedisKeys(stack_.StateKeys("choice"));
  ASSERT_TRUE(wiped.ok()) << wiped.status();
  EXPECT_GT(*wiped, 3);
  StartChoice(1);
  v1::Client rebuilt = Get(client.client_id());
  EXPECT_EQ(rebuilt.personnummer(), TestPersonnummer(4));
  EXPECT_EQ(stack_.process("choice").Log().find(TestPersonnummer(4)),
            std::string::npos);
}

// The personnummer key is required: choice refuses to start, naming the flag
// and the variable. (The empty flag wins over the key ServiceProcess gives in
// the environment.)
TEST(ChoiceStartupTest, RefusesToStartWithoutAKeyOutsideDevelopment) {
  ServiceProcess choice(
      "services/choice/choice",
      {"--namespace=t" + NewUuid().substr(0, 8), "--pnr-hmac-key="});
  absl::Status started = choice.Start(absl::Seconds(20));
  EXPECT_EQ(started.code(), absl::StatusCode::kFailedPrecondition) << started;
  EXPECT_NE(choice.Log().find("--pnr-hmac-key / LOV_PNR_HMAC_KEY: a secret "
                              "key is required"),
            std::string::npos)
      << choice.Log();
}

// The state projection on the real Redis, without the service: a client's
// event dead-lettered by the consumer leaves a gap in its versions, and the
// next event of that client is applied over it (its partition goes on),
// while the command path still waits for the projection to catch up.
TEST(ChoiceStateProjectionTest,
     AClientsNextEventIsAppliedOverADeadLetteredOne) {
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  const PersonnummerVault vault = TestVault();
  RedisChoiceStore store(redis->get(),
                         "lov:" + ::lov::testing::UniqueName("gap"), &vault);
  EventHandler projection = StateProjection(&store);
  auto event = [](int64_t version) {
    v1::ChoiceEvent e;
    e.set_event_id(NewUuid());
    e.set_aggregate_id("client-gap");
    e.set_aggregate_version(version);
    return e;
  };
  v1::ChoiceEvent registered = event(1);
  registered.mutable_client_registered()->set_client_id("client-gap");
  registered.mutable_client_registered()->set_zone_id("north");
  ASSERT_TRUE(projection(ToCloudEvent(registered, "/lov/choice")).ok());
  // Version 2 did not decode and went to the dead-letter topic.
  v1::ChoiceEvent moved = event(3);
  moved.mutable_client_zone_changed()->set_client_id("client-gap");
  moved.mutable_client_zone_changed()->set_previous_zone_id("north");
  moved.mutable_client_zone_changed()->set_zone_id("south");

  absl::Status waits = store.Apply(moved);
  EXPECT_EQ(waits.code(), absl::StatusCode::kUnavailable) << waits;
  absl::Status applied = projection(ToCloudEvent(moved, "/lov/choice"));
  ASSERT_TRUE(applied.ok()) << applied;
  absl::StatusOr<std::optional<v1::Client>> client =
      store.GetClient("client-gap");
  ASSERT_TRUE(client.ok() && client->has_value()) << client.status();
  EXPECT_EQ((*client)->version(), 3);
  EXPECT_EQ((*client)->zone_id(), "south");
}

// The same on the real Redis, without the service: the personnummer is
// decrypted whichever of ClientRegistered and the client's data key the
// projection applies first (they are on two topics), and a tombstone on the
// key topic (crypto-shredding) erases it from the state.
TEST(ChoiceStateProjectionTest,
     ThePersonnummerIsDecryptedInEitherOrderAndShreddingErasesIt) {
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  const PersonnummerVault vault = TestVault();
  RedisChoiceStore store(redis->get(),
                         "lov:" + ::lov::testing::UniqueName("pnr"), &vault);
  EventHandler projection = StateProjection(&store);
  // Client `client_id` with TestPersonnummer(n), and its key event.
  auto registration = [&](const std::string& client_id, int n,
                          v1::ChoiceKeyEvent* key) {
    absl::StatusOr<PersonnummerVault::DataKey> data_key =
        vault.IssueDataKey(client_id);
    EXPECT_TRUE(data_key.ok()) << data_key.status();
    key->set_event_id(NewUuid());
    key->set_aggregate_id(client_id);
    *key->mutable_client_data_key_issued() = data_key->issued;
    v1::ChoiceEvent e;
    e.set_event_id(NewUuid());
    e.set_aggregate_id(client_id);
    e.set_aggregate_version(1);
    e.mutable_client_registered()->set_client_id(client_id);
    e.mutable_client_registered()->set_zone_id("north");
    *e.mutable_client_registered()->mutable_personnummer_sealed() =
        *PersonnummerVault::Seal(data_key->key, client_id, TestPersonnummer(n));
    return e;
  };
  auto pnr_of = [&](const std::string& client_id) {
    absl::StatusOr<std::optional<v1::Client>> c = store.GetClient(client_id);
    EXPECT_TRUE(c.ok() && c->has_value()) << c.status();
    return c.ok() && c->has_value() ? (*c)->personnummer() : "?";
  };
  v1::ChoiceKeyEvent key_a, key_bb;
  v1::ChoiceEvent a = registration("a", 1, &key_a);
  v1::ChoiceEvent bb = registration("bb", 2, &key_bb);
  ASSERT_TRUE(projection(ToCloudEvent(a, "/lov/choice")).ok());
  EXPECT_EQ(pnr_of("a"), "");
  ASSERT_TRUE(projection(ToCloudEvent(key_a, "/lov/choice")).ok());
  EXPECT_EQ(pnr_of("a"), TestPersonnummer(1));
  ASSERT_TRUE(projection(ToCloudEvent(key_bb, "/lov/choice")).ok());
  ASSERT_TRUE(projection(ToCloudEvent(bb, "/lov/choice")).ok());
  EXPECT_EQ(pnr_of("bb"), TestPersonnummer(2));

  CloudEvent tombstone;
  tombstone.id = NewUuid();
  tombstone.type = kDataKeyShreddedType;
  tombstone.key = "a";
  ASSERT_TRUE(projection(tombstone).ok());
  EXPECT_EQ(pnr_of("a"), "");
  EXPECT_EQ(pnr_of("bb"), TestPersonnummer(2));
}

}  // namespace
}  // namespace lov::choice::service_test
