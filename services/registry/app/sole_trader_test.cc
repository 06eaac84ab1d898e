// A sole trader's organisation number is the owner's personnummer: the
// registry gives it a keyed surrogate id and puts the number into no event,
// id or message. Expected ids computed apart from the code, with
//   printf '811218-9876' | openssl dgst -sha256 -hmac KEY
#include "lov/platform/requests.h"
#include "lov/registry/app/registry_app_test_support.h"

namespace lov::registry {
namespace {

using namespace ::lov::registry::test_support;  // NOLINT: fixture, fakes

// 811218-9876: born 18 December 1981 (Luhn by hand in identity_numbers_test).
constexpr char kSoleTraderOrg[] = "811218-9876";
// The first 20 hex digits of HMAC-SHA256(kProviderIdKey, "811218-9876").
constexpr char kSoleTrader[] = "prv-2f831b0df545ce2d4e31";

// No form of the number in the bytes of `text`.
void ExpectNoNumber(const std::string& text) {
  for (const char* form : {"8112189876", "811218-9876", "811218"}) {
    EXPECT_EQ(text.find(form), std::string::npos) << form;
  }
}

class SoleTraderTest : public RegistryAppTest {
 protected:
  v1::RegisterProviderRequest SoleTrader(const std::string& request_id,
                                         const std::string& org) {
    return RegisterRequest(request_id, org, "Anna Anderssons Omsorg");
  }
};

TEST_F(SoleTraderTest, IsRegisteredUnderAKeyedIdWithoutTheNumber) {
  ASSERT_TRUE(Configure("setup-1", Norrtalje()).ok());
  const v1::RegisterProviderRequest request = SoleTrader("reg-1", "8112189876");
  absl::StatusOr<v1::Provider> p = app_.RegisterProvider(request);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->provider_id(), kSoleTrader);
  EXPECT_EQ(p->organisation_number(), "");
  ASSERT_EQ(publisher_.events_.size(), 2u);
  const v1::RegistryEvent& event = publisher_.events_[1];
  EXPECT_EQ(event.aggregate_id(), kSoleTrader);
  ExpectNoNumber(event.SerializeAsString());
  // The fingerprint is not the plain hash of the request, which trying
  // every personnummer would reverse.
  EXPECT_NE(event.request_fingerprint(), RequestFingerprint(request));
  EXPECT_EQ(Status(kSoleTrader).provider().name(), "Anna Anderssons Omsorg");
}

TEST_F(SoleTraderTest, APersonnummerInTheRecordsTextIsRefusedBeforeAnyEvent) {
  ASSERT_TRUE(Configure("setup-1", Norrtalje()).ok());
  v1::RegisterProviderRequest request = SoleTrader("reg-1", kSoleTraderOrg);
  request.mutable_contact()->set_contact_person("Anna Andersson 811218-9876");

  absl::StatusOr<v1::Provider> refused = app_.RegisterProvider(request);

  EXPECT_TRUE(IsError(refused.status(), absl::StatusCode::kInvalidArgument,
                      {"contact.contact_person: must not contain a personal "
                       "identity number"}))
      << refused.status();
  ExpectNoNumber(std::string(refused.status().message()));
  EXPECT_EQ(publisher_.events_.size(), 1u);  // the set-up only

  // Registered without it; an update that writes it into the description
  // (the 12-digit form) is refused alike, and nothing is published.
  request.mutable_contact()->set_contact_person("Anna Andersson");
  ASSERT_TRUE(app_.RegisterProvider(request).ok());
  v1::UpdateProviderRequest update;
  update.set_request_id("update-1");
  update.set_provider_id(kSoleTrader);
  update.mutable_profile()->set_description("Ägare: 19811218-9876");
  absl::StatusOr<v1::Provider> updated = app_.UpdateProvider(update);
  EXPECT_TRUE(IsError(updated.status(), absl::StatusCode::kInvalidArgument,
                      {"profile.description: must not contain"}))
      << updated.status();
  ASSERT_EQ(publisher_.events_.size(), 2u);
  for (const v1::RegistryEvent& e : publisher_.events_) {
    ExpectNoNumber(e.SerializeAsString());
  }
  // The same text without the number is taken.
  update.mutable_profile()->set_description("Ägare: Anna Andersson");
  update.set_request_id("update-2");
  EXPECT_TRUE(app_.UpdateProvider(update).ok());
}

TEST_F(SoleTraderTest, ApplyingAndApprovalCarryNoNumberEither) {
  ASSERT_TRUE(Configure("setup-1", Norrtalje()).ok());
  ASSERT_TRUE(app_.RegisterProvider(SoleTrader("reg-1", kSoleTraderOrg)).ok());
  ASSERT_TRUE(app_.SubmitApplication(ApplyRequest("apply-1", kSoleTrader,
                                                  {"north"}, {kService}))
                  .ok());
  ASSERT_TRUE(app_.DecideApplication(ApproveRequest("approve-1", kSoleTrader,
                                                    "app-1", "2025-01-01"))
                  .ok());
  ASSERT_EQ(publisher_.events_.size(), 4u);
  for (const v1::RegistryEvent& e : publisher_.events_) {
    ExpectNoNumber(e.SerializeAsString());
  }
}

TEST_F(SoleTraderTest, IsRegisteredOnceWithoutNamingTheNumber) {
  ASSERT_TRUE(app_.RegisterProvider(SoleTrader("reg-1", kSoleTraderOrg)).ok());
  // A retry gives the first answer.
  absl::StatusOr<v1::Provider> retry =
      app_.RegisterProvider(SoleTrader("reg-1", kSoleTraderOrg));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->provider_id(), kSoleTrader);
  // Another request for the same number, written with the "16" prefix.
  absl::StatusOr<v1::Provider> again =
      app_.RegisterProvider(SoleTrader("reg-2", "168112189876"));
  EXPECT_TRUE(IsError(again.status(), absl::StatusCode::kAlreadyExists,
                      {"organisation_number: this number",
                       "already registered as provider "
                       "'prv-2f831b0df545ce2d4e31'"}))
      << again.status();
  ExpectNoNumber(std::string(again.status().message()));
  EXPECT_EQ(publisher_.events_.size(), 1u);
}

