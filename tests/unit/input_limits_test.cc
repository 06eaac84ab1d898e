// The input limits of request fields (lov/platform/input_limits.h) on
// test-only messages: defaults, per-field overrides, paths of nested and
// repeated fields, Timestamps, and malformed options.
#include "lov/platform/input_limits.h"

#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "lov/platform/proto_util.h"
#include "lov/testing/v1/limits_probe.pb.h"
#include "status_matchers.h"

namespace lov {
namespace {

using ::lov::testing::IsError;
using Batch = ::lov::testing::v1::ProbeBatch;

// A fixed clock: 2026-03-01T12:00:00Z.
const absl::Time kNow = absl::FromUnixSeconds(1772366400);

std::string Repeat(const std::string& piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out.append(piece);
  return out;
}

absl::Status Check(const Batch& batch) { return CheckInputLimits(batch, kNow); }

// A batch with every field set, each at its limit or well inside it.
Batch AtTheLimits() {
  Batch b;
  b.set_batch_id("b-1");
  for (int i = 0; i < 3; ++i) {
    auto* line = b.add_visits();
    line->set_staff_id(std::string(256, 's'));
    line->set_note(std::string(2000, 'n'));
    line->set_code("12345678");
    line->set_blob(std::string(65536, '\0'));
    *line->mutable_at() = ToProtoTime(absl::FromUnixSeconds(946684800));
    *line->mutable_since() = ToProtoTime(kNow + absl::Hours(24));
  }
  for (int i = 0; i < 100; ++i) b.add_tags("tag");
  *b.mutable_first()->mutable_at() = ToProtoTime(kNow + absl::Hours(24 * 3660));
  (*b.mutable_labels())["team"] = "north";
  return b;
}

TEST(InputLimitsTest, AValidMessageAtEveryLimitIsAccepted) {
  EXPECT_TRUE(Check(AtTheLimits()).ok()) << Check(AtTheLimits());
  EXPECT_TRUE(Check(Batch()).ok());
}

TEST(InputLimitsTest, AnOverLongNestedFieldIsNamedWithItsPath) {
  Batch b = AtTheLimits();
  b.mutable_visits(2)->set_staff_id(std::string(300, 'x'));
  const absl::Status s = Check(b);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "visits[2].staff_id is 300 characters long; at most 256");

