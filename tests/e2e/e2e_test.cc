// End to end: the four services as processes on the real Kafka and Redis, a
// small municipality driven through their gRPC APIs, the events read back as
// an outside subscriber would, and the settlement checked against amounts
// worked out by hand below.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"
#include "lov/visits/v1/events.pb.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "service_process.h"
#include "test_sign_in.h"
#include "test_stack.h"

namespace lov {
namespace {

namespace reg = ::lov::registry::v1;
namespace cho = ::lov::choice::v1;
namespace vis = ::lov::visits::v1;
namespace stl = ::lov::settlement::v1;
using ::lov::testing::Eventually;
using ::lov::testing::ReadEvents;
using ::lov::testing::ReadEventsUntil;
using ::lov::testing::ServiceProcess;

constexpr char kPrivate[] = "prv-5565541645";  // Attendo (private)
constexpr char kInHouse[] = "prv-2120000209";  // the municipality's own unit

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return c;
}

google::protobuf::Timestamp At(int y, int m, int d, int hh, int mm) {
  return ToProtoTime(FromStockholm(absl::CivilSecond(y, m, d, hh, mm, 0)));
}

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = "e" + NewUuid().substr(0, 8);
    for (const char* s : {"registry", "choice", "visits", "settlement"}) {
      std::vector<std::string> flags = {"--namespace=" + ns_};
      // Settlement's per-visit lines are at debug level (the trace test).
      if (std::string(s) == "settlement") flags.push_back("--log-level=debug");
      auto p = std::make_unique<ServiceProcess>(
          absl::StrCat("services/", s, "/", s), flags);
      ASSERT_TRUE(p->Start().ok()) << s << ": " << p->Log();
      services_[s] = std::move(p);
    }
    auto channel = [&](const char* s) { return services_[s]->Channel(); };
    registry_ = reg::RegistryService::NewStub(channel("registry"));
    choice_ = cho::ChoiceService::NewStub(channel("choice"));
    visits_ = vis::VisitsService::NewStub(channel("visits"));
    settlement_ = stl::SettlementService::NewStub(channel("settlement"));
  }

  std::string Topic(const std::string& base) { return ns_ + "." + base; }

  void SetUpRegistry() {
    for (auto [org, name, kind] :
         {std::tuple{"556554-1645", "Attendo Sverige AB",
                     reg::PROVIDER_KIND_PRIVATE},
          std::tuple{"212000-0209", "Testby kommun egen regi",
                     reg::PROVIDER_KIND_IN_HOUSE}}) {
      reg::RegisterProviderRequest r;
      r.set_request_id(absl::StrCat("reg-", org));
      r.set_organisation_number(org);
      r.set_name(name);
      r.set_kind(kind);
      reg::Provider p;
      ASSERT_TRUE(registry_->RegisterProvider(Ctx().get(), r, &p).ok());
    }
    reg::ConfigureMunicipalityRequest setup;
    setup.set_request_id("setup");
    auto* m = setup.mutable_municipality();
    m->set_municipality_id("0999");
    m->set_name("Testby");
    m->set_provider_notice_days(30);
    m->set_in_house_provider_id(kInHouse);
    for (auto [id, area] : {std::pair{"centrum", reg::AREA_TYPE_URBAN},
                            std::pair{"skog", reg::AREA_TYPE_RURAL}}) {
      auto* z = m->add_zones();
      z->set_zone_id(id);
      z->set_name(id);
      z->set_area_type(area);
    }
    auto* c = m->add_categories();
    c->set_category_id("home-help-service");
    c->set_name("Hemtjänst service");
    c->add_hours()->set_start_minute(7 * 60);
    c->mutable_hours(0)->set_end_minute(22 * 60);
    reg::Municipality out;
    grpc::Status s = registry_->ConfigureMunicipality(Ctx().get(), setup, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const char* id : {kPrivate, kInHouse}) {
      reg::SubmitApplicationRequest a;
      a.set_request_id(absl::StrCat("apply-", id));
      a.set_provider_id(id);
      a.add_zone_ids("centrum");
      a.add_zone_ids("skog");
      a.add_category_ids("home-help-service");
      reg::Provider p;
      ASSERT_TRUE(registry_->SubmitApplication(Ctx().get(), a, &p).ok());
      reg::DecideApplicationRequest d;
      d.set_request_id(absl::StrCat("approve-", id));
      d.set_provider_id(id);
      d.set_application_id("app-1");
      d.set_approve(true);
      d.set_effective_date("2024-01-01");
      s = registry_->DecideApplication(Ctx().get(), d, &p);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
  }

  // The choice policy (in-house allocation, 14 days' notice), then waits
  // until the choice service has both providers from the registry's events.
  void ConfigureChoicePolicy() {
    cho::ConfigurePolicyRequest policy;
    policy.set_request_id("policy");
    policy.mutable_policy()->set_allocation_policy(
        cho::ALLOCATION_POLICY_IN_HOUSE);
    policy.mutable_policy()->set_rechoice_timing(
        cho::RECHOICE_TIMING_NOTICE_DAYS);
    policy.mutable_policy()->set_rechoice_notice_days(14);
    policy.mutable_policy()->set_one_provider_for_all_categories(true);
    policy.mutable_policy()->set_rechoice_deadline_lead_days(7);
    cho::ChoicePolicy policy_out;
    grpc::Status s = choice_->ConfigurePolicy(Ctx().get(), policy, &policy_out);
    ASSERT_TRUE(s.ok()) << s.error_message();
    // The choice service follows the registry's events.
    ASSERT_TRUE(Eventually([&] {
      cho::GetZoneHealthRequest q;
      q.set_as_of("2025-01-01");
      cho::GetZoneHealthResponse r;
      if (!choice_->GetZoneHealth(Ctx().get(), q, &r).ok()) return false;
      for (const auto& z : r.zones()) {
        if (z.selectable_providers() == 2) return true;
      }
      return false;
    }));
  }

  // Rates from 2024: home help 450 kr/h private, 420 kr/h in-house by day,
  // rural areas +5 %, VAT 25 % on home help (service).
  void AddRates() {
    stl::AddRateTableRequest t;
    auto* table = t.mutable_table();
    table->set_effective_date("2024-01-01");
    table->mutable_bands()->set_day_start_minute(7 * 60);
    table->mutable_bands()->set_evening_start_minute(19 * 60);
    table->mutable_bands()->set_night_start_minute(22 * 60);
    auto* cat = table->add_categories();
    cat->set_category_id("home-help-service");
    cat->set_model(stl::PAYMENT_MODEL_PERFORMED_HOURS);
    for (auto [band, priv, own] :
         {std::tuple{stl::BAND_DAY, 45000, 42000},
          std::tuple{stl::BAND_EVENING, 52000, 49000},
          std::tuple{stl::BAND_NIGHT, 60000, 57000},
          std::tuple{stl::BAND_WEEKEND, 56000, 53000},
          std::tuple{stl::BAND_HOLIDAY, 68000, 65000}}) {
      auto* br = cat->add_band_rates();
      br->set_band(band);
      br->set_private_ore(priv);
      br->set_in_house_ore(own);
    }
    auto* rural = cat->add_zone_supplements();
    rural->set_area(stl::ZONE_AREA_RURAL);
    rural->set_basis_points(500);
    cat->set_vat_basis_points(2500);
    stl::RateTable table_out;
    grpc::Status s = settlement_->AddRateTable(Ctx().get(), t, &table_out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Registers a client with 10 h/month of home help from 2025-01-01 and
  // either lets them choose `provider` or allocates by the non-choice policy.
  std::string Client(const std::string& name, const std::string& pnr,
                     const std::string& zone, const std::string& provider) {
    cho::RegisterClientRequest r;
    r.set_request_id("client-" + name);
    r.set_personnummer(pnr);
    r.set_zone_id(zone);
    cho::Client c;
    grpc::Status s = choice_->RegisterClient(Ctx().get(), r, &c);
    EXPECT_TRUE(s.ok()) << s.error_message();
    cho::RegisterDecisionRequest d;
    d.set_request_id("decision-" + name);
    d.set_client_id(c.client_id());
    d.mutable_decision()->set_decision_id("bb-" + name);
    d.mutable_decision()->set_valid_from("2025-01-01");
    d.mutable_decision()->set_decided_on("2024-12-20");
    auto* g = d.mutable_decision()->add_categories();
    g->set_category_id("home-help-service");
    g->set_minutes_per_month(600);
    s = choice_->RegisterDecision(Ctx().get(), d, &c);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!provider.empty()) {
      cho::ChooseRequest ch;
      ch.set_request_id("choose-" + name);
      ch.set_client_id(c.client_id());
      ch.set_provider_id(provider);
      ch.set_effective_date("2025-01-01");
      cho::ChooseResponse resp;
      s = choice_->Choose(Ctx().get(), ch, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
    } else {
      cho::AllocateNonChoiceRequest a;
      a.set_request_id("nonchoice-" + name);
      a.set_client_id(c.client_id());
      a.set_effective_date("2025-01-01");
      cho::AllocateNonChoiceResponse resp;
      s = choice_->AllocateNonChoice(Ctx().get(), a, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(resp.explanation().chosen_provider_id(), kInHouse);
    }
    return c.client_id();
  }

  vis::VisitReport Visit(const std::string& id, const std::string& provider,
                         const std::string& client, int day, int from_h,
                         int from_m, int to_h, int to_m) {
    vis::VisitReport r;
    r.set_report_id(id);
    r.set_provider_id(provider);
    r.set_client_id(client);
    r.set_category_id("home-help-service");
    r.set_staff_id("staff-" + id);
    *r.mutable_start() = At(2025, 3, day, from_h, from_m);
    *r.mutable_end() = At(2025, 3, day, to_h, to_m);
    r.set_status(vis::VISIT_STATUS_PERFORMED);
    r.set_evidence(vis::EVIDENCE_NFC_TAG);
    return r;
  }

  std::string ns_;
  std::map<std::string, std::unique_ptr<ServiceProcess>> services_;
  std::unique_ptr<reg::RegistryService::Stub> registry_;
  std::unique_ptr<cho::ChoiceService::Stub> choice_;
  std::unique_ptr<vis::VisitsService::Stub> visits_;
  std::unique_ptr<stl::SettlementService::Stub> settlement_;
};

TEST_F(EndToEndTest, AMonthFromChoiceToApprovedStatementsAddsUpToTheOre) {
  SetUpRegistry();
  ASSERT_NO_FATAL_FAILURE(ConfigureChoicePolicy());
  grpc::Status s;
  const std::string a = Client("a", "19400101-1230", "centrum", kPrivate);
  const std::string b = Client("b", "19350515-2383", "skog", kPrivate);
  const std::string c = Client("c", "19281224-9874", "centrum", "");
  ASSERT_FALSE(a.empty() || b.empty() || c.empty());
  {
    // A personnummer must not ride into the events inside a request id.
    cho::RegisterClientRequest r;
    r.set_request_id("client-19400101-1230");
    r.set_personnummer("19400101-1230");
    r.set_zone_id("centrum");
    cho::Client out;
    grpc::Status bad = choice_->RegisterClient(Ctx().get(), r, &out);
    EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(bad.error_message().find("request_id"), std::string::npos);
  }

  // The visits service follows the choice events.
  ASSERT_TRUE(Eventually([&] {
    vis::GetClientContextRequest q;
    q.set_client_id(c);
    vis::GetClientContextResponse r;
    return visits_->GetClientContext(Ctx().get(), q, &r).ok() &&
           r.assignments_size() == 1;
  }));
  // Weekday daytime visits in March 2025 (day band only).
  std::vector<vis::VisitReport> reports = {
      Visit("a1", kPrivate, a, 4, 10, 0, 11, 0),   // Tue, 1 h, urban
      Visit("a2", kPrivate, a, 5, 10, 0, 11, 30),  // Wed, 1.5 h, urban
      Visit("b1", kPrivate, b, 4, 13, 0, 15, 0),   // Tue, 2 h, rural
      Visit("c1", kInHouse, c, 6, 9, 0, 10, 0),    // Thu, 1 h, in-house
      Visit("bad", kPrivate, a, 7, 10, 0, 9, 0),   // ends before it starts
      Visit("x1", kPrivate, c, 7, 12, 0, 13, 0),   // C is not Attendo's client
  };
  reports.push_back(reports[0]);  // sent twice
  std::map<std::string, vis::Outcome> outcomes;
  int replayed = 0;
  // Each provider's time-reporting system uploads its own reports, signed
  // in as that provider.
  for (const std::string provider : {kPrivate, kInHouse}) {
    grpc::ClientContext ctx;
    ::lov::testing::SignIn(&ctx, auth::v1::ROLE_PROVIDER, provider);
    auto stream = visits_->UploadVisits(&ctx);
    for (const auto& r : reports) {
      if (r.provider_id() != provider) continue;
      vis::UploadVisitsRequest req;
      *req.mutable_report() = r;
      ASSERT_TRUE(stream->Write(req));
    }
    stream->WritesDone();
    vis::UploadVisitsResponse resp;
    while (stream->Read(&resp)) {
      if (resp.outcome().replayed()) ++replayed;
      outcomes[resp.outcome().report_id()] = resp.outcome().outcome();
    }
    s = stream->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(outcomes["a1"], vis::OUTCOME_ACCEPTED);
  EXPECT_EQ(outcomes["a2"], vis::OUTCOME_ACCEPTED);
  EXPECT_EQ(outcomes["b1"], vis::OUTCOME_ACCEPTED);
  EXPECT_EQ(outcomes["c1"], vis::OUTCOME_ACCEPTED);
  EXPECT_EQ(outcomes["bad"], vis::OUTCOME_REJECTED);
  EXPECT_EQ(outcomes["x1"], vis::OUTCOME_REJECTED);
  EXPECT_EQ(replayed, 1);

  ASSERT_NO_FATAL_FAILURE(AddRates());

  // Worked out by hand:
  //   Attendo: A 2.5 h x 450.00 = 1125.00; B 2 h x 450.00 = 900.00 plus the
  //   rural supplement 5 % = 45.00; net 2070.00; VAT 25 % = 517.50;
  //   total 2587.50 kr.
  //   In-house: C 1 h x 420.00 = 420.00; VAT 105.00; total 525.00 kr.
  const std::map<std::string, std::pair<int64_t, int64_t>> expected = {
      {kPrivate, {207000, 258750}}, {kInHouse, {42000, 52500}}};
  for (const auto& [provider, amounts] : expected) {
    stl::PreviewStatementRequest q;
    q.set_provider_id(provider);
    q.set_period("2025-03");
    stl::Statement preview;
    ASSERT_TRUE(Eventually([&] {
      preview.Clear();
      return settlement_->PreviewStatement(Ctx().get(), q, &preview).ok() &&
             preview.net_ore() == amounts.first;
    })) << provider
        << " net " << preview.net_ore();
    EXPECT_EQ(preview.total_ore(), amounts.second) << provider;
    int64_t sum = 0;
    for (const auto& line : preview.lines()) sum += line.amount_ore();
    EXPECT_EQ(sum, preview.total_ore()) << provider;
    stl::ApproveStatementRequest approve;
    approve.set_provider_id(provider);
    approve.set_period("2025-03");
    approve.set_expected_digest(preview.digest());
    approve.set_approved_by("controller");
    approve.set_request_id("approve-" + provider);
    stl::Statement approved;
    s = settlement_->ApproveStatement(Ctx().get(), approve, &approved);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(approved.status(), stl::STATEMENT_STATUS_APPROVED);
    EXPECT_EQ(approved.total_ore(), amounts.second);
  }

  // As an outside subscriber: three assignments started, four visits
  // accepted (each once) and two rejected, two statements approved.
  auto count = [](const std::vector<CloudEvent>& events, const char* type) {
    return std::count_if(
        events.begin(), events.end(),
        [type](const CloudEvent& e) { return e.type == type; });
  };
  std::vector<CloudEvent> choice_events = ReadEventsUntil(
      Topic("lov.choice.events.v1"), [&](const std::vector<CloudEvent>& e) {
        return count(e, "se.lov.choice.v1.AssignmentStarted") >= 3;
      });
  int started = 0;
  for (const auto& e : choice_events) {
    started += e.type == "se.lov.choice.v1.AssignmentStarted";
    for (const char* pnr : {"194001011230", "19400101-1230", "400101-1230"}) {
      EXPECT_EQ(e.data.find(pnr), std::string::npos);  // no personnummer
    }
  }
  EXPECT_EQ(started, 3);
  std::vector<CloudEvent> visit_events = ReadEventsUntil(
      Topic("lov.visits.events.v1"), [&](const std::vector<CloudEvent>& e) {
        return count(e, "se.lov.visits.v1.VisitAccepted") >= 4;
      });
  // The rejections on a topic of their own.
  const std::vector<CloudEvent> rejections = ReadEventsUntil(
      Topic("lov.visits.rejected.v1"), [&](const std::vector<CloudEvent>& e) {
        return count(e, "se.lov.visits.v1.VisitRejected") >= 2;
      });
  visit_events.insert(visit_events.end(), rejections.begin(), rejections.end());
  std::map<std::string, int> accepted;
  int rejected = 0;
  for (const auto& e : visit_events) {
    if (e.type == "se.lov.visits.v1.VisitAccepted") ++accepted[e.subject];
    rejected += e.type == "se.lov.visits.v1.VisitRejected";
  }
  EXPECT_EQ(accepted.size(), 4u);
  for (const auto& [visit, n] : accepted) EXPECT_EQ(n, 1) << visit;
  EXPECT_EQ(rejected, 2);
  std::vector<CloudEvent> settlement_events = ReadEventsUntil(
      Topic("lov.settlement.events.v1"), [&](const std::vector<CloudEvent>& e) {
        return count(e, "se.lov.settlement.v1.StatementApproved") >= 2;
      });
  int64_t approved_total = 0;
  for (const auto& e : settlement_events) {
    if (e.type != "se.lov.settlement.v1.StatementApproved") continue;
    stl::SettlementEvent ev;
    ASSERT_TRUE(ev.ParseFromString(e.data));
    approved_total += ev.statement_approved().total_ore();
  }
  EXPECT_EQ(approved_total, 258750 + 52500);
}

// One visit followed by its trace id: uploaded with the caller's
// traceparent, its event on Kafka carries that trace (a span of the visits
// service below the caller's), settlement's line that applies it to the
// provider's month names the same trace id and the visit, and the preview's
// statement line is made of that visit.
TEST_F(EndToEndTest, AVisitIsFollowedFromUploadToItsStatementLineByTraceId) {
  constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
  constexpr char kCallerSpan[] = "00f067aa0ba902b7";
  SetUpRegistry();
  ASSERT_NO_FATAL_FAILURE(ConfigureChoicePolicy());
  const std::string client = Client("t", "19400101-1230", "centrum", kPrivate);
  ASSERT_FALSE(client.empty());
  ASSERT_TRUE(Eventually([&] {
    vis::GetClientContextRequest q;
    q.set_client_id(client);
    vis::GetClientContextResponse r;
    return visits_->GetClientContext(Ctx().get(), q, &r).ok() &&
           r.assignments_size() == 1;
  }));

  grpc::ClientContext ctx;
  ::lov::testing::SignIn(&ctx, auth::v1::ROLE_PROVIDER, kPrivate);
  ctx.AddMetadata("traceparent",
                  absl::StrCat("00-", kTraceId, "-", kCallerSpan, "-01"));
  // A vendor's tracestate travels unchanged with the trace (W3C).
  const std::string tracestate = "municipality=t61rcWkgMzE,apm@lov=00f067aa";
  ctx.AddMetadata("tracestate", tracestate);
  auto stream = visits_->UploadVisits(&ctx);
  vis::UploadVisitsRequest req;
  *req.mutable_report() = Visit("t1", kPrivate, client, 4, 10, 0, 11, 0);
  ASSERT_TRUE(stream->Write(req));
  stream->WritesDone();
  vis::UploadVisitsResponse resp;
  std::string visit_id;
  while (stream->Read(&resp)) {
    EXPECT_EQ(resp.outcome().outcome(), vis::OUTCOME_ACCEPTED)
        << resp.outcome().detail();
    visit_id = resp.outcome().visit_id();
  }
  grpc::Status s = stream->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_FALSE(visit_id.empty());

  // On Kafka: the CloudEvents distributed-tracing extension, in the
  // caller's trace with the visits service's own span.
  std::vector<CloudEvent> events = ReadEventsUntil(
      Topic("lov.visits.events.v1"), [&](const std::vector<CloudEvent>& e) {
        return std::any_of(e.begin(), e.end(), [&](const CloudEvent& x) {
          return x.subject == visit_id;
        });
      });
  auto accepted =
      std::find_if(events.begin(), events.end(),
                   [&](const CloudEvent& e) { return e.subject == visit_id; });
  ASSERT_NE(accepted, events.end());
  EXPECT_EQ(accepted->type, "se.lov.visits.v1.VisitAccepted");
  const std::string traceparent = accepted->Header("ce_traceparent");
  ASSERT_EQ(traceparent.size(), 55u) << traceparent;
  EXPECT_EQ(traceparent.substr(0, 36), absl::StrCat("00-", kTraceId, "-"));
  EXPECT_NE(traceparent.substr(36, 16), kCallerSpan);
  EXPECT_EQ(traceparent.substr(52), "-01");
  EXPECT_EQ(accepted->Header("ce_tracestate"), tracestate);

  // Settlement's log: the line that applies the visit to the provider's
  // March names the trace id.
  std::string applied;
  ASSERT_TRUE(Eventually([&] {
    std::istringstream log(services_["settlement"]->Log());
    for (std::string line; std::getline(log, line);) {
      if (line.find("visit applied to its provider month") !=
              std::string::npos &&
          line.find(absl::StrCat("\"visit_id\":\"", visit_id, "\"")) !=
              std::string::npos) {
        applied = line;
        return true;
      }
    }
    return false;
  })) << services_["settlement"]->Log();
  EXPECT_NE(applied.find(absl::StrCat("\"trace_id\":\"", kTraceId, "\"")),
            std::string::npos)
      << applied;
  EXPECT_NE(applied.find(absl::StrCat("\"provider_id\":\"", kPrivate, "\"")),
            std::string::npos)
      << applied;
  EXPECT_NE(applied.find("\"period\":\"2025-03\""), std::string::npos)
      << applied;
  EXPECT_NE(applied.find(absl::StrCat("\"tracestate\":\"", tracestate, "\"")),
            std::string::npos)
      << applied;

  // The statement line that pays it is made of that visit's version 1.
  ASSERT_NO_FATAL_FAILURE(AddRates());
  stl::PreviewStatementRequest q;
  q.set_provider_id(kPrivate);
  q.set_period("2025-03");
  stl::Statement preview;
  s = settlement_->PreviewStatement(Ctx().get(), q, &preview);
  ASSERT_TRUE(s.ok()) << s.error_message();
  int paying = 0;
  for (const auto& line : preview.lines()) {
    for (const auto& source : line.sources()) {
      paying += source == absl::StrCat(visit_id, "@1");
    }
  }
  EXPECT_GE(paying, 1) << preview.DebugString();
}

}  // namespace
}  // namespace lov
