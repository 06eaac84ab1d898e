// The Peppol self-billed invoice of a statement, worked by hand. The
// official rules run on it in tests/settlement_peppol_test.cc.
#include "lov/settlement/domain/peppol_invoice.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/settlement/domain/test_peppol_totals.h"
#include "lov/settlement/domain/test_statement_lines.h"

namespace lov::settlement::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Home help 12.5 h at 450.00 = 5625.00 (exempt); cleaning 2 h at 400.00 =
// 800.00 (25 % VAT: 200.00); a correction of December, -0.5 h at 450.00 =
// -225.00 (exempt); a one-off share of 100.01 (no category: exempt).
// Net 5625.00 + 800.00 - 225.00 + 100.01 = 6300.01; VAT 200.00; total
// 6500.01. Exempt taxable 5625.00 - 225.00 + 100.01 = 5500.01.
v1::Statement Approved() {
  v1::Statement s;
  s.set_statement_id("prv-5565541645/2024-01");
  s.set_provider_id("prv-5565541645");
  s.set_period("2024-01");
  s.set_status(v1::STATEMENT_STATUS_APPROVED);
  AddLine(s, v1::LINE_KIND_PERFORMED_TIME, "home-help", 45000, 45000, 3600,
          562500);
  AddLine(s, v1::LINE_KIND_PERFORMED_TIME, "cleaning", 40000, 7200, 3600,
          80000);
  AddLine(s, v1::LINE_KIND_PERFORMED_TIME, "home-help", 45000, -1800, 3600,
          -22500)
      ->set_adjusts_period("2023-12");
  AddLine(s, v1::LINE_KIND_ONE_OFF, "", 10001, 1, 1, 10001);
  v1::StatementLine* vat =
      AddLine(s, v1::LINE_KIND_VAT, "cleaning", 80000, 1, 1, 20000);
  vat->set_multiplier_bp(2500);
  s.set_net_ore(630001);
  s.set_vat_ore(20000);
  s.set_total_ore(650001);
  return s;
}

class PeppolInvoiceTest : public ::testing::Test {
 protected:
  PeppolInvoiceTest()
      : statement_(Approved()), in_(PeppolInputOf(&statement_, "2024-02-05")) {}
  std::string Xml() { return PeppolXmlOf(in_, "LOV_PEPPOL_SAMPLE"); }
  v1::Statement statement_;
  PeppolInvoiceInput in_;
};

TEST_F(PeppolInvoiceTest, IsASelfBilledInvoiceWithTheStatementsTotals) {
  const std::string xml = Xml();
  EXPECT_THAT(xml, HasSubstr("<cbc:CustomizationID>urn:cen.eu:en16931:2017#"
                             "compliant#urn:fdc:peppol.eu:2017:poacc:"
                             "selfbilling:3.0</cbc:CustomizationID>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:InvoiceTypeCode>389</cbc:InvoiceTypeCode>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:ID>prv-5565541645-2024-01</cbc:ID>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:StartDate>2024-01-01</cbc:StartDate>"
                             "<cbc:EndDate>2024-01-31</cbc:EndDate>"));
  EXPECT_THAT(xml, HasSubstr(PeppolMonetaryTotals("6300.01", "6300.01",
                                                  "6500.01", "6500.01")));
}

TEST_F(PeppolInvoiceTest, BreaksVatDownPerCategory) {
  const std::string xml = Xml();
  EXPECT_THAT(xml, HasSubstr(PeppolTaxTotal("200.00")));
  EXPECT_THAT(xml,
              HasSubstr(absl::StrCat(PeppolTaxSubtotal("800.00", "200.00", "S"),
                                     "<cbc:Percent>25.00")));
  EXPECT_THAT(xml, HasSubstr(absl::StrCat(
                       PeppolTaxSubtotal("5500.01", "0.00", "E"),
                       "<cbc:Percent>0.00</cbc:Percent>"
                       "<cbc:TaxExemptionReasonCode>VATEX-EU-132-1G")));
}

TEST_F(PeppolInvoiceTest, WritesOneLinePerStatementLineNeverANegativePrice) {
  const std::string xml = Xml();
  EXPECT_THAT(xml, HasSubstr("<cbc:ID>3</cbc:ID><cbc:InvoicedQuantity "
                             "unitCode=\"C62\">-1</cbc:InvoicedQuantity>"
                             "<cbc:LineExtensionAmount currencyID=\"SEK\">"
                             "-225.00</cbc:LineExtensionAmount>"));
  EXPECT_THAT(xml, HasSubstr("adjusts 2023-12"));
  EXPECT_THAT(xml, HasSubstr("<cbc:PriceAmount currencyID=\"SEK\">225.00"));
  EXPECT_THAT(xml, HasSubstr("<cbc:ID>4</cbc:ID><cbc:InvoicedQuantity "
                             "unitCode=\"C62\">1</cbc:InvoicedQuantity>"
                             "<cbc:LineExtensionAmount currencyID=\"SEK\">"
                             "100.01</cbc:LineExtensionAmount>"));
  // The VAT line is the breakdown, not an invoice line.
  EXPECT_THAT(xml, Not(HasSubstr("<cbc:ID>5</cbc:ID><cbc:InvoicedQuantity")));
}

