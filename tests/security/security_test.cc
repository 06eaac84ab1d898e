// Who may do what, through the real services over TLS: the services run
// with a development identity provider (a key pair made here, its JWKS
// file given to them); no call gets in without a credential. People call with
// bearer tokens; a provider's time-reporting system with its client
// certificate. The audit records are read back from lov.audit.v1 as an outside
// subscriber would.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "identity_fixtures.h"
#include "lov/audit/v1/audit_service.grpc.pb.h"
#include "lov/auth/v1/audit.pb.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/platform/auth/dev_issuer.h"
#include "lov/platform/clock.h"
#include "lov/platform/ids.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/topics.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "one_answer_server.h"
#include "service_process.h"
#include "test_stack.h"

namespace lov {
namespace {

namespace reg = ::lov::registry::v1;
namespace cho = ::lov::choice::v1;
namespace vis = ::lov::visits::v1;
namespace stl = ::lov::settlement::v1;
namespace aud = ::lov::audit::v1;
using Role = ::lov::auth::v1::Role;
using ::lov::testing::Eventually;
using ::lov::testing::ReadEvents;
using ::lov::testing::ServiceProcess;

constexpr char kAttendo[] = "prv-5565541645";
constexpr char kOtherProvider[] = "prv-5560360793";
// HSA-ids of the people in the tests.
constexpr char kCaseOfficer[] = "SE2321000016-CO01";
constexpr char kRegistryOfficer[] = "SE2321000016-RO01";
constexpr char kFinance[] = "SE2321000016-FI01";
constexpr char kProviderStaff[] = "SE5565541645-PR01";
constexpr char kAuditor[] = "SE2321000016-AU01";

// An audit record's outcome for a call that ended with `s`.
std::string OutcomeOf(const grpc::Status& s) {
  return s.ok() ? "OK"
                : absl::StatusCodeToString(absl::StatusCode(s.error_code()));
}

class SecurityTest : public ::testing::Test {
 protected:
  // A service of the suite's namespace that trusts the development issuer's
  // keys from `key_source` (--oidc-jwks-file=... or --oidc-jwks-url=...).
  static std::vector<std::string> SignInFlags(const std::string& key_source) {
    return {"--namespace=" + ns_, key_source,
            absl::StrCat("--oidc-issuer=", auth::DevIssuer::kIssuer),
            absl::StrCat("--oidc-audience=", auth::DevIssuer::kAudience)};
  }

  static void SetUpTestSuite() {
    const std::string dir =
        absl::StrCat(::testing::TempDir(), "/security-", NewUuid());
    std::filesystem::create_directories(dir);
    static SystemClock clock;
    auto issuer = auth::DevIssuer::LoadOrCreate(dir + "/issuer.jwk", &clock);
    ASSERT_TRUE(issuer.ok()) << issuer.status();
    issuer_ = new auth::DevIssuer(std::move(*issuer));
    jwks_ = dir + "/jwks.json";
    ASSERT_TRUE(issuer_->WritePublicJwks(jwks_).ok());
    ns_ = "sec" + NewUuid().substr(0, 8);
    for (const char* s :
         {"registry", "choice", "visits", "settlement", "audit"}) {
      auto p = std::make_unique<ServiceProcess>(
          absl::StrCat("services/", s, "/", s),
          SignInFlags("--oidc-jwks-file=" + jwks_));
      ASSERT_TRUE(p->Start().ok()) << s << ": " << p->Log();
      (*services_)[s] = std::move(p);
    }
  }
  static void TearDownTestSuite() { services_->clear(); }

  static std::string Token(Role role, const std::string& subject,
                           const std::string& provider_id = "") {
    auto token =
        issuer_->Issue(role, subject, "0999", provider_id, absl::Minutes(30));
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }

  // A call context signed in with `token` ("" for none).
  static std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(30));
    if (!token.empty()) c->AddMetadata("authorization", "Bearer " + token);
    return c;
  }

  template <typename Stub>
  static std::unique_ptr<typename Stub::Stub> StubOf(
      const char* service, const std::string& identity = "system:test") {
    return Stub::NewStub((*services_)[service]->Channel(identity));
  }

  static std::string Topic(const std::string& base) {
    return absl::StrCat(ns_, ".", base);
  }

