#ifndef LOV_TESTS_SUPPORT_IDENTITY_FIXTURES_H_
#define LOV_TESTS_SUPPORT_IDENTITY_FIXTURES_H_

// Valid Swedish identity numbers for tests, made once here: a test person's
// personnummer and a test company's organisationsnummer (Luhn check digit
// from the platform).

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/identity_numbers.h"

namespace lov::testing {

// "YYYYMMDDNNNC" for a person born on year-month-day with serial `serial`
// (0-999).
inline std::string TestPersonnummer(int year, int month, int day, int serial) {
  const std::string nine =
      absl::StrFormat("%02d%02d%02d%03d", year % 100, month, day, serial);
  return absl::StrCat(absl::StrFormat("%04d", year).substr(0, 2), nine,
                      LuhnCheckDigit(nine));
}

// Test person `n` (born 1940-01-01 to 1940-01-28).
inline std::string TestPersonnummer(int n) {
  return TestPersonnummer(1940, 1, 1 + n % 28, 100 + n / 28);
}

// "NNNNNN-NNNC" of test company `n` (a legal person: 55...).
inline std::string TestOrganisationNumber(int n) {
  const std::string nine = absl::StrFormat("55660%04d", n);
  return absl::StrCat(nine.substr(0, 6), "-", nine.substr(6),
                      LuhnCheckDigit(nine));
}

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_IDENTITY_FIXTURES_H_
