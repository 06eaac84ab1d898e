#include "lov/console/api/continuity_as_of_panel.h"

#include <gtest/gtest.h>

#include <vector>

#include "fixed_clock.h"
#include "lov/console/app/console_app.h"
#include "lov/platform/event_envelope.h"

namespace lov::console {
namespace {

namespace fv1 = ::lov::followup::v1;
namespace rv1 = ::lov::registry::v1;
using Role = auth::v1::Role;

// 2026-11-18 (Stockholm): the rows are asked as of 2026-11-01, the 14 days
// 2026-10-18 .. 2026-10-31.
struct FixedClock : ::lov::testing::FixedClock {
  FixedClock()
      : ::lov::testing::FixedClock(absl::FromUnixSeconds(1795000000)) {}
};

fv1::ProviderIndicators Row(const std::string& provider,
                            const std::string& zone, int clients,
                            double median) {
  fv1::ProviderIndicators i;
  i.set_provider_id(provider);
  i.set_zone_id(zone);
  i.set_continuity_clients(clients);
  i.set_median_staff(median);
  return i;
}

// Follow-up as the panel's port sees it: two pages (the municipality's row,
// provider a over all zones and in a zone; then provider b); the requests
// it was asked.
class FakeIndicators : public IndicatorsSource {
 public:
  absl::StatusOr<fv1::ListIndicatorsResponse> List(
      const fv1::ListIndicatorsRequest& request) override {
    asked.push_back(request);
    if (!answer.ok()) return answer;
    fv1::ListIndicatorsResponse r;
    if (request.page_token().empty()) {
      *r.add_indicators() = Row("", "", 9, 11);
      fv1::ProviderIndicators a = Row("prv-a", "", 3, 6.5);
      a.set_listed_clients(160);
      a.set_visits(420);
      a.set_visits_with_exceptions(12);
      a.set_complaints_per_1000_clients(6.3);  // 1 of 160: 6.25 -> 6.3
      a.set_deviations_per_1000_clients(12.5);
      *r.add_indicators() = a;
      *r.add_indicators() = Row("prv-a", "north", 3, 6.5);
      r.set_next_page_token("page-2");
    } else {
      *r.add_indicators() = Row("prv-b", "", 0, 0);
    }
    return r;
  }

  absl::Status answer = absl::OkStatus();
  std::vector<fv1::ListIndicatorsRequest> asked;
};

CloudEvent RegistryEvent(const rv1::RegistryEvent& e, const std::string& id) {
  rv1::RegistryEvent copy = e;
  copy.set_event_id(id);
  CloudEvent ce = ToCloudEvent(copy, "/lov/registry");
  ce.topic = "lov.registry.events.v1";
  return ce;
}

class ContinuityAsOfPanelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A provider whose name would be markup if it were not escaped.
    rv1::RegistryEvent p;
    auto* provider = p.mutable_provider_registered()->mutable_provider();
    provider->set_provider_id("prv-a");
    provider->set_name("<b>Omsorg</b> & Co");
    provider->set_version(1);
    ASSERT_TRUE(app_.Apply(RegistryEvent(p, "p1")).ok());
  }

  nlohmann::json Shown(Role role) {
    nlohmann::json s = app_.Snapshot();
    ShowContinuityAsOfTo(role, &s);
    return s;
  }

  FixedClock clock_;
  ConsoleApp app_{&clock_};
  FakeIndicators followup_;
};

TEST_F(ContinuityAsOfPanelTest, AsksAsOfTheMonthsFirstDayEveryPage) {
  app_.RefreshIndicatorsAsOf(&followup_);
  ASSERT_EQ(followup_.asked.size(), 2u);
  EXPECT_EQ(followup_.asked[0].as_of(), "2026-11-01");
  EXPECT_EQ(followup_.asked[0].page_token(), "");
  EXPECT_EQ(followup_.asked[1].as_of(), "2026-11-01");
  EXPECT_EQ(followup_.asked[1].page_token(), "page-2");
}

