#include "lov/platform/trace_context.h"

#include <array>
#include <random>
#include <utility>

#include "lov/platform/identity_numbers.h"

namespace lov {
namespace {

thread_local const TraceContext* current_trace = nullptr;

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZero(std::string_view s) {
  return s.find_first_not_of('0') == std::string_view::npos;
}

// A valid id of `size` hex digits: lower-case hex, not all zero, and no
// personnummer (a run of ten or twelve decimal digits can be one).
bool ValidId(std::string_view s, size_t size) {
  return s.size() == size && IsLowerHex(s) && !AllZero(s) &&
         !ContainsPersonnummer(s);
}

std::mt19937_64& Generator() {
  thread_local std::mt19937_64 generator = [] {
    std::random_device device;
    std::array<std::random_device::result_type, 8> words;
    for (auto& w : words) w = device();
    std::seed_seq seed(words.begin(), words.end());
    return std::mt19937_64(seed);
  }();
  return generator;
}

// `digits` random hex digits that make a valid id.
std::string RandomId(size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  while (true) {
    std::string id;
    id.reserve(digits);
    while (id.size() < digits) {
      uint64_t bits = Generator()();
      for (int i = 0; i < 16 && id.size() < digits; ++i, bits >>= 4) {
        id.push_back(kHex[bits & 0xf]);
      }
    }
    if (ValidId(id, digits)) return id;
  }
}

}  // namespace

std::optional<TraceContext> ParseTraceparent(std::string_view value) {
  // version "-" trace-id "-" parent-id "-" trace-flags: 2+1+32+1+16+1+2.
  constexpr size_t kSize = 55;
  if (value.size() < kSize) return std::nullopt;
  const std::string_view version = value.substr(0, 2);
  if (!IsLowerHex(version) || version == "ff") return std::nullopt;
  if (version == "00" ? value.size() != kSize
                      : value.size() > kSize && value[kSize] != '-') {
    return std::nullopt;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') {
    return std::nullopt;
  }
  const std::string_view trace_id = value.substr(3, 32);
  const std::string_view span_id = value.substr(36, 16);
  const std::string_view flags = value.substr(53, 2);
  if (!ValidId(trace_id, 32) || !ValidId(span_id, 16) || !IsLowerHex(flags)) {
    return std::nullopt;
  }
  const int low = flags[1] <= '9' ? flags[1] - '0' : flags[1] - 'a' + 10;
  return TraceContext{std::string(trace_id), std::string(span_id),
                      (low & 1) != 0};
}

std::string FormatTraceparent(const TraceContext& context) {
  std::string out = "00-";
  out.append(context.trace_id);
  out.push_back('-');
  out.append(context.span_id);
  out.append(context.sampled ? "-01" : "-00");
  return out;
}

std::string ValidTracestate(std::string_view value) {
  if (value.size() > kMaxTracestateSize) return "";
  constexpr std::string_view kBlank = " \t";
  std::string out;
  int members = 0;
  bool dropped = false;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    std::string_view member = value.substr(start, end - start);
    start = end + 1;
    const size_t first = member.find_first_not_of(kBlank);
    if (first == std::string_view::npos) continue;  // an empty member
    member = member.substr(first, member.find_last_not_of(kBlank) - first + 1);
    const size_t eq = member.find('=');
    if (eq == 0 || eq == std::string_view::npos || eq + 1 == member.size() ||
        eq > 256 || member.size() - eq - 1 > 256 || ++members > 32) {
      return "";
    }
    const std::string_view key = member.substr(0, eq);
    if (!((key[0] >= 'a' && key[0] <= 'z') ||
          (key[0] >= '0' && key[0] <= '9'))) {
      return "";
    }
    for (char c : key) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '-' || c == '*' || c == '/' || c == '@')) {
        return "";
      }
    }
    const std::string_view v = member.substr(eq + 1);
    for (char c : v) {
      if (c < 0x20 || c > 0x7e || c == ',' || c == '=') return "";
    }
    if (ContainsPersonnummer(member)) {
      dropped = true;
      continue;
    }
    if (!out.empty()) out.push_back(',');
    out.append(member);
  }
  if (members == 0) return "";
  // Unchanged when nothing was dropped (its spaces and tabs as they came);
  // nor across members may digits make a personnummer.
  std::string kept = dropped ? out : std::string(value);
  return ContainsPersonnummer(kept) ? "" : kept;
}

TraceContext NewTrace() { return TraceContext{RandomId(32), RandomId(16)}; }

TraceContext ChildSpan(const TraceContext& parent) {
  return TraceContext{parent.trace_id, RandomId(16), parent.sampled,
                      parent.tracestate};
}

TraceContext ContinueTrace(std::string_view traceparent,
                           std::string_view tracestate) {
  std::optional<TraceContext> parent = ParseTraceparent(traceparent);
  if (!parent) return NewTrace();
  parent->tracestate = ValidTracestate(tracestate);
  return ChildSpan(*parent);
}

const TraceContext* CurrentTrace() { return current_trace; }

ScopedTrace::ScopedTrace(TraceContext context)
    : context_(std::move(context)), previous_(current_trace) {
  current_trace = &context_;
}

ScopedTrace::~ScopedTrace() { current_trace = previous_; }

}  // namespace lov
