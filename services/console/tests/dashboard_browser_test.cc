// The console and the registry binaries as processes against the real Kafka
// and Redis; a small scenario's events; the dashboard, behind sign-in with
// development issuer tokens and served over HTTPS, opened in real headless
// Chromium, checked for the scenario's numbers, and a screenshot kept as a
// test artifact (<build>/artifacts/dashboard.png).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/console/tests/chromium.h"
#include "lov/console/tests/dashboard_client.h"
#include "lov/followup/v1/events.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/http_server.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/visits/v1/events.pb.h"
#include "nlohmann/json.hpp"
#include "one_answer_server.h"
#include "service_process.h"
#include "test_issuer.h"
#include "test_stack.h"

namespace lov::console {
namespace {

namespace rv1 = ::lov::registry::v1;
namespace cv1 = ::lov::choice::v1;
namespace vv1 = ::lov::visits::v1;
namespace sv1 = ::lov::settlement::v1;
namespace fv1 = ::lov::followup::v1;
using Role = auth::v1::Role;
using ::lov::testing::Eventually;
using ::lov::testing::FreePort;
using ::lov::testing::ServiceProcess;
using ::lov::testing::Stack;
using ::lov::testing::TestIssuer;
using json = nlohmann::json;

constexpr char kCategory[] = "home-help-service";

using testing::ReadWholeFile;

std::string Month(absl::CivilMonth m) {
  return absl::StrFormat("%04d-%02d", m.year(), m.month());
}

class ConsoleDashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = "t" + NewUuid().substr(0, 8);
    registry_ = std::make_unique<ServiceProcess>(
        "services/registry/registry",
        std::vector<std::string>{"--namespace=" + ns_});
    ASSERT_TRUE(registry_->Start().ok()) << registry_->Log();
    stub_ = rv1::RegistryService::NewStub(registry_->Channel());
    auto producer = EventProducer::Create(Stack().kafka("console-test"));
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
    // The topics the choice, visits and settlement services would create.
    std::vector<TopicSpec> topics;
    for (const char* base :
         {"lov.choice.events.v1", "lov.visits.events.v1",
          "lov.settlement.events.v1", "lov.followup.events.v1"}) {
      topics.push_back({ns_ + "." + base, 3, 1, {}});
    }
    absl::Status created = EnsureTopics(Stack().kafka("console-test"), topics);
    ASSERT_TRUE(created.ok()) << created;
    absl::StatusOr<std::unique_ptr<TestIssuer>> issuer = TestIssuer::Make();
    ASSERT_TRUE(issuer.ok()) << issuer.status();
    issuer_ = *std::move(issuer);
  }

  // The console trusting the test's issuer only, its dashboard on
  // 127.0.0.1 over HTTPS with the service certificate.
  void StartConsole(const std::vector<std::string>& flags) {
    http_port_ = FreePort();
    std::vector<std::string> all = issuer_->ServiceFlags(ns_);
    all.push_back(absl::StrCat("--http-port=", http_port_));
    all.push_back("--http-listen-address=127.0.0.1");
    all.insert(all.end(), flags.begin(), flags.end());
    console_ =
        std::make_unique<ServiceProcess>("services/console/console", all);
    ASSERT_TRUE(console_->Start().ok()) << console_->Log();
    dashboard_ = std::make_unique<testing::DashboardClient>(
        http_port_, Stack().certs_dir + "/ca.crt");
  }

