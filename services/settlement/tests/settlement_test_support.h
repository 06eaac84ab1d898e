// Shared by the settlement integration tests: the rate table, the upstream
// events (registry, choice, visits) they publish on the namespaced topics as
// those services would, and a fixture that runs the settlement binary
// against the test stack and talks to it over gRPC.
#ifndef LOV_SERVICES_SETTLEMENT_TESTS_SETTLEMENT_TEST_SUPPORT_H_
#define LOV_SERVICES_SETTLEMENT_TESTS_SETTLEMENT_TEST_SUPPORT_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/http_server.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"
#include "lov/visits/v1/events.pb.h"
#include "service_process.h"
#include "test_stack.h"

namespace lov::settlement::test_support {

namespace v1 = ::lov::settlement::v1;

// Rates of the test, in öre: personal care 516 kr/h by day, 600 evening,
// 650 weekend (private); 485 by day in-house. Service 410 kr/h + 25 % VAT.
// Home nursing: listing fee 197 kr a month. Rural zones +10 %. Double
// staffing pays twice.
inline v1::RateTable Rates() {
  v1::RateTable t;
  t.set_effective_date("2024-01-01");
  t.mutable_bands()->set_day_start_minute(7 * 60);
  t.mutable_bands()->set_evening_start_minute(18 * 60);
  t.mutable_bands()->set_night_start_minute(22 * 60);
  auto add = [&](const std::string& id, v1::PaymentModel model,
                 std::array<int64_t, 5> priv, std::array<int64_t, 5> own) {
    v1::CategoryRate* c = t.add_categories();
    c->set_category_id(id);
    c->set_model(model);
    int i = 0;
    for (v1::Band b : {v1::BAND_DAY, v1::BAND_EVENING, v1::BAND_NIGHT,
                       v1::BAND_WEEKEND, v1::BAND_HOLIDAY}) {
      v1::BandRate* r = c->add_band_rates();
      r->set_band(b);
      r->set_private_ore(priv[i]);
      r->set_in_house_ore(own[i++]);
    }
    return c;
  };
  v1::CategoryRate* care = add(
      "personal-care", v1::PAYMENT_MODEL_PERFORMED_HOURS,
      {51600, 60000, 70000, 65000, 80000}, {48500, 56000, 66000, 61000, 75000});
  care->set_double_staffing_basis_points(20000);
  v1::ZoneSupplement* rural = care->add_zone_supplements();
  rural->set_area(v1::ZONE_AREA_RURAL);
  rural->set_basis_points(1000);
  add("service", v1::PAYMENT_MODEL_PERFORMED_HOURS,
      {41000, 45000, 50000, 48000, 55000}, {39000, 43000, 48000, 46000, 53000})
      ->set_vat_basis_points(2500);
  v1::CategoryRate* nursing = add("home-nursing", v1::PAYMENT_MODEL_PER_VISIT,
                                  {26000, 26000, 24500, 30000, 35000},
                                  {24500, 24500, 23000, 28000, 33000});
  nursing->set_listing_fee_private_ore(19700);
  nursing->set_listing_fee_in_house_ore(18500);
  return t;
}

// Daily activities (daglig-verksamhet) paid per day by the client's decided
// support level from 2024: level 1 520 kr a day, level 2 780 kr (in-house
// 500 and 750). The category names no default level, so every client needs
// a decided one.
inline v1::RateTable SupportLevelRates() {
  v1::RateTable t = Rates();
  for (auto [level, private_ore, in_house_ore] :
       {std::tuple{"niva-1", 52000, 50000},
        std::tuple{"niva-2", 78000, 75000}}) {
    v1::SupportLevelRate* l = t.add_support_levels();
    l->set_level(level);
    l->mutable_per_day()->set_private_ore(private_ore);
    l->mutable_per_day()->set_in_house_ore(in_house_ore);
  }
  v1::CategoryRate* daily = t.add_categories();
  daily->set_category_id("daglig-verksamhet");
  daily->set_model(v1::PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL);
  return t;
}

// A decision granting 10 h a month of daily activities from `from`,
// open-ended, at support `level` ("" = none decided).
inline choice::v1::Decision DailyActivities(const std::string& id,
                                            const std::string& from,
                                            const std::string& level) {
  choice::v1::Decision d;
  d.set_decision_id(id);
  d.set_valid_from(from);
  d.set_decided_on(from);
  choice::v1::GrantedCategory* g = d.add_categories();
  g->set_category_id("daglig-verksamhet");
  g->set_minutes_per_month(600);
  g->set_support_level(level);
  return d;
}

inline visits::v1::Visit Visit(const std::string& provider,
                               const std::string& id,
                               const std::string& category,
                               const std::string& start, const std::string& end,
                               const std::string& zone) {
  visits::v1::Visit v;
  v.set_visit_id(provider + "/" + id);
  v.set_report_id(id);
  v.set_provider_id(provider);
  v.set_client_id("client-1");
  v.set_category_id(category);
  *v.mutable_start() = ToProtoTime(*ParseRfc3339(start));
  *v.mutable_end() = ToProtoTime(*ParseRfc3339(end));
  v.set_status(visits::v1::VISIT_STATUS_PERFORMED);
  v.set_zone_id(zone);
  v.set_period("2024-01");
  v.set_version(1);
  return v;
}

template <typename Event>
Event Envelope(const std::string& aggregate) {
  Event e;
  e.set_event_id(NewUuid());
  *e.mutable_occurred_at() = ToProtoTime(absl::Now());
  e.set_aggregate_id(aggregate);
  e.set_aggregate_version(1);
  return e;
}

// January's visits: r1 is personal care across the evening boundary, the
// one that is later corrected.
struct JanuaryVisits {
  visits::v1::Visit care_r1;
};

// Runs the settlement binary under a namespace of its own.
class SettlementFixture : public ::testing::Test {
 protected:
  void SetUp() override { StartService({}); }

