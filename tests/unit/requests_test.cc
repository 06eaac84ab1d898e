#include "lov/platform/requests.h"

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

namespace lov {
namespace {

TEST(RequestsTest, RequestIdIsRequiredAndFreeOfPersonalData) {
  EXPECT_EQ(RequireRequestId("").code(), absl::StatusCode::kInvalidArgument);
  absl::Status pnr = RequireRequestId("client-19121212-1212");
  EXPECT_EQ(pnr.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(pnr.message().find("personal identity number"), std::string::npos);
  EXPECT_EQ(pnr.message().find("1212"), std::string::npos);  // not echoed
  EXPECT_TRUE(RequireRequestId("choose-2024-11-03-7").ok());
}

TEST(RequestsTest, RequestIdWithATenDigitPersonnummerIsRefused) {
  // 1212121212 passes Luhn (check digit 2) with the date 12-12-12.
  EXPECT_EQ(RequireRequestId("visit-121212-1212").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RequireRequestId("visit-1212121212").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(RequireRequestId("visit-1212121213").ok());  // Check digit 2.
}

TEST(RequestsTest, NamedTextFieldsAreScreenedForPersonnummer) {
  google::protobuf::StringValue text;
  text.set_value("called 701063-2391 today");  // A samordningsnummer.
  absl::Status s = RefusePersonnummerIn(text, {"no_such_field", "value"});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "value: must not contain a personal identity number");
  EXPECT_TRUE(RefusePersonnummerIn(text, {"no_such_field"}).ok());
  text.set_value("moved to the provider 556554-1645");
  EXPECT_TRUE(RefusePersonnummerIn(text, {"value"}).ok());
  google::protobuf::Int64Value number;  // Not a string field: not read.
  number.set_value(1212121212);
  EXPECT_TRUE(RefusePersonnummerIn(number, {"value"}).ok());
}

TEST(RequestsTest, FingerprintNamesTheTypeSoEqualBytesOfOtherKindsDiffer) {
  google::protobuf::Int64Value a;
  a.set_value(5);
  google::protobuf::UInt64Value b;
  b.set_value(5);
  ASSERT_EQ(a.SerializeAsString(), b.SerializeAsString());
  EXPECT_NE(RequestFingerprint(a), RequestFingerprint(b));
  EXPECT_EQ(RequestFingerprint(a).rfind("google.protobuf.Int64Value:", 0), 0u);
  google::protobuf::Int64Value same;
  same.set_value(5);
  EXPECT_EQ(RequestFingerprint(a), RequestFingerprint(same));
}

TEST(RequestsTest, AnEarlierUseOfTheIdIsARetryOrAConflict) {
  RequestRecord seen{"fp-1", "prv-1"};
  auto retry = MatchPreviousRequest(seen, "r-1", "fp-1");
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(*retry, "prv-1");
  auto other = MatchPreviousRequest(seen, "r-1", "fp-2");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(other.status().message().find("'r-1'"), std::string::npos);
  EXPECT_TRUE(absl::IsNotFound(
      MatchPreviousRequest(std::nullopt, "r-2", "x").status()));
}

}  // namespace
}  // namespace lov
