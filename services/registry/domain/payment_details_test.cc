// SetPaymentDetails: which account, F-tax and the flag for finance, and the
// VAT number and Peppol id matched to the provider's own number (check
// digits worked by hand in payment_numbers_test.cc).
#include "lov/registry/domain/payment_details.h"

#include "gtest/gtest.h"
#include "status_matchers.h"

namespace lov::registry {
namespace {

using ::lov::testing::IsError;
constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
const absl::CivilDay kToday(2025, 3, 10);

// A stand-in for the registry's keyed pseudonym: the sole trader
// 811218-9876 gets "aaaa...", every other number "bbbb...".
std::string Pseudonym(const std::string& org) {
  return std::string(20, org == "811218-9876" ? 'a' : 'b');
}

v1::Provider Attendo() {
  v1::Provider p;
  p.set_provider_id("prv-5565541645");
  p.set_organisation_number("556554-1645");
  return p;
}

v1::Provider SoleTrader() {
  v1::Provider p;
  p.set_provider_id("prv-aaaaaaaaaaaaaaaaaaaa");  // no organisation number
  return p;
}

v1::SetPaymentDetailsRequest Request() {
  v1::SetPaymentDetailsRequest r;
  r.set_request_id("pay-1");
  r.set_provider_id("prv-5565541645");
  r.set_bankgiro("50501055");
  r.set_vat_number("SE 556554-1645 01");
  r.set_f_tax(v1::F_TAX_STATUS_APPROVED);
  r.set_f_tax_checked_on("2025-03-03");
  r.set_peppol_participant_id("iso6523-actorid-upis::0007:5565541645");
  return r;
}

absl::StatusOr<v1::Provider> Set(const v1::Provider& p,
                                 const v1::SetPaymentDetailsRequest& r) {
  return SetPaymentDetails(p, r, kToday, &Pseudonym);
}

TEST(SetPaymentDetailsTest, ACompanysNumbersAreKeptInTheirWrittenForm) {
  absl::StatusOr<v1::Provider> p = Set(Attendo(), Request());
  ASSERT_TRUE(p.ok()) << p.status();
  const v1::PaymentDetails& d = p->payment_details();
  EXPECT_EQ(d.bankgiro(), "5050-1055");
  EXPECT_EQ(d.plusgiro(), "");
  EXPECT_EQ(d.vat_number(), "SE556554164501");
  EXPECT_EQ(d.f_tax(), v1::F_TAX_STATUS_APPROVED);
  EXPECT_EQ(d.f_tax_checked_on(), "2025-03-03");
  EXPECT_FALSE(d.must_not_pay_gross());
  EXPECT_EQ(d.peppol_participant_id(), "0007:5565541645");
  EXPECT_FALSE(d.vat_number_withheld());
  EXPECT_FALSE(d.peppol_participant_id_withheld());
  EXPECT_EQ(p->organisation_number(), "556554-1645");
}

TEST(SetPaymentDetailsTest, WithoutFTaxTheProviderMustNotBePaidGross) {
  v1::SetPaymentDetailsRequest r = Request();
  r.set_f_tax(v1::F_TAX_STATUS_NOT_APPROVED);
  r.set_f_tax_checked_on("2025-03-10");  // today is allowed
  absl::StatusOr<v1::Provider> p = Set(Attendo(), r);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->payment_details().must_not_pay_gross());
  EXPECT_EQ(p->payment_details().f_tax(), v1::F_TAX_STATUS_NOT_APPROVED);
}

TEST(SetPaymentDetailsTest, ThePlusgiroInsteadOfABankgiroAndNothingOptional) {
  v1::SetPaymentDetailsRequest r = Request();
  r.clear_bankgiro();
  r.set_plusgiro("90 08 00-4");
  r.clear_vat_number();
  r.clear_peppol_participant_id();
  v1::Provider before = Attendo();
  before.mutable_payment_details()->set_vat_number("SE556554164501");
  absl::StatusOr<v1::Provider> p = Set(before, r);
  ASSERT_TRUE(p.ok()) << p.status();
  // The details are replaced whole: the VAT number is gone.
  EXPECT_EQ(p->payment_details().plusgiro(), "900800-4");
  EXPECT_EQ(p->payment_details().bankgiro(), "");
  EXPECT_EQ(p->payment_details().vat_number(), "");
  EXPECT_EQ(p->payment_details().peppol_participant_id(), "");
}

TEST(SetPaymentDetailsTest, ExactlyOneAccount) {
  v1::SetPaymentDetailsRequest both = Request();
  both.set_plusgiro("900800-4");
  EXPECT_TRUE(IsError(Set(Attendo(), both).status(), kInvalid,
                      {"plusgiro: give a bankgiro or a plusgiro number, "
                       "not both"}));
  v1::SetPaymentDetailsRequest none = Request();
  none.clear_bankgiro();
  EXPECT_TRUE(IsError(Set(Attendo(), none).status(), kInvalid,
                      {"bankgiro: is required (or plusgiro)"}));
}

TEST(SetPaymentDetailsTest, EveryMalformedNumberIsRefusedNamingTheField) {
  v1::SetPaymentDetailsRequest r = Request();
  r.set_bankgiro("5050-1056");
  EXPECT_TRUE(IsError(Set(Attendo(), r).status(), kInvalid,
                      {"bankgiro: bankgiro number 5050-1056 has a wrong "
                       "check digit"}));
  r = Request();
  r.clear_bankgiro();
  r.set_plusgiro("900800-5");
  EXPECT_TRUE(IsError(Set(Attendo(), r).status(), kInvalid,
                      {"plusgiro: plusgiro number 900800-5"}));
  r = Request();
  r.set_vat_number("SE556554164502");
  EXPECT_TRUE(IsError(Set(Attendo(), r).status(), kInvalid,
                      {"vat_number: ", "does not end in 01"}));
  // Schemes other than 0007 and 0088 (GLN) are refused; a GLN is checked.
  r = Request();
  r.set_peppol_participant_id("9999:7300010000001");
  EXPECT_TRUE(IsError(Set(Attendo(), r).status(), kInvalid,
                      {"peppol_participant_id: Peppol scheme 9999"}));
  r.set_peppol_participant_id("0088:7300010000002");
  EXPECT_TRUE(IsError(Set(Attendo(), r).status(), kInvalid,
                      {"peppol_participant_id: the GLN", "check digit"}));
  r.set_peppol_participant_id("0088:730001000000");
  EXPECT_TRUE(IsError(Set(Attendo(), r).status(), kInvalid,
                      {"peppol_participant_id: ", "13 digits of a GLN"}));
}

// A GLN is not made of the organisation number: kept for a company and for
// a sole trader alike (the sole trader's way to Peppol invoices).
TEST(SetPaymentDetailsTest, AGlnPeppolIdIsKeptAlsoForASoleTrader) {
  v1::SetPaymentDetailsRequest r = Request();
  r.set_peppol_participant_id("iso6523-actorid-upis::0088:7300010000001");
  absl::StatusOr<v1::Provider> p = Set(Attendo(), r);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->payment_details().peppol_participant_id(), "0088:7300010000001");
  r = Request();
  r.set_provider_id("prv-aaaaaaaaaaaaaaaaaaaa");
  r.set_vat_number("SE811218987601");
  r.set_peppol_participant_id("0088:7300010000001");
  p = Set(SoleTrader(), r);
  ASSERT_TRUE(p.ok()) << p.status();
  const v1::PaymentDetails& d = p->payment_details();
  EXPECT_EQ(d.peppol_participant_id(), "0088:7300010000001");
  EXPECT_FALSE(d.peppol_participant_id_withheld());
  EXPECT_TRUE(d.vat_number_withheld());
  EXPECT_EQ(p->SerializeAsString().find("8112189876"), std::string::npos);
}

