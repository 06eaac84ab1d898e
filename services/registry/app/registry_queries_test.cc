// RegistryApp's queries on memory (fakes in registry_app_test_support.h).
// Expected values by hand.
#include "lov/registry/app/registry_app_test_support.h"
#include "page_walk.h"

namespace lov::registry {
namespace {

using namespace ::lov::registry::test_support;  // NOLINT: fixture, fakes
using ::lov::testing::WalkPages;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ------------------------------------------------------------ queries

class ListProvidersTest : public RegistryAppTest {
 protected:
  // Omsorgshuset: north and city, service and care, paused in the city.
  // Attendo: south, service only. Kommun: registered, not yet approved.
  void SetUp() override {
    SetUpOmsorgshuset();
    ASSERT_TRUE(
        app_.SetIntakePaused(PauseRequest("pause-1", kOmsorgshuset, "city",
                                          true, "staff shortage"))
            .ok());
    ASSERT_TRUE(app_.RegisterProvider(RegisterRequest("reg-2", "5565541645",
                                                      "Attendo Sverige AB"))
                    .ok());
    ASSERT_TRUE(app_.SubmitApplication(ApplyRequest("apply-2", kAttendo,
                                                    {"south"}, {kService}))
                    .ok());
    ASSERT_TRUE(app_.DecideApplication(ApproveRequest("approve-2", kAttendo,
                                                      "app-1", "2025-02-01"))
                    .ok());
    ASSERT_TRUE(
        app_.RegisterProvider(RegisterRequest("reg-3", "2120000142",
                                              "Norrtälje kommun hemtjänst",
                                              v1::PROVIDER_KIND_IN_HOUSE))
            .ok());
  }

  v1::ListProvidersResponse List(const std::string& zone,
                                 const std::string& category,
                                 bool accepting_only) {
    v1::ListProvidersRequest r;
    r.set_zone_id(zone);
    r.set_category_id(category);
    r.set_accepting_only(accepting_only);
    absl::StatusOr<v1::ListProvidersResponse> out = app_.ListProviders(r);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : v1::ListProvidersResponse();
  }
};

TEST_F(ListProvidersTest, WithoutFiltersListsEveryProvider) {
  v1::ListProvidersResponse all = List("", "", false);
  EXPECT_THAT(Ids(all), ElementsAre(kKommun, kOmsorgshuset, kAttendo));
  EXPECT_FALSE(all.providers(0).active());
  EXPECT_THAT(all.providers(0).statuses(), IsEmpty());
  EXPECT_EQ(all.providers(1).statuses_size(), 4);
  EXPECT_EQ(all.providers(1).as_of(), "2025-03-10");
}

TEST_F(ListProvidersTest, FiltersByZone) {
  v1::ListProvidersResponse north = List("north", "", false);
  EXPECT_THAT(Ids(north), ElementsAre(kOmsorgshuset));
  for (const auto& st : north.providers(0).statuses()) {
    EXPECT_EQ(st.zone_id(), "north");
  }
  EXPECT_EQ(north.providers(0).statuses_size(), 2);
  EXPECT_THAT(Ids(List("south", "", false)), ElementsAre(kAttendo));
  EXPECT_THAT(Ids(List("roslagen", "", false)), IsEmpty());
}

TEST_F(ListProvidersTest, FiltersByCategory) {
  EXPECT_THAT(Ids(List("", kCare, false)), ElementsAre(kOmsorgshuset));
  EXPECT_THAT(Ids(List("", kService, false)),
              ElementsAre(kOmsorgshuset, kAttendo));
}

TEST_F(ListProvidersTest, AcceptingOnlyLeavesOutPausedProviders) {
  // Omsorgshuset is paused in the city: still listed as approved there, but
  // not as accepting.
  EXPECT_THAT(Ids(List("city", kService, false)), ElementsAre(kOmsorgshuset));
  EXPECT_THAT(Ids(List("city", kService, true)), IsEmpty());
  v1::ListProvidersResponse accepting = List("", "", true);
  EXPECT_THAT(Ids(accepting), ElementsAre(kOmsorgshuset, kAttendo));
  for (const auto& st : accepting.providers(0).statuses()) {
    EXPECT_EQ(st.zone_id(), "north");
    EXPECT_TRUE(st.accepting_new_clients());
  }
}

TEST_F(ListProvidersTest, AsOfShowsFutureApprovals) {
  ASSERT_TRUE(app_.SubmitApplication(ApplyRequest("apply-3", kKommun,
                                                  {"roslagen"}, {kService}))
                  .ok());
  ASSERT_TRUE(app_.DecideApplication(ApproveRequest("approve-3", kKommun,
                                                    "app-1", "2025-04-01"))
                  .ok());
  EXPECT_THAT(Ids(List("roslagen", "", false)), IsEmpty());
  v1::ListProvidersRequest r;
  r.set_zone_id("roslagen");
  r.set_as_of("2025-04-01");
  EXPECT_THAT(Ids(app_.ListProviders(r).value()), ElementsAre(kKommun));
}

TEST_F(ListProvidersTest, UnknownZoneOrCategoryOrDateIsRejected) {
  v1::ListProvidersRequest r;
  r.set_zone_id("kapellskar");
  EXPECT_TRUE(IsError(app_.ListProviders(r).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"zone_id", "unknown zone", "kapellskar"}));
  r.clear_zone_id();
  r.set_category_id("night-patrol");
  EXPECT_TRUE(IsError(app_.ListProviders(r).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"category_id", "unknown category", "night-patrol"}));
  r.clear_category_id();
  r.set_as_of("10/03/2025");
  EXPECT_TRUE(IsError(app_.ListProviders(r).status(),
                      absl::StatusCode::kInvalidArgument, {"as_of"}));
}

