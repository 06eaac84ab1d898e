#include "lov/platform/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

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

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        // Other control characters become U+FFFD, not "\u00XX": the
        // escape's digits next to the text's digits could make a
        // personnummer that the redaction, run before escaping, missed
        // (docs/fuzzing.md).
        if (c < 0x20) {
          out->append("\uFFFD");
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
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
  std::string line = "{\"ts\":";
  AppendJsonString(&line, absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                           absl::UTCTimeZone()));
  line.append(",\"level\":");
  AppendJsonString(&line, LevelName(level));
  line.append(",\"service\":");
  AppendJsonString(&line, ServiceName());
  line.append(",\"msg\":");
  AppendJsonString(&line, Redact(msg));
  // The trace of the call or event being handled (trace_context.h); its
  // ids never hold a personnummer, so they are written as they are.
  if (const TraceContext* trace = CurrentTrace()) {
    line.append(",\"trace_id\":");
    AppendJsonString(&line, trace->trace_id);
    line.append(",\"span_id\":");
    AppendJsonString(&line, trace->span_id);
  }
  for (const Field& f : fields) {
    line.push_back(',');
    AppendJsonString(&line, f.key);
    line.push_back(':');
    // A number can be a personnummer too (8112189876); it is then logged
    // as the redacted string.
    if (f.numeric && !ContainsPersonnummer(f.value)) {
      line.append(f.value);
    } else {
      AppendJsonString(&line, Redact(f.value));
    }
  }
  line.push_back('}');
  return line;
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
