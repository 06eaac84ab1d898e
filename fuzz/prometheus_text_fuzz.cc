// The console's reader of the services' /metrics text: any text gives
// samples with a name, never a crash.
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "lov/console/domain/prometheus_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const lov::console::Sample& s :
       lov::console::ParsePrometheusText(text)) {
    LOV_FUZZ_CHECK(!s.name.empty());
  }
  return 0;
}