TEST_F(ContinuityAsOfPanelTest, ShowsEachProvidersAllZonesRowEscaped) {
  app_.RefreshIndicatorsAsOf(&followup_);
  const nlohmann::json s = Shown(auth::v1::ROLE_OPERATOR);
  ASSERT_TRUE(s.contains("continuity_as_of")) << s.dump(1);
  EXPECT_EQ(s["continuity_as_of"]["as_of"], "2026-11-01");
  // The municipality's row and the zone row are not shown: one per provider.
  ASSERT_EQ(s["continuity_as_of"]["rows"].size(), 2u);
  const std::string html = s["continuity_as_of"]["html"];
  EXPECT_NE(html.find("<caption id=\"continuity-as-of\">As of 2026-11-01"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr class=\"continuity-as-of\" data-provider=\"prv-a\">"
                      "<td>&lt;b&gt;Omsorg&lt;/b&gt; &amp; Co</td>"
                      "<td class=\"num\">6,5</td><td class=\"num\">3</td>"
                      "<td class=\"num\">160</td><td class=\"num\">12 of "
                      "420</td><td class=\"num\">6,3</td><td "
                      "class=\"num\">12,5</td></tr>"),
            std::string::npos)
      << html;
  // Without clients counted, a dash for the median.
  EXPECT_NE(html.find("data-provider=\"prv-b\"><td>prv-b</td><td "
                      "class=\"num\">\u2014</td><td class=\"num\">0</td>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos) << html;
  EXPECT_EQ(html.find("north"), std::string::npos) << html;
}

TEST_F(ContinuityAsOfPanelTest, FollowupDownShowsWhy) {
  followup_.answer = absl::PermissionDeniedError("not for <you>");
  app_.RefreshIndicatorsAsOf(&followup_);
  EXPECT_EQ(followup_.asked.size(), 1u);
  const std::string html =
      Shown(auth::v1::ROLE_OPERATOR)["continuity_as_of"]["html"];
  EXPECT_NE(html.find("<td class=\"down-text\">follow-up did not answer: "
                      "PERMISSION_DENIED: not for &lt;you&gt;</td>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("continuity-as-of\" data-provider"), std::string::npos);
}

TEST_F(ContinuityAsOfPanelTest, NotAskedYet) {
  const std::string html =
      Shown(auth::v1::ROLE_OPERATOR)["continuity_as_of"]["html"];
  EXPECT_NE(html.find("Not asked yet."), std::string::npos) << html;
}

// The rule is follow-up's policy for ListIndicators: a role outside it gets
// no rows in the JSON, only whose they are; the service role (the console
// itself) is no person at the dashboard.
TEST_F(ContinuityAsOfPanelTest, OnlyRolesOfTheIndicatorsPolicySeeThem) {
  EXPECT_TRUE(MaySeeIndicators(auth::v1::ROLE_OPERATOR));
  EXPECT_TRUE(MaySeeIndicators(auth::v1::ROLE_REGISTRY_OFFICER));
  EXPECT_FALSE(MaySeeIndicators(auth::v1::ROLE_FINANCE));
  EXPECT_FALSE(MaySeeIndicators(auth::v1::ROLE_SERVICE));
  auth::v1::Policy auditors_only;
  auditors_only.add_roles(auth::v1::ROLE_AUDITOR);
  EXPECT_FALSE(MaySeeIndicators(auditors_only, auth::v1::ROLE_OPERATOR));
  EXPECT_TRUE(MaySeeIndicators(auditors_only, auth::v1::ROLE_AUDITOR));

  app_.RefreshIndicatorsAsOf(&followup_);
  const nlohmann::json s = Shown(auth::v1::ROLE_FINANCE);
  EXPECT_FALSE(s.contains("continuity_as_of"));
  EXPECT_NE(s["continuity_as_of_hidden"].get<std::string>().find(
                "this sign-in is in the role finance"),
            std::string::npos)
      << s["continuity_as_of_hidden"];
}

}  // namespace
}  // namespace lov::console
