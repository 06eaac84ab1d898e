// A month settled and approved through the settlement service, exported as a
// Peppol BIS 3.0 self-billed invoice and checked with the official OpenPEPPOL
// rules (deploy/validators/peppol-validate.sh: the UBL 2.1 schema, the CEN
// EN 16931 and the Peppol self-billing schematrons), with no errors; the
// invoice's totals are the statement's. And the same validator does refuse a
// broken invoice, so the check can fail.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/str_replace.h"
#include "lov/settlement/domain/test_peppol_totals.h"
#include "lov/settlement/tests/peppol_validation.h"
#include "lov/settlement/tests/settlement_test_support.h"

namespace lov::settlement {
namespace {

namespace v1 = ::lov::settlement::v1;
using ::lov::testing::Eventually;

using test_support::Validate;
using test_support::Validation;
using testing::PeppolAmount;
using testing::PeppolTaxTotal;
using testing::Sek;

class SettlementPeppolTest : public test_support::SettlementFixture {
 protected:
  // prv-a as the registry publishes it when finance sets its payment
  // details: a company with an organisation number, VAT number and Peppol
  // id under it.
  void PublishPaymentDetails() {
    registry::v1::Provider p = Seller("Omsorgshuset AB", "0007:5565541645");
    p.set_organisation_number("556554-1645");
    p.mutable_contact()->set_address("Storgatan 1, 761 30 Norrtälje");
    p.mutable_payment_details()->set_vat_number("SE556554164501");
    PublishPaymentDetailsOf(p);
  }

  // prv-a named `name`, F-tax approved, paid to bankgiro 5050-1055 and
  // addressed by `peppol_id`.
  static registry::v1::Provider Seller(const std::string& name,
                                       const std::string& peppol_id) {
    registry::v1::Provider p;
    p.set_provider_id("prv-a");
    p.set_kind(registry::v1::PROVIDER_KIND_PRIVATE);
    p.set_name(name);
    registry::v1::PaymentDetails* d = p.mutable_payment_details();
    d->set_bankgiro("5050-1055");
    d->set_f_tax(registry::v1::F_TAX_STATUS_APPROVED);
    d->set_f_tax_checked_on("2024-01-02");
    d->set_peppol_participant_id(peppol_id);
    return p;
  }

  grpc::Status Export(v1::ExportStatementResponse* out) {
    v1::ExportStatementRequest r;
    r.set_provider_id("prv-a");
    r.set_period("2024-01");
    r.set_format(v1::EXPORT_FORMAT_PEPPOL_BIS3);
    v1::PeppolBuyer* b = r.mutable_buyer();
    b->set_name("Norrtälje kommun");
    b->set_organisation_number("212000-0142");
    b->set_peppol_id("0007:2120000142");
    b->set_reference("LOV-HEMTJANST");
    b->set_street("Estunavägen 14");
    b->set_postal_zone("761 81");
    b->set_city("Norrtälje");
    return Call(&v1::SettlementService::Stub::ExportStatement, r, out);
  }
};

TEST_F(SettlementPeppolTest, AnApprovedMonthIsAValidSelfBilledInvoice) {
  ConfigureRates();
  PublishRegistry();
  PublishPaymentDetails();
  PublishAssignment();
  PublishJanuaryVisits();
  ASSERT_TRUE(Eventually([&] {
    grpc::Status s;
    v1::Statement st = Get("prv-a", "2024-01", &s);
    return s.ok() && st.performed_seconds() == 3600 + 5400 + 3600 &&
           st.vat_ore() > 0 && st.lines_size() >= 6;
  })) << service_->Log();
  v1::Statement preview = Preview("prv-a", "2024-01");

  // A preview is not invoiced.
  v1::ExportStatementResponse file;
  grpc::Status s = Export(&file);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("STATEMENT_STATUS_PREVIEW"),
            std::string::npos)
      << s.error_message();

