#ifndef LOV_SERVICES_CONSOLE_TESTS_DASHBOARD_TEST_FIXTURE_H_
#define LOV_SERVICES_CONSOLE_TESTS_DASHBOARD_TEST_FIXTURE_H_

// The fixture of the dashboard's browser tests (dashboard_browser_test.cc,
// dashboard_followup_test.cc): the registry binary as a process in a
// namespace of the test's own against the real Kafka and Redis, set up as
// a small municipality; the topics of the services the scenario's events
// stand in for; the console trusting the test's issuer, its dashboard
// over HTTPS; the snapshot as JSON and the page in real headless Chromium.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/console/tests/chromium.h"
#include "lov/console/tests/dashboard_client.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/http_server.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "service_process.h"
#include "test_issuer.h"
#include "test_stack.h"

namespace lov::console::testing {

namespace rv1 = ::lov::registry::v1;

// The one service category of the scenario.
inline constexpr char kCategory[] = "home-help-service";

// "YYYY-MM" of `m`.
inline std::string Month(absl::CivilMonth m) {
  return absl::StrFormat("%04d-%02d", m.year(), m.month());
}

class DashboardFixture : public ::testing::Test {
 protected:
  using Role = auth::v1::Role;
  using json = nlohmann::json;
  using ServiceProcess = ::lov::testing::ServiceProcess;
  using TestIssuer = ::lov::testing::TestIssuer;

 protected:
  void SetUp() override {
    ns_ = "t" + NewUuid().substr(0, 8);
    registry_ = std::make_unique<ServiceProcess>(
        "services/registry/registry",
        std::vector<std::string>{"--namespace=" + ns_});
    ASSERT_TRUE(registry_->Start().ok()) << registry_->Log();
    stub_ = rv1::RegistryService::NewStub(registry_->Channel());
    auto producer =
        EventProducer::Create(::lov::testing::Stack().kafka("console-test"));
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
    // The topics the choice, visits and settlement services would create.
    std::vector<TopicSpec> topics;
    for (const char* base :
         {"lov.choice.events.v1", "lov.visits.events.v1",
          "lov.settlement.events.v1", "lov.followup.events.v1"}) {
      topics.push_back({ns_ + "." + base, 3, 1, {}});
    }
    absl::Status created =
        EnsureTopics(::lov::testing::Stack().kafka("console-test"), topics);
    ASSERT_TRUE(created.ok()) << created;
    absl::StatusOr<std::unique_ptr<TestIssuer>> issuer = TestIssuer::Make();
    ASSERT_TRUE(issuer.ok()) << issuer.status();
    issuer_ = *std::move(issuer);
  }

  // The console trusting the test's issuer only, its dashboard on
  // 127.0.0.1 over HTTPS with the service certificate.
  void StartConsole(const std::vector<std::string>& flags) {
    http_port_ = ::lov::testing::FreePort();
    std::vector<std::string> all = issuer_->ServiceFlags(ns_);
    all.push_back(absl::StrCat("--http-port=", http_port_));
    all.push_back("--http-listen-address=127.0.0.1");
    all.insert(all.end(), flags.begin(), flags.end());
    console_ =
        std::make_unique<ServiceProcess>("services/console/console", all);
    ASSERT_TRUE(console_->Start().ok()) << console_->Log();
    dashboard_ = std::make_unique<DashboardClient>(
        http_port_, ::lov::testing::Stack().certs_dir + "/ca.crt");
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
    SignInRelay relay(http_port_, role.has_value() ? issuer_->Token(*role) : "",
                      ::lov::testing::Stack().certs_dir + "/server.crt",
                      ::lov::testing::Stack().certs_dir + "/server.key");
    EXPECT_TRUE(relay.started().ok()) << relay.started();
    int rc = RunChromium(role.has_value() ? relay.url() : dashboard, mode, out);
    EXPECT_EQ(rc, 0) << ReadWholeFile(out + ".log");
    return ReadWholeFile(out);
  }

  std::string ns_;
  std::unique_ptr<ServiceProcess> registry_;
  std::unique_ptr<ServiceProcess> console_;
  std::unique_ptr<rv1::RegistryService::Stub> stub_;
  std::unique_ptr<EventProducer> producer_;
  std::unique_ptr<TestIssuer> issuer_;
  std::unique_ptr<DashboardClient> dashboard_;
  std::vector<std::string> provider_ids_;
  int http_port_ = 0;
  const absl::CivilDay today_ = StockholmDate(absl::Now());
  const std::string leaving_date_ = FormatDate(today_ + 120);
  const std::string deadline_ = FormatDate(today_ + 90);
  const std::string last_period_ = Month(absl::CivilMonth(today_) - 1);
  const std::string year_before_period_ = Month(absl::CivilMonth(today_) - 13);
};

}  // namespace lov::console::testing

#endif  // LOV_SERVICES_CONSOLE_TESTS_DASHBOARD_TEST_FIXTURE_H_