TEST_F(ListProvidersTest, PagesFollowEachOtherWithoutSkipOrRepeat) {
  const auto page = [&](int size, const std::string& token) {
    v1::ListProvidersRequest r;
    r.set_page_size(size);
    r.set_page_token(token);
    return app_.ListProviders(r);
  };
  EXPECT_THAT(
      WalkPages([&](const std::string& t) { return page(2, t); }, Ids),
      ElementsAre(ElementsAre(kKommun, kOmsorgshuset), ElementsAre(kAttendo)));
  // A full last page has no next token.
  EXPECT_THAT(WalkPages([&](const std::string& t) { return page(3, t); }, Ids),
              ElementsAre(ElementsAre(kKommun, kOmsorgshuset, kAttendo)));
  EXPECT_THAT(WalkPages([&](const std::string& t) { return page(1, t); }, Ids),
              ElementsAre(ElementsAre(kKommun), ElementsAre(kOmsorgshuset),
                          ElementsAre(kAttendo)));
}

TEST_F(ListProvidersTest, TooLargeAPageOrATokenOfAnotherQueryIsRefused) {
  v1::ListProvidersRequest huge;
  huge.set_page_size(5000);
  EXPECT_TRUE(IsError(app_.ListProviders(huge).status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size: 5000 is above the maximum 500"}));
  v1::ListProvidersRequest all;
  all.set_page_size(1);
  absl::StatusOr<v1::ListProvidersResponse> first = app_.ListProviders(all);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_NE(first->next_page_token(), "");
  // The token of the unfiltered list does not continue the south's.
  v1::ListProvidersRequest south;
  south.set_zone_id("south");
  south.set_page_token(first->next_page_token());
  EXPECT_TRUE(IsError(app_.ListProviders(south).status(),
                      absl::StatusCode::kInvalidArgument, {"page_token"}));
  all.set_page_token("bm90LWEtdG9rZW4");  // "not-a-token"
  EXPECT_TRUE(IsError(app_.ListProviders(all).status(),
                      absl::StatusCode::kInvalidArgument, {"page_token"}));
}

TEST_F(RegistryAppTest, HistoryHasOneReadableEntryPerChange) {
  SetUpOmsorgshuset();
  ASSERT_TRUE(
      app_.SetCapacity(CapRequest("cap-1", kOmsorgshuset, "north", 25)).ok());
  ASSERT_TRUE(app_.SetIntakePaused(PauseRequest("pause-1", kOmsorgshuset,
                                                "city", true, "staff shortage"))
                  .ok());
  v1::GiveNoticeRequest notice;
  notice.set_request_id("notice-1");
  notice.set_provider_id(kOmsorgshuset);
  notice.set_zone_id("north");
  notice.set_effective_date("2025-06-08");
  notice.set_reason("too few clients");
  ASSERT_TRUE(app_.GiveNotice(notice).ok());
  v1::ImposeSanctionRequest warning;
  warning.set_request_id("sanction-1");
  warning.set_provider_id(kOmsorgshuset);
  warning.set_kind(v1::SANCTION_KIND_WARNING);
  warning.set_reason("missed visits");
  ASSERT_TRUE(app_.ImposeSanction(warning).ok());
  // Neither a retry nor a failed publish adds a line.
  ASSERT_TRUE(app_.ImposeSanction(warning).ok());
  publisher_.fail_with_ = absl::UnavailableError("broker down");
  ASSERT_FALSE(
      app_.SetCapacity(CapRequest("cap-2", kOmsorgshuset, "north", 5)).ok());

  v1::GetProviderHistoryRequest r;
  r.set_provider_id(kOmsorgshuset);
  absl::StatusOr<v1::GetProviderHistoryResponse> history =
      app_.GetProviderHistory(r);
  ASSERT_TRUE(history.ok()) << history.status();
  std::vector<std::string> summaries, types, request_ids;
  std::vector<int64_t> versions;
  for (const auto& e : history->entries()) {
    summaries.push_back(e.summary());
    types.push_back(e.event_type());
    request_ids.push_back(e.request_id());
    versions.push_back(e.version());
    EXPECT_EQ(FromProtoTime(e.at()), clock_.now_);
  }
  EXPECT_THAT(
      summaries,
      ElementsAre("registered Omsorgshuset i Roslagen AB (556036-0793)",
                  "applied (app-1) for home-help-service, "
                  "home-help-personal-care in north, city",
                  "approved (app-1) for home-help-service, "
                  "home-help-personal-care in north, city from 2025-01-01",
                  "capacity in north changed from no cap to 25 clients from "
                  "2025-03-10",
                  "intake paused in city: staff shortage",
                  "notice given to leave zone north on 2025-06-08: too few "
                  "clients",
                  "warning (san-1): missed visits"));
  EXPECT_THAT(types, ElementsAre("se.lov.registry.v1.ProviderRegistered",
                                 "se.lov.registry.v1.ApplicationSubmitted",
                                 "se.lov.registry.v1.ApplicationApproved",
                                 "se.lov.registry.v1.CapacityChanged",
                                 "se.lov.registry.v1.IntakePauseChanged",
                                 "se.lov.registry.v1.NoticeGiven",
                                 "se.lov.registry.v1.SanctionImposed"));
  EXPECT_THAT(request_ids, ElementsAre("reg-1", "apply-1", "approve-1", "cap-1",
                                       "pause-1", "notice-1", "sanction-1"));
  EXPECT_THAT(versions, ElementsAre(1, 2, 3, 4, 5, 6, 7));
}

TEST_F(RegistryAppTest, GetProviderShowsTheStatusOnTheDayAsked) {
  SetUpOmsorgshuset();
  v1::GiveNoticeRequest notice;
  notice.set_request_id("notice-1");
  notice.set_provider_id(kOmsorgshuset);
  notice.set_zone_id("north");
  notice.set_effective_date("2025-06-08");
  ASSERT_TRUE(app_.GiveNotice(notice).ok());

  v1::ProviderStatus today = Status(kOmsorgshuset);
  EXPECT_EQ(today.as_of(), "2025-03-10");
  EXPECT_TRUE(today.active());
  EXPECT_EQ(today.statuses_size(), 4);
  for (const auto& st : today.statuses()) {
    if (st.zone_id() == "north") {
      EXPECT_FALSE(st.accepting_new_clients());
      EXPECT_THAT(st.reasons(), ElementsAre("notice given: leaves 2025-06-08"));
    } else {
      EXPECT_TRUE(st.accepting_new_clients());
    }
  }
  v1::GetProviderRequest later;
  later.set_provider_id(kOmsorgshuset);
  later.set_as_of("2025-06-08");
  v1::ProviderStatus after = app_.GetProvider(later).value();
  ASSERT_EQ(after.statuses_size(), 2);
  for (const auto& st : after.statuses()) EXPECT_EQ(st.zone_id(), "city");
  later.set_as_of("2025-13-01");
  EXPECT_TRUE(IsError(app_.GetProvider(later).status(),
                      absl::StatusCode::kInvalidArgument, {"as_of"}));
}

TEST_F(RegistryAppTest, TodayIsTheStockholmDate) {
  SetUpOmsorgshuset();
  // 23:30 UTC on 9 March is 00:30 on 10 March in Stockholm.
  clock_.now_ = absl::FromCivil(absl::CivilSecond(2025, 3, 9, 23, 30, 0),
                                absl::UTCTimeZone());
  absl::StatusOr<v1::Provider> p =
      app_.SetCapacity(CapRequest("cap-1", kOmsorgshuset, "north", 25));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->capacity(0).effective_date(), "2025-03-10");
  EXPECT_EQ(Status(kOmsorgshuset).as_of(), "2025-03-10");
}

}  // namespace
}  // namespace lov::registry
