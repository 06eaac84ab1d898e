// A sanction's reference to a follow-up finding (issue 19): its shape is
// checked naming the field, and ImposeSanction carries it into the sanction.
#include "lov/registry/domain/finding_reference.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "lov/registry/domain/sanction_rules.h"
#include "status_matchers.h"

namespace lov::registry {
namespace {

using ::lov::testing::IsError;

// A follow-up id as the follow-up service makes them ("fu-" + UUID).
constexpr char kFollowUp[] = "fu-0f8fad5b-d9cb-469f-a165-70867728950e";

TEST(FindingReferenceTest, NoReferenceIsFine) {
  EXPECT_TRUE(CheckFindingReference("", "").ok());
}

TEST(FindingReferenceTest, AFindingOfTheFollowUpIsAccepted) {
  const std::string id = kFollowUp;
  EXPECT_TRUE(CheckFindingReference(id, id + "/f1").ok());
  EXPECT_TRUE(CheckFindingReference(id, id + "/f9").ok());
  EXPECT_TRUE(CheckFindingReference(id, id + "/f50").ok());
}

TEST(FindingReferenceTest, BothIdsOrNeither) {
  const std::string id = kFollowUp;
  EXPECT_TRUE(IsError(CheckFindingReference(id, ""),
                      absl::StatusCode::kInvalidArgument,
                      {"finding_id", "required with follow_up_id"}));
  EXPECT_TRUE(IsError(CheckFindingReference("", id + "/f1"),
                      absl::StatusCode::kInvalidArgument,
                      {"follow_up_id", "required with finding_id"}));
}

TEST(FindingReferenceTest, AFollowUpIdOfAnotherShapeIsRefused) {
  for (const std::string bad : {"fu-1", "0f8fad5b-d9cb-469f-a165-70867728950e",
                                "fu-0F8FAD5B-D9CB-469F-A165-70867728950E",
                                "fu-0f8fad5b-d9cb-469f-a165-70867728950",
                                "fu-0f8fad5bxd9cb-469f-a165-"
                                "70867728950e",
                                "cmp-0f8fad5b-d9cb-469f-a165-70867728950e"}) {
    EXPECT_TRUE(IsError(CheckFindingReference(bad, bad + "/f1"),
                        absl::StatusCode::kInvalidArgument,
                        {"follow_up_id", "\"fu-\" and a lowercase UUID"}))
        << bad;
  }
}

TEST(FindingReferenceTest, AFindingOfAnotherFollowUpOrNumberIsRefused) {
  const std::string id = kFollowUp;
  const std::string other = "fu-7c9e6679-7425-40de-944b-e07fc1f90ae7";
  for (const std::string bad :
       {other + "/f1", id + "/f0", id + "/f01", id + "/f51", id + "/f100",
        id + "/f", id + "/f+1", id + "/f1 ", id + "f1", id + "/1"}) {
    EXPECT_TRUE(IsError(CheckFindingReference(id, bad),
                        absl::StatusCode::kInvalidArgument,
                        {"finding_id", id + "/f<n>", "1 to 50"}))
        << bad;
  }
}

v1::Provider Provider() {
  v1::Provider p;
  p.set_provider_id("prov-1");
  return p;
}

TEST(FindingReferenceTest, ImposeSanctionCarriesTheReference) {
  const std::string id = kFollowUp;
  v1::ImposeSanctionRequest r;
  r.set_provider_id("prov-1");
  r.set_kind(v1::SANCTION_KIND_WARNING);
  r.set_reason("action plan for finding 2 not received by its deadline");
  r.set_follow_up_id(id);
  r.set_finding_id(id + "/f2");
  absl::StatusOr<v1::Provider> p =
      ImposeSanction(Provider(), r, absl::CivilDay(2025, 3, 10));
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->sanctions_size(), 1);
  EXPECT_EQ(p->sanctions(0).follow_up_id(), id);
  EXPECT_EQ(p->sanctions(0).finding_id(), id + "/f2");
  EXPECT_EQ(p->sanctions(0).decided_on(), "2025-03-10");

  r.clear_follow_up_id();
  r.clear_finding_id();
  p = ImposeSanction(Provider(), r, absl::CivilDay(2025, 3, 10));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->sanctions(0).follow_up_id(), "");
  EXPECT_EQ(p->sanctions(0).finding_id(), "");
}

TEST(FindingReferenceTest, ImposeSanctionRefusesABadReferenceAndAddsNothing) {
  v1::ImposeSanctionRequest r;
  r.set_provider_id("prov-1");
  r.set_kind(v1::SANCTION_KIND_WARNING);
  r.set_reason("late action plan");
  r.set_follow_up_id(kFollowUp);
  r.set_finding_id("fu-1/f1");
  EXPECT_TRUE(IsError(
      ImposeSanction(Provider(), r, absl::CivilDay(2025, 3, 10)).status(),
      absl::StatusCode::kInvalidArgument, {"finding_id"}));
}

}  // namespace
}  // namespace lov::registry
