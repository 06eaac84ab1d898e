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

// Length of the run of digits starting at `begin`.
size_t DigitRun(std::string_view text, size_t begin) {
  size_t end = begin;
  while (end < text.size() && IsDigit(text[end])) ++end;
  return end - begin;
}

// The personnummer-shaped text starting with the whole digit run
// text[begin, begin + run): 10 or 12 digits, or 6 or 8 digits, '-' or '+'
// and 4 digits with no digit after them. Length 0 if none.
TextSpan CandidateAt(std::string_view text, size_t begin, size_t run) {
  if (run == 10 || run == 12) return {begin, run};
  const size_t sign = begin + run;
  if ((run == 6 || run == 8) && sign < text.size() &&
      (text[sign] == '-' || text[sign] == '+') &&
      DigitRun(text, sign + 1) == 4) {
    return {begin, run + 5};
  }
  return {};
}

// A candidate of CandidateAt: a real date and the right check digit.
bool IsPersonnummer(std::string_view candidate) {
  std::string digits;
  for (char c : candidate) {
    if (IsDigit(c)) digits.push_back(c);
  }
  // Without the century any leap day may be real: 2000 + YY is a leap year
  // whenever some century's YY is.
  if (digits.size() == 10) digits.insert(0, "20");
  return IsBirthDate(std::string_view(digits).substr(0, 8)) &&
         LuhnValid(std::string_view(digits).substr(2));
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
    // Anything but a legal person's number may be a sole trader's
    // personnummer.
    return absl::InvalidArgumentError(absl::StrCat(
        "organisationsnummer ",
        IsLegalPersonNumber(normalized) ? normalized : "(not shown)",
        " has a wrong check digit"));
  }
  return normalized;
}

std::vector<TextSpan> FindPersonnummer(std::string_view text) {
  std::vector<TextSpan> found;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) {
      ++i;
      continue;
    }
    const size_t run = DigitRun(text, i);
    const TextSpan span = CandidateAt(text, i, run);
    if (span.length > 0 && IsPersonnummer(text.substr(i, span.length))) {
      found.push_back(span);
      i += span.length;
    } else {
      i += run;
    }
  }
  return found;
}

bool ContainsPersonnummer(std::string_view text) {
  return !FindPersonnummer(text).empty();
}

absl::Status RefusePersonnummer(std::string_view field,
                                std::string_view value) {
  if (!ContainsPersonnummer(value)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      std::string(field), ": must not contain a personal identity number"));
}

bool IsLegalPersonNumber(std::string_view normalized_org_number) {
  return normalized_org_number.size() > 2 && normalized_org_number[2] >= '2';
}

}  // namespace lov
