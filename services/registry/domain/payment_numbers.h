#ifndef LOV_SERVICES_REGISTRY_DOMAIN_PAYMENT_NUMBERS_H_
#define LOV_SERVICES_REGISTRY_DOMAIN_PAYMENT_NUMBERS_H_

// The numbers finance pays and invoices a provider by, each validated with
// its own check digit (docs/security.md, "Payment details", names the
// sources). Errors are InvalidArgument saying what is wrong, without the
// field's name (the caller adds it). They never echo a VAT number or a
// Peppol id: a sole trader's embeds the owner's personnummer.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace lov::registry {

// Bankgiro number: 7 or 8 digits, the last the Luhn (mod 10) check digit
// over the others (Bankgirot). Written "NNN-NNNN" or "NNNN-NNNN"; spaces
// and the hyphen before the last four digits are optional. Returns the
// written form, e.g. "5050-1055".
absl::StatusOr<std::string> NormalizeBankgiro(std::string_view text);

// PlusGiro account number: 2 to 8 digits, the last the Luhn (mod 10) check
// digit over the others (Nordea/PlusGirot). Written with a hyphen before
// the check digit, often grouped in pairs ("90 08 00-4"); spaces and the
// hyphen are optional. Returns the digits with the hyphen, e.g. "900800-4".
absl::StatusOr<std::string> NormalizePlusgiro(std::string_view text);

// A number that embeds an organisation number, and that number.
struct OrgNumberBased {
  std::string normalized;  // the canonical written form
  std::string org_number;  // "NNNNNN-NNNN", its check digit valid
};

// Swedish VAT registration number (momsregistreringsnummer,
// Skatteverket): "SE", the 10 digits of the organisation number (or a sole
// trader's personnummer), and "01". Spaces and hyphens are ignored, "se" is
// read as "SE". Returns e.g. {"SE556554164501", "556554-1645"}.
absl::StatusOr<OrgNumberBased> ParseSwedishVatNumber(std::string_view text);

// Peppol participant id of a Swedish organisation: ICD scheme 0007
// (organisationsnummer, ISO 6523) and the 10 digits, "0007:5565541645",
// optionally after the identifier scheme "iso6523-actorid-upis::" (Peppol
// Policy for use of Identifiers). Returns {"0007:5565541645", "556554-1645"}.
absl::StatusOr<OrgNumberBased> ParsePeppolParticipantId(std::string_view text);

// A Peppol participant id of scheme 0088 (GS1 GLN, ISO 6523): "0088:" and
// 13 digits, the last the GS1 mod-10 check digit, optionally after
// "iso6523-actorid-upis::". Not made of an organisation number, so a sole
// trader's is kept (the way a sole trader gets Peppol invoices without its
// personnummer). Returns e.g. "0088:7300010000001"; NotFound when `text`
// is not of scheme 0088 (ParsePeppolParticipantId then applies).
absl::StatusOr<std::string> ParseGlnParticipantId(std::string_view text);

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_DOMAIN_PAYMENT_NUMBERS_H_
