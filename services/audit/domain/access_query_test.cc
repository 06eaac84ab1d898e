// The audit log's query rules, by hand.
#include "lov/audit/domain/access_query.h"

#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/audit/domain/audit_record.h"
#include "status_matchers.h"

namespace lov::audit {
namespace {

using ::lov::testing::IsError;
using ::testing::ElementsAre;

constexpr int64_t kNoLowerBound = std::numeric_limits<int64_t>::min();
constexpr int64_t kNoUpperBound = std::numeric_limits<int64_t>::max();
// The tax agency's published test personnummer.
constexpr char kTestPersonnummer[] = "19121212-1212";

google::protobuf::Timestamp At(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(nanos);
  return t;
}

TEST(CheckSubjectOfQueryTest, RequiredShortAndNeverAPersonnummer) {
  EXPECT_TRUE(CheckSubjectOfQuery("client_id", "cli-7f3a").ok());
  EXPECT_TRUE(CheckSubjectOfQuery("subject", "SE2321000016-1234").ok());
  EXPECT_TRUE(CheckSubjectOfQuery("subject", "provider:prv-5565541645").ok());
  EXPECT_TRUE(IsError(CheckSubjectOfQuery("client_id", ""),
                      absl::StatusCode::kInvalidArgument,
                      {"client_id", "required"}));
  EXPECT_TRUE(IsError(CheckSubjectOfQuery("subject", std::string(129, 'x')),
                      absl::StatusCode::kInvalidArgument,
                      {"subject", "longer than 128"}));
  absl::Status pnr = CheckSubjectOfQuery("client_id", kTestPersonnummer);
  EXPECT_TRUE(IsError(pnr, absl::StatusCode::kInvalidArgument,
                      {"client_id", "personal identity number"}));
  EXPECT_EQ(std::string(pnr.message()).find("1212"), std::string::npos);
  EXPECT_TRUE(IsError(CheckSubjectOfQuery("subject", "191212121212"),
                      absl::StatusCode::kInvalidArgument, {"subject"}));
}

TEST(PageSizeOfTest, DefaultCapAndNoNegative) {
  EXPECT_EQ(*PageSizeOf(0), 100);
  EXPECT_EQ(*PageSizeOf(1), 1);
  EXPECT_EQ(*PageSizeOf(500), 500);
  // A caller asking for more must not silently get less.
  EXPECT_TRUE(IsError(PageSizeOf(501).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size: 501 is above the maximum 500"}));
  EXPECT_TRUE(IsError(PageSizeOf(-1).status(),
                      absl::StatusCode::kInvalidArgument, {"page_size"}));
}

TEST(WindowOfTest, UnsetBoundsAreOpen) {
  absl::StatusOr<Window> w = WindowOf(nullptr, nullptr);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->from, absl::InfinitePast());
  EXPECT_EQ(w->to, absl::InfiniteFuture());
  const google::protobuf::Timestamp from = At(1740787200);  // 2025-03-01Z
  w = WindowOf(&from, nullptr);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->from, absl::FromUnixSeconds(1740787200));
  EXPECT_EQ(w->to, absl::InfiniteFuture());
}

TEST(WindowOfTest, ToMustBeAfterFromAndBothValid) {
  const google::protobuf::Timestamp march = At(1740787200);
  const google::protobuf::Timestamp april = At(1743465600);
  EXPECT_TRUE(WindowOf(&march, &april).ok());
  EXPECT_TRUE(IsError(WindowOf(&april, &march).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"to_time", "after from_time"}));
  EXPECT_TRUE(IsError(WindowOf(&march, &march).status(),
                      absl::StatusCode::kInvalidArgument, {"to_time"}));
  const google::protobuf::Timestamp bad_nanos = At(1740787200, -1);
  EXPECT_TRUE(IsError(WindowOf(&bad_nanos, nullptr).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"from_time", "not a valid timestamp"}));
  const google::protobuf::Timestamp year_10000 = At(253402300800);
  EXPECT_TRUE(IsError(WindowOf(nullptr, &year_10000).status(),
                      absl::StatusCode::kInvalidArgument, {"to_time"}));
}

