// SetPaymentDetails through the write path: one PaymentDetailsChanged event
// for finance, retries, refusals, and a sole trader's numbers kept out of
// every byte of the event. Numbers' check digits are worked by hand in
// domain/payment_numbers_test.cc.
#include "lov/platform/requests.h"
#include "lov/registry/app/registry_app_test_support.h"

namespace lov::registry {
namespace {

using namespace ::lov::registry::test_support;  // NOLINT: fixture, fakes

// As in sole_trader_test.cc: HMAC-SHA256(kProviderIdKey, "811218-9876").
constexpr char kSoleTrader[] = "prv-2f831b0df545ce2d4e31";

class PaymentDetailsTest : public RegistryAppTest {
 protected:
  static v1::SetPaymentDetailsRequest PayRequest(
      const std::string& request_id, const std::string& provider_id) {
    v1::SetPaymentDetailsRequest r;
    r.set_request_id(request_id);
    r.set_provider_id(provider_id);
    r.set_bankgiro("5050-1055");
    r.set_vat_number("SE556036079301");
    r.set_f_tax(v1::F_TAX_STATUS_APPROVED);
    r.set_f_tax_checked_on("2025-03-03");
    r.set_peppol_participant_id("0007:5560360793");
    return r;
  }
};

TEST_F(PaymentDetailsTest, AreSetPublishedForFinanceAndReadBack) {
  SetUpOmsorgshuset();
  const size_t events = publisher_.events_.size();
  absl::StatusOr<v1::Provider> p =
      app_.SetPaymentDetails(PayRequest("pay-1", kOmsorgshuset));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->version(), 4);
  ASSERT_EQ(publisher_.events_.size(), events + 1);
  const v1::RegistryEvent& e = publisher_.events_.back();
  ASSERT_TRUE(e.has_payment_details_changed());
  EXPECT_EQ(e.aggregate_id(), kOmsorgshuset);
  EXPECT_FALSE(e.payment_details_changed().has_previous());
  const v1::PaymentDetails& d = e.payment_details_changed().current();
  EXPECT_EQ(d.bankgiro(), "5050-1055");
  EXPECT_EQ(d.vat_number(), "SE556036079301");
  EXPECT_EQ(d.peppol_participant_id(), "0007:5560360793");
  EXPECT_FALSE(d.must_not_pay_gross());
  EXPECT_EQ(e.payment_details_changed().provider().payment_details().bankgiro(),
            "5050-1055");
  // Read back, with the history line a finance officer sees.
  EXPECT_EQ(Status(kOmsorgshuset).provider().payment_details().vat_number(),
            "SE556036079301");
  v1::GetProviderHistoryRequest h;
  h.set_provider_id(kOmsorgshuset);
  EXPECT_EQ(app_.GetProviderHistory(h)->entries().rbegin()->summary(),
            "payment details set: bankgiro 5050-1055, VAT SE556036079301, "
            "F-tax approved (checked 2025-03-03), Peppol 0007:5560360793");
}

TEST_F(PaymentDetailsTest, AChangeCarriesTheDetailsBefore) {
  SetUpOmsorgshuset();
  ASSERT_TRUE(app_.SetPaymentDetails(PayRequest("pay-1", kOmsorgshuset)).ok());
  v1::SetPaymentDetailsRequest revoked = PayRequest("pay-2", kOmsorgshuset);
  revoked.set_f_tax(v1::F_TAX_STATUS_NOT_APPROVED);
  revoked.set_f_tax_checked_on("2025-03-10");
  absl::StatusOr<v1::Provider> p = app_.SetPaymentDetails(revoked);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->payment_details().must_not_pay_gross());
  const auto& changed = publisher_.events_.back().payment_details_changed();
  EXPECT_EQ(changed.previous().f_tax(), v1::F_TAX_STATUS_APPROVED);
  EXPECT_FALSE(changed.previous().must_not_pay_gross());
  EXPECT_TRUE(changed.current().must_not_pay_gross());
}

TEST_F(PaymentDetailsTest,
       ARetryWritesNothingAnotherRequestUnderItsIdIsRefused) {
  SetUpOmsorgshuset();
  ASSERT_TRUE(app_.SetPaymentDetails(PayRequest("pay-1", kOmsorgshuset)).ok());
  const size_t events = publisher_.events_.size();
  absl::StatusOr<v1::Provider> retry =
      app_.SetPaymentDetails(PayRequest("pay-1", kOmsorgshuset));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->version(), 4);
  v1::SetPaymentDetailsRequest other = PayRequest("pay-1", kOmsorgshuset);
  other.set_bankgiro("900-8004");
  EXPECT_EQ(app_.SetPaymentDetails(other).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(publisher_.events_.size(), events);
}

TEST_F(PaymentDetailsTest, ARefusalNamesTheFieldAndPublishesNothing) {
  SetUpOmsorgshuset();
  const size_t events = publisher_.events_.size();
  v1::SetPaymentDetailsRequest r = PayRequest("pay-1", kOmsorgshuset);
  r.set_bankgiro("5050-1056");
  EXPECT_TRUE(IsError(app_.SetPaymentDetails(r).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"bankgiro: bankgiro number 5050-1056 has a wrong "
                       "check digit"}));
  EXPECT_TRUE(IsError(
      app_.SetPaymentDetails(PayRequest("pay-2", "prv-9999999999")).status(),
      absl::StatusCode::kNotFound, {"provider_id: no provider"}));
  EXPECT_EQ(publisher_.events_.size(), events);
  EXPECT_FALSE(Status(kOmsorgshuset).provider().has_payment_details());
}

TEST_F(PaymentDetailsTest, ASoleTradersVatNumberAndPeppolIdGoNowhere) {
  ASSERT_TRUE(Configure("setup-1", Norrtalje()).ok());
  ASSERT_TRUE(app_.RegisterProvider(RegisterRequest("reg-1", "811218-9876",
                                                    "Anna Anderssons Omsorg"))
                  .ok());
  v1::SetPaymentDetailsRequest r = PayRequest("pay-1", kSoleTrader);
  r.clear_bankgiro();
  r.set_plusgiro("90 08 00-4");
  r.set_vat_number("SE811218987601");
  r.set_peppol_participant_id("0007:8112189876");
  absl::StatusOr<v1::Provider> p = app_.SetPaymentDetails(r);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->payment_details().vat_number_withheld());
  EXPECT_TRUE(p->payment_details().peppol_participant_id_withheld());
  const v1::RegistryEvent& e = publisher_.events_.back();
  ASSERT_TRUE(e.has_payment_details_changed());
  const std::string bytes = e.SerializeAsString();
  for (const char* form : {"8112189876", "811218-9876", "811218"}) {
    EXPECT_EQ(bytes.find(form), std::string::npos) << form;
  }
  // The fingerprint is not the plain hash of the request, which trying
  // every personnummer would reverse; a retry is still recognised.
  EXPECT_NE(e.request_fingerprint(), RequestFingerprint(r));
  const size_t events = publisher_.events_.size();
  ASSERT_TRUE(app_.SetPaymentDetails(r).ok());
  EXPECT_EQ(publisher_.events_.size(), events);
  v1::GetProviderHistoryRequest h;
  h.set_provider_id(kSoleTrader);
  EXPECT_EQ(app_.GetProviderHistory(h)->entries().rbegin()->summary(),
            "payment details set: plusgiro 900800-4, VAT registered (number "
            "withheld), F-tax approved (checked 2025-03-03), Peppol id "
            "withheld");
}

}  // namespace
}  // namespace lov::registry
