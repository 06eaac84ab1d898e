// ReviseDecision on the fakes (app/testing): a new decision from a date for
// a client who keeps the provider. Expected values are written by hand.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lov/choice/app/testing/choice_app_fixture.h"
#include "status_matchers.h"

namespace lov::choice {
namespace {

using ::lov::testing::IsError;

// Personal care at level 3 from `from` (home help as before), decision d-2.
v1::ReviseDecisionRequest LevelThreeFrom(const std::string& request_id,
                                         const std::string& client_id,
                                         const std::string& from) {
  v1::ReviseDecisionRequest r;
  r.set_request_id(request_id);
  r.set_client_id(client_id);
  r.set_decision_id("dec-tolvan");
  r.set_effective_date(from);
  v1::Decision d = HomeHelpDecision("d-2", "");
  d.mutable_categories(1)->set_support_level("niva-3");
  d.set_decided_on("2025-04-10");
  *r.mutable_decision() = d;
  return r;
}

// The level changes from 16 April: the first decision ends on the 15th, the
// new one runs from the 16th, and the client stays with Attendo.
TEST_F(ChoiceAppTest, ARevisionEndsTheDecisionTheDayBeforeAndKeepsTheProvider) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kAttendo).ok());
  const size_t before = publisher_.events_.size();

  absl::StatusOr<v1::Client> revised =
      app_.ReviseDecision(LevelThreeFrom("rev-1", client, "2025-04-16"));
  ASSERT_TRUE(revised.ok()) << revised.status();

  // One event, nothing ended or started.
  ASSERT_EQ(publisher_.events_.size(), before + 1);
  const v1::ChoiceEvent& e = publisher_.events_.back();
  ASSERT_TRUE(e.has_decision_revised());
  EXPECT_EQ(e.aggregate_id(), client);
  EXPECT_EQ(e.request_id(), "rev-1");
  const v1::DecisionRevised& p = e.decision_revised();
  EXPECT_EQ(p.client_id(), client);
  EXPECT_EQ(p.ended().decision_id(), "dec-tolvan");
  EXPECT_EQ(p.ended().valid_from(), "2025-03-01");
  EXPECT_EQ(p.ended().valid_to(), "2025-04-15");
  EXPECT_EQ(p.ended().categories(1).support_level(), "");
  EXPECT_EQ(p.decision().decision_id(), "d-2");
  EXPECT_EQ(p.decision().valid_from(), "2025-04-16");
  EXPECT_EQ(p.decision().valid_to(), "");  // open-ended, as the first was
  EXPECT_EQ(p.decision().categories(1).support_level(), "niva-3");
  EXPECT_EQ(e.DebugString().find(kTolvan), std::string::npos);

  const v1::Client now = ClientNow(client);
  ASSERT_EQ(now.decisions_size(), 2);
  EXPECT_EQ(now.decisions(0).valid_to(), "2025-04-15");
  EXPECT_EQ(now.decisions(1).decision_id(), "d-2");
  ASSERT_EQ(now.assignments_size(), 1);
  EXPECT_EQ(now.assignments(0).provider_id(), kAttendo);
  EXPECT_EQ(now.assignments(0).valid_to(), "");

  // The same request again: the same answer, nothing new published.
  absl::StatusOr<v1::Client> again =
      app_.ReviseDecision(LevelThreeFrom("rev-1", client, "2025-04-16"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(publisher_.events_.size(), before + 1);
}

TEST_F(ChoiceAppTest, ARevisionIsRefusedWithTheRuleItBreaks) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(Choose("choose-1", client, kAttendo).ok());
  const size_t before = publisher_.events_.size();

  // On the decision's first day: that is ChangeDecision's job.
  EXPECT_TRUE(
      IsError(app_.ReviseDecision(LevelThreeFrom("rev-1", client, "2025-03-01"))
                  .status(),
              absl::StatusCode::kFailedPrecondition,
              {"decision_id", "runs 2025-03-01..(open)"}));

  v1::ReviseDecisionRequest unknown =
      LevelThreeFrom("rev-2", client, "2025-04-16");
  unknown.set_decision_id("d-nobody");
  EXPECT_TRUE(IsError(app_.ReviseDecision(unknown).status(),
                      absl::StatusCode::kNotFound,
                      {"decision_id", "d-nobody"}));

  // Dropping personal care, which Attendo serves: the assignment would run
  // on without a decision for it.
  v1::ReviseDecisionRequest dropped =
      LevelThreeFrom("rev-3", client, "2025-04-16");
  dropped.mutable_decision()->mutable_categories()->RemoveLast();
  EXPECT_TRUE(IsError(app_.ReviseDecision(dropped).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"decision.categories", "home-help-personal-care"}));

  v1::ReviseDecisionRequest same_id =
      LevelThreeFrom("rev-4", client, "2025-04-16");
  same_id.mutable_decision()->set_decision_id("dec-tolvan");
  EXPECT_TRUE(IsError(app_.ReviseDecision(same_id).status(),
                      absl::StatusCode::kAlreadyExists, {"decision_id"}));

  v1::ReviseDecisionRequest no_date = LevelThreeFrom("rev-5", client, "");
  EXPECT_TRUE(IsError(app_.ReviseDecision(no_date).status(),
                      absl::StatusCode::kInvalidArgument, {"effective_date"}));

  EXPECT_EQ(publisher_.events_.size(), before);
}

}  // namespace
}  // namespace lov::choice
