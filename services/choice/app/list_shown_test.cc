// Every fresh first page of the neutral list is recorded (EligibleListShown)
// for the neutrality audit, without anything about the client; later pages
// are not, a seeded reproduction is marked, and no list goes out unrecorded.
#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/choice/app/testing/choice_app_fixture.h"
#include "lov/choice/domain/neutrality.h"
#include "lov/platform/identity_numbers.h"
#include "status_matchers.h"

namespace lov::choice {
namespace {

using ::lov::testing::IsError;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

class ListShownTest : public ChoiceAppTest {
 protected:
  absl::StatusOr<v1::ListEligibleProvidersResponse> List(
      const std::string& client_id, uint64_t seed = 0, int page_size = 0,
      const std::string& token = "") {
    v1::ListEligibleProvidersRequest r;
    r.set_client_id(client_id);
    r.set_seed(seed);
    r.set_page_size(page_size);
    r.set_page_token(token);
    return app_.ListEligibleProviders(r);
  }
  std::vector<v1::ChoiceEvent> Shown() {
    return Published(v1::ChoiceEvent::kEligibleListShown);
  }
};

TEST_F(ListShownTest, AFirstPageIsRecordedWithoutTheClient) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  absl::StatusOr<v1::ListEligibleProvidersResponse> page = List(client, 0, 1);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_THAT(page->providers(), SizeIs(1));
  ASSERT_FALSE(page->next_page_token().empty());

  ASSERT_THAT(Shown(), SizeIs(1));
  const v1::ChoiceEvent e = Shown()[0];
  const v1::EligibleListShown& list = e.eligible_list_shown();
  EXPECT_FALSE(list.list_id().empty());
  EXPECT_EQ(e.aggregate_id(), list.list_id());
  EXPECT_EQ(list.zone_id(), "north");
  EXPECT_THAT(list.category_ids(), ElementsAre(kService, kCare));
  EXPECT_EQ(list.seed(), page->seed());
  EXPECT_EQ(list.as_of(), "2025-03-10");
  EXPECT_THAT(list.provider_ids(),
              ElementsAre(page->providers(0).provider_id()));
  // Every provider eligible, by id (a whole list shows them all).
  absl::StatusOr<v1::ListEligibleProvidersResponse> whole = List(client);
  ASSERT_TRUE(whole.ok()) << whole.status();
  std::vector<std::string> eligible;
  for (const auto& p : whole->providers()) eligible.push_back(p.provider_id());
  std::sort(eligible.begin(), eligible.end());
  ASSERT_THAT(eligible, SizeIs(::testing::Ge(2u)));
  EXPECT_THAT(list.eligible_provider_ids(), ElementsAreArray(eligible));
  EXPECT_FALSE(list.reproduction());
  // Nothing ties it to the client: no client id, no personnummer.
  const std::string bytes = e.SerializeAsString();
  EXPECT_THAT(bytes, Not(HasSubstr(client)));
  EXPECT_THAT(bytes, Not(HasSubstr("121212")));
  EXPECT_THAT(FindPersonnummer(bytes), IsEmpty());
  // The audit counts it: shown first among the three.
  std::vector<NeutralityTrial> trials = TrialOfList(list);
  ASSERT_THAT(trials, SizeIs(1));
  EXPECT_EQ(trials[0].outcome_provider_id, page->providers(0).provider_id());
  EXPECT_THAT(trials[0].entitled_provider_ids, ElementsAreArray(eligible));

  // The next page is the same list: not recorded again (the whole list
  // asked above was a list of its own).
  ASSERT_THAT(Shown(), SizeIs(2));
  ASSERT_TRUE(List(client, 0, 1, page->next_page_token()).ok());
  EXPECT_THAT(Shown(), SizeIs(2));
}

TEST_F(ListShownTest, ASeededListIsAReproductionAndEachFreshListIsNew) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  ASSERT_TRUE(List(client).ok());
  ASSERT_TRUE(List(client).ok());
  ASSERT_TRUE(List(client, 42).ok());
  std::vector<v1::ChoiceEvent> shown = Shown();
  ASSERT_THAT(shown, SizeIs(3));
  EXPECT_NE(shown[0].eligible_list_shown().list_id(),
            shown[1].eligible_list_shown().list_id());
  EXPECT_FALSE(shown[1].eligible_list_shown().reproduction());
  EXPECT_TRUE(shown[2].eligible_list_shown().reproduction());
  EXPECT_EQ(shown[2].eligible_list_shown().seed(), 42u);
  EXPECT_THAT(TrialOfList(shown[2].eligible_list_shown()), IsEmpty());
}

TEST_F(ListShownTest, NoListIsAnsweredUnrecorded) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  publisher_.fail_with_ = absl::UnavailableError("broker down");
  EXPECT_TRUE(IsError(List(client).status(), absl::StatusCode::kUnavailable,
                      {"not answered", "neutrality audit"}));
}

}  // namespace
}  // namespace lov::choice
