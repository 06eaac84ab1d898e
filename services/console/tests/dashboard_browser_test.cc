// The console and the registry binaries as processes against the real Kafka
// and Redis; a small scenario's events; the dashboard, behind sign-in with
// development issuer tokens and served over HTTPS, opened in real headless
// Chromium, checked for the scenario's numbers, and a screenshot kept as a
// test artifact (<build>/artifacts/dashboard.png). The follow-up panels
// have their own test: dashboard_followup_test.cc.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/console/tests/dashboard_test_fixture.h"
#include "lov/platform/http_server.h"
#include "lov/platform/proto_util.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/visits/v1/events.pb.h"
#include "one_answer_server.h"
#include "test_stack.h"

namespace lov::console {
namespace {

namespace cv1 = ::lov::choice::v1;
namespace vv1 = ::lov::visits::v1;
namespace sv1 = ::lov::settlement::v1;
using ::lov::testing::Eventually;
using ::lov::testing::FreePort;
using testing::kCategory;

class ConsoleDashboardTest : public testing::DashboardFixture {
 protected:
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

  json d;
  bool complete = Eventually(
      [&] {
        d = Dashboard();
        return d.is_object() && d["visits"]["rejected"] == 3 &&
               d["settlement"]["statements"].size() == 3 &&
               d["capacity"].size() == 6 && d["leaving"].size() == 1 &&
               d["pipeline"]["kafka_reachable"] == true &&
               // registry, choice, visits, settlement, followup (not run)
               d["pipeline"]["services"].size() == 5 &&
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
  // Consumer lag from Kafka, read by the console binary as its own Kafka
  // user (lov-console may describe the services' groups): its own group
  // once it has committed.
  const std::string console_group = ns_ + ".console";
  json lags;
  EXPECT_TRUE(Eventually(
      [&] {
        lags = Dashboard()["pipeline"];
        for (const json& g : lags["group_lags"]) {
          if (g["group"] == console_group) return true;
        }
        return false;
      },
      absl::Seconds(30)))
      << lags.dump(2);
  EXPECT_EQ(lags["group_lags_error"], "");

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
  // Its one pod has a row of its own: what it reaches and what it does not.
  EXPECT_NE(
      dom.find(absl::StrCat(
          "<tr class=\"pod\" data-service=\"visits\" data-pod=\"127.0.0.1:",
          visits.port(), "\">")),
      std::string::npos)
      << dom;
  EXPECT_NE(dom.find("<span class=\"dot down\"></span>not serving</td><td "
                     "colspan=\"4\" class=\"muted\">kafka reachable, redis "
                     "unreachable</td>"),
            std::string::npos)
      << dom;
  EXPECT_NE(dom.find(absl::StrCat("<tr class=\"group-lag\" data-group=\"",
                                  console_group, "\"")),
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
       {"# TYPE grpc_server_handled_total counter",
        "# TYPE grpc_server_handling_seconds histogram",
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