  // The municipality, set up by a registry officer: one zone, one
  // category, two providers approved.
  static void SetUpMunicipality() {
    auto registry = StubOf<reg::RegistryService>("registry");
    const std::string officer =
        Token(auth::v1::ROLE_REGISTRY_OFFICER, kRegistryOfficer);
    reg::ConfigureMunicipalityRequest setup;
    setup.set_request_id("setup");
    auto* m = setup.mutable_municipality();
    m->set_municipality_id("0999");
    m->set_name("Testby");
    m->set_provider_notice_days(30);
    auto* z = m->add_zones();
    z->set_zone_id("centrum");
    z->set_name("Centrum");
    z->set_area_type(reg::AREA_TYPE_URBAN);
    auto* c = m->add_categories();
    c->set_category_id("home-help-service");
    c->set_name("Hemtjänst service");
    c->add_hours()->set_start_minute(7 * 60);
    c->mutable_hours(0)->set_end_minute(22 * 60);
    reg::Municipality out;
    grpc::Status s =
        registry->ConfigureMunicipality(As(officer).get(), setup, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (auto [org, name] : {std::pair{"556554-1645", "Attendo Sverige AB"},
                             std::pair{"556036-0793", "Omsorgshuset AB"}}) {
      reg::RegisterProviderRequest r;
      r.set_request_id(absl::StrCat("reg-", org));
      r.set_organisation_number(org);
      r.set_name(name);
      r.set_kind(reg::PROVIDER_KIND_PRIVATE);
      reg::Provider p;
      s = registry->RegisterProvider(As(officer).get(), r, &p);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
  }

  static inline auth::DevIssuer* issuer_ = nullptr;
  static inline std::string jwks_;
  static inline std::string ns_;
  static inline auto* services_ =
      new std::map<std::string, std::unique_ptr<ServiceProcess>>();
};

TEST_F(SecurityTest, ACallWithoutACredentialIsUnauthenticated) {
  auto registry = StubOf<reg::RegistryService>("registry");
  reg::Municipality m;
  grpc::Status s = registry->GetMunicipality(As("").get(), {}, &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << s.error_message();
  // A token from another issuer's key is no credential either.
  static SystemClock clock;
  auto stranger = auth::DevIssuer::Generate(&clock);
  ASSERT_TRUE(stranger.ok());
  auto forged = stranger->Issue(auth::v1::ROLE_REGISTRY_OFFICER,
                                kRegistryOfficer, "0999", "", absl::Minutes(5));
  ASSERT_TRUE(forged.ok());
  s = registry->GetMunicipality(As(*forged).get(), {}, &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// The municipality's identity provider publishes its keys at a URL (its
// jwks_uri); a service fetches them from there at start.
TEST_F(SecurityTest, KeysFetchedFromTheIdentityProvidersUrlSignPeopleIn) {
  lov::testing::OneAnswerServer idp(
      lov::testing::HttpAnswer(200, issuer_->PublicJwks()));
  ServiceProcess registry(
      "services/registry/registry",
      SignInFlags("--oidc-jwks-url=" + idp.Url("/.well-known/jwks.json")));
  ASSERT_TRUE(registry.Start().ok()) << registry.Log();
  auto stub = reg::RegistryService::NewStub(registry.Channel());
  reg::Municipality m;
  grpc::Status s = stub->GetMunicipality(
      As(Token(auth::v1::ROLE_REGISTRY_OFFICER, kRegistryOfficer)).get(), {},
      &m);
  EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << s.error_message();
  EXPECT_EQ(stub->GetMunicipality(As("").get(), {}, &m).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SecurityTest, AServiceWhoseIdentityProviderCannotBeReachedDoesNotStart) {
  ServiceProcess registry(
      "services/registry/registry",
      SignInFlags("--oidc-jwks-url=http://127.0.0.1:1/jwks.json"));
  EXPECT_FALSE(registry.Start(absl::Seconds(30)).ok());
  EXPECT_TRUE(absl::StrContains(
      registry.Log(),
      "--oidc-jwks-url / LOV_OIDC_JWKS_URL: JWKS http://127.0.0.1:1/jwks.json"))
      << registry.Log();
}

// The development setting that let calls in without a credential is gone:
// an old configuration that still sets it stops the service at start,
// naming the variable, instead of running open or closed without a word.
TEST(SecurityStartupTest, TheRemovedNoAuthSettingStopsAServiceNamingIt) {
  lov::testing::RunResult r = lov::testing::RunToCompletion(
      "services/registry/registry", {"--namespace=t" + NewUuid().substr(0, 8)},
      absl::Seconds(30), {"LOV_INSECURE_NO_AUTH=true"});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(absl::StrContains(
      r.output,
      "--insecure-no-auth / LOV_INSECURE_NO_AUTH=true: this development "
      "setting was removed"))
      << r.output;
  // Set to false it asks for nothing and is harmless.
  std::vector<std::string> flags = {
      "--namespace=t" + NewUuid().substr(0, 8),
      "--kafka-brokers=" + lov::testing::Stack().kafka_brokers,
      "--redis-addr=" + lov::testing::Stack().redis_addr, "--oidc-jwks-file="};
  for (std::string& tls : lov::testing::Stack().ServiceTlsFlags()) {
    flags.push_back(std::move(tls));
  }
  lov::testing::RunResult off = lov::testing::RunToCompletion(
      "services/registry/registry", flags, absl::Seconds(30),
      {"LOV_INSECURE_NO_AUTH=false"});
  EXPECT_NE(off.exit_code, 0) << off.output;
  EXPECT_TRUE(absl::StrContains(off.output,
                                "no identity provider configured: set "
                                "--oidc-jwks-url"))
      << off.output;
  EXPECT_FALSE(absl::StrContains(off.output, "LOV_INSECURE_NO_AUTH"))
      << off.output;
}

// The console reads the pods' /metrics over HTTPS, checked against
// --tls-client-ca; without it, it refused to start rather than reading
// them over plain HTTP without a word (found by this test: it fell back to
// HTTP), unless plain HTTP is chosen as a development setting.
TEST(SecurityStartupTest, TheConsoleWithoutAMetricsCaStopsNamingTheFlag) {
  std::vector<std::string> flags = {"--namespace=t" + NewUuid().substr(0, 8)};
  for (std::string& tls : lov::testing::Stack().ServiceTlsFlags()) {
    flags.push_back(std::move(tls));
  }
  flags.push_back("--tls-client-ca=");  // a later flag wins
  lov::testing::RunResult r = lov::testing::RunToCompletion(
      "services/console/console", flags, absl::Seconds(30));
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_TRUE(absl::StrContains(
      r.output,
      "--tls-client-ca (LOV_TLS_CLIENT_CA) is not set: the console reads "
      "the services' /metrics over HTTPS"))
      << r.output;
  // Chosen, it gets past its settings (and stops later, for want of an
  // identity provider here).
  flags.push_back("--kafka-brokers=" + lov::testing::Stack().kafka_brokers);
  flags.push_back("--oidc-jwks-file=");
  lov::testing::RunResult plain = lov::testing::RunToCompletion(
      "services/console/console", flags, absl::Seconds(30),
      {"LOV_INSECURE_METRICS_PLAINTEXT=true"});
  EXPECT_FALSE(absl::StrContains(plain.output, "--tls-client-ca (LOV_"))
      << plain.output;
  EXPECT_TRUE(
      absl::StrContains(plain.output, "no identity provider configured"))
      << plain.output;
}

TEST_F(SecurityTest, AProviderReadsNeitherAnotherProvidersVisitsNorClients) {
  const std::string attendo =
      Token(auth::v1::ROLE_PROVIDER, kProviderStaff, kAttendo);
  auto visits = StubOf<vis::VisitsService>("visits");
  vis::GetVisitRequest visit;
  visit.set_provider_id(kOtherProvider);
  visit.set_report_id("r-1");
  vis::GetVisitResponse v;
  grpc::Status s = visits->GetVisit(As(attendo).get(), visit, &v);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("its own provider"), std::string::npos)
      << s.error_message();

  vis::GetClientContextRequest context;
  context.set_client_id("cli-someone");
  context.set_provider_id(kOtherProvider);
  vis::GetClientContextResponse c;
  s = visits->GetClientContext(As(attendo).get(), context, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Deviations without a provider would list every provider's clients.
  vis::ListDeviationsRequest all;
  all.set_period("2025-03");
  vis::ListDeviationsResponse d;
  s = visits->ListDeviations(As(attendo).get(), all, &d);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  auto settlement = StubOf<stl::SettlementService>("settlement");
  stl::GetStatementRequest statement;
  statement.set_provider_id(kOtherProvider);
  statement.set_period("2025-03");
  stl::Statement st;
  s = settlement->GetStatement(As(attendo).get(), statement, &st);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SecurityTest, AProvidersSystemCertificateIsScopedToThatProvider) {
  // The time-reporting system of Attendo, by its client certificate alone.
  auto visits =
      StubOf<vis::VisitsService>("visits", absl::StrCat("provider:", kAttendo));
  vis::ListRejectedRequest other;
  other.set_provider_id(kOtherProvider);
  other.set_period("2025-03");
  vis::ListRejectedResponse r;
  grpc::Status s = visits->ListRejected(As("").get(), other, &r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << s.error_message();
  vis::ListRejectedRequest own = other;
  own.set_provider_id(kAttendo);
  s = visits->ListRejected(As("").get(), own, &r);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(SecurityTest, OnlyFinanceApprovesAndTheEventNamesWho) {
  SetUpMunicipality();
  auto settlement = StubOf<stl::SettlementService>("settlement");
  // Last month has ended, so its statement may be approved.
  const absl::CivilMonth month =
      absl::CivilMonth(StockholmDate(absl::Now())) - 1;
  const std::string period =
      absl::StrFormat("%04d-%02d", month.year(), month.month());
  const std::string finance = Token(auth::v1::ROLE_FINANCE, kFinance);
  stl::PreviewStatementRequest preview;
  preview.set_provider_id(kAttendo);
  preview.set_period(period);
  stl::Statement previewed;
  ASSERT_TRUE(Eventually([&] {
    return settlement->PreviewStatement(As(finance).get(), preview, &previewed)
        .ok();
  })) << "the settlement service never knew the provider";

  stl::ApproveStatementRequest approve;
  approve.set_provider_id(kAttendo);
  approve.set_period(period);
  approve.set_expected_digest(previewed.digest());
  approve.set_approved_by("someone-else-entirely");
  approve.set_request_id("approve-attendo");
  stl::Statement approved;
  grpc::Status s = settlement->ApproveStatement(
      As(Token(auth::v1::ROLE_CASE_OFFICER, kCaseOfficer)).get(), approve,
      &approved);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("case_officer"), std::string::npos)
      << s.error_message();

  s = settlement->ApproveStatement(As(finance).get(), approve, &approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // The credential names who approved, not the request.
  EXPECT_EQ(approved.approved_by(), kFinance);
  bool seen = false;
  for (const CloudEvent& ce :
       ReadEvents(Topic(topics::kSettlementEvents), 1000, absl::Seconds(10))) {
    stl::SettlementEvent e;
    if (!e.ParseFromString(ce.data) || !e.has_statement_approved()) continue;
    seen = true;
    EXPECT_EQ(e.actor().subject(), kFinance);
    EXPECT_EQ(e.actor().role(), auth::v1::ROLE_FINANCE);
    EXPECT_EQ(ce.Header("ce_actor"), kFinance);
    EXPECT_EQ(ce.Header("ce_actorrole"), "finance");
    EXPECT_EQ(e.statement_approved().statement().approved_by(), kFinance);
  }
  EXPECT_TRUE(seen) << "no StatementApproved event";
}

TEST_F(SecurityTest, EveryReadOfAClientIsAuditedFailedReadsToo) {
  SetUpMunicipality();
  const std::string officer = Token(auth::v1::ROLE_CASE_OFFICER, kCaseOfficer);
  auto choice = StubOf<cho::ChoiceService>("choice");
  cho::RegisterClientRequest r;
  r.set_request_id("client-audit");
  const std::string personnummer = ::lov::testing::TestPersonnummer(1);
  r.set_personnummer(personnummer);
  r.set_zone_id("centrum");
  cho::Client client;
  grpc::Status registered;
  ASSERT_TRUE(Eventually([&] {
    registered = choice->RegisterClient(As(officer).get(), r, &client);
    return registered.ok();
  })) << registered.error_message();
  const std::string id = client.client_id();

  // Three reads through three RPCs, by the case officer.
  cho::GetClientRequest get;
  get.set_client_id(id);
  cho::Client read;
  ASSERT_TRUE(choice->GetClient(As(officer).get(), get, &read).ok());
  cho::ListEligibleProvidersRequest eligible;
  eligible.set_client_id(id);
  cho::ListEligibleProvidersResponse list;
  grpc::Status s =
      choice->ListEligibleProviders(As(officer).get(), eligible, &list);
  const std::string eligible_outcome = OutcomeOf(s);
  auto visits = StubOf<vis::VisitsService>("visits");
  vis::GetClientContextRequest context;
  context.set_client_id(id);
  context.set_provider_id(kAttendo);
  vis::GetClientContextResponse ctx;
  const std::string context_outcome =
      OutcomeOf(visits->GetClientContext(As(officer).get(), context, &ctx));
  // A provider reading it for another provider: refused, and audited.
  context.set_provider_id(kOtherProvider);
  s = visits->GetClientContext(
      As(Token(auth::v1::ROLE_PROVIDER, kProviderStaff, kAttendo)).get(),
      context, &ctx);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  std::map<std::string, std::string> reads;  // method -> outcome, of `id`
  std::string refused;
  Eventually([&] {
    reads.clear();
    refused.clear();
    for (const CloudEvent& ce :
         ReadEvents(Topic(topics::kAudit), 1000, absl::Seconds(3))) {
      auth::v1::AuditRecord record;
      if (!record.ParseFromString(ce.data)) continue;
      bool about_id = false;
      for (const auto& c : record.client_ids()) about_id |= c == id;
      if (!about_id) continue;
      if (record.actor().subject() == kCaseOfficer &&
          record.kind() == auth::v1::AUDIT_KIND_CLIENT_READ) {
        reads[record.method()] = record.outcome();
      }
      if (record.actor().subject() == kProviderStaff) {
        refused = record.outcome();
        EXPECT_EQ(record.actor().provider_id(), kAttendo);
      }
      EXPECT_EQ(ce.type, "se.lov.audit.v1.access_recorded");
      EXPECT_EQ(std::string(ce.data).find(personnummer), std::string::npos)
          << "a personnummer in an audit record";
    }
    return reads.size() == 3 && !refused.empty();
  });
  EXPECT_EQ(reads["lov.choice.v1.ChoiceService/GetClient"], "OK");
  // Audited with its outcome, whatever it was (the client has no decision
  // yet, so the list may be refused by a rule).
  EXPECT_EQ(reads["lov.choice.v1.ChoiceService/ListEligibleProviders"],
            eligible_outcome);
  EXPECT_EQ(reads["lov.visits.v1.VisitsService/GetClientContext"],
            context_outcome);
  EXPECT_EQ(reads.size(), 3u);
  EXPECT_EQ(refused, "PERMISSION_DENIED");

  // The same records through the audit service, by client and by user, as
  // an auditor asks (lovctl audit client / user).
  auto audit = StubOf<aud::AuditService>("audit");
  const std::string auditor = Token(auth::v1::ROLE_AUDITOR, kAuditor);
  // Method -> outcome, of `id`, by the case officer, in `response`.
  auto officers_reads = [&](const aud::ListAccessResponse& response) {
    std::map<std::string, std::string> out;
    for (const auth::v1::AuditRecord& r : response.records()) {
      const bool of_id = std::find(r.client_ids().begin(), r.client_ids().end(),
                                   id) != r.client_ids().end();
      if (of_id && r.actor().subject() == kCaseOfficer &&
          r.kind() == auth::v1::AUDIT_KIND_CLIENT_READ) {
        out[r.method()] = r.outcome();
      }
    }
    return out;
  };
  aud::ListClientAccessRequest by_client;
  by_client.set_client_id(id);
  aud::ListActorAccessRequest by_user;
  by_user.set_subject(kCaseOfficer);
  std::map<std::string, std::string> seen_by_client, seen_by_user;
  bool refusal_listed = false;
  EXPECT_TRUE(Eventually([&] {
    aud::ListAccessResponse c, u;
    if (!audit->ListClientAccess(As(auditor).get(), by_client, &c).ok() ||
        !audit->ListActorAccess(As(auditor).get(), by_user, &u).ok()) {
      return false;
    }
    seen_by_client = officers_reads(c);
    seen_by_user = officers_reads(u);
    refusal_listed = false;
    for (const auth::v1::AuditRecord& r : c.records()) {
      refusal_listed |= r.actor().subject() == kProviderStaff &&
                        r.outcome() == "PERMISSION_DENIED";
    }
    return seen_by_client == reads && seen_by_user == reads && refusal_listed;
  })) << "by client: "
      << seen_by_client.size() << " reads, by user: " << seen_by_user.size()
      << " reads, the refusal listed: " << refusal_listed;
}

}  // namespace
}  // namespace lov