  // `extra`: more flags, e.g. a Redis of the test's own.
  void StartService(const std::vector<std::string>& extra) {
    ns_ = "t" + NewUuid().substr(0, 8);
    // Small sources parts, so that every approval here is split into
    // several StatementSourcesRecorded events and joined again.
    std::vector<std::string> flags = {"--namespace=" + ns_,
                                      "--statement-sources-part-bytes=64"};
    flags.insert(flags.end(), extra.begin(), extra.end());
    service_ = std::make_unique<lov::testing::ServiceProcess>(
        "services/settlement/settlement", flags);
    ASSERT_TRUE(service_->Start().ok()) << service_->Log();
    Connect();
    auto producer =
        EventProducer::Create(lov::testing::Stack().kafka("upstream"));
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
  }

  // A new channel to the (re)started service.
  void Connect() {
    stub_ = v1::SettlementService::NewStub(service_->Channel());
  }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (v1::SettlementService::Stub::*method)(
                        grpc::ClientContext*, const Req&, Resp*),
                    const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    return ((*stub_).*method)(&ctx, req, resp);
  }

  void PublishUpstream(const std::string& topic, const std::string& source,
                       const google::protobuf::Message& event) {
    ASSERT_TRUE(
        producer_->Publish(ns_ + "." + topic, ToCloudEvent(event, source))
            .ok());
  }

