// Which first answer to a report id stands, whatever order the events are
// read in (the rejected reports' topic and the events topic).
#include "lov/visits/domain/first_answer.h"

#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "lov/platform/proto_util.h"

namespace lov::visits {
namespace {

namespace v1 = ::lov::visits::v1;

const absl::Time kMarch = absl::FromUnixSeconds(1741000000);  // 2025-03-03

v1::VisitEvent Rejected(absl::Time at, const std::string& reason) {
  v1::VisitEvent e;
  e.set_aggregate_id("prv-1/r1");
  e.set_aggregate_version(1);
  *e.mutable_occurred_at() = ToProtoTime(at);
  e.mutable_visit_rejected()->set_reason_code(reason);
  return e;
}

v1::VisitEvent Accepted(absl::Time at) {
  v1::VisitEvent e;
  e.set_aggregate_id("prv-1/r1");
  e.set_aggregate_version(1);
  *e.mutable_occurred_at() = ToProtoTime(at);
  e.mutable_visit_accepted()->mutable_visit()->set_visit_id("prv-1/r1");
  return e;
}

TEST(FirstAnswerTest, AnAcceptanceReplacesARejectionReadBeforeOrAfterIt) {
  const v1::VisitEvent rejection = Rejected(kMarch, "NOT_ASSIGNED");
  // Accepted 91 days later, once the rejection had expired.
  EXPECT_TRUE(
      SupersedesRejection(rejection, Accepted(kMarch + absl::Hours(24 * 91))));
  // Even with an earlier time (a clock set back): a report id is only
  // accepted when no rejection of it is known any more.
  EXPECT_TRUE(
      SupersedesRejection(rejection, Accepted(kMarch - absl::Hours(1))));
}

TEST(FirstAnswerTest, OnlyALaterRejectionReplacesARejection) {
  const v1::VisitEvent first = Rejected(kMarch, "NOT_ASSIGNED");
  const v1::VisitEvent again =
      Rejected(kMarch + absl::Hours(24 * 95), "UNKNOWN_CLIENT");
  EXPECT_TRUE(SupersedesRejection(first, again));
  // Read the other way round, the later one stays.
  EXPECT_FALSE(SupersedesRejection(again, first));
  // The same rejection read twice (or two at the same instant): the first
  // read stays.
  EXPECT_FALSE(SupersedesRejection(first, first));
}

TEST(FirstAnswerTest,
     NothingElseReplacesARejectionAndOnlyARejectionIsReplaced) {
  const v1::VisitEvent rejection = Rejected(kMarch, "NOT_ASSIGNED");
  v1::VisitEvent corrected;
  corrected.set_aggregate_version(2);
  *corrected.mutable_occurred_at() = ToProtoTime(kMarch + absl::Hours(1));
  corrected.mutable_visit_corrected();
  EXPECT_FALSE(SupersedesRejection(rejection, corrected));
  v1::VisitEvent second_version = Accepted(kMarch + absl::Hours(1));
  second_version.set_aggregate_version(2);
  EXPECT_FALSE(SupersedesRejection(rejection, second_version));
  // A stored acceptance is never replaced, by a rejection or by another
  // acceptance of the same report (a resend after an unknown outcome).
  const v1::VisitEvent accepted = Accepted(kMarch);
  EXPECT_FALSE(
      SupersedesRejection(accepted, Accepted(kMarch + absl::Hours(1))));
  EXPECT_FALSE(SupersedesRejection(
      accepted, Rejected(kMarch + absl::Hours(1), "NOT_ASSIGNED")));
}

}  // namespace
}  // namespace lov::visits
