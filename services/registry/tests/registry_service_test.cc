// The registry binary as a process, driven through gRPC against the real
// Kafka and Redis; its events read back as an outside subscriber would.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/redis.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "service_process.h"
#include "service_test_stack.h"
#include "test_sign_in.h"
#include "test_stack.h"

namespace lov::registry {
namespace {

namespace v1 = ::lov::registry::v1;
using ::lov::testing::CallWithDeadline;
using ::lov::testing::ReadEvents;
using ::lov::testing::ServiceProcess;
using ::lov::testing::ServiceTestStack;
using ::lov::testing::Stack;

v1::Municipality Norrtalje() {
  v1::Municipality m;
  m.set_municipality_id("0188");
  m.set_name("Norrtälje");
  m.set_provider_notice_days(90);
  m.set_stop_intake_on_notice(true);
  for (auto [id, name, area] :
       {std::tuple{"north", "Norra", v1::AREA_TYPE_RURAL},
        std::tuple{"south", "Södra", v1::AREA_TYPE_URBAN},
        std::tuple{"roslagen", "Roslagen", v1::AREA_TYPE_RURAL},
        std::tuple{"city", "Norrtälje stad", v1::AREA_TYPE_URBAN}}) {
    auto* z = m.add_zones();
    z->set_zone_id(id);
    z->set_name(name);
    z->set_area_type(area);
  }
  auto* help = m.add_categories();
  help->set_category_id("home-help-service");
  help->set_name("Hemtjänst service");
  auto* h = help->add_hours();
  h->set_start_minute(7 * 60);
  h->set_end_minute(22 * 60);
  auto* care = m.add_categories();
  care->set_category_id("home-help-personal-care");
  care->set_name("Hemtjänst omvårdnad");
  care->add_required_manager_qualifications("university-care-degree");
  *care->add_hours() = *h;
  return m;
}

class RegistryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::Status started = stack_.Start("registry");
    ASSERT_TRUE(started.ok()) << started;
    Connect();
  }

