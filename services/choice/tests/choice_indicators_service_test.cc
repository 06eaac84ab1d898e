// The eligible list's comparable information through the choice binary:
// the follow-up service's ProviderIndicatorsPublished events, written to its
// topic here as that service would, show beside the right provider (the
// zone's row first) without changing the order; other follow-up events are
// passed over and nothing of them is kept; the language filter end to end;
// a rebuild from Kafka answers the same.
#include <map>
#include <set>

#include "choice_service_test_fixture.h"
#include "lov/choice/adapters/choice_projections.h"
#include "lov/choice/adapters/redis_choice_store.h"
#include "lov/choice/app/personnummer_vault.h"
#include "lov/followup/v1/events.pb.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/redis.h"

namespace lov::choice::service_test {
namespace {

namespace fu = ::lov::followup::v1;

// In every field of the complaint the test publishes: none of it may reach
// the choice service's state.
constexpr char kComplaintMarker[] = "cmp-marker-5d1e";

class ChoiceIndicatorsServiceTest : public ChoiceServiceTest {
 protected:
  // The provider's profile languages, as its registry record says.
  void SetLanguages(const std::string& provider_id,
                    const std::vector<std::string>& languages) {
    reg::UpdateProviderRequest r;
    r.set_request_id("languages-" + provider_id);
    r.set_provider_id(provider_id);
    for (const auto& l : languages) r.mutable_profile()->add_languages(l);
    reg::Provider p;
    grpc::Status s =
        CallRegistry(&reg::RegistryService::Stub::UpdateProvider, r, &p);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Publishes on the follow-up topic as the follow-up service does.
  void PublishFollowup(const fu::FollowupEvent& event) {
    auto producer = EventProducer::Create(Stack().kafka("choice-ind-test"));
    ASSERT_TRUE(producer.ok()) << producer.status();
    ASSERT_TRUE((*producer)
                    ->Publish(stack_.Topic(lov::topics::kFollowupEvents),
                              ToCloudEvent(event, "/lov/followup"))
                    .ok());
  }
  void PublishIndicators(const fu::ProviderIndicators& row) {
    fu::FollowupEvent e;
    e.set_event_id(NewUuid());
    *e.mutable_occurred_at() = ToProtoTime(absl::Now());
    e.set_aggregate_id("ind-" + row.provider_id());
    *e.mutable_provider_indicators_published()->mutable_indicators() = row;
    PublishFollowup(e);
  }
  void PublishComplaint() {
    fu::FollowupEvent e;
    e.set_event_id(NewUuid());
    *e.mutable_occurred_at() = ToProtoTime(absl::Now());
    e.set_aggregate_id(kComplaintMarker);
    e.set_aggregate_version(1);
    fu::Complaint* c = e.mutable_complaint_registered()->mutable_complaint();
    c->set_complaint_id(kComplaintMarker);
    c->set_client_id(kComplaintMarker);
    c->set_category(kComplaintMarker);
    c->set_received_date(Date(today_));
    PublishFollowup(e);
  }

  fu::ProviderIndicators Row(const std::string& provider,
                             const std::string& zone, double median_staff,
                             int complaints) {
    fu::ProviderIndicators r;
    r.set_provider_id(provider);
    r.set_zone_id(zone);
    r.set_as_of(Date(today_));
    r.set_continuity_from_date(Date(today_ - 14));
    r.set_continuity_clients(25);
    r.set_median_staff(median_staff);
    r.set_visits(600);
    r.set_visits_with_exceptions(18);
    r.set_listed_clients(25);
    r.set_complaints_12m(complaints);
    r.set_complaints_per_1000_clients(complaints * 1000.0 / 25);
    r.mutable_survey()->set_year(today_.year() - 1);
    r.mutable_survey()->set_respondents(20);
    r.mutable_survey()->set_overall_satisfied_per_mille(850);
    return r;
  }

  absl::StatusOr<v1::ListEligibleProvidersResponse> List(
      const std::string& client, uint64_t seed,
      const std::string& language = "") {
    v1::ListEligibleProvidersResponse out;
    grpc::Status s = ListEligible(client, &out, seed, 0, "", language);
    if (!s.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                          s.error_message());
    }
    return out;
  }
  std::vector<std::string> Ids(const std::string& client, uint64_t seed,
                               const std::string& language = "") {
    absl::StatusOr<v1::ListEligibleProvidersResponse> list =
        List(client, seed, language);
    EXPECT_TRUE(list.ok()) << list.status();
    std::vector<std::string> ids;
    if (list.ok()) {
      for (const auto& p : list->providers()) ids.push_back(p.provider_id());
    }
    return ids;
  }

