// Swedish identity numbers: personal identity numbers (personnummer) of
// clients and organisation numbers (organisationsnummer) of providers.

#ifndef LOV_PLATFORM_IDENTITY_NUMBERS_H_
#define LOV_PLATFORM_IDENTITY_NUMBERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
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

// Where a personnummer is written inside a longer text.
struct TextSpan {
  size_t offset = 0;
  size_t length = 0;
  bool operator==(const TextSpan&) const = default;
};

// The one recogniser of personnummer in free text, for every screen (log
// redaction, request ids, reasons, staff and report ids, credential names).
// Finds, in order, each run written as
//   YYYYMMDDNNNC, YYYYMMDD-NNNC, YYYYMMDD+NNNC   (with the century)
//   YYMMDDNNNC,   YYMMDD-NNNC,   YYMMDD+NNNC     ('+': 100 years or older)
// whose date is real (month 01-12; day of that month, or day + 60 for a
// samordningsnummer; without the century, a date of some century) and whose
// last digit is the Luhn check digit of the ten digits from YY.
// A run counts only whole: the characters on either side are not digits, so
// a 10-digit number inside a longer run of digits (a phone number with its
// country code, a 14-digit id) is not one. Organisation numbers of legal
// persons (third digit 2 or more, e.g. 556554-1645) have no month and are
// never matched. A phone number written as ten bare digits can be mistaken
// for a personnummer (about one in ten with a date-like middle); for these
// screens that errs on the safe side. A space as separator is not read.
std::vector<TextSpan> FindPersonnummer(std::string_view text);

// True if FindPersonnummer finds one.
bool ContainsPersonnummer(std::string_view text);

// InvalidArgument "<field>: must not contain a personal identity number"
// when `value` contains one; for ids and free text that go into events.
absl::Status RefusePersonnummer(std::string_view field, std::string_view value);

// True if a normalized organisation number ("NNNNNN-NNNN") is a legal
// person's (third digit 2 or more). Anything else is a sole trader's
// (enskild näringsidkare) personnummer, or cannot be told from one, and is
// personal data.
bool IsLegalPersonNumber(std::string_view normalized_org_number);

}  // namespace lov

#endif  // LOV_PLATFORM_IDENTITY_NUMBERS_H_