TEST(SetPaymentDetailsTest, TheVatNumberAndPeppolIdMustBeTheProvidersOwn) {
  // 556036-0793 is valid (Luhn 40, registry_app_test_support.h) but
  // another company's.
  v1::SetPaymentDetailsRequest r = Request();
  r.set_vat_number("SE556036079301");
  EXPECT_TRUE(IsError(Set(Attendo(), r).status(), kInvalid,
                      {"vat_number: the organisation number in it is not "
                       "the one of provider 'prv-5565541645'"}));
  r = Request();
  r.set_peppol_participant_id("0007:5560360793");
  EXPECT_TRUE(IsError(Set(Attendo(), r).status(), kInvalid,
                      {"peppol_participant_id: the organisation number in "
                       "it is not the one of provider"}));
}

TEST(SetPaymentDetailsTest, FTaxAndTheDayItWasCheckedAreRequired) {
  v1::SetPaymentDetailsRequest r = Request();
  r.clear_f_tax();
  EXPECT_TRUE(IsError(Set(Attendo(), r).status(), kInvalid,
                      {"f_tax: is required: APPROVED or NOT_APPROVED"}));
  r = Request();
  r.clear_f_tax_checked_on();
  EXPECT_TRUE(IsError(Set(Attendo(), r).status(), kInvalid,
                      {"f_tax_checked_on: is required"}));
  r.set_f_tax_checked_on("2025-02-30");
  EXPECT_TRUE(
      IsError(Set(Attendo(), r).status(), kInvalid, {"f_tax_checked_on: "}));
  r.set_f_tax_checked_on("2025-03-11");
  EXPECT_TRUE(IsError(Set(Attendo(), r).status(), kInvalid,
                      {"f_tax_checked_on: 2025-03-11 is after today "
                       "(2025-03-10)"}));
}