  // Every key and value of the choice service's state in the namespace.
  std::string StateText() {
    auto redis = Stack().ConnectRedis();
    EXPECT_TRUE(redis.ok()) << redis.status();
    if (!redis.ok()) return "";
    absl::StatusOr<RedisReply> keys =
        (*redis)->Command({"KEYS", stack_.StateKeys("choice")});
    EXPECT_TRUE(keys.ok()) << keys.status();
    if (!keys.ok()) return "";
    const std::map<std::string, std::vector<std::string>> read_by_type = {
        {"string", {"GET"}},
        {"hash", {"HGETALL"}},
        {"set", {"SMEMBERS"}},
        {"zset", {"ZRANGE", "0", "-1"}},
        {"list", {"LRANGE", "0", "-1"}}};
    std::string text;
    for (const RedisReply& key : keys->elements) {
      absl::StatusOr<RedisReply> type = (*redis)->Command({"TYPE", key.str});
      if (!type.ok()) continue;  // gone meanwhile
      auto read = read_by_type.find(type->str);
      EXPECT_NE(read, read_by_type.end()) << key.str << ": " << type->str;
      if (read == read_by_type.end()) continue;
      std::vector<std::string> command = {read->second[0], key.str};
      command.insert(command.end(), read->second.begin() + 1,
                     read->second.end());
      absl::StatusOr<RedisReply> value = (*redis)->Command(command);
      if (!value.ok()) continue;
      absl::StrAppend(&text, key.str, "=", value->str);
      for (const RedisReply& e : value->elements) {
        absl::StrAppend(&text, " ", e.str);
      }
      text += "\n";
    }
    return text;
  }
};

TEST_F(ChoiceIndicatorsServiceTest,
       PublishedIndicatorsShowInTheNeutralListAndSurviveARebuild) {
  ConfigureMunicipality();
  const std::string attendo = Provider(1, "Attendo", {"north", "south"});
  const std::string omsorg = Provider(2, "Omsorgshuset", {"north"});
  const std::string hemtjanst = Provider(3, "Hemtjänst Nord", {"north"});
  StartChoice(1);
  WaitForSelectable("north", 3);
  const std::string client = Client(1);  // in the north
  std::map<uint64_t, std::vector<std::string>> before;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    before[seed] = Ids(client, seed);
    ASSERT_EQ(before[seed].size(), 3u);
  }