TEST_F(SoleTraderTest, TheIdDependsOnTheKey) {
  RegistryApp other{&store_, &publisher_, &clock_,
                    "another-registry-test-key-0123456789abc"};
  absl::StatusOr<v1::Provider> p =
      other.RegisterProvider(SoleTrader("reg-1", kSoleTraderOrg));
  ASSERT_TRUE(p.ok()) << p.status();
  // HMAC-SHA256 under the other key begins 167b00194f9b35d4676252d2...
  EXPECT_EQ(p->provider_id(), "prv-167b00194f9b35d46762");
}

TEST_F(SoleTraderTest, ACompanyKeepsItsNumberAndId) {
  absl::StatusOr<v1::Provider> p = app_.RegisterProvider(
      RegisterRequest("reg-1", "556554-1645", "Attendo Sverige AB"));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->provider_id(), kAttendo);
  EXPECT_EQ(p->organisation_number(), "556554-1645");
}

TEST_F(SoleTraderTest, NoPersonnummerInNamesOrReasons) {
  EXPECT_TRUE(
      IsError(app_.RegisterProvider(RegisterRequest("reg-1", kSoleTraderOrg,
                                                    "Omsorg 121212-1212"))
                  .status(),
              absl::StatusCode::kInvalidArgument,
              {"name: must not contain a personal identity number"}));
  SetUpOmsorgshuset();
  const size_t events = publisher_.events_.size();
  // 7010632391 is a samordningsnummer (Luhn by hand in
  // identity_numbers_test).
  EXPECT_TRUE(IsError(
      app_.SetIntakePaused(PauseRequest("pause-1", kOmsorgshuset, "city", true,
                                        "client 7010632391 complained"))
          .status(),
      absl::StatusCode::kInvalidArgument,
      {"reason: must not contain a personal identity number"}));
  EXPECT_EQ(publisher_.events_.size(), events);
}

}  // namespace
}  // namespace lov::registry
