// Log redaction: whatever a message or a text or numeric field holds, the
// redacted text and the log line hold no personnummer.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lov::fuzz::FuzzInput input(data, size);
  const std::string message = input.Piece();
  const int64_t number = input.Int64();
  const std::string value = input.Rest();
  LOV_FUZZ_CHECK(!lov::ContainsPersonnummer(lov::log::Redact(message)));
  LOV_FUZZ_CHECK(!lov::ContainsPersonnummer(lov::log::Redact(value)));
  const std::string line = lov::log::Format(
      lov::log::Level::kInfo, message, {{"field", value}, {"number", number}});
  LOV_FUZZ_CHECK(!lov::ContainsPersonnummer(line));
  return 0;
}
