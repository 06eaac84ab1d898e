#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_PEPPOL_INVOICE_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_PEPPOL_INVOICE_H_

// An approved statement as a Peppol BIS Self-Billing 3.0 invoice, or credit
// note when it pays less than nothing (UBL 2.1
// Invoice, type code 389 "self-billed invoice", customization
// urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0):
// the municipality, the buyer, issues it on behalf of the provider, the
// seller. Validated in tests with the official OpenPEPPOL rules
// (deploy/validators/).
//
// - One invoice line per statement line that is not VAT, quantity 1 (or -1
//   for a negative line: prices are never negative) of unit C62, price the
//   line's amount; the hours, rate and band are in the item description.
// - VAT per category: a statement category with a VAT line is category S at
//   its rate, taxable the sum of its lines and tax the sum of its VAT lines
//   (the statement's own rounding); every other line (home care, one-off
//   payments) is E, exempt, reason VATEX-EU-132-1G (social welfare).
// - Totals are the statement's net, VAT and total to the öre, written as
//   kronor with two decimals from integer öre; sums that leave int64 öre
//   are OUT_OF_RANGE naming the statement.
// - A statement whose total is negative (a month of late voids of approved
//   visits, say) is a self-billed credit note instead (UBL 2.1 CreditNote,
//   type code 261, the same self-billing customization and profile): every
//   amount is the statement's negated, so the total and the amount due are
//   positive, and the lines follow the rule above (a line that paid the
//   provider is quantity -1). It names each invoice it corrects (the
//   periods its adjustment lines adjust) in a BillingReference, and has no
//   payment means: the provider owes the amount, which the municipality
//   sets off against a later payment (the month's pain.001 lists such a
//   statement as not payable).
// - The seller: its Peppol id as endpoint (else its organisation number
//   under ICD 0007), its organisation number as legal registration, its
//   VAT number, "Godkänd för F-skatt" when F-tax is approved, and its
//   provider id as seller identifier. A sole trader's VAT number, Peppol id
//   and organisation number are withheld (they embed the owner's
//   personnummer), and Peppol requires the seller's electronic address
//   (PEPPOL-EN16931-R020) from a scheme list without e-mail: a sole trader
//   registered with a Peppol id of another scheme (its GLN, 0088) is
//   addressed by it; one without is refused, FAILED_PRECONDITION naming
//   what to register.

#include <string>

#include "absl/status/statusor.h"
#include "lov/registry/v1/registry.pb.h"
#include "lov/settlement/v1/settlement.pb.h"

namespace lov::settlement {

struct PeppolInvoiceInput {
  const v1::Statement* statement = nullptr;  // approved
  v1::PeppolBuyer buyer;
  registry::v1::Provider seller;  // name, numbers, contact
  registry::v1::PaymentDetails payment;
  std::string issue_date;  // "YYYY-MM-DD"
};

// INVALID_ARGUMENT naming the field for a missing or malformed buyer field;
// FAILED_PRECONDITION when the statement or the seller's data cannot make a
// valid invoice (not approved, no lines, no bankgiro/plusgiro for an
// invoice, neither a VAT number nor approved F-tax, no electronic address).
absl::StatusOr<std::string> PeppolInvoiceXml(const PeppolInvoiceInput& input);

}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_PEPPOL_INVOICE_H_
