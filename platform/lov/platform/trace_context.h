// W3C Trace Context (https://www.w3.org/TR/trace-context/): the trace a
// piece of work belongs to, so that one visit can be followed from its
// upload through Kafka to the settlement that pays it. The context comes in
// as the `traceparent` gRPC metadata (or is started here), is the current
// thread's while a call or an event is handled (ScopedTrace), goes out with
// every event as the CloudEvents distributed-tracing extension (Kafka header
// `ce_traceparent`) and is named by every log line (trace_id, span_id).
// The caller's `tracestate` (vendors' opaque data) travels with it,
// unchanged: metadata `tracestate`, header `ce_tracestate`, log field
// `tracestate`.
// Nothing here is exported to a tracing back end (docs/events.md).
#ifndef LOV_PLATFORM_TRACE_CONTEXT_H_
#define LOV_PLATFORM_TRACE_CONTEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lov {

// The gRPC metadata key (HTTP header) of the caller's context.
inline constexpr char kTraceparentMetadata[] = "traceparent";
// The Kafka header of the CloudEvents distributed-tracing extension's
// `traceparent` attribute (binary mode: "ce_" and the attribute's name).
inline constexpr char kCloudEventTraceparentHeader[] = "ce_traceparent";
// The caller's W3C `tracestate`: gRPC metadata key and Kafka header (the
// extension's `tracestate` attribute).
inline constexpr char kTracestateMetadata[] = "tracestate";
inline constexpr char kCloudEventTracestateHeader[] = "ce_tracestate";
// The longest tracestate carried on: the 512 characters the specification
// asks every participant to propagate at least.
inline constexpr size_t kMaxTracestateSize = 512;

// One span of a trace, as traceparent version 00 carries it.
struct TraceContext {
  std::string trace_id;  // 32 lowercase hex digits, not all zero
  std::string span_id;   // 16 lowercase hex digits, not all zero
  bool sampled = true;   // trace-flags bit 0; the other flags are dropped
  // The caller's tracestate as it came (ValidTracestate), or "": opaque,
  // passed on unchanged with every child span.
  std::string tracestate;
};

// The context of a traceparent value, or nullopt when the value is not one
// (wrong length or version, upper case or other non-hex digits, an all-zero
// id) or either id holds a personnummer, which must not travel on in
// headers and logs. A version above 00 is read as 00 (its fields after the
// fourth ignored), as the specification asks; version ff is invalid.
std::optional<TraceContext> ParseTraceparent(std::string_view value);
// "00-<trace_id>-<span_id>-01" (or "-00" when not sampled).
std::string FormatTraceparent(const TraceContext& context);

// The tracestate to carry on from `value`: the value unchanged when it is
// one the specification allows (list members `key=value` separated by
// commas and optional spaces or tabs, at most 32, keys of lower-case
// letters, digits and `_-*/@`, values of printable ASCII without `,` and
// `=`) and at most kMaxTracestateSize characters; "" otherwise (an
// invalid or overlong tracestate is dropped whole, as the specification
// allows). A list member holding a personnummer is dropped, as it must
// not travel on in headers and logs; the others are kept as they came.
std::string ValidTracestate(std::string_view value);

// A new trace: random ids (neither holding a personnummer), sampled.
TraceContext NewTrace();
// A span of the same trace below `parent`: a new span id, the same flags
// and tracestate.
TraceContext ChildSpan(const TraceContext& parent);
// The context in which to do the work that `traceparent` (from a caller or
// an event) asks for: a child span of it carrying ValidTracestate(
// tracestate), or a new trace (without the tracestate, which belongs to the
// trace it came with) when the value is empty or invalid. Never an error: a
// bad value only starts a new trace.
TraceContext ContinueTrace(std::string_view traceparent,
                           std::string_view tracestate = "");

// The current thread's context; nullptr when no call or event is handled.
const TraceContext* CurrentTrace();

// Makes `context` the current thread's until destroyed (restoring the one
// before: scopes nest).
class ScopedTrace {
 public:
  explicit ScopedTrace(TraceContext context);
  ~ScopedTrace();
  ScopedTrace(const ScopedTrace&) = delete;
  ScopedTrace& operator=(const ScopedTrace&) = delete;

  const TraceContext& context() const { return context_; }

 private:
  TraceContext context_;
  const TraceContext* previous_;
};

}  // namespace lov

#endif  // LOV_PLATFORM_TRACE_CONTEXT_H_
