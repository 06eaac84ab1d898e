// Swedish identity numbers: personal identity numbers (personnummer) of
// clients and organisation numbers (organisationsnummer) of providers.

#ifndef LOV_PLATFORM_IDENTITY_NUMBERS_H_
#define LOV_PLATFORM_IDENTITY_NUMBERS_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace lov {

// True if `digits` is a non-empty string of ASCII digits whose last digit is
// the Luhn (mod 10) check digit of the others.
bool LuhnValid(std::string_view digits);

// The Luhn (mod 10) check digit to append to `digits` (ASCII digits), e.g.
// for making valid test and demo numbers; -1 if `digits` has a non-digit.
int LuhnCheckDigit(std::string_view digits);

// Validates a personnummer written with the century, "YYYYMMDDNNNC",
// "YYYYMMDD-NNNC" or "YYYYMMDD+NNNC", and returns the 12 digits.
// Coordination numbers (samordningsnummer, day + 60) are accepted. The check
// digit is the Luhn digit over the last 10 digits.
//
// Errors are InvalidArgument saying what is wrong (length, date, check
// digit) and never contain the input: it is personal data and must not
// reach logs.
absl::StatusOr<std::string> NormalizePersonnummer(std::string_view text);

// Validates an organisationsnummer, "NNNNNN-NNNN", 10 digits, or the 12-digit
// form with the prefix "16" ("16NNNNNNNNNN", "16NNNNNN-NNNN"), and returns
// "NNNNNN-NNNN". The check digit is the Luhn digit over the 10 digits.
//
// Errors are InvalidArgument. They echo the number only when it is one of a
// legal person (third digit 2 or more): a sole trader's organisation number
// is the owner's personnummer, which must not reach logs.
absl::StatusOr<std::string> NormalizeOrganisationsnummer(std::string_view text);

// True if `text` contains a valid personnummer (12 digits, or 8 + '-'/'+' +
// 4, with a real date and a correct check digit) as a separate run of
// digits. For refusing personal data where it must not go (request ids).
bool ContainsPersonnummer(std::string_view text);

}  // namespace lov

#endif  // LOV_PLATFORM_IDENTITY_NUMBERS_H_
