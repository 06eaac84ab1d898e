#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_PEPPOL_TOTALS_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_PEPPOL_TOTALS_H_

// What the Peppol tests check alike, written once: the parties of the
// worked examples (peppol_invoice_test.cc, peppol_credit_note_test.cc) and
// the shape of a document's totals as UBL writes them (those two and the
// service's tests/settlement_peppol_test.cc, settlement_credit_note_test.cc).
// The two worked examples are written inside namespace testing, so they
// name these without using-declarations.
// Amounts are given as UBL writes them, kronor with two decimals: worked out
// by hand ("6300.01"), or Sek(öre) of a statement's own.

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "lov/platform/money.h"
#include "lov/settlement/domain/peppol_invoice.h"

namespace lov::settlement::testing {

// `ore` as kronor with two decimals ("-1129.75").
inline std::string Sek(int64_t ore) {
  return Money::FromOre(ore).ToDecimalString();
}

// <cbc:`element` currencyID="SEK">`sek`</cbc:`element`>
inline std::string PeppolAmount(absl::string_view element,
                                absl::string_view sek) {
  return absl::StrCat("<cbc:", element, " currencyID=\"SEK\">", sek,
                      "</cbc:", element, ">");
}

// The four amounts of cac:LegalMonetaryTotal, in UBL's order.
inline std::string PeppolMonetaryTotals(absl::string_view line_extension,
                                        absl::string_view tax_exclusive,
                                        absl::string_view tax_inclusive,
                                        absl::string_view payable) {
  return absl::StrCat(PeppolAmount("LineExtensionAmount", line_extension),
                      PeppolAmount("TaxExclusiveAmount", tax_exclusive),
                      PeppolAmount("TaxInclusiveAmount", tax_inclusive),
                      PeppolAmount("PayableAmount", payable));
}

// The document's VAT, as its cac:TaxTotal opens.
inline std::string PeppolTaxTotal(absl::string_view tax) {
  return absl::StrCat("<cac:TaxTotal>", PeppolAmount("TaxAmount", tax));
}

// One category of the VAT breakdown (cac:TaxSubtotal) up to its category id
// ("S", "E").
inline std::string PeppolTaxSubtotal(absl::string_view taxable,
                                     absl::string_view tax,
                                     absl::string_view category) {
  return absl::StrCat(PeppolAmount("TaxableAmount", taxable),
                      PeppolAmount("TaxAmount", tax),
                      "<cac:TaxCategory><cbc:ID>", category, "</cbc:ID>");
}

// The worked examples' parties: Norrtälje kommun (212000-0142) buys from
// Omsorgshuset AB (556554-1645), which has a VAT number, approved F-tax, a
// bankgiro and its organisation number as Peppol id.
inline PeppolInvoiceInput PeppolInputOf(const v1::Statement* statement,
                                        const std::string& issue_date) {
  PeppolInvoiceInput in;
  in.statement = statement;
  in.issue_date = issue_date;
  in.buyer.set_name("Norrtälje kommun");
  in.buyer.set_organisation_number("212000-0142");
  in.buyer.set_peppol_id("0007:2120000142");
  in.buyer.set_reference("LOV-2024");
  in.seller.set_provider_id("prv-5565541645");
  in.seller.set_organisation_number("556554-1645");
  in.seller.set_name("Omsorgshuset AB");
  in.seller.mutable_contact()->set_address("Storgatan 1, 761 30 Norrtälje");
  in.payment.set_bankgiro("5050-1055");
  in.payment.set_vat_number("SE556554164501");
  in.payment.set_f_tax(registry::v1::F_TAX_STATUS_APPROVED);
  in.payment.set_peppol_participant_id("0007:5565541645");
  return in;
}

// The document of `in`, a failure of the test if it is refused (then "").
// With the environment variable `sample_env` set, it is also written to the
// file it names, for running the official validator by hand.
inline std::string PeppolXmlOf(const PeppolInvoiceInput& in,
                               const char* sample_env) {
  absl::StatusOr<std::string> xml = PeppolInvoiceXml(in);
  EXPECT_TRUE(xml.ok()) << xml.status();
  if (const char* out = std::getenv(sample_env); out && xml.ok()) {
    std::ofstream(out) << *xml;
  }
  return xml.ok() ? *xml : "";
}

}  // namespace lov::settlement::testing

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_TEST_PEPPOL_TOTALS_H_
