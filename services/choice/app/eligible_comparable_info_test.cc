// The eligible list's comparable information on the fakes: every provider
// shows its indicators (the zone's row before the all-zones row, the
// in-house unit too) without any change to the neutral order, and the
// language filter keeps the providers offering the language, bound into
// the page token.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/choice/app/testing/choice_app_fixture.h"
#include "page_walk.h"
#include "status_matchers.h"

namespace lov::choice {
namespace {

using ::lov::testing::IsError;
using ::lov::testing::WalkPages;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

fu::ProviderIndicators Row(const std::string& provider, const std::string& zone,
                           const std::string& as_of, double median_staff,
                           int complaints) {
  fu::ProviderIndicators r;
  r.set_provider_id(provider);
  r.set_zone_id(zone);
  r.set_as_of(as_of);
  r.set_continuity_clients(40);
  r.set_median_staff(median_staff);
  r.set_visits(900);
  r.set_visits_with_exceptions(27);
  r.set_listed_clients(40);
  r.set_complaints_12m(complaints);
  r.set_complaints_per_1000_clients(complaints * 1000.0 / 40);
  return r;
}

class EligibleComparableInfoTest : public ChoiceAppTest {
 protected:
  absl::StatusOr<v1::ListEligibleProvidersResponse> List(
      uint64_t seed, const std::string& language = "") {
    v1::ListEligibleProvidersRequest r;
    r.set_client_id(client_);
    r.set_seed(seed);
    r.set_language(language);
    return app_.ListEligibleProviders(r);
  }
  std::vector<std::string> Order(uint64_t seed,
                                 const std::string& language = "") {
    absl::StatusOr<v1::ListEligibleProvidersResponse> list =
        List(seed, language);
    EXPECT_TRUE(list.ok()) << list.status();
    std::vector<std::string> ids;
    if (list.ok()) {
      for (const auto& p : list->providers()) ids.push_back(p.provider_id());
    }
    return ids;
  }
  // The provider again (version 2) with the profile's languages.
  void Speaks(reg::Provider p, std::vector<std::string> languages) {
    p.set_version(2);
    for (const auto& l : languages) p.mutable_profile()->add_languages(l);
    ASSERT_TRUE(store_.ApplyRegistry(ProviderRegistered(p)).ok());
  }

  void SetUp() override {
    ChoiceAppTest::SetUp();
    client_ = ClientWithDecision("tolvan", kTolvan);  // in the north
  }