  Batch single;
  single.mutable_first()->set_staff_id(std::string(257, 'x'));
  EXPECT_EQ(Check(single).message(),
            "first.staff_id is 257 characters long; at most 256");
}

TEST(InputLimitsTest, TextIsCountedInCharactersNotBytes) {
  Batch b;
  // "å" is two bytes in UTF-8: 256 of them are 512 bytes and still fit.
  b.mutable_first()->set_staff_id(Repeat("å", 256));
  EXPECT_TRUE(Check(b).ok()) << Check(b);
  b.mutable_first()->set_staff_id(Repeat("å", 257));
  EXPECT_EQ(Check(b).message(),
            "first.staff_id is 257 characters long; at most 256");
}

TEST(InputLimitsTest, ABytesFieldIsCountedInBytes) {
  Batch b;
  b.mutable_first()->set_blob(std::string(65537, 'b'));
  EXPECT_TRUE(IsError(Check(b), absl::StatusCode::kInvalidArgument,
                      {"first.blob is 65537 bytes long; at most 65536"}));
}

TEST(InputLimitsTest, TooManyEntriesNameTheFieldAndTheLimit) {
  Batch b = AtTheLimits();
  b.add_visits();
  EXPECT_EQ(Check(b).message(), "visits has 4 entries; at most 3");

  Batch tags;
  for (int i = 0; i < 101; ++i) tags.add_tags("t");
  EXPECT_EQ(Check(tags).message(), "tags has 101 entries; at most 100");
}

TEST(InputLimitsTest, EveryEntryOfARepeatedFieldIsBounded) {
  Batch b;
  b.add_tags("ok");
  b.add_tags(std::string(257, 't'));
  EXPECT_EQ(Check(b).message(), "tags[1] is 257 characters long; at most 256");

  Batch labels;
  (*labels.mutable_labels())["team"] = std::string(257, 'l');
  EXPECT_EQ(Check(labels).message(),
            "labels[0].value is 257 characters long; at most 256");
}

TEST(InputLimitsTest, ATimestampOutsideTheWindowIsRefused) {
  Batch early;
  *early.mutable_first()->mutable_at() =
      ToProtoTime(absl::FromUnixSeconds(946684799));  // 1999-12-31T23:59:59Z
  EXPECT_EQ(Check(early).message(),
            "first.at is 1999-12-31T23:59:59Z; not before "
            "2000-01-01T00:00:00Z");

  Batch late;
  *late.mutable_first()->mutable_at() =
      ToProtoTime(kNow + absl::Hours(24 * 3660) + absl::Seconds(1));
  EXPECT_TRUE(IsError(
      Check(late), absl::StatusCode::kInvalidArgument,
      {"first.at is 2036-", "; not after 2036-", "(3660 days from now)"}));

  Batch nanos;
  nanos.mutable_first()->mutable_at()->set_seconds(1772366400);
  nanos.mutable_first()->mutable_at()->set_nanos(-1);
  EXPECT_EQ(Check(nanos).message(),
            "first.at.nanos is -1; must be 0 to 999999999");
}

TEST(InputLimitsTest, AnAnnotatedFieldHasItsOwnLimit) {
  Batch note;
  note.mutable_first()->set_note(std::string(2001, 'n'));
  EXPECT_EQ(Check(note).message(),
            "first.note is 2001 characters long; at most 2000");

  Batch code;
  code.mutable_first()->set_code("123456789");
  EXPECT_EQ(Check(code).message(),
            "first.code is 9 characters long; at most 8");

  // `since`: from 1970 on (earlier than the default), at most a day ahead.
  Batch old;
  *old.mutable_first()->mutable_since() =
      ToProtoTime(absl::FromUnixSeconds(315532800));  // 1980-01-01
  EXPECT_TRUE(Check(old).ok()) << Check(old);
  Batch ahead;
  *ahead.mutable_first()->mutable_since() = ToProtoTime(kNow + absl::Hours(48));
  EXPECT_EQ(Check(ahead).message(),
            "first.since is 2026-03-03T12:00:00Z; not after "
            "2026-03-02T12:00:00Z (1 days from now)");
}

TEST(InputLimitsTest, AnUnannotatedFieldGetsTheDefaults) {
  const auto* line = ::lov::testing::v1::ProbeLine::descriptor();
  absl::StatusOr<FieldLimitsInForce> staff =
      LimitsOf(*line->FindFieldByName("staff_id"));
  ASSERT_TRUE(staff.ok()) << staff.status();
  EXPECT_EQ(staff->max_length, 256u);
  absl::StatusOr<FieldLimitsInForce> blob =
      LimitsOf(*line->FindFieldByName("blob"));
  ASSERT_TRUE(blob.ok()) << blob.status();
  EXPECT_EQ(blob->max_length, 65536u);
  absl::StatusOr<FieldLimitsInForce> at =
      LimitsOf(*line->FindFieldByName("at"));
  ASSERT_TRUE(at.ok()) << at.status();
  EXPECT_EQ(at->earliest, absl::FromCivil(absl::CivilSecond(2000, 1, 1),
                                          absl::UTCTimeZone()));
  EXPECT_EQ(at->max_ahead, absl::Hours(24 * 3660));
  absl::StatusOr<FieldLimitsInForce> tags =
      LimitsOf(*Batch::descriptor()->FindFieldByName("tags"));
  ASSERT_TRUE(tags.ok()) << tags.status();
  EXPECT_EQ(tags->max_count, 100u);
}

TEST(InputLimitsTest, TheErrorNeverQuotesTheValue) {
  Batch b;
  b.mutable_first()->set_code("191212121212");  // a personnummer
  const absl::Status s = Check(b);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()).find("1912"), std::string::npos)
      << s.message();
}

TEST(InputLimitsTest, AMalformedOptionIsADefectNamingTheField) {
  const auto* bad = ::lov::testing::v1::MalformedLimits::descriptor();
  EXPECT_TRUE(IsError(LimitsOf(*bad->FindFieldByName("count")).status(),
                      absl::StatusCode::kInternal,
                      {"lov.testing.v1.MalformedLimits.count", "max_length"}));
  EXPECT_TRUE(IsError(LimitsOf(*bad->FindFieldByName("name")).status(),
                      absl::StatusCode::kInternal,
                      {"MalformedLimits.name", "max_count", "not repeated"}));
  EXPECT_TRUE(IsError(LimitsOf(*bad->FindFieldByName("at_text")).status(),
                      absl::StatusCode::kInternal,
                      {"MalformedLimits.at_text", "no Timestamp"}));
  EXPECT_TRUE(IsError(LimitsOf(*bad->FindFieldByName("at")).status(),
                      absl::StatusCode::kInternal,
                      {"MalformedLimits.at", "\"2020\"", "RFC 3339"}));

  ::lov::testing::v1::MalformedLimits message;
  message.set_name("x");
  EXPECT_EQ(CheckInputLimits(message, kNow).code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace lov