TEST(SetPaymentDetailsTest, ASoleTradersNumbersAreMatchedAndWithheld) {
  v1::SetPaymentDetailsRequest r = Request();
  r.set_provider_id("prv-aaaaaaaaaaaaaaaaaaaa");
  r.set_vat_number("SE811218987601");
  r.set_peppol_participant_id("0007:8112189876");
  absl::StatusOr<v1::Provider> p = Set(SoleTrader(), r);
  ASSERT_TRUE(p.ok()) << p.status();
  const v1::PaymentDetails& d = p->payment_details();
  EXPECT_EQ(d.vat_number(), "");
  EXPECT_TRUE(d.vat_number_withheld());
  EXPECT_EQ(d.peppol_participant_id(), "");
  EXPECT_TRUE(d.peppol_participant_id_withheld());
  EXPECT_EQ(d.bankgiro(), "5050-1055");
  EXPECT_EQ(p->SerializeAsString().find("8112189876"), std::string::npos);
  // Without them, nothing is withheld.
  r.clear_vat_number();
  r.clear_peppol_participant_id();
  p = Set(SoleTrader(), r);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_FALSE(p->payment_details().vat_number_withheld());
  EXPECT_FALSE(p->payment_details().peppol_participant_id_withheld());
}

TEST(SetPaymentDetailsTest, ASoleTraderCannotGiveAnothersNumber) {
  v1::SetPaymentDetailsRequest r = Request();
  r.set_provider_id("prv-aaaaaaaaaaaaaaaaaaaa");
  // A company's number, and another person's (121212-1212, Luhn 20 by hand
  // in identity_numbers_test).
  for (const char* vat : {"SE556554164501", "SE121212121201"}) {
    r.set_vat_number(vat);
    absl::Status s = Set(SoleTrader(), r).status();
    EXPECT_TRUE(IsError(s, kInvalid,
                        {"vat_number: the organisation number in it is not "
                         "the one of provider 'prv-aaaaaaaaaaaaaaaaaaaa'"}))
        << vat;
    EXPECT_EQ(s.message().find("1212121212"), std::string_view::npos);
  }
}

}  // namespace
}  // namespace lov::registry