TEST_F(PeppolInvoiceTest, NamesBothPartiesAndWhereToPay) {
  const std::string xml = Xml();
  EXPECT_THAT(xml, HasSubstr("<cbc:EndpointID schemeID=\"0007\">5565541645"
                             "</cbc:EndpointID>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:EndpointID schemeID=\"0007\">2120000142"
                             "</cbc:EndpointID>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:CompanyID>SE556554164501</cbc:CompanyID>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:CompanyID>Godkänd för F-skatt"));
  EXPECT_THAT(xml, HasSubstr("<cbc:BuyerReference>LOV-2024"));
  EXPECT_THAT(xml,
              HasSubstr("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:ID>50501055</cbc:ID><cac:"
                             "FinancialInstitutionBranch><cbc:ID>SE:BANKGIRO"));
}

TEST_F(PeppolInvoiceTest, WithoutAPeppolIdTheOrganisationNumberIsTheAddress) {
  in_.payment.clear_peppol_participant_id();
  in_.payment.clear_vat_number();  // exempt lines: F-tax suffices
  const std::string xml = Xml();
  EXPECT_THAT(xml, HasSubstr("<cac:Party><cbc:EndpointID schemeID=\"0007\">"
                             "5565541645</cbc:EndpointID>"));
  EXPECT_THAT(xml, Not(HasSubstr("SE556554164501")));
  EXPECT_THAT(xml, HasSubstr("<cbc:CompanyID>Godkänd för F-skatt</cbc:"
                             "CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID>"));
}

TEST_F(PeppolInvoiceTest, ASoleTraderWithItsNumbersWithheldIsRefused) {
  in_.seller.set_provider_id("prv-0a1b2c3d4e5f60718293");
  in_.seller.clear_organisation_number();
  in_.payment.clear_vat_number();
  in_.payment.set_vat_number_withheld(true);
  in_.payment.clear_peppol_participant_id();
  in_.payment.set_peppol_participant_id_withheld(true);
  absl::StatusOr<std::string> xml = PeppolInvoiceXml(in_);
  EXPECT_EQ(xml.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(xml.status().message(),
              HasSubstr("provider prv-0a1b2c3d4e5f60718293 has no usable "
                        "Peppol participant id"));
  EXPECT_THAT(xml.status().message(),
              HasSubstr("register one that is not made of the personnummer, "
                        "e.g. its GLN as 0088:"));
}

// A sole trader with a Peppol id that is not its personnummer (a GLN) is
// addressed by it; no number made of the personnummer is written.
TEST_F(PeppolInvoiceTest, ASoleTraderWithAGlnIsAddressedByIt) {
  in_.seller.set_provider_id("prv-0a1b2c3d4e5f60718293");
  in_.seller.clear_organisation_number();
  in_.payment.clear_vat_number();
  in_.payment.set_vat_number_withheld(true);
  in_.payment.set_peppol_participant_id("0088:7300010000001");
  const std::string xml = Xml();
  EXPECT_THAT(xml, HasSubstr("<cac:AccountingSupplierParty><cac:Party>"
                             "<cbc:EndpointID schemeID=\"0088\">"
                             "7300010000001</cbc:EndpointID>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:ID>prv-0a1b2c3d4e5f60718293</cbc:ID>"));
  EXPECT_THAT(xml, Not(HasSubstr("schemeID=\"0007\">5565541645")));
}

TEST_F(PeppolInvoiceTest, APreviewIsRefusedNamingItsStatus) {
  statement_.set_status(v1::STATEMENT_STATUS_PREVIEW);
  absl::StatusOr<std::string> xml = PeppolInvoiceXml(in_);
  EXPECT_EQ(xml.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(xml.status().message(), HasSubstr("STATEMENT_STATUS_PREVIEW"));
}

TEST_F(PeppolInvoiceTest, RefusesWhatCannotMakeAValidInvoice) {
  PeppolInvoiceInput in = in_;
  in.payment.clear_vat_number();
  in.payment.set_f_tax(registry::v1::F_TAX_STATUS_NOT_APPROVED);
  EXPECT_THAT(PeppolInvoiceXml(in).status().message(),
              HasSubstr("neither a VAT number nor approved F-tax"));
  in = in_;
  in.payment.clear_bankgiro();
  EXPECT_THAT(PeppolInvoiceXml(in).status().message(),
              HasSubstr("no bankgiro or plusgiro"));
  in = in_;
  in.buyer.set_peppol_id("2120000142");
  EXPECT_EQ(PeppolInvoiceXml(in).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(PeppolInvoiceXml(in).status().message(),
              HasSubstr("buyer.peppol_id"));
  in = in_;
  in.buyer.set_organisation_number("121212-1212");  // a personnummer's form
  EXPECT_THAT(PeppolInvoiceXml(in).status().message(),
              HasSubstr("buyer.organisation_number"));
  in = in_;
  statement_.set_total_ore(650002);
  EXPECT_THAT(PeppolInvoiceXml(in).status().message(),
              HasSubstr("do not add up"));
}

TEST_F(PeppolInvoiceTest, PaysToAPlusgiroAndEscapesText) {
  in_.payment.clear_bankgiro();
  in_.payment.set_plusgiro("900800-4");
  in_.seller.set_name("Vård & Omsorg <AB>");
  const std::string xml = Xml();
  EXPECT_THAT(xml, HasSubstr("<cbc:ID>9008004</cbc:ID><cac:"
                             "FinancialInstitutionBranch><cbc:ID>SE:PLUSGIRO"));
  EXPECT_THAT(xml,
              HasSubstr("<cbc:Name>Vård &amp; Omsorg &lt;AB&gt;</cbc:Name>"));
}

}  // namespace
}  // namespace lov::settlement::testing
