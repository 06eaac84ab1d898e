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

TraceContext NewTrace() { return TraceContext{RandomId(32), RandomId(16)}; }

TraceContext ChildSpan(const TraceContext& parent) {
  return TraceContext{parent.trace_id, RandomId(16), parent.sampled};
}

TraceContext ContinueTrace(std::string_view traceparent) {
  std::optional<TraceContext> parent = ParseTraceparent(traceparent);
  return parent ? ChildSpan(*parent) : NewTrace();
}

const TraceContext* CurrentTrace() { return current_trace; }

ScopedTrace::ScopedTrace(TraceContext context)
    : context_(std::move(context)), previous_(current_trace) {
  current_trace = &context_;
}

ScopedTrace::~ScopedTrace() { current_trace = previous_; }

}  // namespace lov