  // Attendo: a north row and an all-zones row; Omsorgshuset: only the
  // south (not the client's zone), then over all zones; Hemtjänst: none.
  // A complaint on the same topic is passed over.
  PublishComplaint();
  PublishIndicators(Row(attendo, "", 9, 4));
  PublishIndicators(Row(attendo, "north", 6.5, 1));
  PublishIndicators(Row(omsorg, "south", 3, 0));
  PublishIndicators(Row(omsorg, "", 11, 7));
  std::map<std::string, v1::EligibleProvider> shown;
  ASSERT_TRUE(Eventually([&] {
    absl::StatusOr<v1::ListEligibleProvidersResponse> list = List(client, 1);
    if (!list.ok()) return false;
    shown.clear();
    for (const auto& p : list->providers()) shown[p.provider_id()] = p;
    return shown[omsorg].has_indicators() &&
           shown[omsorg].indicators().zone_id().empty() &&
           shown[attendo].indicators().zone_id() == "north";
  })) << "the indicators never reached the list";
  EXPECT_EQ(shown[attendo].indicators().median_staff(), 6.5);
  EXPECT_EQ(shown[attendo].indicators().complaints_per_1000_clients(), 40);
  EXPECT_EQ(shown[attendo].indicators().survey().overall_satisfied_per_mille(),
            850);
  EXPECT_EQ(shown[omsorg].indicators().median_staff(), 11);
  EXPECT_FALSE(shown[hemtjanst].has_indicators());
  // The order did not move for any seed.
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    EXPECT_EQ(Ids(client, seed), before[seed]) << "seed " << seed;
  }
  EXPECT_EQ(StateText().find(kComplaintMarker), std::string::npos)
      << "a complaint reached the choice service's state";

  // Rebuilt from Kafka after a wipe: the same answer, byte for byte.
  absl::StatusOr<v1::ListEligibleProvidersResponse> old = List(client, 5);
  ASSERT_TRUE(old.ok()) << old.status();
  stack_.process("choice").Kill();
  absl::StatusOr<int> wiped =
      ::lov::testing::WipeRedisKeys(stack_.StateKeys("choice"));
  ASSERT_TRUE(wiped.ok()) << wiped.status();
  StartChoice(1);
  absl::StatusOr<v1::ListEligibleProvidersResponse> rebuilt = List(client, 5);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(SerializeDeterministic(*rebuilt), SerializeDeterministic(*old))
      << rebuilt->DebugString() << "\nbefore:\n"
      << old->DebugString();
  // The rebuild read the whole follow-up topic, the complaint included.
  EXPECT_EQ(StateText().find(kComplaintMarker), std::string::npos);
}

TEST_F(ChoiceIndicatorsServiceTest, TheLanguageFilterKeepsThoseOfferingIt) {
  ConfigureMunicipality();
  const std::string attendo = Provider(1, "Attendo");  // profile: fi
  const std::string omsorg = Provider(2, "Omsorgshuset");
  const std::string hemtjanst = Provider(3, "Hemtjänst Nord");
  SetLanguages(omsorg, {"sv", "sme"});
  SetLanguages(hemtjanst, {"sv", "fin", "fit"});
  StartChoice(1);
  WaitForSelectable("north", 3);
  const std::string client = Client(1);
  // The registry's profile updates have reached the list.
  ASSERT_TRUE(Eventually([&] { return Ids(client, 1, "fit").size() == 1; }));
  EXPECT_EQ(Ids(client, 1, "fit"), std::vector<std::string>{hemtjanst});
  std::vector<std::string> finnish = Ids(client, 1, "fi");
  EXPECT_EQ(std::set<std::string>(finnish.begin(), finnish.end()),
            (std::set<std::string>{attendo, hemtjanst}));
  EXPECT_EQ(Ids(client, 1, "smi"), std::vector<std::string>{omsorg});
  EXPECT_EQ(Ids(client, 1, "ar"), std::vector<std::string>{});
  EXPECT_EQ(Ids(client, 1, "").size(), 3u);
  absl::StatusOr<v1::ListEligibleProvidersResponse> bad = List(client, 1, "f1");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("language"), std::string::npos)
      << bad.status();
  // Longer than a code: refused at the API edge, naming the field.
  bad = List(client, 1, "finnish");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("language"), std::string::npos)
      << bad.status();
}

