#include "lov/platform/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/trace_context.h"

namespace lov::log {
namespace {

std::mutex& OutputMutex() {
  static std::mutex mu;
  return mu;
}
std::string& ServiceName() {
  static std::string name = "lov";
  return name;
}
std::atomic<int> min_level{static_cast<int>(Level::kInfo)};

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

// Control characters other than newline, carriage return and tab become
// U+FFFD before the JSON library writes the text, not "\u00XX": the
// escape's digits next to the text's digits could make a personnummer that
// the redaction, run before escaping, missed (docs/fuzzing.md).
std::string WithoutControls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
      out.append("\uFFFD");
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace

std::string Redact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;
  for (const TextSpan& span : FindPersonnummer(text)) {
    out.append(text.substr(copied, span.offset - copied));
    out.append("[redacted]");
    copied = span.offset + span.length;
  }
  out.append(text.substr(copied));
  return out;
}

void SetService(std::string_view service) {
  std::lock_guard<std::mutex> lock(OutputMutex());
  ServiceName() = std::string(service);
}

void SetMinLevel(Level level) { min_level = static_cast<int>(level); }

bool Enabled(Level level) {
  return static_cast<int>(level) >= min_level.load();
}

bool ParseLevel(std::string_view name, Level* out) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (name == LevelName(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

std::string Format(Level level, std::string_view msg,
                   std::initializer_list<Field> fields) {
  // One JSON object per line, written by nlohmann-json (the project's one
  // JSON library), its keys in this order.
  nlohmann::ordered_json line;
  line["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                absl::UTCTimeZone());
  line["level"] = LevelName(level);
  line["service"] = WithoutControls(ServiceName());
  line["msg"] = WithoutControls(Redact(msg));
  // The trace of the call or event being handled (trace_context.h); its
  // ids never hold a personnummer, so they are written as they are.
  if (const TraceContext* trace = CurrentTrace()) {
    line["trace_id"] = trace->trace_id;
    line["span_id"] = trace->span_id;
    // Vendors' data, passed on as it came (ValidTracestate keeps no
    // personnummer in it).
    if (!trace->tracestate.empty()) line["tracestate"] = trace->tracestate;
  }
  for (const Field& f : fields) {
    // A field never replaces one written before it (emplace keeps the
    // first): not the level, not the message.
    const std::string key = WithoutControls(f.key);
    // A number can be a personnummer too (8112189876); it is then logged
    // as the redacted string.
    if (f.numeric && !ContainsPersonnummer(f.value)) {
      if (!f.value.empty() && f.value[0] == '-') {
        line.emplace(key, std::stoll(f.value));
      } else {
        line.emplace(key, std::stoull(f.value));
      }
    } else {
      line.emplace(key, WithoutControls(Redact(f.value)));
    }
  }
  // Bytes that are no UTF-8 become U+FFFD rather than an exception.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Write(Level level, std::string_view msg,
           std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < min_level.load()) return;
  std::string line = Format(level, msg, fields);
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(OutputMutex());
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace lov::log
