// The settings the services create their topics with when they are missing
// (as on a local stack), worked out by hand, and the same settings in the
// KafkaTopics of k8s/base/kafka/topics.yaml: one set of numbers, wherever
// the topics are made.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lov/platform/kafka.h"
#include "lov/platform/topics.h"

namespace lov {
namespace {

TEST(TopicConfigTest, ADeadLetterTopicKeepsThirtyDays) {
  const std::map<std::string, std::string> config = DeadLetterTopicConfig();
  // 30 days = 30 x 86,400,000 ms.
  EXPECT_EQ(config.at("retention.ms"), "2592000000");
  EXPECT_EQ(config.at("cleanup.policy"), "delete");
  // A parked event up to 16 MiB (16,777,216 bytes) and 64 KiB (65,536) for
  // its dlq_* headers.
  EXPECT_EQ(config.at("max.message.bytes"), "16842752");
  // Every service's dead-letter topic, by its base name.
  for (const char* service : {"registry", "choice", "visits", "settlement",
                              "followup", "console", "audit"}) {
    EXPECT_EQ(TopicConfigOf(topics::DeadLetter(service)), config) << service;
  }
  EXPECT_TRUE(topics::IsDeadLetter("lov.visits.dlq.v1"));
  EXPECT_FALSE(topics::IsDeadLetter(topics::kVisitsEvents));
  EXPECT_FALSE(topics::IsDeadLetter("lov.dlq.v1"));
  // An event topic is not one: kept for ever.
  EXPECT_EQ(TopicConfigOf(topics::kSettlementEvents).at("retention.ms"), "-1");
}

// name -> config of each KafkaTopic in the file (the "config:" block of its
// spec, "key: value" lines indented by four).
std::map<std::string, std::map<std::string, std::string>> KafkaTopicsIn(
    const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, std::map<std::string, std::string>> out;
  for (absl::string_view doc : absl::StrSplit(text.str(), "\n---\n")) {
    if (!absl::StrContains(doc, "kind: KafkaTopic")) continue;
    std::string name;
    std::map<std::string, std::string> config;
    bool in_config = false;
    for (absl::string_view line : absl::StrSplit(doc, '\n')) {
      if (absl::ConsumePrefix(&line, "  name: ")) name = std::string(line);
      if (line == "  config:") {
        in_config = true;
      } else if (in_config && absl::ConsumePrefix(&line, "    ")) {
        std::vector<std::string> kv = absl::StrSplit(line, ": ");
        if (kv.size() == 2) config[kv[0]] = kv[1];
      } else {
        in_config = false;
      }
    }
    out[name] = config;
  }
  return out;
}

TEST(TopicConfigTest, TheKafkaTopicsInK8sHaveTheSettingsTheServicesCreate) {
  const auto k8s = KafkaTopicsIn(std::string(LOV_SOURCE_DIR) +
                                 "/k8s/base/kafka/topics.yaml");
  const std::vector<std::string> services = {
      "registry", "choice",  "visits", "settlement",
      "followup", "console", "audit"};
  for (const std::string& service : services) {
    ASSERT_TRUE(k8s.contains(topics::DeadLetter(service))) << service;
  }
  ASSERT_TRUE(k8s.contains(topics::kVisitsRejected));
  ASSERT_TRUE(k8s.contains(topics::kVisitsEvents));
  int checked = 0;
  for (const auto& [name, config] : k8s) {
    // choice's compacted data keys: choice's own settings, not a platform
    // topic's.
    if (name == "lov.choice.keys.v1") continue;
    for (const auto& [key, value] : TopicConfigOf(name)) {
      auto it = config.find(key);
      ASSERT_NE(it, config.end()) << name << " in k8s has no " << key;
      EXPECT_EQ(it->second, value) << name << " " << key;
    }
    ++checked;
  }
  // Seven dead-letter topics, six event topics (audit included), the
  // rejected reports.
  EXPECT_GE(checked, 14);
}

}  // namespace
}  // namespace lov
