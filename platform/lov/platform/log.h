#ifndef LOV_PLATFORM_LOG_H_
#define LOV_PLATFORM_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/status.h"

// Structured logging: one JSON object per line on stderr, e.g.
// {"ts":"2024-02-01T07:00:00.123Z","level":"info","service":"registry",
//  "msg":"provider approved","provider_id":"p-1"}
// While a call or an event is handled (ScopedTrace, trace_context.h) the
// line also names its trace: "trace_id":"4bf9...","span_id":"00f0...".
// Personal identity numbers must never be logged; as a safety net any
// personnummer in a message or field (lov::FindPersonnummer, with or without
// the century) is redacted.
namespace lov::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, int64_t v)
      : key(k), value(std::to_string(v)), numeric(true) {}
  Field(std::string_view k, int v)
      : key(k), value(std::to_string(v)), numeric(true) {}
  Field(std::string_view k, uint64_t v)
      : key(k), value(std::to_string(v)), numeric(true) {}
  Field(std::string_view k, const absl::Status& s)
      : key(k), value(s.ToString()) {}
  std::string key;
  std::string value;
  bool numeric = false;
};

void SetService(std::string_view service);
void SetMinLevel(Level level);
// Whether a line of `level` would be written (to skip preparing one).
bool Enabled(Level level);
// "debug", "info", "warn", "error"; false if unknown.
bool ParseLevel(std::string_view name, Level* out);

void Write(Level level, std::string_view msg,
           std::initializer_list<Field> fields);
inline void Debug(std::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kDebug, msg, f);
}
inline void Info(std::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, msg, f);
}
inline void Warn(std::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, msg, f);
}
inline void Error(std::string_view msg, std::initializer_list<Field> f = {}) {
  Write(Level::kError, msg, f);
}

// Exposed for tests: the JSON line Write() would print (without newline).
std::string Format(Level level, std::string_view msg,
                   std::initializer_list<Field> fields);
// Replaces every personnummer FindPersonnummer finds with "[redacted]".
std::string Redact(std::string_view text);

}  // namespace lov::log

#endif  // LOV_PLATFORM_LOG_H_