  std::string client_;
};

TEST_F(EligibleComparableInfoTest, EveryProviderShowsItsRowTheZonesFirst) {
  // Attendo: a row for the north (the client's zone) and one over all
  // zones; the in-house unit only over all zones; Omsorgshuset only for
  // the south, which is not the client's zone.
  ASSERT_TRUE(
      store_.ApplyIndicators(Row(kAttendo, "north", "2025-03-01", 6.5, 2))
          .ok());
  ASSERT_TRUE(
      store_.ApplyIndicators(Row(kAttendo, "", "2025-03-01", 8, 5)).ok());
  ASSERT_TRUE(
      store_.ApplyIndicators(Row(kKommun, "", "2025-03-01", 11, 9)).ok());
  ASSERT_TRUE(
      store_.ApplyIndicators(Row(kOmsorgshuset, "south", "2025-03-01", 4, 0))
          .ok());
  absl::StatusOr<v1::ListEligibleProvidersResponse> list = List(7);
  ASSERT_TRUE(list.ok()) << list.status();
  std::map<std::string, v1::EligibleProvider> by_id;
  for (const auto& p : list->providers()) by_id[p.provider_id()] = p;
  ASSERT_EQ(by_id.size(), 3u);

  ASSERT_TRUE(by_id[kAttendo].has_indicators());
  EXPECT_EQ(by_id[kAttendo].indicators().zone_id(), "north");
  EXPECT_EQ(by_id[kAttendo].indicators().median_staff(), 6.5);
  EXPECT_EQ(by_id[kAttendo].indicators().complaints_12m(), 2);
  EXPECT_EQ(by_id[kAttendo].indicators().complaints_per_1000_clients(), 50);
  // The in-house unit shows the same fields as the private providers.
  ASSERT_TRUE(by_id[kKommun].has_indicators());
  EXPECT_EQ(by_id[kKommun].kind(), reg::PROVIDER_KIND_IN_HOUSE);
  EXPECT_EQ(by_id[kKommun].indicators().zone_id(), "");
  EXPECT_EQ(by_id[kKommun].indicators().median_staff(), 11);
  EXPECT_EQ(by_id[kKommun].indicators().visits_with_exceptions(), 27);
  EXPECT_FALSE(by_id[kOmsorgshuset].has_indicators());
}

TEST_F(EligibleComparableInfoTest, IndicatorsNeverChangeTheOrder) {
  std::vector<std::vector<std::string>> before;
  for (uint64_t seed = 1; seed <= 24; ++seed) before.push_back(Order(seed));
  // Rows as different as they come: one provider far better than the rest.
  ASSERT_TRUE(
      store_.ApplyIndicators(Row(kOmsorgshuset, "north", "2025-03-01", 2, 0))
          .ok());
  ASSERT_TRUE(
      store_.ApplyIndicators(Row(kAttendo, "north", "2025-03-01", 14, 30))
          .ok());
  ASSERT_TRUE(
      store_.ApplyIndicators(Row(kKommun, "", "2025-03-01", 9, 12)).ok());
  std::set<std::string> first_shown;
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    const std::vector<std::string> after = Order(seed);
    EXPECT_EQ(after, before[seed - 1]) << "seed " << seed;
    if (!after.empty()) first_shown.insert(after[0]);
  }
  // Not one provider first by its figures: each of the three is first for
  // some seed.
  EXPECT_THAT(first_shown,
              UnorderedElementsAre(kAttendo, kKommun, kOmsorgshuset));
}

TEST_F(EligibleComparableInfoTest, AnOlderRowDoesNotReplaceANewerOne) {
  ASSERT_TRUE(
      store_.ApplyIndicators(Row(kAttendo, "north", "2025-03-02", 6, 1)).ok());
  ASSERT_TRUE(
      store_.ApplyIndicators(Row(kAttendo, "north", "2025-03-01", 9, 4)).ok());
  absl::StatusOr<v1::ListEligibleProvidersResponse> list = List(7);
  ASSERT_TRUE(list.ok()) << list.status();
  for (const auto& p : list->providers()) {
    if (p.provider_id() != kAttendo) continue;
    EXPECT_EQ(p.indicators().as_of(), "2025-03-02");
    EXPECT_EQ(p.indicators().median_staff(), 6);
  }
}

TEST_F(EligibleComparableInfoTest, TheLanguageFilterKeepsThoseOfferingIt) {
  Speaks(Attendo(), {"sv", "fi"});
  Speaks(Kommun(), {"sv", "fin", "fit"});
  Speaks(Omsorgshuset(), {"sv", "sme"});
  EXPECT_THAT(Order(7, "fi"), UnorderedElementsAre(kAttendo, kKommun));
  EXPECT_THAT(Order(7, "FIN"), UnorderedElementsAre(kAttendo, kKommun));
  EXPECT_THAT(Order(7, "fit"), ElementsAre(kKommun));  // meänkieli
  EXPECT_THAT(Order(7, "smi"), ElementsAre(kOmsorgshuset));
  EXPECT_THAT(Order(7, "sv"),
              UnorderedElementsAre(kAttendo, kKommun, kOmsorgshuset));
  EXPECT_THAT(Order(7, "ar"), IsEmpty());
  // The same seed and language give the same order.
  EXPECT_EQ(Order(11, "fi"), Order(11, "fi"));
  EXPECT_TRUE(IsError(List(7, "finnish").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"language", "ISO 639"}));
}

TEST_F(EligibleComparableInfoTest, TheListShownRecordsTheLanguageFilter) {
  Speaks(Attendo(), {"sv", "fi"});
  ASSERT_TRUE(List(7, "FI").ok());
  ASSERT_TRUE(List(7).ok());
  const std::vector<v1::ChoiceEvent> shown =
      Published(v1::ChoiceEvent::kEligibleListShown);
  ASSERT_EQ(shown.size(), 2u);
  // Normalised as the filter was applied; only Attendo offers Finnish.
  EXPECT_EQ(shown[0].eligible_list_shown().language(), "fi");
  EXPECT_THAT(shown[0].eligible_list_shown().eligible_provider_ids(),
              ElementsAre(kAttendo));
  EXPECT_EQ(shown[1].eligible_list_shown().language(), "");
  EXPECT_EQ(shown[1].eligible_list_shown().eligible_provider_ids_size(), 3);
}

TEST_F(EligibleComparableInfoTest, ThePageTokenBindsTheLanguage) {
  Speaks(Attendo(), {"fi"});
  Speaks(Kommun(), {"fi"});
  v1::ListEligibleProvidersRequest r;
  r.set_client_id(client_);
  r.set_language("fi");
  r.set_page_size(1);
  const std::vector<std::vector<std::string>> pages = WalkPages(
      [&](const std::string& token) {
        r.set_page_token(token);
        return app_.ListEligibleProviders(r);
      },
      [](const v1::ListEligibleProvidersResponse& p) {
        std::vector<std::string> out;
        for (const auto& e : p.providers()) out.push_back(e.provider_id());
        return out;
      });
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_THAT(std::vector<std::string>({pages[0][0], pages[1][0]}),
              UnorderedElementsAre(kAttendo, kKommun));
  // The first page's token does not continue a list without the filter or
  // with another language.
  r.set_page_token("");
  absl::StatusOr<v1::ListEligibleProvidersResponse> first =
      app_.ListEligibleProviders(r);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_NE(first->next_page_token(), "");
  r.set_page_token(first->next_page_token());
  for (const char* other : {"", "sv"}) {
    r.set_language(other);
    EXPECT_TRUE(IsError(app_.ListEligibleProviders(r).status(),
                        absl::StatusCode::kInvalidArgument, {"page_token"}))
        << other;
  }
}

}  // namespace
}  // namespace lov::choice
