#include "lov/registry/domain/payment_numbers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/identity_numbers.h"

namespace lov::registry {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string WithoutSpaces(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ') out.push_back(c);
  }
  return out;
}

// The digits of a giro number with at most one hyphen, which must stand
// `hyphen_from_end` digits before the end; empty if it is not so written.
std::string GiroDigits(std::string_view text, size_t hyphen_from_end) {
  std::string s = WithoutSpaces(text);
  const size_t hyphen = s.find('-');
  if (hyphen != std::string::npos) {
    if (s.size() - hyphen - 1 != hyphen_from_end) return "";
    s.erase(hyphen, 1);
  }
  return AllDigits(s) ? s : "";
}

absl::Status Invalid(std::string why) {
  return absl::InvalidArgumentError(std::move(why));
}

}  // namespace

absl::StatusOr<std::string> NormalizeBankgiro(std::string_view text) {
  const std::string digits = GiroDigits(text, 4);
  if (digits.size() < 7 || digits.size() > 8) {
    return Invalid(
        "a bankgiro number is 7 or 8 digits, written NNN-NNNN or NNNN-NNNN");
  }
  const std::string written =
      absl::StrCat(digits.substr(0, digits.size() - 4), "-",
                   digits.substr(digits.size() - 4));
  if (!LuhnValid(digits)) {
    return Invalid(absl::StrCat("bankgiro number ", written,
                                " has a wrong check digit (Luhn mod 10)"));
  }
  return written;
}

absl::StatusOr<std::string> NormalizePlusgiro(std::string_view text) {
  const std::string digits = GiroDigits(text, 1);
  if (digits.size() < 2 || digits.size() > 8) {
    return Invalid(
        "a plusgiro number is 2 to 8 digits, the last after a hyphen "
        "(e.g. 90 08 00-4)");
  }
  const std::string written =
      absl::StrCat(digits.substr(0, digits.size() - 1), "-",
                   digits.substr(digits.size() - 1));
  if (!LuhnValid(digits)) {
    return Invalid(absl::StrCat("plusgiro number ", written,
                                " has a wrong check digit (Luhn mod 10)"));
  }
  return written;
}

absl::StatusOr<OrgNumberBased> ParseSwedishVatNumber(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c != ' ' && c != '-') {
      s.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
    }
  }
  constexpr char kFormat[] =
      "a Swedish VAT number is SE, the 10-digit organisation number and 01 "
      "(e.g. SE556554164501)";
  if (s.size() != 14 || !absl::StartsWith(s, "SE") || !AllDigits(s.substr(2))) {
    return Invalid(kFormat);
  }
  if (!absl::EndsWith(s, "01")) {
    return Invalid(absl::StrCat(kFormat, "; this one does not end in 01"));
  }
  absl::StatusOr<std::string> org =
      NormalizeOrganisationsnummer(s.substr(2, 10));
  if (!org.ok()) {
    return Invalid(
        "the organisation number in the VAT number has a wrong check digit "
        "(Luhn mod 10)");
  }
  return OrgNumberBased{s, *org};
}

absl::StatusOr<OrgNumberBased> ParsePeppolParticipantId(std::string_view text) {
  constexpr char kScheme[] = "iso6523-actorid-upis::";
  std::string s = WithoutSpaces(text);
  if (absl::StartsWithIgnoreCase(s, kScheme)) s.erase(0, sizeof(kScheme) - 1);
  const size_t colon = s.find(':');
  if (colon == std::string::npos || colon == 0) {
    return Invalid(
        "a Peppol participant id is 0007:, then the 10-digit organisation "
        "number (e.g. 0007:5565541645)");
  }
  const std::string icd = s.substr(0, colon);
  if (icd == "9955") {
    // Once the Swedish VAT number's scheme; the official Peppol rules
    // (phive-rules-peppol 2025.3) refuse it as an electronic address.
    return Invalid(
        "Peppol scheme 9955 (Swedish VAT number) is not in the EAS code list "
        "the official Peppol rules check (BR-CL-25, PEPPOL-EN16931-CL008), "
        "so an invoice addressed to it is refused; register the "
        "organisation as 0007: and its organisation number (e.g. "
        "0007:5565541645), or 0088 (GLN)");
  }
  if (icd != "0007") {
    return Invalid(absl::StrCat(
        "Peppol scheme ", AllDigits(icd) && icd.size() == 4 ? icd : "(bad)",
        " is not taken; a Swedish organisation's is 0007 (organisation "
        "number), e.g. 0007:5565541645, or 0088 (GLN), e.g. "
        "0088:7300010000001"));
  }
  const std::string number = s.substr(colon + 1);
  if (number.size() != 10 || !AllDigits(number)) {
    return Invalid(
        "a Peppol participant id of scheme 0007 has the 10 digits of the "
        "organisation number after the colon, no hyphen "
        "(e.g. 0007:5565541645)");
  }
  absl::StatusOr<std::string> org = NormalizeOrganisationsnummer(number);
  if (!org.ok()) {
    return Invalid(
        "the organisation number in the Peppol participant id has a wrong "
        "check digit (Luhn mod 10)");
  }
  return OrgNumberBased{absl::StrCat("0007:", number), *org};
}

absl::StatusOr<std::string> ParseGlnParticipantId(std::string_view text) {
  constexpr char kScheme[] = "iso6523-actorid-upis::";
  std::string s = WithoutSpaces(text);
  if (absl::StartsWithIgnoreCase(s, kScheme)) s.erase(0, sizeof(kScheme) - 1);
  if (s.rfind("0088:", 0) != 0) {
    return absl::NotFoundError("not a Peppol id of scheme 0088");
  }
  const std::string gln = s.substr(5);
  if (gln.size() != 13 || !AllDigits(gln)) {
    return Invalid(
        "a Peppol participant id of scheme 0088 has the 13 digits of a GLN "
        "after the colon (e.g. 0088:7300010000001)");
  }
  // GS1 mod 10: from the right, the digits before the check digit weigh
  // 3, 1, 3, ...
  int sum = 0;
  for (int i = 11, w = 3; i >= 0; --i, w = 4 - w) sum += (gln[i] - '0') * w;
  if ((10 - sum % 10) % 10 != gln[12] - '0') {
    return Invalid(
        "the GLN in the Peppol participant id has a wrong check digit (GS1 "
        "mod 10)");
  }
  return absl::StrCat("0088:", gln);
}

}  // namespace lov::registry