TEST(PageTokenTest, RoundTripsAndIsUrlSafe) {
  const PagePosition p{1741600000123456, "0b6c-record/with:colons"};
  const std::string token = EncodePageToken(p);
  EXPECT_EQ(token.find_first_of("+/= :"), std::string::npos) << token;
  absl::StatusOr<std::optional<PagePosition>> back = DecodePageToken(token);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ(**back, p);
  absl::StatusOr<std::optional<PagePosition>> none = DecodePageToken("");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(PageTokenTest, ATokenThisServiceDidNotMakeIsRefused) {
  for (const std::string& bad :
       {std::string("not base64!"), std::string("YWJj"),  // "abc"
        EncodePageToken({12, ""}),
        std::string("YTE6eHk6aWQ")}) {  // "a1:xy:id": the time no number
    EXPECT_TRUE(IsError(DecodePageToken(bad).status(),
                        absl::StatusCode::kInvalidArgument,
                        {"page_token", "next_page_token"}))
        << bad;
  }
}

TEST(ScanRangeOfTest, WindowBoundsInMicroseconds) {
  Window open;
  EXPECT_EQ(ScanRangeOf(open, std::nullopt),
            (ScanRange{kNoUpperBound, kNoLowerBound, ""}));
  // [10:00:00, 11:00:00): 11:00:00 itself is out.
  Window hour{absl::FromUnixSeconds(36000), absl::FromUnixSeconds(39600)};
  EXPECT_EQ(ScanRangeOf(hour, std::nullopt),
            (ScanRange{39600000000 - 1, 36000000000, ""}));
  // Bounds between two microseconds: a record at .000001 is at or after
  // from .0000005 and before to .0000015.
  Window fine{absl::FromUnixNanos(500), absl::FromUnixNanos(1500)};
  EXPECT_EQ(ScanRangeOf(fine, std::nullopt), (ScanRange{1, 1, ""}));
}

TEST(ScanRangeOfTest, ThePreviousPageEndNarrowsTheRange) {
  Window hour{absl::FromUnixSeconds(36000), absl::FromUnixSeconds(39600)};
  EXPECT_EQ(ScanRangeOf(hour, PagePosition{37000000000, "rec-5"}),
            (ScanRange{37000000000, 36000000000, "rec-5"}));
  // A position after the window (a token of a wider query) does not widen
  // it.
  EXPECT_EQ(ScanRangeOf(hour, PagePosition{40000000000, "rec-9"}),
            (ScanRange{39600000000 - 1, 36000000000, ""}));
}

TEST(IndexMicrosTest, RoundsDown) {
  EXPECT_EQ(IndexMicros(absl::FromUnixNanos(1999)), 1);
  EXPECT_EQ(IndexMicros(absl::FromUnixSeconds(2)), 2000000);
}

// ------------------------------------------------------------ records

TEST(CheckRecordTest, ARecordNeedsAnId) {
  auth::v1::AuditRecord r;
  EXPECT_TRUE(IsError(CheckRecord(r), absl::StatusCode::kInvalidArgument,
                      {"record_id"}));
  r.set_record_id("rec-1");
  EXPECT_TRUE(CheckRecord(r).ok());
}

TEST(RedactIdentityNumbersTest, EveryPersonnummerGoesNothingElse) {
  auth::v1::AuditRecord r;
  r.set_record_id("rec-1");
  r.mutable_actor()->set_subject("SE2321000016-1234");
  r.mutable_actor()->set_organisation("Norrtälje kommun");
  r.set_method("lov.choice.v1.ChoiceService/GetClient");
  r.add_client_ids("cli-1");
  r.add_client_ids(kTestPersonnummer);
  r.add_provider_ids("prv-5565541645");
  r.set_request_id("get-191212121212");
  EXPECT_EQ(RedactIdentityNumbers(&r), 2);
  EXPECT_THAT(r.client_ids(), ElementsAre("cli-1", kRedacted));
  EXPECT_EQ(r.request_id(), kRedacted);
  EXPECT_EQ(r.actor().subject(), "SE2321000016-1234");
  EXPECT_THAT(r.provider_ids(), ElementsAre("prv-5565541645"));
  EXPECT_EQ(RedactIdentityNumbers(&r), 0);
}

}  // namespace
}  // namespace lov::audit
