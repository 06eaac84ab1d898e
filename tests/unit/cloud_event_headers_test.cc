#include "lov/platform/cloud_event_headers.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lov {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

// The headers the platform's producer writes, as a consumer reads them.
KafkaHeaders ValidHeaders() {
  return {{"ce_id", "6f1c0d1e-0000-4000-8000-000000000001"},
          {"ce_type", "se.lov.visits.v1.visit_accepted"},
          {"ce_source", "/lov/visits"},
          {"ce_specversion", "1.0"},
          {"ce_time", "2026-03-29T01:30:00Z"},
          {"ce_subject", "visit-17"},
          {"content-type", "application/protobuf; proto=lov.visits.v1.X"},
          {"ce_actor", "provider-3"},
          {"traceparent", "00-abc-def-01"}};
}

KafkaHeaders With(KafkaHeaders headers, const std::string& name,
                  const std::string& value) {
  for (auto& [k, v] : headers) {
    if (k == name) v = value;
  }
  return headers;
}

KafkaHeaders Without(KafkaHeaders headers, const std::string& name) {
  std::erase_if(headers, [&](const auto& h) { return h.first == name; });
  return headers;
}

absl::Status ErrorOf(const KafkaHeaders& headers) {
  return CloudEventFromRecord(headers, "key", "body").status();
}

TEST(CloudEventFromRecordTest, ReadsEveryAttributeKeyAndBody) {
  absl::StatusOr<CloudEvent> e =
      CloudEventFromRecord(ValidHeaders(), "visit-17", std::string("b\0dy", 4));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->id, "6f1c0d1e-0000-4000-8000-000000000001");
  EXPECT_EQ(e->type, "se.lov.visits.v1.visit_accepted");
  EXPECT_EQ(e->source, "/lov/visits");
  EXPECT_EQ(e->subject, "visit-17");
  EXPECT_EQ(e->content_type, "application/protobuf; proto=lov.visits.v1.X");
  EXPECT_EQ(e->time, absl::FromCivil(absl::CivilSecond(2026, 3, 29, 1, 30, 0),
                                     absl::UTCTimeZone()));
  EXPECT_EQ(e->key, "visit-17");
  EXPECT_EQ(e->data, std::string("b\0dy", 4));
  EXPECT_THAT(e->extra_headers,
              testing::ElementsAre(Pair("ce_actor", "provider-3"),
                                   Pair("traceparent", "00-abc-def-01")));
  // Where it came from is the consumer's to fill in.
  EXPECT_EQ(e->topic, "");
  EXPECT_EQ(e->partition, -1);
  EXPECT_EQ(e->offset, -1);
}

TEST(CloudEventFromRecordTest, ReadsATimeWithAnOffset) {
  absl::StatusOr<CloudEvent> e = CloudEventFromRecord(
      With(ValidHeaders(), "ce_time", "2026-10-25T02:30:00.250+02:00"), "", "");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->time, absl::FromCivil(absl::CivilSecond(2026, 10, 25, 0, 30, 0),
                                     absl::UTCTimeZone()) +
                         absl::Milliseconds(250));
}

TEST(CloudEventFromRecordTest, SourceSubjectAndContentTypeMayBeAbsent) {
  KafkaHeaders headers = Without(ValidHeaders(), "ce_source");
  headers = Without(headers, "ce_subject");
  headers = Without(headers, "content-type");
  absl::StatusOr<CloudEvent> e = CloudEventFromRecord(headers, "", "");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->source, "");
  EXPECT_EQ(e->subject, "");
  EXPECT_EQ(e->content_type, "");
}

TEST(CloudEventFromRecordTest, MissingOrEmptyIdNamesCeId) {
  for (const KafkaHeaders& headers :
       {Without(ValidHeaders(), "ce_id"), With(ValidHeaders(), "ce_id", ""),
        KafkaHeaders{}}) {
    const absl::Status s = ErrorOf(headers);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("ce_id"));
  }
}

TEST(CloudEventFromRecordTest, MissingOrEmptyTypeNamesCeType) {
  for (const KafkaHeaders& headers : {Without(ValidHeaders(), "ce_type"),
                                      With(ValidHeaders(), "ce_type", "")}) {
    const absl::Status s = ErrorOf(headers);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("ce_type"));
  }
}

TEST(CloudEventFromRecordTest, SpecVersionOtherThan1Point0NamesTheHeader) {
  for (const KafkaHeaders& headers :
       {Without(ValidHeaders(), "ce_specversion"),
        With(ValidHeaders(), "ce_specversion", "0.3"),
        With(ValidHeaders(), "ce_specversion", "1.0 ")}) {
    const absl::Status s = ErrorOf(headers);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("ce_specversion"));
    EXPECT_THAT(s.message(), HasSubstr("expected 1.0"));
  }
}

TEST(CloudEventFromRecordTest, MissingOrBadTimeNamesCeTime) {
  for (const KafkaHeaders& headers :
       {Without(ValidHeaders(), "ce_time"),
        With(ValidHeaders(), "ce_time", "2026-02-30T00:00:00Z"),
        With(ValidHeaders(), "ce_time", "yesterday"),
        With(ValidHeaders(), "ce_time", "infinite-future")}) {
    const absl::Status s = ErrorOf(headers);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr("ce_time"));
  }
}

TEST(CloudEventFromRecordTest, HeaderNamesAreCaseSensitive) {
  KafkaHeaders headers = Without(ValidHeaders(), "ce_id");
  headers.emplace_back("CE_ID", "x");
  EXPECT_THAT(ErrorOf(headers).message(), HasSubstr("ce_id"));
}

TEST(CloudEventFromRecordTest, ARepeatedHeaderCountsWithItsLastValue) {
  KafkaHeaders headers = ValidHeaders();
  headers.emplace_back("ce_id", "second");
  headers.emplace_back("ce_time", "2027-01-01T00:00:00Z");
  absl::StatusOr<CloudEvent> e = CloudEventFromRecord(headers, "", "");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->id, "second");
  EXPECT_EQ(e->time, absl::FromCivil(absl::CivilSecond(2027, 1, 1, 0, 0, 0),
                                     absl::UTCTimeZone()));
  // And a bad last value is an error even after a good one.
  headers.emplace_back("ce_specversion", "2.0");
  EXPECT_EQ(ErrorOf(headers).code(), absl::StatusCode::kInvalidArgument);
}

TEST(CloudEventFromRecordTest, AnErrorNeverShowsAPersonnummer) {
  // 19121212-1212 is the Tax Agency's example number.
  for (const KafkaHeaders& headers :
       {With(ValidHeaders(), "ce_time", "19121212-1212"),
        With(ValidHeaders(), "ce_time", "2026-01-01T00:00:00Z 1212121212"),
        With(ValidHeaders(), "ce_specversion", "121212-1212")}) {
    const absl::Status s = ErrorOf(headers);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), Not(HasSubstr("1212")));
    EXPECT_THAT(s.message(), testing::AnyOf(HasSubstr("ce_time"),
                                            HasSubstr("ce_specversion")));
  }
}

TEST(CloudEventFromRecordTest, AnErrorShowsAtMost64BytesOfAValue) {
  const std::string huge(100000, 'v');
  for (const KafkaHeaders& headers :
       {With(ValidHeaders(), "ce_time", huge),
        With(ValidHeaders(), "ce_specversion", huge)}) {
    const absl::Status s = ErrorOf(headers);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr(std::string(64, 'v')));
    EXPECT_THAT(s.message(), Not(HasSubstr(std::string(65, 'v'))));
  }
}

}  // namespace
}  // namespace lov
