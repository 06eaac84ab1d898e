#include "lov/platform/identity_numbers.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace lov {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), IsDigit);
}

int Number(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// Offset that turns a birth day into a coordination number's day.
constexpr int kCoordinationDayOffset = 60;

// True if year-month-day (day possibly + 60) is a real calendar date.
bool IsBirthDate(std::string_view yyyymmdd) {
  const int year = Number(yyyymmdd.substr(0, 4));
  const int month = Number(yyyymmdd.substr(4, 2));
  int day = Number(yyyymmdd.substr(6, 2));
  if (day > kCoordinationDayOffset) day -= kCoordinationDayOffset;
  if (month < 1 || month > 12 || day < 1) return false;
  // CivilDay normalises out-of-range days, so a changed day means no date.
  return absl::CivilDay(year, month, day).day() == day;
}

}  // namespace

int LuhnCheckDigit(std::string_view digits) {
  if (!AllDigits(digits)) return -1;
  int sum = 0;
  bool doubled = true;  // The digit next to the check digit is doubled.
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int value = *it - '0';
    if (doubled) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
    doubled = !doubled;
  }
  return (10 - sum % 10) % 10;
}

bool LuhnValid(std::string_view digits) {
  if (digits.empty() || !AllDigits(digits)) return false;
  int sum = 0;
  bool doubled = false;  // The check digit itself is not doubled.
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int value = *it - '0';
    if (doubled) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
    doubled = !doubled;
  }
  return sum % 10 == 0;
}

absl::StatusOr<std::string> NormalizePersonnummer(std::string_view text) {
  std::string digits;
  if (text.size() == 13 && (text[8] == '-' || text[8] == '+')) {
    digits = std::string(text.substr(0, 8)).append(text.substr(9));
  } else if (text.size() == 12) {
    digits = std::string(text);
  } else {
    return absl::InvalidArgumentError(
        "personnummer must have 12 digits with the century, as YYYYMMDDNNNC "
        "or YYYYMMDD-NNNC");
  }
  if (!AllDigits(digits)) {
    return absl::InvalidArgumentError(
        "personnummer may contain only digits and one '-' or '+' before the "
        "last four");
  }
  if (!IsBirthDate(std::string_view(digits).substr(0, 8))) {
    return absl::InvalidArgumentError(
        "personnummer does not start with a valid date (YYYYMMDD, or day + 60 "
        "for a samordningsnummer)");
  }
  if (!LuhnValid(std::string_view(digits).substr(2))) {
    return absl::InvalidArgumentError("personnummer has a wrong check digit");
  }
  return digits;
}

absl::StatusOr<std::string> NormalizeOrganisationsnummer(
    std::string_view text) {
  // Drop the "16" century-like prefix that some registers add.
  if ((text.size() == 12 || text.size() == 13) && text.substr(0, 2) == "16") {
    text.remove_prefix(2);
  }
  std::string digits;
  if (text.size() == 11 && text[6] == '-') {
    digits = std::string(text.substr(0, 6)).append(text.substr(7));
  } else if (text.size() == 10) {
    digits = std::string(text);
  }
  if (digits.empty() || !AllDigits(digits)) {
    return absl::InvalidArgumentError(
        "organisationsnummer must be NNNNNN-NNNN or 10 digits");
  }
  std::string normalized =
      absl::StrCat(digits.substr(0, 6), "-", digits.substr(6));
  if (!LuhnValid(digits)) {
    // Legal persons have 2 or more in the third digit; anything else may be
    // a sole trader's personnummer.
    const bool public_number = digits[2] >= '2';
    return absl::InvalidArgumentError(absl::StrCat(
        "organisationsnummer ", public_number ? normalized : "(not shown)",
        " has a wrong check digit"));
  }
  return normalized;
}

bool ContainsPersonnummer(std::string_view text) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (size_t i = 0; i < text.size(); ++i) {
    if (!digit(text[i]) || (i > 0 && digit(text[i - 1]))) continue;
    size_t j = i;
    while (j < text.size() && digit(text[j])) ++j;
    std::string_view candidate;
    if (j - i == 12) {
      candidate = text.substr(i, 12);
    } else if (j - i == 8 && j + 5 <= text.size() &&
               (text[j] == '-' || text[j] == '+') &&
               (j + 5 == text.size() || !digit(text[j + 5]))) {
      candidate = text.substr(i, 13);
    }
    if (!candidate.empty() && NormalizePersonnummer(candidate).ok()) {
      return true;
    }
  }
  return false;
}

}  // namespace lov
