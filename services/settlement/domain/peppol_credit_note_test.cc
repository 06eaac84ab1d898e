// A statement that pays less than nothing as a Peppol self-billed credit
// note, worked by hand. The official rules run on one in
// tests/settlement_credit_note_test.cc.
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/settlement/domain/peppol_invoice.h"
#include "lov/settlement/domain/test_peppol_totals.h"
#include "lov/settlement/domain/test_statement_lines.h"

namespace lov::settlement::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// February, a month of late voids of approved January visits: home help
// -1.5 h at 450.00 = -675.00 (exempt); cleaning -1 h at 400.00 = -400.00
// (25 % VAT: -100.00); and February's only payment, a listing fee of 50.00
// (home help, exempt). Net -675.00 - 400.00 + 50.00 = -1025.00; VAT
// -100.00; total -1125.00. As a credit note every amount is negated: lines
// 675.00, 400.00 and -50.00 (quantity -1 at 50.00); VAT 100.00 on 400.00
// (S, 25 %); exempt 675.00 - 50.00 = 625.00; total and amount due 1125.00.
v1::Statement NegativeMonth() {
  v1::Statement s;
  s.set_statement_id("prv-5565541645/2024-02");
  s.set_provider_id("prv-5565541645");
  s.set_period("2024-02");
  s.set_status(v1::STATEMENT_STATUS_APPROVED);
  AddLine(s, v1::LINE_KIND_PERFORMED_TIME, "home-help", 45000, -5400, 3600,
          -67500)
      ->set_adjusts_period("2024-01");
  AddLine(s, v1::LINE_KIND_PERFORMED_TIME, "cleaning", 40000, -3600, 3600,
          -40000)
      ->set_adjusts_period("2024-01");
  AddLine(s, v1::LINE_KIND_LISTING_FEE, "home-help", 5000, 1, 1, 5000);
  v1::StatementLine* vat =
      AddLine(s, v1::LINE_KIND_VAT, "cleaning", -40000, 1, 1, -10000);
  vat->set_multiplier_bp(2500);
  s.set_net_ore(-102500);
  s.set_vat_ore(-10000);
  s.set_total_ore(-112500);
  return s;
}

class PeppolCreditNoteTest : public ::testing::Test {
 protected:
  PeppolCreditNoteTest()
      : statement_(NegativeMonth()),
        in_(PeppolInputOf(&statement_, "2024-03-05")) {}
  std::string Xml() { return PeppolXmlOf(in_, "LOV_PEPPOL_CREDIT_SAMPLE"); }
  v1::Statement statement_;
  PeppolInvoiceInput in_;
};

TEST_F(PeppolCreditNoteTest, ANegativeMonthIsASelfBilledCreditNote) {
  const std::string xml = Xml();
  EXPECT_THAT(xml, HasSubstr("<CreditNote xmlns=\"urn:oasis:names:"
                             "specification:ubl:schema:xsd:CreditNote-2\""));
  EXPECT_THAT(xml, HasSubstr("<cbc:CustomizationID>urn:cen.eu:en16931:2017#"
                             "compliant#urn:fdc:peppol.eu:2017:poacc:"
                             "selfbilling:3.0</cbc:CustomizationID>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:"
                             "selfbilling:01:1.0</cbc:ProfileID>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:ID>prv-5565541645-2024-02</cbc:ID>"));
  EXPECT_THAT(
      xml, HasSubstr("<cbc:CreditNoteTypeCode>261</cbc:CreditNoteTypeCode>"));
  EXPECT_THAT(xml, Not(HasSubstr("Invoice xmlns")));
  EXPECT_THAT(xml, Not(HasSubstr("InvoiceTypeCode")));
  EXPECT_THAT(xml, Not(HasSubstr("InvoiceLine")));
  EXPECT_THAT(xml, HasSubstr("</CreditNote>\n"));
}

TEST_F(PeppolCreditNoteTest, TotalsAreTheStatementsNegated) {
  const std::string xml = Xml();
  EXPECT_THAT(
      xml, HasSubstr(absl::StrCat(
               "<cac:LegalMonetaryTotal>",
               PeppolMonetaryTotals("1025.00", "1025.00", "1125.00", "1125.00"),
               "</cac:LegalMonetaryTotal>")));
  EXPECT_THAT(xml, HasSubstr(PeppolTaxTotal("100.00")));
  EXPECT_THAT(xml,
              HasSubstr(absl::StrCat(PeppolTaxSubtotal("400.00", "100.00", "S"),
                                     "<cbc:Percent>25.00")));
  EXPECT_THAT(xml, HasSubstr(PeppolTaxSubtotal("625.00", "0.00", "E")));
  EXPECT_THAT(xml, Not(HasSubstr("currencyID=\"SEK\">-1")));
}