// The state projection on the real Redis, without the service: the latest
// row per provider and per provider and zone is kept whatever order the
// rows come in; any other follow-up event leaves the state as it was; a
// ProviderIndicatorsPublished without its payload is refused (dead letter).
TEST(ChoiceIndicatorsProjectionTest, KeepsTheLatestRowPerProviderAndZone) {
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  const PersonnummerVault vault =
      *PersonnummerVault::Create("lov-choice-store-test-kek-32byte");
  const std::string prefix = "lov:" + ::lov::testing::UniqueName("ind");
  RedisChoiceStore store(redis->get(), prefix, &vault);
  EventHandler projection = StateProjection(&store);
  auto published = [](const std::string& zone, const std::string& as_of,
                      double median_staff) {
    fu::FollowupEvent e;
    e.set_event_id(NewUuid());
    e.set_aggregate_id("ind-prv-5565541645");
    fu::ProviderIndicators* row =
        e.mutable_provider_indicators_published()->mutable_indicators();
    row->set_provider_id("prv-5565541645");
    row->set_zone_id(zone);
    row->set_as_of(as_of);
    row->set_median_staff(median_staff);
    return ToCloudEvent(e, "/lov/followup");
  };
  const auto shown = [&](const std::string& zone) {
    absl::StatusOr<std::vector<IndicatorRows>> rows =
        store.GetIndicators({"prv-5565541645", "prv-5560360793"}, zone);
    EXPECT_TRUE(rows.ok()) << rows.status();
    EXPECT_EQ(rows->size(), 2u);
    EXPECT_FALSE(IndicatorsToShow((*rows)[1]).has_value());  // none for it
    return IndicatorsToShow((*rows)[0]);
  };
  EXPECT_FALSE(shown("north").has_value());

  ASSERT_TRUE(projection(published("", "2026-11-30", 9)).ok());
  ASSERT_TRUE(projection(published("north", "2026-12-01", 6)).ok());
  // An older north row after a newer one (a replay, a late redelivery).
  ASSERT_TRUE(projection(published("north", "2026-11-28", 12)).ok());
  ASSERT_TRUE(shown("north").has_value());
  EXPECT_EQ(shown("north")->as_of(), "2026-12-01");
  EXPECT_EQ(shown("north")->median_staff(), 6);
  // A zone without a row of its own shows the all-zones row.
  ASSERT_TRUE(shown("south").has_value());
  EXPECT_EQ(shown("south")->zone_id(), "");
  EXPECT_EQ(shown("south")->median_staff(), 9);
  // The same day again replaces (a republished row).
  ASSERT_TRUE(projection(published("", "2026-11-30", 8.5)).ok());
  EXPECT_EQ(shown("south")->median_staff(), 8.5);

  // A complaint: nothing of it is written.
  auto keys = [&] {
    absl::StatusOr<RedisReply> k = (*redis)->Command({"KEYS", prefix + ":*"});
    EXPECT_TRUE(k.ok()) << k.status();
    return k.ok() ? k->elements.size() : 0;
  };
  const size_t before = keys();
  fu::FollowupEvent complaint;
  complaint.set_event_id(NewUuid());
  complaint.set_aggregate_id(kComplaintMarker);
  complaint.mutable_complaint_registered()->mutable_complaint()->set_client_id(
      kComplaintMarker);
  EXPECT_TRUE(projection(ToCloudEvent(complaint, "/lov/followup")).ok());
  EXPECT_EQ(keys(), before);

  // The type says indicators, the body is something else: refused.
  CloudEvent mislabelled = ToCloudEvent(complaint, "/lov/followup");
  mislabelled.type = kIndicatorsPublishedType;
  EXPECT_EQ(projection(mislabelled).code(), absl::StatusCode::kInvalidArgument);
  // A row that names no provider cannot be kept: refused, naming the field.
  CloudEvent nameless = published("north", "2026-12-02", 1);
  fu::FollowupEvent body;
  ASSERT_TRUE(body.ParseFromString(nameless.data));
  body.mutable_provider_indicators_published()
      ->mutable_indicators()
      ->clear_provider_id();
  nameless = ToCloudEvent(body, "/lov/followup");
  absl::Status refused = projection(nameless);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("provider_id"), std::string::npos)
      << refused;
  EXPECT_EQ(keys(), before);
}

}  // namespace
}  // namespace lov::choice::service_test
