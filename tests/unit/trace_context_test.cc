// W3C traceparent: parsing and formatting, the thread's current trace, the
// trace in log lines and the ce_traceparent header of a produced event read
// back as a consumer reads it.
#include "lov/platform/trace_context.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "lov/platform/cloud_event_headers.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/kafka.h"
#include "lov/platform/kafka_internal.h"
#include "lov/platform/log.h"

namespace lov {
namespace {

// The example of the W3C specification.
constexpr char kExample[] =
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

bool IsLowerHex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(TraceContextTest, ReadsTheSpecificationsExample) {
  std::optional<TraceContext> t = ParseTraceparent(kExample);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->span_id, "00f067aa0ba902b7");
  EXPECT_TRUE(t->sampled);
  EXPECT_EQ(FormatTraceparent(*t), kExample);
}

TEST(TraceContextTest, KeepsTheSampledFlagAndDropsUnknownFlags) {
  std::optional<TraceContext> t = ParseTraceparent(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(t.has_value());
  EXPECT_FALSE(t->sampled);
  EXPECT_EQ(FormatTraceparent(*t),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  t = ParseTraceparent(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatTraceparent(*t), kExample);
}

TEST(TraceContextTest, AFutureVersionIsReadAsVersion00) {
  std::optional<TraceContext> t = ParseTraceparent(
      "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future"
      "-brings");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatTraceparent(*t), kExample);
}

TEST(TraceContextTest, InvalidValuesAreNotRead) {
  for (const char* bad : {
           "",
           "garbage",
           // Version 00 is exactly 55 characters.
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
           // Version ff is invalid; a later version needs a '-' after 55.
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
           // Upper case, non-hex, wrong separators.
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
           // All-zero ids.
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
       }) {
    EXPECT_FALSE(ParseTraceparent(bad).has_value()) << bad;
  }
}

TEST(TraceContextTest, AnIdHoldingAPersonnummerIsNotRead) {
  const std::string trace_id = "aaaa191212121212aaaaaaaaaaaaaaaa";
  ASSERT_TRUE(ContainsPersonnummer(trace_id));
  EXPECT_FALSE(
      ParseTraceparent("00-" + trace_id + "-00f067aa0ba902b7-01").has_value());
  const std::string span_id = "a1212121212aaaaa";
  ASSERT_TRUE(ContainsPersonnummer(span_id));
  EXPECT_FALSE(
      ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-" + span_id + "-01")
          .has_value());
}

TEST(TraceContextTest, NewTracesHaveValidRandomIds) {
  std::set<std::string> traces;
  for (int i = 0; i < 200; ++i) {
    TraceContext t = NewTrace();
    ASSERT_EQ(t.trace_id.size(), 32u);
    ASSERT_EQ(t.span_id.size(), 16u);
    EXPECT_TRUE(IsLowerHex(t.trace_id) && IsLowerHex(t.span_id)) << t.trace_id;
    EXPECT_TRUE(t.sampled);
    // Formatted and read back, it is the same context.
    std::optional<TraceContext> back = ParseTraceparent(FormatTraceparent(t));
    ASSERT_TRUE(back.has_value()) << FormatTraceparent(t);
    EXPECT_EQ(back->trace_id, t.trace_id);
    EXPECT_EQ(back->span_id, t.span_id);
    traces.insert(t.trace_id);
  }
  EXPECT_EQ(traces.size(), 200u);
}

TEST(TraceContextTest, ContinuingKeepsTheTraceWithANewSpan) {
  TraceContext t = ContinueTrace(kExample);
  EXPECT_EQ(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_NE(t.span_id, "00f067aa0ba902b7");
  EXPECT_EQ(t.span_id.size(), 16u);
  TraceContext unsampled =
      ContinueTrace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  EXPECT_FALSE(unsampled.sampled);
}

TEST(TraceContextTest, AnInvalidValueStartsANewTrace) {
  TraceContext t =
      ContinueTrace("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01");
  EXPECT_EQ(t.trace_id.size(), 32u);
  EXPECT_NE(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_TRUE(ParseTraceparent(FormatTraceparent(t)).has_value());
  EXPECT_TRUE(ParseTraceparent(FormatTraceparent(ContinueTrace(""))));
}

TEST(TraceContextTest, ScopesNestPerThread) {
  EXPECT_EQ(CurrentTrace(), nullptr);
  {
    ScopedTrace outer(*ParseTraceparent(kExample));
    ASSERT_NE(CurrentTrace(), nullptr);
    EXPECT_EQ(CurrentTrace()->span_id, "00f067aa0ba902b7");
    {
      ScopedTrace inner(ChildSpan(outer.context()));
      EXPECT_EQ(CurrentTrace()->trace_id, outer.context().trace_id);
      EXPECT_NE(CurrentTrace()->span_id, "00f067aa0ba902b7");
      // Another thread has no trace of its own.
      const TraceContext* seen = &outer.context();
      std::thread([&seen] { seen = CurrentTrace(); }).join();
      EXPECT_EQ(seen, nullptr);
    }
    EXPECT_EQ(CurrentTrace()->span_id, "00f067aa0ba902b7");
  }
  EXPECT_EQ(CurrentTrace(), nullptr);
}

TEST(TraceContextTest, LogLinesNameTheCurrentTrace) {
  std::string line = log::Format(log::Level::kInfo, "outside", {});
  EXPECT_EQ(line.find("trace_id"), std::string::npos) << line;
  ScopedTrace trace(*ParseTraceparent(kExample));
  line = log::Format(log::Level::kInfo, "inside", {{"visit_id", "v-1"}});
  EXPECT_NE(line.find("\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\""),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("\"span_id\":\"00f067aa0ba902b7\""), std::string::npos)
      << line;
}

// The headers a produced event gets, as a consumer reads them back.
absl::StatusOr<CloudEvent> RoundTrip(const CloudEvent& e) {
  std::unique_ptr<RdKafka::Headers> h = kafka_internal::ToHeaders(e);
  KafkaHeaders headers;
  for (const RdKafka::Headers::Header& x : h->get_all()) {
    headers.emplace_back(
        x.key(),
        std::string(static_cast<const char*>(x.value()), x.value_size()));
  }
  return CloudEventFromRecord(headers, e.key, e.data);
}

CloudEvent AnEvent() {
  return MakeEvent("/lov/visits", "se.lov.visits.v1.VisitAccepted", "v-1",
                   "lov.visits.v1.VisitEvent", "body");
}

TEST(TraceContextTest, AnEventCarriesTheCurrentSpanAsCeTraceparent) {
  ScopedTrace trace(ContinueTrace(kExample));
  absl::StatusOr<CloudEvent> read = RoundTrip(AnEvent());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->Header(kCloudEventTraceparentHeader),
            FormatTraceparent(trace.context()));
  // The consumer continues it: the same trace, a span of its own.
  TraceContext handling =
      ContinueTrace(read->Header(kCloudEventTraceparentHeader));
  EXPECT_EQ(handling.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_NE(handling.span_id, trace.context().span_id);
}

TEST(TraceContextTest, AnEventOutsideAnyTraceStartsOne) {
  ASSERT_EQ(CurrentTrace(), nullptr);
  absl::StatusOr<CloudEvent> first = RoundTrip(AnEvent());
  absl::StatusOr<CloudEvent> second = RoundTrip(AnEvent());
  ASSERT_TRUE(first.ok() && second.ok());
  std::optional<TraceContext> a =
      ParseTraceparent(first->Header(kCloudEventTraceparentHeader));
  std::optional<TraceContext> b =
      ParseTraceparent(second->Header(kCloudEventTraceparentHeader));
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(a->trace_id, b->trace_id);
}

TEST(TraceContextTest, AnEventNamingItsTraceKeepsIt) {
  // A parked event keeps the trace it was published in, once.
  ScopedTrace trace(NewTrace());
  CloudEvent e = AnEvent();
  e.extra_headers.emplace_back(kCloudEventTraceparentHeader, kExample);
  std::unique_ptr<RdKafka::Headers> h = kafka_internal::ToHeaders(e);
  std::vector<RdKafka::Headers::Header> found =
      h->get(kCloudEventTraceparentHeader);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(std::string(static_cast<const char*>(found[0].value()),
                        found[0].value_size()),
            kExample);
}

// tracestate (W3C Trace Context, "tracestate Header"): opaque vendors'
// data, passed on unchanged.
constexpr char kState[] = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

TEST(TracestateTest, AValidListIsKeptExactlyAsItCame) {
  EXPECT_EQ(ValidTracestate(kState), kState);
  // Spaces and tabs around members, an empty member, a multi-tenant key.
  EXPECT_EQ(ValidTracestate("rojo=1 ,\tcongo=2,,fw529a3039@dt=x"),
            "rojo=1 ,\tcongo=2,,fw529a3039@dt=x");
  // 512 characters are carried, one more is not.
  const std::string at_limit =
      "k=" + std::string(254, 'v') + ",l=" + std::string(253, 'w');
  ASSERT_EQ(at_limit.size(), 512u);
  EXPECT_EQ(ValidTracestate(at_limit), at_limit);
  EXPECT_EQ(ValidTracestate(at_limit + "w"), "");
}

TEST(TracestateTest, AnInvalidListIsDroppedWhole) {
  std::string members;
  for (int i = 0; i < 33; ++i)
    absl::StrAppend(&members, i ? "," : "", "k", i, "=v");
  for (const std::string& bad : std::vector<std::string>{
           "", " , ", "Rojo=1", "rojo", "=1", "rojo=", "rojo=a=b",
           "rojo=1,congo=\x01", "rojo=\xc3\xa5", members}) {
    EXPECT_EQ(ValidTracestate(bad), "") << bad;
  }
}

TEST(TracestateTest, AMemberHoldingAPersonnummerIsDropped) {
  ASSERT_TRUE(ContainsPersonnummer("191212121212"));
  EXPECT_EQ(ValidTracestate("rojo=1,pnr=191212121212, congo=2"),
            "rojo=1,congo=2");
}

TEST(TracestateTest, ItTravelsWithTheTraceOnly) {
  TraceContext t = ContinueTrace(kExample, kState);
  EXPECT_EQ(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t.tracestate, kState);
  EXPECT_EQ(ChildSpan(t).tracestate, kState);
  // With an invalid traceparent it belongs to no trace we continue.
  EXPECT_EQ(ContinueTrace("garbage", kState).tracestate, "");
  EXPECT_EQ(NewTrace().tracestate, "");
}

TEST(TracestateTest, LogLinesNameIt) {
  ScopedTrace trace(ContinueTrace(kExample, kState));
  std::string line = log::Format(log::Level::kInfo, "inside", {});
  EXPECT_NE(line.find(absl::StrCat("\"tracestate\":\"", kState, "\"")),
            std::string::npos)
      << line;
  ScopedTrace without(ContinueTrace(kExample));
  line = log::Format(log::Level::kInfo, "inside", {});
  EXPECT_EQ(line.find("tracestate"), std::string::npos) << line;
}

// Published in a call that brought a tracestate, an event carries it as
// ce_tracestate; the consumer's span keeps it, so the events published in
// reaction carry it too.
TEST(TracestateTest, EventsCarryItAndConsumersContinueIt) {
  absl::StatusOr<CloudEvent> read;
  {
    ScopedTrace call(ContinueTrace(kExample, kState));
    read = RoundTrip(AnEvent());
  }
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->Header(kCloudEventTracestateHeader), kState);
  ScopedTrace handling(
      ContinueTrace(read->Header(kCloudEventTraceparentHeader),
                    read->Header(kCloudEventTracestateHeader)));
  EXPECT_EQ(handling.context().tracestate, kState);
  absl::StatusOr<CloudEvent> reaction = RoundTrip(AnEvent());
  ASSERT_TRUE(reaction.ok());
  EXPECT_EQ(reaction->Header(kCloudEventTracestateHeader), kState);
  EXPECT_EQ(ParseTraceparent(reaction->Header(kCloudEventTraceparentHeader))
                ->trace_id,
            "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(TracestateTest, AnEventWithoutOneHasNoHeader) {
  ScopedTrace call(ContinueTrace(kExample));
  absl::StatusOr<CloudEvent> read = RoundTrip(AnEvent());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->Header(kCloudEventTracestateHeader), "");
  std::unique_ptr<RdKafka::Headers> h = kafka_internal::ToHeaders(AnEvent());
  EXPECT_TRUE(h->get(kCloudEventTracestateHeader).empty());
}

}  // namespace
}  // namespace lov