  template <typename Req, typename Resp>
  void Call(grpc::Status (rv1::RegistryService::Stub::*method)(
                grpc::ClientContext*, const Req&, Resp*),
            const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    grpc::Status s = ((*stub_).*method)(&ctx, req, resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Norrtälje with two zones; three providers approved in both; Attendo
  // capped at 10 clients in Norra; Väddö Vård leaving Norra.
  void SetUpRegistry() {
    rv1::ConfigureMunicipalityRequest configure;
    configure.set_request_id("setup-1");
    rv1::Municipality* m = configure.mutable_municipality();
    m->set_municipality_id("0188");
    m->set_name("Norrtälje");
    m->set_provider_notice_days(90);
    for (auto [id, name] :
         {std::pair{"north", "Norra"}, std::pair{"south", "Södra"}}) {
      rv1::Zone* z = m->add_zones();
      z->set_zone_id(id);
      z->set_name(name);
      z->set_area_type(rv1::AREA_TYPE_RURAL);
    }
    rv1::ServiceCategory* c = m->add_categories();
    c->set_category_id(kCategory);
    c->set_name("Hemtjänst service");
    auto* h = c->add_hours();
    h->set_start_minute(7 * 60);
    h->set_end_minute(22 * 60);
    rv1::Municipality configured;
    Call(&rv1::RegistryService::Stub::ConfigureMunicipality, configure,
         &configured);

    int n = 0;
    for (auto [org, name] : {std::pair{"556554-1645", "Attendo Sverige AB"},
                             std::pair{"556760-1785", "Tiohundra AB"},
                             std::pair{"559012-3450", "Väddö Vård AB"}}) {
      ++n;
      rv1::RegisterProviderRequest reg;
      reg.set_request_id(absl::StrCat("reg-", n));
      reg.set_organisation_number(org);
      reg.set_name(name);
      reg.set_kind(rv1::PROVIDER_KIND_PRIVATE);
      rv1::Provider p;
      Call(&rv1::RegistryService::Stub::RegisterProvider, reg, &p);
      provider_ids_.push_back(p.provider_id());
      rv1::SubmitApplicationRequest apply;
      apply.set_request_id(absl::StrCat("apply-", n));
      apply.set_provider_id(p.provider_id());
      apply.add_zone_ids("north");
      apply.add_zone_ids("south");
      apply.add_category_ids(kCategory);
      Call(&rv1::RegistryService::Stub::SubmitApplication, apply, &p);
      rv1::DecideApplicationRequest decide;
      decide.set_request_id(absl::StrCat("decide-", n));
      decide.set_provider_id(p.provider_id());
      decide.set_application_id(p.applications(0).application_id());
      decide.set_approve(true);
      decide.set_effective_date("2025-01-01");
      Call(&rv1::RegistryService::Stub::DecideApplication, decide, &p);
    }
    rv1::SetCapacityRequest cap;
    cap.set_request_id("cap-1");
    cap.set_provider_id(provider_ids_[0]);
    cap.set_zone_id("north");
    cap.set_max_clients(10);
    rv1::Provider p;
    Call(&rv1::RegistryService::Stub::SetCapacity, cap, &p);
    rv1::GiveNoticeRequest notice;
    notice.set_request_id("notice-1");
    notice.set_provider_id(provider_ids_[2]);
    notice.set_zone_id("north");
    notice.set_effective_date(leaving_date_);
    notice.set_reason("too few clients in the zone");
    Call(&rv1::RegistryService::Stub::GiveNotice, notice, &p);
  }

  template <typename Event>
  void Publish(const std::string& base, Event event,
               const std::string& source) {
    event.set_event_id(NewUuid());
    *event.mutable_occurred_at() = ToProtoTime(absl::Now());
    if (event.aggregate_id().empty()) event.set_aggregate_id("scenario");
    absl::Status s =
        producer_->Publish(ns_ + "." + base, ToCloudEvent(event, source));
    ASSERT_TRUE(s.ok()) << s;
  }

  // Choice: Norra has one selectable provider, Södra two; three clients
  // chose, one was allocated (non-choice), one re-chose away from the
  // leaving provider; two re-choice cases, one of them closed.
  void PublishChoice() {
    const char* topic = "lov.choice.events.v1";
    for (auto [zone, selectable] :
         {std::pair{"north", 1}, std::pair{"south", 2}}) {
      cv1::ChoiceEvent e;
      e.set_aggregate_id("zone-health");
      auto* h = e.mutable_zone_health();
      h->set_zone_id(zone);
      h->set_category_id(kCategory);
      h->set_selectable_providers(selectable);
      h->set_no_real_choice(selectable < 2);
      Publish(topic, e, "/lov/choice");
    }
    struct Start {
      const char* client;
      int provider;
      const char* zone;
      cv1::AssignmentReason reason;
    };
    int n = 0;
    for (Start s :
         {Start{"c1", 0, "north", cv1::ASSIGNMENT_REASON_CHOSEN},
          Start{"c2", 0, "north", cv1::ASSIGNMENT_REASON_CHOSEN},
          Start{"c3", 1, "south", cv1::ASSIGNMENT_REASON_CHOSEN},
          Start{"c4", 2, "north", cv1::ASSIGNMENT_REASON_NON_CHOICE},
          Start{"c5", 0, "north", cv1::ASSIGNMENT_REASON_RE_CHOSEN}}) {
      cv1::ChoiceEvent d;
      d.set_aggregate_id(s.client);
      d.mutable_decision_registered()->set_client_id(s.client);
      auto* g =
          d.mutable_decision_registered()->mutable_decision()->add_categories();
      g->set_category_id(kCategory);
      g->set_minutes_per_month(600);
      Publish(topic, d, "/lov/choice");
      cv1::ChoiceEvent e;
      e.set_aggregate_id(s.client);
      auto* a = e.mutable_assignment_started()->mutable_assignment();
      a->set_assignment_id(absl::StrCat("as-", ++n));
      a->set_client_id(s.client);
      a->set_provider_id(provider_ids_[s.provider]);
      a->set_zone_id(s.zone);
      a->add_category_ids(kCategory);
      a->set_valid_from("2025-06-01");
      a->set_reason(s.reason);
      Publish(topic, e, "/lov/choice");
    }
    for (auto [client, id] :
         {std::pair{"c4", "case-1"}, std::pair{"c5", "case-2"}}) {
      cv1::ChoiceEvent e;
      e.set_aggregate_id(client);
      auto* o = e.mutable_rechoice_case_opened();
      o->set_client_id(client);
      o->set_case_id(id);
      o->set_provider_id(provider_ids_[2]);
      o->set_zone_id("north");
      o->set_deadline(deadline_);
      o->set_effective_date(leaving_date_);
      Publish(topic, e, "/lov/choice");
    }
    cv1::ChoiceEvent closed;
    closed.set_aggregate_id("c5");
    closed.mutable_rechoice_case_closed()->set_client_id("c5");
    closed.mutable_rechoice_case_closed()->set_case_id("case-2");
    closed.mutable_rechoice_case_closed()->set_outcome("re-chosen");
    Publish(topic, closed, "/lov/choice");
  }

  // Visits: three accepted for Attendo (60 + 45 + 30 minutes, one outside
  // hours), three rejected (two without an assignment, one duplicate).
  void PublishVisits() {
    const char* topic = "lov.visits.events.v1";
    absl::Time start = absl::Now() - absl::Hours(1);
    int n = 0;
    for (int minutes : {60, 45, 30}) {
      vv1::VisitEvent e;
      auto* v = e.mutable_visit_accepted()->mutable_visit();
      v->set_visit_id(absl::StrCat(provider_ids_[0], "/r", ++n));
      e.set_aggregate_id(v->visit_id());
      v->set_provider_id(provider_ids_[0]);
      v->set_client_id("c1");
      v->set_category_id(kCategory);
      v->set_status(vv1::VISIT_STATUS_PERFORMED);
      *v->mutable_start() = ToProtoTime(start);
      *v->mutable_end() = ToProtoTime(start + absl::Minutes(minutes));
      if (minutes == 30) {
        e.mutable_visit_accepted()->add_exceptions()->set_code("OUTSIDE_HOURS");
      }
      Publish(topic, e, "/lov/visits");
    }
    for (const char* reason :
         {"NO_ACTIVE_ASSIGNMENT", "NO_ACTIVE_ASSIGNMENT", "DUPLICATE_REPORT"}) {
      vv1::VisitEvent e;
      e.set_aggregate_id(absl::StrCat(provider_ids_[1], "/x", ++n));
      e.mutable_visit_rejected()->set_provider_id(provider_ids_[1]);
      e.mutable_visit_rejected()->set_reason_code(reason);
      Publish(topic, e, "/lov/visits");
    }
  }

  // Settlement: Attendo's statement for last month approved at
  // 48 512,50 kr, against 40 000,00 kr the same month a year earlier
  // (+21,3 %); Tiohundra's previewed at 12 345,67 kr.
  void PublishSettlement() {
    const char* topic = "lov.settlement.events.v1";
    for (auto [period, ore] : {std::pair{year_before_period_, int64_t{4000000}},
                               std::pair{last_period_, int64_t{4851250}}}) {
      sv1::SettlementEvent e;
      e.set_aggregate_id(absl::StrCat(provider_ids_[0], "/", period));
      auto* a = e.mutable_statement_approved();
      a->set_statement_id(e.aggregate_id());
      a->set_provider_id(provider_ids_[0]);
      a->set_period(period);
      a->set_total_ore(ore);
      Publish(topic, e, "/lov/settlement");
    }
    sv1::SettlementEvent e;
    e.set_aggregate_id(absl::StrCat(provider_ids_[1], "/", last_period_));
    auto* p = e.mutable_statement_previewed();
    p->set_provider_id(provider_ids_[1]);
    p->set_period(last_period_);
    p->set_total_ore(1234567);
    Publish(topic, e, "/lov/settlement");
  }

  // Follow-up: Attendo has a complaint past its reply date (due yesterday)
  // and one due today (not yet overdue), and a finding whose action plan
  // was due yesterday; Tiohundra a serious lex Sarah report not at IVO
  // (due yesterday). Continuity as the follow-up service published it:
  // Attendo median 7.5 staff over 12 clients, Tiohundra 11 over 9.
  void PublishFollowup() {
    const char* topic = "lov.followup.events.v1";
    const std::string yesterday = FormatDate(today_ - 1);
    for (auto [id, due] : {std::pair{"cmp-1", yesterday},
                           std::pair{"cmp-2", FormatDate(today_)}}) {
      fv1::FollowupEvent e;
      e.set_aggregate_id(id);
      fv1::Complaint* c = e.mutable_complaint_registered()->mutable_complaint();
      c->set_complaint_id(id);
      c->set_client_id("c1");
      c->set_provider_id(provider_ids_[0]);
      c->set_reply_due_date(due);
      c->set_status(fv1::COMPLAINT_STATUS_RECEIVED);
      c->set_version(1);
      Publish(topic, e, "/lov/followup");
    }
    fv1::FollowupEvent dev;
    dev.set_aggregate_id("dev-1");
    fv1::Deviation* d = dev.mutable_deviation_reported()->mutable_deviation();
    d->set_deviation_id("dev-1");
    d->set_provider_id(provider_ids_[1]);
    d->set_kind(fv1::DEVIATION_KIND_LEX_SARAH);
    d->set_severity(fv1::SEVERITY_SERIOUS);
    d->set_ivo_due_date(yesterday);
    d->set_version(1);
    Publish(topic, dev, "/lov/followup");
    fv1::FollowupEvent done;
    done.set_aggregate_id("fu-1");
    fv1::FollowUp* f = done.mutable_follow_up_completed()->mutable_follow_up();
    f->set_follow_up_id("fu-1");
    f->set_provider_id(provider_ids_[0]);
    f->set_status(fv1::FOLLOW_UP_STATUS_DONE);
    f->set_version(2);
    fv1::Finding* finding = f->add_findings();
    finding->set_finding_id("fu-1/f1");
    finding->set_requires_action_plan(true);
    finding->set_action_plan_due_date(yesterday);
    Publish(topic, done, "/lov/followup");
    for (auto [k, clients, median] :
         {std::tuple{0, 12, 7.5}, std::tuple{1, 9, 11.0}}) {
      fv1::FollowupEvent e;
      e.set_aggregate_id("ind-" + provider_ids_[k]);
      fv1::ProviderIndicators* i =
          e.mutable_provider_indicators_published()->mutable_indicators();
      i->set_provider_id(provider_ids_[k]);
      i->set_as_of(FormatDate(today_));
      i->set_continuity_from_date(FormatDate(today_ - 14));
      i->set_continuity_clients(clients);
      i->set_median_staff(median);
      Publish(topic, e, "/lov/followup");
    }
  }

  // The snapshot, signed in as an operator.
  json Dashboard() {
    if (dashboard_->cookie().empty()) {
      dashboard_->SignIn(issuer_->Token(auth::v1::ROLE_OPERATOR)).IgnoreError();
    }
    absl::StatusOr<http::ClientResponse> r = dashboard_->Get("/api/dashboard");
    if (!r.ok() || r->status != 200) return json();
    return json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  }

  // Runs headless Chromium on the dashboard, signed in with a token of
  // `role` through the sign-in form (none: not signed in); returns its
  // stdout.
  std::string Chromium(const std::string& mode, const std::string& out,
                       std::optional<Role> role = auth::v1::ROLE_OPERATOR) {
    const std::string dashboard =
        absl::StrCat("https://127.0.0.1:", http_port_, "/");
    testing::SignInRelay relay(
        http_port_, role.has_value() ? issuer_->Token(*role) : "",
        Stack().certs_dir + "/server.crt", Stack().certs_dir + "/server.key");
    EXPECT_TRUE(relay.started().ok()) << relay.started();
    int rc = testing::RunChromium(role.has_value() ? relay.url() : dashboard,
                                  mode, out);
    EXPECT_EQ(rc, 0) << ReadWholeFile(out + ".log");
    return ReadWholeFile(out);
  }

  std::string ns_;
  std::unique_ptr<ServiceProcess> registry_;
  std::unique_ptr<ServiceProcess> console_;
  std::unique_ptr<rv1::RegistryService::Stub> stub_;
  std::unique_ptr<EventProducer> producer_;
  std::unique_ptr<TestIssuer> issuer_;
  std::unique_ptr<testing::DashboardClient> dashboard_;
  std::vector<std::string> provider_ids_;
  int http_port_ = 0;
  const absl::CivilDay today_ = StockholmDate(absl::Now());
  const std::string leaving_date_ = FormatDate(today_ + 120);
  const std::string deadline_ = FormatDate(today_ + 90);
  const std::string last_period_ = Month(absl::CivilMonth(today_) - 1);
  const std::string year_before_period_ = Month(absl::CivilMonth(today_) - 13);
};

TEST_F(ConsoleDashboardTest, ShowsTheScenarioLiveInARealBrowser) {
  SetUpRegistry();
  PublishChoice();
  // Visits, as its /metrics reads while it cannot reach its Redis.
  const std::string visits_metrics =
      "lov_serving{service=\"visits\"} 0\n"
      "lov_dependency_up{dependency=\"kafka\",service=\"visits\"} 1\n"
      "lov_dependency_up{dependency=\"redis\",service=\"visits\"} 0\n";
  ::lov::testing::OneAnswerServer visits(absl::StrCat(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ",
      visits_metrics.size(), "\r\nConnection: close\r\n\r\n", visits_metrics));
  // Started after part of the scenario (rebuilt by replay) and before the
  // rest (arrives live through the consumer group).
  StartConsole(
      {absl::StrCat("--registry-metrics=127.0.0.1:", registry_->metrics_port()),
       absl::StrCat("--choice-metrics=127.0.0.1:", FreePort()),
       absl::StrCat("--visits-metrics=127.0.0.1:", visits.port()),
       absl::StrCat("--settlement-metrics=127.0.0.1:", FreePort()),
       "--health-interval-seconds=1"});
  PublishVisits();
  PublishSettlement();
  PublishFollowup();

  json d;
  bool complete = Eventually(
      [&] {
        d = Dashboard();
        return d.is_object() && d["visits"]["rejected"] == 3 &&
               d["settlement"]["statements"].size() == 3 &&
               d["capacity"].size() == 6 && d["leaving"].size() == 1 &&
               d["pipeline"]["kafka_reachable"] == true &&
               d["pipeline"]["services"].size() == 4 &&
               d["followup"]["continuity"].size() == 2 &&
               d["pipeline"]["services"][0]["serving"] == true;
      },
      absl::Seconds(90));
  ASSERT_TRUE(complete) << d.dump(2) << "\n" << console_->Log();

  // The numbers, as the JSON the page draws from.
  EXPECT_EQ(d["municipality"], "Norrtälje");
  EXPECT_EQ(d["no_real_choice_count"], 1);
  EXPECT_EQ(d["choice"]["chosen"], 3);
  EXPECT_EQ(d["choice"]["non_choice"], 1);
  EXPECT_EQ(d["choice"]["re_chosen"], 1);
  EXPECT_EQ(d["leaving"][0]["provider"], "Väddö Vård AB");
  EXPECT_EQ(d["leaving"][0]["cases"], 2);
  EXPECT_EQ(d["leaving"][0]["closed"], 1);
  EXPECT_EQ(d["leaving"][0]["days_left"], 120);
  EXPECT_EQ(d["visits"]["accepted"], 3);
  EXPECT_EQ(d["visits"]["accepted_with_exceptions"], 1);
  EXPECT_EQ(d["pipeline"]["services"][1]["up"], false);  // choice: not run
  EXPECT_EQ(d["pipeline"]["redis_reachable"], true);
  EXPECT_EQ(d["pipeline"]["services"][2]["up"], true);
  EXPECT_EQ(d["pipeline"]["services"][2]["serving"], false);
  EXPECT_EQ(d["pipeline"]["services"][2]["dependencies_down"],
            json::array({"redis"}));
  EXPECT_EQ(d["followup"]["complaints_overdue"], 1);
  EXPECT_EQ(d["followup"]["ivo_reports_overdue"], 1);
  EXPECT_EQ(d["followup"]["action_plans_overdue"], 1);
  // No client id on the dashboard.
  EXPECT_EQ(d["followup"].dump().find("\"c1\""), std::string::npos);

  // The page in a real browser: the key panels show the scenario.
  std::filesystem::path artifacts =
      std::filesystem::path(LOV_BINARY_DIR) / "artifacts";
  std::filesystem::create_directories(artifacts);
  std::string dom =
      Chromium("--dump-dom", (artifacts / "dashboard.dom.html").string());
  // Zones: Norra in red (no real choice, 1 provider), Södra fine (2).
  EXPECT_NE(dom.find(absl::StrCat("id=\"zc-north-", kCategory,
                                  "\" class=\"cell no-choice\"")),
            std::string::npos)
      << dom;
  EXPECT_NE(dom.find(absl::StrCat("id=\"zc-south-", kCategory,
                                  "\" class=\"cell ok\"")),
            std::string::npos);
  EXPECT_NE(dom.find("No real choice in Norra (Hemtjänst service): 1 "
                     "selectable provider(s)"),
            std::string::npos);
  EXPECT_NE(dom.find("3 choices / 1 non-choice"), std::string::npos);
  // Capacity: Attendo serves c1, c2 and c5 in Norra, capped at 10.
  EXPECT_TRUE(std::regex_search(
      dom, std::regex("Attendo Sverige AB</td><td>Norra</td><td class=\"num\">"
                      "3 / 10<")));
  // Leaving provider: one of two clients done.
  EXPECT_NE(dom.find("1 of 2 done"), std::string::npos);
  EXPECT_NE(dom.find(deadline_), std::string::npos);
  // Visits: rejection reasons with counts, the exception.
  EXPECT_NE(dom.find("<td>NO_ACTIVE_ASSIGNMENT</td><td class=\"num\">2</td>"),
            std::string::npos);
  EXPECT_NE(dom.find("<td>DUPLICATE_REPORT</td><td class=\"num\">1</td>"),
            std::string::npos);
  EXPECT_NE(dom.find("<td>OUTSIDE_HOURS</td><td class=\"num\">1</td>"),
            std::string::npos);
  // Performed 2.25 h against 3 clients x 10 h granted for Attendo.
  EXPECT_NE(dom.find("Attendo Sverige AB</td><td class=\"num\">2,3 h</td>"
                     "<td class=\"num\">30,0 h</td>"),
            std::string::npos);
  // Settlement: the approved amount in kronor, a year earlier, the change.
  EXPECT_NE(dom.find(absl::StrCat(
                last_period_,
                "</td><td><span class=\"badge approved\">approved</span></td>"
                "<td class=\"num\">48 512,50 kr</td><td class=\"num\">"
                "40 000,00 kr</td><td class=\"num\">+21,3 %</td>")),
            std::string::npos);
  EXPECT_NE(dom.find("<span class=\"badge previewed\">previewed</span></td>"
                     "<td class=\"num\">12 345,67 kr</td>"),
            std::string::npos);
  // Follow-up: the overdue counts, per provider, the late finding to name
  // in a sanction, and continuity per provider.
  EXPECT_NE(dom.find("id=\"fu-complaints-overdue\">1<"), std::string::npos)
      << dom;
  EXPECT_NE(dom.find("id=\"fu-ivo-overdue\">1<"), std::string::npos);
  EXPECT_NE(dom.find("id=\"fu-plans-overdue\">1<"), std::string::npos);
  EXPECT_NE(dom.find("Attendo Sverige AB</td><td class=\"num\">1</td>"
                     "<td class=\"num\">0</td><td class=\"num\">1</td>"),
            std::string::npos);
  EXPECT_NE(dom.find("Tiohundra AB</td><td class=\"num\">0</td>"
                     "<td class=\"num\">1</td><td class=\"num\">0</td>"),
            std::string::npos);
  EXPECT_NE(dom.find("fu-1/f1"), std::string::npos);
  EXPECT_NE(dom.find("Attendo Sverige AB</td><td class=\"num\">7,5</td>"
                     "<td class=\"num\">12</td>"),
            std::string::npos);
  EXPECT_NE(dom.find("Tiohundra AB</td><td class=\"num\">11,0</td>"
                     "<td class=\"num\">9</td>"),
            std::string::npos);
  // Pipeline: Kafka and Redis reachable, the registry serving, choice down.
  EXPECT_NE(dom.find("Kafka reachable"), std::string::npos);
  EXPECT_NE(dom.find("Redis reachable"), std::string::npos);
  EXPECT_TRUE(std::regex_search(
      dom, std::regex("data-service=\"registry\"><td[^>]*><b>registry</b>.*?"
                      "<span class=\"dot up\"></span>serving")));
  EXPECT_TRUE(std::regex_search(
      dom, std::regex("data-service=\"choice\"><td[^>]*><b>choice</b>.*?"
                      "<span class=\"dot down\"></span>down")));
  // Visits answers but cannot reach its Redis: the row and a banner say so.
  EXPECT_TRUE(std::regex_search(
      dom, std::regex("data-service=\"visits\"><td[^>]*><b>visits</b>.*?"
                      "<span class=\"dot down\"></span>not serving \\(redis "
                      "unreachable\\)")))
      << dom;
  EXPECT_NE(dom.find("<div class=\"alert\">Service visits is not serving "
                     "(redis unreachable)</div>"),
            std::string::npos);

  Chromium(
      absl::StrCat("--screenshot=", (artifacts / "dashboard.png").string()),
      (artifacts / "chromium-screenshot.out").string());
  EXPECT_TRUE(std::filesystem::exists(artifacts / "dashboard.png"));
  EXPECT_GT(std::filesystem::file_size(artifacts / "dashboard.png"), 10000u);
}

// Without a session every page and the JSON answer with the sign-in form
// (401); a token in another role gets 403 naming the rule, a bad one 401
// with the reason; after sign-out the session is gone.
TEST_F(ConsoleDashboardTest, TheDashboardIsBehindSignIn) {
  StartConsole({});
  absl::StatusOr<http::ClientResponse> page = dashboard_->Get("/");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->status, 401);
  EXPECT_NE(page->body.find("<form method=\"post\" action=\"/login\""),
            std::string::npos)
      << page->body;
  EXPECT_EQ(dashboard_->Get("/api/dashboard")->status, 401);

  absl::StatusOr<http::ClientResponse> finance =
      dashboard_->SignIn(issuer_->Token(auth::v1::ROLE_FINANCE));
  ASSERT_TRUE(finance.ok()) << finance.status();
  EXPECT_EQ(finance->status, 403);
  EXPECT_NE(finance->body.find("the dashboard is for the roles operator, "
                               "registry_officer; this sign-in is in the "
                               "role finance"),
            std::string::npos)
      << finance->body;
  absl::StatusOr<http::ClientResponse> forged = dashboard_->SignIn("a.b.c");
  EXPECT_EQ(forged->status, 401);
  EXPECT_NE(forged->body.find("bearer token refused"), std::string::npos)
      << forged->body;
  EXPECT_TRUE(dashboard_->cookie().empty());

  const std::string token = issuer_->Token(auth::v1::ROLE_OPERATOR);
  absl::StatusOr<http::ClientResponse> signed_in = dashboard_->SignIn(token);
  EXPECT_EQ(signed_in->status, 303);
  EXPECT_NE(signed_in->headers["set-cookie"].find(
                "; Path=/; HttpOnly; SameSite=Strict; Secure"),
            std::string::npos);
  EXPECT_EQ(dashboard_->Get("/api/dashboard")->status, 200);
  EXPECT_EQ(dashboard_->Get("/")->status, 200);
  // The sign-in attempts are logged, never the token.
  const std::string log = console_->Log();
  EXPECT_NE(log.find("\"outcome\":\"signed in\""), std::string::npos);
  EXPECT_NE(log.find("this sign-in is in the role finance"), std::string::npos);
  EXPECT_EQ(log.find(token.substr(token.rfind('.'))), std::string::npos);

  // A browser without a session sees the sign-in form, not the dashboard.
  std::filesystem::path artifacts =
      std::filesystem::path(LOV_BINARY_DIR) / "artifacts";
  std::filesystem::create_directories(artifacts);
  std::string dom = Chromium(
      "--dump-dom", (artifacts / "dashboard-signed-out.dom.html").string(),
      std::nullopt);
  EXPECT_NE(dom.find("id=\"sign-in\""), std::string::npos) << dom;
  EXPECT_EQ(dom.find("panel-zones"), std::string::npos);
  // Nor does one signed in in a role the dashboard is not for.
  dom = Chromium("--dump-dom",
                 (artifacts / "dashboard-finance.dom.html").string(),
                 auth::v1::ROLE_FINANCE);
  EXPECT_NE(dom.find("Not for this role"), std::string::npos) << dom;
  EXPECT_EQ(dom.find("panel-zones"), std::string::npos);
}

// Every service's /metrics answers in the Prometheus text format, with the
// console's market gauges and the platform's produce and Redis metrics.
TEST_F(ConsoleDashboardTest, MetricsInPrometheusTextFormat) {
  SetUpRegistry();
  PublishChoice();
  StartConsole({});
  std::string console_metrics;
  ASSERT_TRUE(Eventually([&] {
    absl::StatusOr<std::string> m = http::Get(
        absl::StrCat("127.0.0.1:", console_->metrics_port()), "/metrics", 3000);
    console_metrics = m.ok() ? *m : "";
    return console_metrics.find("lov_zone_selectable_providers") !=
           std::string::npos;
  })) << console_metrics;
  EXPECT_NE(console_metrics.find(
                absl::StrCat("lov_zone_selectable_providers{category=\"",
                             kCategory, "\",zone=\"north\"} 1\n")),
            std::string::npos)
      << console_metrics;
  EXPECT_NE(console_metrics.find("# TYPE lov_consumer_lag gauge"),
            std::string::npos);
  absl::StatusOr<std::string> registry_metrics = http::Get(
      absl::StrCat("127.0.0.1:", registry_->metrics_port()), "/metrics", 3000);
  ASSERT_TRUE(registry_metrics.ok()) << registry_metrics.status();
  for (const char* family :
       {"# TYPE lov_grpc_requests_total counter",
        "# TYPE lov_grpc_request_duration_seconds histogram",
        "# TYPE lov_events_produced_total counter",
        "# TYPE lov_redis_command_duration_seconds histogram"}) {
    EXPECT_NE(registry_metrics->find(family), std::string::npos) << family;
  }
  EXPECT_NE(
      registry_metrics->find(absl::StrCat("lov_events_produced_total{topic=\"",
                                          ns_, ".lov.registry.events.v1\"} ")),
      std::string::npos);
  // Every sample line is "name{labels} value".
  std::istringstream lines(*registry_metrics + console_metrics);
  std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+0-9.eInf]+$)");
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << line;
  }
}

}  // namespace
}  // namespace lov::console
