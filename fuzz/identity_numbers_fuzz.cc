// Personnummer and organisationsnummer: normalisation and detection in free
// text, over arbitrary bytes.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "lov/platform/identity_numbers.h"

namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

size_t DigitCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += c >= '0' && c <= '9';
  return n;
}

void CheckFound(std::string_view text) {
  size_t end = 0;
  for (const lov::TextSpan& span : lov::FindPersonnummer(text)) {
    // In order, apart, inside the text.
    LOV_FUZZ_CHECK(span.offset >= end);
    LOV_FUZZ_CHECK(span.length >= 10 && span.length <= 13);
    LOV_FUZZ_CHECK(span.offset + span.length <= text.size());
    end = span.offset + span.length;
    // A number found in a text is found alone, whole.
    const std::string_view alone = text.substr(span.offset, span.length);
    const auto again = lov::FindPersonnummer(alone);
    LOV_FUZZ_CHECK(again.size() == 1 && again[0].offset == 0 &&
                   again[0].length == span.length);
  }
}

void CheckPersonnummer(std::string_view text) {
  const auto normalized = lov::NormalizePersonnummer(text);
  if (normalized.ok()) {
    LOV_FUZZ_CHECK(normalized->size() == 12 && AllDigits(*normalized));
    LOV_FUZZ_CHECK(lov::LuhnValid(std::string_view(*normalized).substr(2)));
    LOV_FUZZ_CHECK(lov::ContainsPersonnummer(*normalized));
  } else if (DigitCount(text) >= 10) {
    // Errors never echo what may be personal data.
    const std::string message(normalized.status().message());
    LOV_FUZZ_CHECK(message.find(text) == std::string::npos);
  }
}

void CheckOrganisationsnummer(std::string_view text) {
  const auto normalized = lov::NormalizeOrganisationsnummer(text);
  if (!normalized.ok()) return;
  const std::string& n = *normalized;
  LOV_FUZZ_CHECK(n.size() == 11 && n[6] == '-');
  const std::string digits = n.substr(0, 6) + n.substr(7);
  LOV_FUZZ_CHECK(AllDigits(digits) && lov::LuhnValid(digits));
  // Normalising the normal form changes nothing.
  LOV_FUZZ_CHECK(lov::NormalizeOrganisationsnummer(n).value_or("") == n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckFound(text);
  CheckPersonnummer(text);
  CheckOrganisationsnummer(text);
  const int check = lov::LuhnCheckDigit(text);
  if (check >= 0) {
    LOV_FUZZ_CHECK(lov::LuhnValid(std::string(text) + char('0' + check)));
  }
  return 0;
}