TEST_F(PeppolCreditNoteTest, LinesArePositiveAndAPaymentIsANegativeLine) {
  const std::string xml = Xml();
  EXPECT_THAT(xml, HasSubstr("<cac:CreditNoteLine><cbc:ID>1</cbc:ID>"
                             "<cbc:CreditedQuantity unitCode=\"C62\">1"
                             "</cbc:CreditedQuantity><cbc:LineExtensionAmount "
                             "currencyID=\"SEK\">675.00</cbc:"
                             "LineExtensionAmount>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:PriceAmount currencyID=\"SEK\">675.00"));
  EXPECT_THAT(xml, HasSubstr("<cbc:ID>2</cbc:ID><cbc:CreditedQuantity "
                             "unitCode=\"C62\">1</cbc:CreditedQuantity>"
                             "<cbc:LineExtensionAmount currencyID=\"SEK\">"
                             "400.00</cbc:LineExtensionAmount>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:ID>3</cbc:ID><cbc:CreditedQuantity "
                             "unitCode=\"C62\">-1</cbc:CreditedQuantity>"
                             "<cbc:LineExtensionAmount currencyID=\"SEK\">"
                             "-50.00</cbc:LineExtensionAmount>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:PriceAmount currencyID=\"SEK\">50.00"));
  EXPECT_THAT(xml, Not(HasSubstr("<cbc:PriceAmount currencyID=\"SEK\">-")));
  // The VAT line is the breakdown, not a credit note line.
  EXPECT_THAT(xml, Not(HasSubstr("<cbc:ID>4</cbc:ID><cbc:CreditedQuantity")));
}

TEST_F(PeppolCreditNoteTest, NamesTheInvoiceItCorrectsOnce) {
  const std::string xml = Xml();
  const std::string reference =
      "<cac:BillingReference><cac:InvoiceDocumentReference>"
      "<cbc:ID>prv-5565541645-2024-01</cbc:ID>"
      "</cac:InvoiceDocumentReference></cac:BillingReference>";
  const size_t first = xml.find(reference);
  ASSERT_NE(first, std::string::npos) << xml;
  EXPECT_EQ(xml.find(reference, first + 1), std::string::npos);
  // After the period and before the parties, as UBL orders them.
  EXPECT_LT(xml.find("</cac:InvoicePeriod>"), first);
  EXPECT_GT(xml.find("<cac:AccountingSupplierParty>"), first);
}

// Nothing is paid to the provider: no payment means, so no bankgiro is
// needed, and the terms say the amount is set off.
TEST_F(PeppolCreditNoteTest, IsNotPaidToTheProvider) {
  in_.payment.clear_bankgiro();
  const std::string xml = Xml();
  EXPECT_THAT(xml, Not(HasSubstr("<cac:PaymentMeans>")));
  EXPECT_THAT(xml, HasSubstr("set off against a later payment"));
}

TEST_F(PeppolCreditNoteTest, AZeroMonthStaysAnInvoice) {
  // The listing fee 1175.00 instead: net 100.00, VAT -100.00, total 0.
  statement_.mutable_lines(2)->set_amount_ore(117500);
  statement_.set_net_ore(10000);
  statement_.set_total_ore(0);
  const std::string xml = Xml();
  EXPECT_THAT(xml, HasSubstr("<cbc:InvoiceTypeCode>389</cbc:InvoiceTypeCode>"));
  EXPECT_THAT(xml, HasSubstr("<cbc:PayableAmount currencyID=\"SEK\">0.00"));
}

TEST_F(PeppolCreditNoteTest, ASumPastInt64IsRefusedNamingTheStatement) {
  statement_.mutable_lines(0)->set_amount_ore(
      std::numeric_limits<int64_t>::min() + 1);
  const absl::StatusOr<std::string> xml = PeppolInvoiceXml(in_);
  EXPECT_EQ(xml.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(xml.status().message(),
              HasSubstr("statement prv-5565541645/2024-02"));
}

}  // namespace
}  // namespace lov::settlement::testing