  v1::Statement approved;
  s = Approve(preview, &approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(Eventually([&] { return Export(&file).ok(); }))
      << Export(&file).error_message();
  EXPECT_EQ(file.content_type(), "application/xml");
  EXPECT_EQ(file.file_name(), "statement-prv-a-2024-01-peppol.xml");
  const std::string& xml = file.content();

  // The statement's totals (2825.20 by the hand calculation of
  // settlement_service_test.cc), to the öre.
  ASSERT_EQ(approved.total_ore(), 282520);
  EXPECT_NE(
      xml.find(PeppolAmount("TaxExclusiveAmount", Sek(approved.net_ore()))),
      std::string::npos)
      << xml;
  EXPECT_NE(xml.find(PeppolTaxTotal(Sek(approved.vat_ore()))),
            std::string::npos);
  EXPECT_NE(xml.find(PeppolAmount("PayableAmount", Sek(approved.total_ore()))),
            std::string::npos);
  EXPECT_NE(xml.find("<cbc:InvoiceTypeCode>389</cbc:InvoiceTypeCode>"),
            std::string::npos);

  const Validation valid = Validate(xml, "peppol-valid");
  std::cout << "official Peppol validation (warnings listed):\n"
            << valid.output;
  EXPECT_EQ(valid.exit_code, 0) << valid.output << "\n" << xml;
  EXPECT_NE(valid.output.find(" 0 errors, "), std::string::npos)
      << valid.output;
  EXPECT_EQ(valid.output.find("ERROR "), std::string::npos) << valid.output;

  // The validator refuses a broken invoice: an amount due that is not the
  // total (BR-CO-16).
  const std::string broken = absl::StrReplaceAll(
      xml, {{PeppolAmount("PayableAmount", Sek(approved.total_ore())),
             PeppolAmount("PayableAmount", Sek(approved.total_ore() + 1))}});
  ASSERT_NE(broken, xml);
  const Validation refused = Validate(broken, "peppol-broken");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("ERROR BR-CO-16"), std::string::npos)
      << refused.output;

  // The buyer from the stored finance settings (no buyer in the request),
  // and the seller as a sole trader looks: no organisation number, VAT
  // number withheld, its GLN as Peppol id. Still valid by the official
  // rules, addressed to the GLN.
  v1::SetFinanceSettingsRequest settings;
  v1::FinanceParty* town = settings.mutable_settings()->mutable_municipality();
  town->set_name("Norrtälje kommun");
  town->set_organisation_number("212000-0142");
  town->set_bankgiro("5050-1055");
  settings.mutable_settings()->mutable_buyer()->set_peppol_id(
      "0007:2120000142");
  settings.mutable_settings()->mutable_buyer()->set_reference("LOV-HEMTJANST");
  v1::FinanceSettings stored;
  s = Call(&v1::SettlementService::Stub::SetFinanceSettings, settings, &stored);
  ASSERT_TRUE(s.ok()) << s.error_message();
  registry::v1::Provider sole_trader =
      Seller("Anna Andersson Hemtjänst", "0088:7300010000001");
  sole_trader.mutable_payment_details()->set_vat_number_withheld(true);
  PublishPaymentDetailsOf(sole_trader);
  v1::ExportStatementRequest by_settings;
  by_settings.set_provider_id("prv-a");
  by_settings.set_period("2024-01");
  by_settings.set_format(v1::EXPORT_FORMAT_PEPPOL_BIS3);
  v1::ExportStatementResponse sole;
  ASSERT_TRUE(Eventually([&] {
    return Call(&v1::SettlementService::Stub::ExportStatement, by_settings,
                &sole)
               .ok() &&
           sole.content().find("schemeID=\"0088\"") != std::string::npos;
  })) << sole.content();
  EXPECT_NE(sole.content().find("LOV-HEMTJANST"), std::string::npos);
  EXPECT_EQ(sole.content().find("556554"), std::string::npos);
  const Validation sole_valid = Validate(sole.content(), "peppol-sole-trader");
  EXPECT_EQ(sole_valid.exit_code, 0) << sole_valid.output << "\n"
                                     << sole.content();
  EXPECT_NE(sole_valid.output.find(" 0 errors, "), std::string::npos)
      << sole_valid.output;
}

}  // namespace
}  // namespace lov::settlement
