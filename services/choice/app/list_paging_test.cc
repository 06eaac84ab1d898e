// The choice service's list calls page: in key order, nothing skipped or
// repeated, a page's clients read together, the documented refusals.
#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/choice/app/testing/choice_app_fixture.h"
#include "lov/platform/paging.h"
#include "page_walk.h"
#include "status_matchers.h"

namespace lov::choice {
namespace {

using ::lov::testing::IsError;
using ::lov::testing::WalkPages;
using ::testing::ElementsAre;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

class ChoiceListPagingTest : public ChoiceAppTest {
 protected:
  // Three clients of Attendo; `clients_` sorted by id, as the lists are.
  void ThreeClientsOfAttendo() {
    clients_ = {ClientWithDecision("tolvan", kTolvan),
                ClientWithDecision("anna", kAnna),
                ClientWithDecision("bengt", kBengt)};
    for (size_t i = 0; i < clients_.size(); ++i) {
      ASSERT_TRUE(
          Choose("choose-" + std::to_string(i), clients_[i], kAttendo).ok());
    }
    std::sort(clients_.begin(), clients_.end());
  }

  absl::StatusOr<v1::ListAssignmentsResponse> Assignments(
      int size, const std::string& token,
      const std::string& provider = kAttendo) {
    v1::ListAssignmentsRequest r;
    r.set_provider_id(provider);
    r.set_page_size(size);
    r.set_page_token(token);
    return app_.ListAssignments(r);
  }

  static std::vector<std::string> ClientsOf(
      const v1::ListAssignmentsResponse& r) {
    std::vector<std::string> out;
    for (const auto& a : r.assignments()) out.push_back(a.client_id());
    return out;
  }

  std::vector<std::string> clients_;
};

TEST_F(ChoiceListPagingTest, AssignmentsPageByClientReadingAPageAtOnce) {
  ThreeClientsOfAttendo();
  store_.client_batches_.clear();
  EXPECT_THAT(WalkPages([&](const std::string& t) { return Assignments(2, t); },
                        ClientsOf),
              ElementsAre(ElementsAre(clients_[0], clients_[1]),
                          ElementsAre(clients_[2])));
  // One read per page (a page's clients and one more), never one per
  // client; the second page starts at the first page's last client.
  EXPECT_THAT(store_.client_batches_,
              ElementsAre(ElementsAre(clients_[0], clients_[1], clients_[2]),
                          ElementsAre(clients_[1], clients_[2])));
  // A full last page has no next token.
  EXPECT_THAT(WalkPages([&](const std::string& t) { return Assignments(3, t); },
                        ClientsOf),
              ElementsAre(SizeIs(3)));
}

TEST_F(ChoiceListPagingTest, RechoiceCasesPageByClientAndCase) {
  ThreeClientsOfAttendo();
  ASSERT_TRUE(app_.OnRegistryEvent(AttendoGivesNotice()).ok());
  const auto cases = [&](const std::string& token) {
    v1::ListRechoiceCasesRequest r;
    r.set_provider_id(kAttendo);
    r.set_open_only(true);
    r.set_page_size(1);
    r.set_page_token(token);
    return app_.ListRechoiceCases(r);
  };
  EXPECT_THAT(WalkPages(cases,
                        [](const v1::ListRechoiceCasesResponse& r) {
                          std::vector<std::string> out;
                          for (const auto& e : r.cases()) {
                            out.push_back(e.client_id());
                          }
                          return out;
                        }),
              ElementsAre(ElementsAre(clients_[0]), ElementsAre(clients_[1]),
                          ElementsAre(clients_[2])));
}

TEST_F(ChoiceListPagingTest, EligiblePagesFollowTheFirstPagesSeed) {
  const std::string client = ClientWithDecision("tolvan", kTolvan);
  v1::ListEligibleProvidersRequest r;
  r.set_client_id(client);
  r.set_page_size(1);  // seed 0: a fresh one on the first page
  std::vector<uint64_t> seeds;
  const std::vector<std::vector<std::string>> pages = WalkPages(
      [&](const std::string& token) {
        r.set_page_token(token);
        absl::StatusOr<v1::ListEligibleProvidersResponse> page =
            app_.ListEligibleProviders(r);
        if (page.ok()) seeds.push_back(page->seed());
        return page;
      },
      [](const v1::ListEligibleProvidersResponse& p) {
        std::vector<std::string> out;
        for (const auto& e : p.providers()) out.push_back(e.provider_id());
        return out;
      });
  ASSERT_EQ(pages.size(), 3u);
  ASSERT_EQ(seeds.size(), 3u);
  EXPECT_EQ(seeds[1], seeds[0]);
  EXPECT_EQ(seeds[2], seeds[0]);
  // The pages together are the whole list in that seed's order.
  v1::ListEligibleProvidersRequest whole;
  whole.set_client_id(client);
  whole.set_seed(seeds[0]);
  absl::StatusOr<v1::ListEligibleProvidersResponse> all =
      app_.ListEligibleProviders(whole);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->providers_size(), 3);
  EXPECT_EQ(all->next_page_token(), "");
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(pages[i], ElementsAre(all->providers(i).provider_id()));
  }
  EXPECT_THAT(std::vector<std::string>({pages[0][0], pages[1][0], pages[2][0]}),
              UnorderedElementsAre(kKommun, kOmsorgshuset, kAttendo));

  // A later page asked with another seed than its token's is refused.
  r.set_page_token("");
  absl::StatusOr<v1::ListEligibleProvidersResponse> first =
      app_.ListEligibleProviders(r);
  ASSERT_TRUE(first.ok()) << first.status();
  r.set_page_token(first->next_page_token());
  r.set_seed(first->seed() + 1);
  EXPECT_TRUE(IsError(app_.ListEligibleProviders(r).status(),
                      absl::StatusCode::kInvalidArgument, {"page_token"}));
}

TEST_F(ChoiceListPagingTest, TooLargeAPageOrAForeignTokenIsRefused) {
  ThreeClientsOfAttendo();
  EXPECT_TRUE(IsError(Assignments(501, "").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size: 501 is above the maximum 500"}));
  v1::ListRechoiceCasesRequest cases;
  cases.set_provider_id(kAttendo);
  cases.set_page_size(100000);
  EXPECT_TRUE(IsError(app_.ListRechoiceCases(cases).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size: 100000 is above the maximum 500"}));
  v1::ListEligibleProvidersRequest eligible;
  eligible.set_client_id(clients_[0]);
  eligible.set_page_size(501);
  EXPECT_TRUE(IsError(app_.ListEligibleProviders(eligible).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size", "500"}));
  // Attendo's token does not continue the Kommun's list.
  absl::StatusOr<v1::ListAssignmentsResponse> first = Assignments(1, "");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_NE(first->next_page_token(), "");
  EXPECT_TRUE(IsError(
      Assignments(1, first->next_page_token(), kKommun).status(),
      absl::StatusCode::kInvalidArgument, {"page_token", "next_page_token"}));
  EXPECT_TRUE(IsError(Assignments(1, "AAAA").status(),
                      absl::StatusCode::kInvalidArgument, {"page_token"}));
}

}  // namespace
}  // namespace lov::choice