  // The rate table from 2024-01-01 and the pro-rata listing rule.
  void ConfigureRates() {
    v1::AddRateTableRequest rates;
    *rates.mutable_table() = Rates();
    v1::RateTable table;
    ASSERT_TRUE(
        Call(&v1::SettlementService::Stub::AddRateTable, rates, &table).ok());
    v1::SetListingRuleRequest rule;
    rule.mutable_rule()->set_kind(v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
    v1::ListingRule rule_out;
    ASSERT_TRUE(
        Call(&v1::SettlementService::Stub::SetListingRule, rule, &rule_out)
            .ok());
  }

  // The municipality (zones "city" urban, "north" rural), the private
  // provider prv-a and the in-house provider prv-egen.
  void PublishRegistry() {
    auto m = Envelope<registry::v1::RegistryEvent>("municipality");
    auto* muni = m.mutable_municipality_configured()->mutable_municipality();
    muni->set_municipality_id("0188");
    auto* city = muni->add_zones();
    city->set_zone_id("city");
    city->set_area_type(registry::v1::AREA_TYPE_URBAN);
    auto* north = muni->add_zones();
    north->set_zone_id("north");
    north->set_area_type(registry::v1::AREA_TYPE_RURAL);
    PublishUpstream("lov.registry.events.v1", "/lov/registry", m);
    for (auto [id, kind] :
         {std::pair{"prv-a", registry::v1::PROVIDER_KIND_PRIVATE},
          std::pair{"prv-egen", registry::v1::PROVIDER_KIND_IN_HOUSE}}) {
      auto p = Envelope<registry::v1::RegistryEvent>(id);
      auto* provider = p.mutable_provider_registered()->mutable_provider();
      provider->set_provider_id(id);
      provider->set_kind(kind);
      PublishUpstream("lov.registry.events.v1", "/lov/registry", p);
    }
  }

  // The registry's PaymentDetailsChanged for `provider`, as it publishes it
  // when finance sets the details: the provider after the change, its
  // payment details as `current`.
  void PublishPaymentDetailsOf(const registry::v1::Provider& provider) {
    auto e = Envelope<registry::v1::RegistryEvent>(provider.provider_id());
    registry::v1::PaymentDetailsChanged* changed =
        e.mutable_payment_details_changed();
    *changed->mutable_provider() = provider;
    *changed->mutable_current() = provider.payment_details();
    PublishUpstream("lov.registry.events.v1", "/lov/registry", e);
  }

  // client-1 chooses prv-a for home nursing from 11 January, open-ended.
  void PublishAssignment() {
    auto e = Envelope<choice::v1::ChoiceEvent>("client-1");
    auto* a = e.mutable_assignment_started()->mutable_assignment();
    a->set_assignment_id("asg-1");
    a->set_client_id("client-1");
    a->set_provider_id("prv-a");
    a->set_zone_id("north");
    a->add_category_ids("home-nursing");
    a->set_valid_from("2024-01-11");  // 21 of January's 31 days
    PublishUpstream("lov.choice.events.v1", "/lov/choice", e);
  }

  // A decision of `client_id` as choice publishes it: DecisionRegistered,
  // or DecisionChanged with its whole new version.
  void PublishDecision(const std::string& client_id,
                       const choice::v1::Decision& decision, bool changed) {
    auto e = Envelope<choice::v1::ChoiceEvent>(client_id);
    if (changed) {
      e.mutable_decision_changed()->set_client_id(client_id);
      *e.mutable_decision_changed()->mutable_decision() = decision;
    } else {
      e.mutable_decision_registered()->set_client_id(client_id);
      *e.mutable_decision_registered()->mutable_decision() = decision;
    }
    PublishUpstream("lov.choice.events.v1", "/lov/choice", e);
  }

  // client-2 at prv-a in daily activities from 1 January 2024, at level 1
  // until the 15th and level 2 from the 16th: decision bb-1 (level 1, from
  // October) is ended on the 15th and bb-2 (level 2) starts on the 16th.
  // January under SupportLevelRates(): 15 x 520 kr + 16 x 780 kr =
  // 780 000 + 1 248 000 = 2 028 000 öre.
  void PublishLevelChangeOnThe16th() {
    auto e = Envelope<choice::v1::ChoiceEvent>("client-2");
    auto* a = e.mutable_assignment_started()->mutable_assignment();
    a->set_assignment_id("asg-2");
    a->set_client_id("client-2");
    a->set_provider_id("prv-a");
    a->set_zone_id("city");
    a->add_category_ids("daglig-verksamhet");
    a->set_valid_from("2024-01-01");
    choice::v1::Decision first =
        DailyActivities("bb-1", "2023-10-01", "niva-1");
    PublishDecision("client-2", first, false);
    PublishUpstream("lov.choice.events.v1", "/lov/choice", e);
    first.set_valid_to("2024-01-15");
    PublishDecision("client-2", first, true);
    PublishDecision("client-2", DailyActivities("bb-2", "2024-01-16", "niva-2"),
                    false);
  }

  void PublishAccepted(const visits::v1::Visit& v) {
    auto e = Envelope<visits::v1::VisitEvent>(v.visit_id());
    *e.mutable_visit_accepted()->mutable_visit() = v;
    PublishUpstream("lov.visits.events.v1", "/lov/visits", e);
  }

  // The visits of January 2024, as accepted by the visits service.
  JanuaryVisits PublishJanuaryVisits() {
    JanuaryVisits out;
    // Wed 17 Jan 17:30-18:30 local (CET): half day, half evening.
    out.care_r1 = Visit("prv-a", "r1", "personal-care", "2024-01-17T16:30:00Z",
                        "2024-01-17T17:30:00Z", "city");
    PublishAccepted(out.care_r1);
    // Thu 18 Jan 09:00-10:30: 1.5 h of service, with VAT.
    PublishAccepted(Visit("prv-a", "r2", "service", "2024-01-18T08:00:00Z",
                          "2024-01-18T09:30:00Z", "city"));
    // Sat 20 Jan 10:00-11:00 in the rural zone, two staff.
    visits::v1::Visit rural =
        Visit("prv-a", "r3", "personal-care", "2024-01-20T09:00:00Z",
              "2024-01-20T10:00:00Z", "north");
    rural.set_double_staffing(true);
    PublishAccepted(rural);
    // Client not at home: not paid.
    visits::v1::Visit absent =
        Visit("prv-a", "r4", "personal-care", "2024-01-19T08:00:00Z",
              "2024-01-19T09:00:00Z", "city");
    absent.set_status(visits::v1::VISIT_STATUS_CLIENT_ABSENT);
    PublishAccepted(absent);
    // The in-house provider: Mon 22 Jan 09:00-10:00.
    PublishAccepted(Visit("prv-egen", "e1", "personal-care",
                          "2024-01-22T08:00:00Z", "2024-01-22T09:00:00Z",
                          "city"));
    return out;
  }

  // The visits service corrects r1 after January was locked: it ended at
  // 19:00, half an hour of evening more (300.00 kr), booked in February.
  void PublishR1Correction(const visits::v1::Visit& r1) {
    visits::v1::Visit corrected = r1;
    *corrected.mutable_end() =
        ToProtoTime(*ParseRfc3339("2024-01-17T18:00:00Z"));
    corrected.set_version(2);
    corrected.set_period("2024-02");
    auto fix = Envelope<visits::v1::VisitEvent>(corrected.visit_id());
    *fix.mutable_visit_corrected()->mutable_visit() = corrected;
    *fix.mutable_visit_corrected()->mutable_previous() = r1;
    fix.mutable_visit_corrected()->set_adjusts_period("2024-01");
    PublishUpstream("lov.visits.events.v1", "/lov/visits", fix);
  }

  v1::Statement Get(const std::string& provider, const std::string& period,
                    grpc::Status* status = nullptr) {
    v1::GetStatementRequest req;
    req.set_provider_id(provider);
    req.set_period(period);
    v1::Statement out;
    grpc::Status s =
        Call(&v1::SettlementService::Stub::GetStatement, req, &out);
    if (status) *status = s;
    return out;
  }

  v1::Statement Preview(const std::string& provider,
                        const std::string& period) {
    v1::PreviewStatementRequest req;
    req.set_provider_id(provider);
    req.set_period(period);
    v1::Statement out;
    grpc::Status s =
        Call(&v1::SettlementService::Stub::PreviewStatement, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // An approval of what `preview` showed; a new request id unless a retry
  // names its own.
  grpc::Status Approve(const v1::Statement& preview, v1::Statement* out,
                       const std::string& request_id = NewUuid()) {
    v1::ApproveStatementRequest req;
    req.set_request_id(request_id);
    req.set_provider_id(preview.provider_id());
    req.set_period(preview.period());
    req.set_expected_digest(preview.digest());
    req.set_approved_by("controller-1");
    return Call(&v1::SettlementService::Stub::ApproveStatement, req, out);
  }

  // A gauge of the consumer group that keeps settlement's state, from the
  // service's /metrics (lov_consumer_lag, lov_consumer_retrying,
  // lov_events_dead_lettered_total); -1 when it is not there.
  double StateConsumerGauge(const std::string& name) {
    absl::StatusOr<std::string> page = http::Get(
        absl::StrCat("127.0.0.1:", service_->metrics_port()), "/metrics", 3000);
    if (!page.ok()) return -1;
    for (absl::string_view line : absl::StrSplit(*page, '\n')) {
      if (absl::StartsWith(line, name + "{") &&
          absl::StrContains(line, ".settlement.state\"")) {
        double value = -1;
        return absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &value)
                   ? value
                   : -1;
      }
    }
    return -1;
  }

  // Waits until the state consumer has read every event published so far
  // (its lag is refreshed once a second) and holds none for a retry.
  bool StateConsumerCaughtUp() {
    const absl::Time published = absl::Now();
    return lov::testing::Eventually([&] {
      return absl::Now() > published + absl::Seconds(2) &&
             StateConsumerGauge("lov_consumer_lag") == 0 &&
             StateConsumerGauge("lov_consumer_retrying") == 0;
    });
  }

  // Settlement's events keyed `key`, read as a subscriber would: up to a
  // marker the test publishes after them with the same key (so on the same
  // partition, after everything published before it), without the marker.
  std::vector<CloudEvent> SettlementEventsKeyed(const std::string& key) {
    const std::string topic = ns_ + ".lov.settlement.events.v1";
    // An old StatementPreviewed, which the state ignores (as it does any
    // written before previews became reads).
    v1::SettlementEvent marker = Envelope<v1::SettlementEvent>(key);
    marker.set_aggregate_version(0);
    marker.mutable_statement_previewed()->set_statement_id(key);
    EXPECT_TRUE(producer_->Publish(topic, ToCloudEvent(marker, "/test")).ok());
    std::vector<CloudEvent> read = lov::testing::ReadEventsUntil(
        topic, [&](const std::vector<CloudEvent>& events) {
          for (const CloudEvent& e : events) {
            if (e.id == marker.event_id()) return true;
          }
          return false;
        });
    std::vector<CloudEvent> out;
    bool marked = false;
    for (CloudEvent& e : read) {
      marked = marked || e.id == marker.event_id();
      if (e.key == key && e.id != marker.event_id()) out.push_back(e);
    }
    EXPECT_TRUE(marked) << "the marker on " << topic << " never arrived";
    return out;
  }

  // What settlement's dead-letter topic holds (read for a few seconds).
  std::vector<CloudEvent> DeadLettered() {
    return lov::testing::ReadEvents(ns_ + ".lov.settlement.dlq.v1", 1,
                                    absl::Seconds(3));
  }

  static int64_t Sum(const v1::Statement& s, v1::LineKind kind) {
    int64_t sum = 0;
    for (const auto& l : s.lines()) {
      if (l.kind() == kind) sum += l.amount_ore();
    }
    return sum;
  }

  std::string ns_;
  std::unique_ptr<lov::testing::ServiceProcess> service_;
  std::unique_ptr<v1::SettlementService::Stub> stub_;
  std::unique_ptr<EventProducer> producer_;
};

}  // namespace lov::settlement::test_support

#endif  // LOV_SERVICES_SETTLEMENT_TESTS_SETTLEMENT_TEST_SUPPORT_H_
