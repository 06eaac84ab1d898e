#include <gtest/gtest.h>

#include "lov/platform/identity_numbers.h"
#include "lov/platform/log.h"
#include "lov/platform/metrics.h"

namespace lov {
namespace {

TEST(LogTest, OneJsonObjectPerLineWithEscapedFields) {
  log::SetService("registry");
  std::string line = log::Format(log::Level::kWarn, "provider \"A\" approved",
                                 {{"provider_id", "p-1"}, {"zones", 4}});
  EXPECT_NE(line.find("\"level\":\"warn\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"service\":\"registry\""), std::string::npos);
  EXPECT_NE(line.find("\"msg\":\"provider \\\"A\\\" approved\""),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("\"provider_id\":\"p-1\""), std::string::npos);
  EXPECT_NE(line.find("\"zones\":4"), std::string::npos);
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(LogTest, PersonnummerShapedTextIsRedacted) {
  EXPECT_EQ(log::Redact("client 19121212-1212 chose"),
            "client [redacted] chose");
  EXPECT_EQ(log::Redact("id=191212121212."), "id=[redacted].");
  // Other numbers are left alone: amounts, org numbers, short ids.
  EXPECT_EQ(log::Redact("556036-0793 paid 1234567 ore"),
            "556036-0793 paid 1234567 ore");
  EXPECT_EQ(log::Redact("1234567890123"), "1234567890123");
  std::string line =
      log::Format(log::Level::kInfo, "x", {{"who", "19121212+1212"}});
  EXPECT_EQ(line.find("1212+1212"), std::string::npos) << line;
}

TEST(LogTest, TenDigitPersonnummerIsRedactedToo) {
  // 1212121212 and 7010632391 (a samordningsnummer) pass Luhn with a real
  // date; 556554-1645 is a company's number, 1212121213 fails Luhn.
  EXPECT_EQ(log::Redact("client 121212-1212 and 701063-2391."),
            "client [redacted] and [redacted].");
  EXPECT_EQ(log::Redact("pnr=1212121212 org=556554-1645 x=1212121213"),
            "pnr=[redacted] org=556554-1645 x=1212121213");
  std::string line =
      log::Format(log::Level::kInfo, "x", {{"who", "121212+1212"}});
  EXPECT_EQ(line.find("1212+1212"), std::string::npos) << line;
}

// Found by log_redaction_fuzz: "\x00" before "06060610" was escaped as
// "\u0000", and "000006060610" in the line is a personnummer (the
// redaction runs before escaping). Control characters are now U+FFFD.
TEST(LogTest, EscapingMakesNoPersonnummer) {
  const std::string line = log::Format(log::Level::kInfo,
                                       std::string("a\x00"
                                                   "06060610",
                                                   10),
                                       {});
  EXPECT_FALSE(ContainsPersonnummer(line)) << line;
  EXPECT_NE(line.find("\"msg\":\"a\uFFFD06060610\""), std::string::npos)
      << line;
  // Newlines, tabs and quotes keep their short escapes.
  EXPECT_NE(log::Format(log::Level::kInfo, "a\n\t\"", {})
                .find("\"msg\":\"a\\n\\t\\\"\""),
            std::string::npos);
}

TEST(LogTest, ANumericFieldThatIsAPersonnummerIsRedacted) {
  const std::string line = log::Format(log::Level::kInfo, "x",
                                       {{"n", int64_t{1212121212}}, {"m", 42}});
  EXPECT_NE(line.find("\"n\":\"[redacted]\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"m\":42"), std::string::npos) << line;
}

TEST(MetricsTest, RendersPrometheusTextFormat) {
  metrics::Registry reg;
  reg.GetCounter("lov_events_total", "Events.", {{"topic", "a"}}).Inc(3);
  reg.GetGauge("lov_lag", "Lag.").Set(7);
  auto& h = reg.GetHistogram("lov_latency_seconds", "Latency.", {}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5);
  std::string text = reg.Render();
  EXPECT_NE(text.find("# TYPE lov_events_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("lov_events_total{topic=\"a\"} 3\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("lov_lag 7\n"), std::string::npos);
  EXPECT_NE(text.find("lov_latency_seconds_bucket{le=\"0.1\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("lov_latency_seconds_bucket{le=\"1\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("lov_latency_seconds_bucket{le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("lov_latency_seconds_sum 5.55\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("lov_latency_seconds_count 3\n"), std::string::npos);
}

}  // namespace
}  // namespace lov