  void Connect() { stub_ = stack_.NewStub<v1::RegistryService>("registry"); }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (v1::RegistryService::Stub::*method)(
                        grpc::ClientContext*, const Req&, Resp*),
                    const Req& req, Resp* resp) {
    return CallWithDeadline(*stub_, method, req, resp);
  }

  void Configure() {
    v1::ConfigureMunicipalityRequest req;
    req.set_request_id("setup-1");
    *req.mutable_municipality() = Norrtalje();
    v1::Municipality resp;
    ASSERT_TRUE(
        Call(&v1::RegistryService::Stub::ConfigureMunicipality, req, &resp)
            .ok());
  }

  v1::Provider Register(const std::string& org, const std::string& name,
                        const std::string& request_id) {
    v1::RegisterProviderRequest req;
    req.set_request_id(request_id);
    req.set_organisation_number(org);
    req.set_name(name);
    req.set_kind(v1::PROVIDER_KIND_PRIVATE);
    req.add_manager_qualifications("university-care-degree");
    req.mutable_profile()->add_languages("fi");
    v1::Provider resp;
    grpc::Status s =
        Call(&v1::RegistryService::Stub::RegisterProvider, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  v1::Provider ApplyAndApprove(const std::string& provider_id,
                               const std::string& suffix) {
    v1::SubmitApplicationRequest apply;
    apply.set_request_id("apply-" + suffix);
    apply.set_provider_id(provider_id);
    apply.add_zone_ids("north");
    apply.add_zone_ids("city");
    apply.add_category_ids("home-help-service");
    apply.add_category_ids("home-help-personal-care");
    v1::Provider p;
    EXPECT_TRUE(
        Call(&v1::RegistryService::Stub::SubmitApplication, apply, &p).ok());
    v1::DecideApplicationRequest decide;
    decide.set_request_id("decide-" + suffix);
    decide.set_provider_id(provider_id);
    decide.set_application_id(p.applications(0).application_id());
    decide.set_approve(true);
    decide.set_effective_date("2025-01-01");
    grpc::Status s =
        Call(&v1::RegistryService::Stub::DecideApplication, decide, &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return p;
  }

  std::string topic() const { return stack_.Topic("lov.registry.events.v1"); }

  ServiceTestStack stack_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

// With sign-in on, as in production (the tests' harness, test_sign_in.h):
// a call without a credential is refused; the tests' channel signs each
// call in for a role the RPC's policy allows, and the policy is checked
// (another role is refused, naming the rule).
TEST(RegistrySignInTest, ACallWithoutCredentialIsRefusedTheTestsAreSignedIn) {
  std::vector<std::string> flags = ::lov::testing::SignInFlags();
  flags.push_back("--namespace=t" + NewUuid().substr(0, 8));
  ServiceProcess registry("services/registry/registry", flags);
  ASSERT_TRUE(registry.Start().ok()) << registry.Log();
  ASSERT_TRUE(registry.signs_in());
  v1::ListProvidersRequest list;
  v1::ListProvidersResponse providers;
  auto bare = v1::RegistryService::NewStub(registry.BareChannel());
  grpc::ClientContext anonymous;
  grpc::Status s = bare->ListProviders(&anonymous, list, &providers);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << s.error_message();
  auto stub = v1::RegistryService::NewStub(registry.Channel());
  v1::ConfigureMunicipalityRequest setup;
  setup.set_request_id("setup-as-finance");
  *setup.mutable_municipality() = Norrtalje();
  v1::Municipality m;
  grpc::ClientContext as_finance;
  ::lov::testing::SignIn(&as_finance, auth::v1::ROLE_FINANCE);
  s = stub->ConfigureMunicipality(&as_finance, setup, &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("registry_officer"), std::string::npos)
      << s.error_message();
  // The harness signs in as a role the policy allows (registry officer).
  grpc::ClientContext as_officer;
  s = stub->ConfigureMunicipality(&as_officer, setup, &m);
  EXPECT_TRUE(s.ok()) << s.error_message();
  grpc::ClientContext signed_in;
  s = stub->ListProviders(&signed_in, list, &providers);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(registry.Log().find("every call is let in without a credential"),
            std::string::npos)
      << registry.Log();
}

TEST_F(RegistryServiceTest, ChangesArePublishedAsCloudEventsKeyedByProvider) {
  Configure();
  v1::Provider attendo = Register("556554-1645", "Attendo Sverige AB", "reg-1");
  EXPECT_EQ(attendo.provider_id(), "prv-5565541645");
  ApplyAndApprove(attendo.provider_id(), "1");
  v1::SetCapacityRequest cap;
  cap.set_request_id("cap-1");
  cap.set_provider_id(attendo.provider_id());
  cap.set_zone_id("north");
  cap.set_max_clients(40);
  v1::Provider p;
  ASSERT_TRUE(Call(&v1::RegistryService::Stub::SetCapacity, cap, &p).ok());

  std::vector<CloudEvent> events = ReadEvents(topic(), 5);
  ASSERT_EQ(events.size(), 5u);
  std::vector<std::string> types;
  const CloudEvent* last_of_provider = nullptr;
  for (const auto& e : events) {
    if (e.subject == attendo.provider_id()) {
      types.push_back(e.type);
      last_of_provider = &e;
    }
    EXPECT_EQ(e.source, "/lov/registry");
    EXPECT_EQ(e.key, e.subject);
    EXPECT_NE(e.content_type.find("lov.registry.v1.RegistryEvent"),
              std::string::npos);
  }
  EXPECT_EQ(types,
            (std::vector<std::string>{"se.lov.registry.v1.ProviderRegistered",
                                      "se.lov.registry.v1.ApplicationSubmitted",
                                      "se.lov.registry.v1.ApplicationApproved",
                                      "se.lov.registry.v1.CapacityChanged"}));
  ASSERT_NE(last_of_provider, nullptr);
  v1::RegistryEvent last;
  ASSERT_TRUE(last.ParseFromString(last_of_provider->data));
  ASSERT_TRUE(last.has_capacity_changed());
  EXPECT_EQ(last.aggregate_version(), 4);
  EXPECT_EQ(last.capacity_changed().current().max_clients(), 40);
  EXPECT_EQ(last.event_id(), last_of_provider->id);
}

// A sole trader's organisation number is the owner's personnummer (811218-9876,
// Luhn by hand in identity_numbers_test.cc): none of its forms may reach the
// topic, in the key, a header or the body, nor the service's log.
TEST_F(RegistryServiceTest, SoleTradersEventsCarryNoPersonnummer) {
  Configure();
  v1::Provider p = Register("811218-9876", "Anna Anderssons Omsorg", "reg-1");
  // HMAC-SHA256 of "811218-9876" under the tests' key (kTestServiceKey),
  // computed with `printf '811218-9876' | openssl dgst -sha256 -hmac KEY`:
  // b89070c7425e0ff1be79...
  EXPECT_EQ(p.provider_id(), "prv-b89070c7425e0ff1be79");
  EXPECT_EQ(p.organisation_number(), "");
  ApplyAndApprove(p.provider_id(), "sole");
  std::vector<CloudEvent> events = ReadEvents(topic(), 4);
  ASSERT_EQ(events.size(), 4u);  // setup, registered, applied, approved
  const std::vector<std::string> forms = {"8112189876", "811218-9876",
                                          "811218"};
  for (const CloudEvent& e : events) {
    std::vector<std::string> parts = {
        e.id, e.type, e.source, e.subject, e.key, e.content_type, e.data};
    for (const auto& [name, value] : e.extra_headers) {
      parts.push_back(name);
      parts.push_back(value);
    }
    for (const std::string& part : parts) {
      for (const std::string& form : forms) {
        EXPECT_EQ(part.find(form), std::string::npos) << e.type << ": " << form;
      }
    }
  }
  EXPECT_EQ(events[1].key, "prv-b89070c7425e0ff1be79");
  EXPECT_EQ(stack_.process("registry").Log().find("811218"), std::string::npos);
}

// The key of sole traders' provider ids is required: the registry refuses to
// start, naming it. (The empty flag wins over the key ServiceProcess gives in
// the environment.)
TEST(RegistryStartupTest, RefusesToStartWithoutAKeyOutsideDevelopment) {
  ServiceProcess registry(
      "services/registry/registry",
      {"--namespace=t" + NewUuid().substr(0, 8), "--provider-id-key="});
  absl::Status started = registry.Start(absl::Seconds(20));
  EXPECT_EQ(started.code(), absl::StatusCode::kFailedPrecondition) << started;
  EXPECT_NE(registry.Log().find("--provider-id-key / LOV_PROVIDER_ID_KEY: a "
                                "secret key is required"),
            std::string::npos)
      << registry.Log();
}

TEST_F(RegistryServiceTest, BadRequestsGetTheRightStatusNamingTheRule) {
  Configure();
  v1::Provider p = Register("556554-1645", "Attendo Sverige AB", "reg-1");
  ApplyAndApprove(p.provider_id(), "1");

  v1::RegisterProviderRequest bad_org;
  bad_org.set_request_id("reg-bad");
  bad_org.set_organisation_number("556554-1643");
  bad_org.set_name("X");
  bad_org.set_kind(v1::PROVIDER_KIND_PRIVATE);
  v1::Provider out;
  grpc::Status s =
      Call(&v1::RegistryService::Stub::RegisterProvider, bad_org, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("organisation_number"), std::string::npos);

  v1::RegisterProviderRequest twice = bad_org;
  twice.set_request_id("reg-2");
  twice.set_organisation_number("5565541645");
  s = Call(&v1::RegistryService::Stub::RegisterProvider, twice, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  v1::SubmitApplicationRequest unknown_zone;
  unknown_zone.set_request_id("apply-x");
  unknown_zone.set_provider_id(p.provider_id());
  unknown_zone.add_zone_ids("atlantis");
  unknown_zone.add_category_ids("home-help-service");
  s = Call(&v1::RegistryService::Stub::SubmitApplication, unknown_zone, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("zone_ids[0]: unknown zone 'atlantis'"),
            std::string::npos)
      << s.error_message();

  v1::SetCapacityRequest negative;
  negative.set_request_id("cap-neg");
  negative.set_provider_id(p.provider_id());
  negative.set_zone_id("north");
  negative.set_max_clients(-3);
  s = Call(&v1::RegistryService::Stub::SetCapacity, negative, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("max_clients"), std::string::npos);

  v1::DecideApplicationRequest again;
  again.set_request_id("decide-again");
  again.set_provider_id(p.provider_id());
  again.set_application_id("app-1");
  again.set_approve(true);
  again.set_effective_date("2025-02-01");
  s = Call(&v1::RegistryService::Stub::DecideApplication, again, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("already approved"), std::string::npos);

  v1::GiveNoticeRequest not_in_zone;
  not_in_zone.set_request_id("notice-x");
  not_in_zone.set_provider_id(p.provider_id());
  not_in_zone.set_zone_id("south");
  not_in_zone.set_given_on("2025-03-01");
  not_in_zone.set_effective_date("2025-07-01");
  s = Call(&v1::RegistryService::Stub::GiveNotice, not_in_zone, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("is not in zone 'south'"), std::string::npos)
      << s.error_message();

  v1::GiveNoticeRequest backwards = not_in_zone;
  backwards.set_request_id("notice-y");
  backwards.set_zone_id("north");
  backwards.set_effective_date("2025-02-01");
  s = Call(&v1::RegistryService::Stub::GiveNotice, backwards, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("effective_date: must be after given_on"),
            std::string::npos)
      << s.error_message();

  v1::GetProviderRequest missing;
  missing.set_provider_id("prv-0000000000");
  v1::ProviderStatus status;
  s = Call(&v1::RegistryService::Stub::GetProvider, missing, &status);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

// The input limits (proto/lov/auth/v1/limits.proto) at the API edge: the
// refused request does nothing, so the same request id then works.
TEST_F(RegistryServiceTest, AFieldOverItsLimitIsRefusedNamingFieldAndLimit) {
  Configure();
  v1::RegisterProviderRequest req;
  req.set_request_id("reg-long");
  req.set_organisation_number("556554-1645");
  req.set_name("Attendo Sverige AB");
  req.set_kind(v1::PROVIDER_KIND_PRIVATE);
  req.mutable_contact()->set_email(std::string(300, 'e'));
  v1::Provider out;
  grpc::Status s =
      Call(&v1::RegistryService::Stub::RegisterProvider, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "contact.email is 300 characters long; at most 256");

  v1::RegisterProviderRequest many = req;
  many.mutable_contact()->clear_email();
  for (int i = 0; i < 101; ++i) many.add_manager_qualifications("q");
  s = Call(&v1::RegistryService::Stub::RegisterProvider, many, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "manager_qualifications has 101 entries; at most 100");

  req.mutable_contact()->set_email("info@attendo.se");
  s = Call(&v1::RegistryService::Stub::RegisterProvider, req, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.version(), 1);
}

TEST_F(RegistryServiceTest, RetriedCreateReturnsTheFirstResultAndWritesOnce) {
  Configure();
  v1::Provider first = Register("556554-1645", "Attendo Sverige AB", "reg-1");
  v1::Provider again = Register("556554-1645", "Attendo Sverige AB", "reg-1");
  EXPECT_EQ(again.provider_id(), first.provider_id());
  EXPECT_EQ(again.version(), 1);
  // A marker event after the retry proves the retry wrote nothing.
  Register("556036-0793", "Tiohundra AB", "reg-marker");
  std::vector<CloudEvent> events = ReadEvents(topic(), 3);
  int registered = 0;
  for (const auto& e : events) {
    registered += e.type == "se.lov.registry.v1.ProviderRegistered" &&
                  e.subject == first.provider_id();
  }
  EXPECT_EQ(registered, 1);
  EXPECT_EQ(events.size(), 3u);  // setup, Attendo once, marker
}

std::string SnapshotState(v1::RegistryService::Stub& stub) {
  std::string out;
  grpc::ClientContext c1;
  v1::Municipality m;
  EXPECT_TRUE(stub.GetMunicipality(&c1, {}, &m).ok());
  out += SerializeDeterministic(m);
  grpc::ClientContext c2;
  v1::ListProvidersRequest list;
  list.set_as_of("2025-06-01");
  v1::ListProvidersResponse providers;
  EXPECT_TRUE(stub.ListProviders(&c2, list, &providers).ok());
  EXPECT_GT(providers.providers_size(), 0);
  out += SerializeDeterministic(providers);
  for (const auto& p : providers.providers()) {
    grpc::ClientContext c3;
    v1::GetProviderHistoryRequest h;
    h.set_provider_id(p.provider().provider_id());
    v1::GetProviderHistoryResponse history;
    EXPECT_TRUE(stub.GetProviderHistory(&c3, h, &history).ok());
    out += SerializeDeterministic(history);
  }
  return out;
}

TEST_F(RegistryServiceTest,
       KilledAndWipedServiceRebuildsTheSameStateFromKafka) {
  Configure();
  v1::Provider a = Register("556554-1645", "Attendo Sverige AB", "reg-1");
  v1::Provider b = Register("556036-0793", "Tiohundra AB", "reg-2");
  ApplyAndApprove(a.provider_id(), "a");
  ApplyAndApprove(b.provider_id(), "b");
  v1::ImposeSanctionRequest warn;
  warn.set_request_id("warn-1");
  warn.set_provider_id(b.provider_id());
  warn.set_kind(v1::SANCTION_KIND_WARNING);
  warn.set_reason("late documentation");
  v1::Provider out;
  ASSERT_TRUE(
      Call(&v1::RegistryService::Stub::ImposeSanction, warn, &out).ok());
  const std::string before = SnapshotState(*stub_);

  stack_.process("registry").Kill();
  absl::StatusOr<int> wiped =
      ::lov::testing::WipeRedisKeys(stack_.StateKeys("registry"));
  ASSERT_TRUE(wiped.ok()) << wiped.status();
  ASSERT_GT(*wiped, 0);

  ASSERT_TRUE(stack_.process("registry").Start().ok())
      << stack_.process("registry").Log();
  Connect();
  EXPECT_EQ(SnapshotState(*stub_), before);
  EXPECT_NE(stack_.process("registry").Log().find("state rebuilt"),
            std::string::npos);
  // A retried request is still recognised after the rebuild.
  v1::Provider retried = Register("556554-1645", "Attendo Sverige AB", "reg-1");
  EXPECT_EQ(retried.version(), 3);
}

// Finance's data about a provider: set by finance (not by the provider),
// read back, published as PaymentDetailsChanged, refused naming the field.
// Check digits worked by hand in domain/payment_numbers_test.cc.
TEST_F(RegistryServiceTest, PaymentDetailsAreSetByFinanceAndReadBack) {
  Configure();
  v1::Provider p = Register("556554-1645", "Attendo Sverige AB", "reg-1");
  v1::SetPaymentDetailsRequest req;
  req.set_request_id("pay-1");
  req.set_provider_id(p.provider_id());
  req.set_bankgiro("5050 1055");
  req.set_vat_number("SE556554164501");
  req.set_f_tax(v1::F_TAX_STATUS_NOT_APPROVED);
  req.set_f_tax_checked_on("2025-03-03");
  req.set_peppol_participant_id("0007:5565541645");
  v1::Provider out;
  grpc::Status s;
  {
    grpc::ClientContext as_provider;
    ::lov::testing::SignIn(&as_provider, auth::v1::ROLE_PROVIDER,
                           p.provider_id());
    s = stub_->SetPaymentDetails(&as_provider, req, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << s.error_message();
  }
  {
    grpc::ClientContext as_finance;
    ::lov::testing::SignIn(&as_finance, auth::v1::ROLE_FINANCE);
    as_finance.set_deadline(std::chrono::system_clock::now() +
                            std::chrono::seconds(30));
    s = stub_->SetPaymentDetails(&as_finance, req, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(out.payment_details().bankgiro(), "5050-1055");
  EXPECT_TRUE(out.payment_details().must_not_pay_gross());

  v1::GetProviderRequest get;
  get.set_provider_id(p.provider_id());
  v1::ProviderStatus read;
  ASSERT_TRUE(Call(&v1::RegistryService::Stub::GetProvider, get, &read).ok());
  const v1::PaymentDetails& d = read.provider().payment_details();
  EXPECT_EQ(d.bankgiro(), "5050-1055");
  EXPECT_EQ(d.vat_number(), "SE556554164501");
  EXPECT_EQ(d.f_tax(), v1::F_TAX_STATUS_NOT_APPROVED);
  EXPECT_EQ(d.f_tax_checked_on(), "2025-03-03");
  EXPECT_TRUE(d.must_not_pay_gross());
  EXPECT_EQ(d.peppol_participant_id(), "0007:5565541645");

  std::vector<CloudEvent> events = ReadEvents(topic(), 3);
  ASSERT_EQ(events.size(), 3u);  // setup, registered, payment details
  // In order per key (the setup is on another partition's key).
  std::vector<const CloudEvent*> of_provider;
  for (const CloudEvent& c : events) {
    if (c.key == p.provider_id()) of_provider.push_back(&c);
  }
  ASSERT_EQ(of_provider.size(), 2u);
  EXPECT_EQ(of_provider[1]->type, "se.lov.registry.v1.PaymentDetailsChanged");
  v1::RegistryEvent e;
  ASSERT_TRUE(e.ParseFromString(of_provider[1]->data));
  ASSERT_TRUE(e.has_payment_details_changed());
  EXPECT_EQ(e.payment_details_changed().current().vat_number(),
            "SE556554164501");
  EXPECT_TRUE(e.payment_details_changed().current().must_not_pay_gross());

  // 5565541646 ends in a wrong check digit (Luhn sum 41).
  v1::SetPaymentDetailsRequest bad = req;
  bad.set_request_id("pay-2");
  bad.set_peppol_participant_id("0007:5565541646");
  s = Call(&v1::RegistryService::Stub::SetPaymentDetails, bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("peppol_participant_id: "),
            std::string::npos)
      << s.error_message();
  bad.set_request_id("pay-3");
  bad.set_peppol_participant_id("");
  bad.set_f_tax_checked_on("");
  s = Call(&v1::RegistryService::Stub::SetPaymentDetails, bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("f_tax_checked_on: is required"),
            std::string::npos)
      << s.error_message();
}

// A sole trader's VAT number embeds the owner's personnummer: accepted when
// it is the trader's own, and then in no event, answer or log line.
TEST_F(RegistryServiceTest, ASoleTradersVatNumberIsWithheldEverywhere) {
  Configure();
  v1::Provider p = Register("811218-9876", "Anna Anderssons Omsorg", "reg-1");
  v1::SetPaymentDetailsRequest req;
  req.set_request_id("pay-1");
  req.set_provider_id(p.provider_id());
  req.set_plusgiro("90 08 00-4");
  req.set_vat_number("SE811218987601");
  req.set_f_tax(v1::F_TAX_STATUS_APPROVED);
  req.set_f_tax_checked_on("2025-03-03");
  v1::Provider out;
  grpc::Status s =
      Call(&v1::RegistryService::Stub::SetPaymentDetails, req, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(out.payment_details().vat_number_withheld());
  EXPECT_EQ(out.SerializeAsString().find("8112189876"), std::string::npos);
  std::vector<CloudEvent> events = ReadEvents(topic(), 3);
  ASSERT_EQ(events.size(), 3u);
  std::vector<std::string> types;
  for (const CloudEvent& e : events) {
    if (e.key == p.provider_id()) types.push_back(e.type);
  }
  EXPECT_EQ(types, (std::vector<std::string>{
                       "se.lov.registry.v1.ProviderRegistered",
                       "se.lov.registry.v1.PaymentDetailsChanged"}));
  for (const CloudEvent& e : events) {
    for (const std::string& form : {"8112189876", "811218-9876", "811218"}) {
      EXPECT_EQ(e.data.find(form), std::string::npos) << e.type << form;
    }
  }
  EXPECT_EQ(stack_.process("registry").Log().find("811218"), std::string::npos);
}

TEST(RegistryConfigTest, BadConfigurationEndsWithAClearMessage) {
  auto bad_port = lov::testing::RunToCompletion("services/registry/registry",
                                                {"--grpc-port=abc"});
  EXPECT_EQ(bad_port.exit_code, 1);
  EXPECT_NE(bad_port.output.find("--grpc-port: 'abc' is not a whole number"),
            std::string::npos)
      << bad_port.output;

  std::vector<std::string> no_broker_flags = Stack().ServiceTlsFlags();
  no_broker_flags.push_back("--kafka-brokers=127.0.0.1:1");
  no_broker_flags.push_back("--redis-addr=" + Stack().redis_addr);
  auto no_broker = lov::testing::RunToCompletion("services/registry/registry",
                                                 no_broker_flags);
  EXPECT_EQ(no_broker.exit_code, 1);
  EXPECT_NE(no_broker.output.find("cannot reach Kafka at 127.0.0.1:1"),
            std::string::npos)
      << no_broker.output;
}

}  // namespace
}  // namespace lov::registry
