#include "lov/console/api/neutrality_panel.h"

#include <gtest/gtest.h>

#include <vector>

#include "lov/console/app/console_app.h"
#include "lov/console/app/testing/neutrality_fakes.h"

namespace lov::console {
namespace {

using Role = auth::v1::Role;

using ::lov::console::neutrality_fakes::FakeNeutrality;
using ::lov::console::neutrality_fakes::FixedClock;

// The panel asks about 2026-10-01 .. 2026-11-18 (the fakes' clock); north
// is flagged, south fair.

class NeutralityPanelTest : public ::testing::Test {
 protected:
  void SetUp() override { neutrality_fakes::ConfigureTwoZones(&app_); }

  // The dashboard's JSON for a session in `role`.
  nlohmann::json Shown(Role role) {
    nlohmann::json s = app_.Snapshot();
    ShowNeutralityTo(role, &s);
    return s;
  }

  FixedClock clock_;
  ConsoleApp app_{&clock_};
  FakeNeutrality choice_;
};

TEST_F(NeutralityPanelTest, AsksEveryZoneAndCategoryForThePeriod) {
  app_.RefreshNeutrality(&choice_);
  ASSERT_EQ(choice_.asked.size(), 2u);
  EXPECT_EQ(choice_.asked[0].zone_id(), "north");
  EXPECT_EQ(choice_.asked[1].zone_id(), "south");
  for (const auto& r : choice_.asked) {
    EXPECT_EQ(r.category_id(), "service");
    EXPECT_EQ(r.from_date(), "2026-10-01");
    EXPECT_EQ(r.to_date(), "2026-11-18");
  }
}

TEST_F(NeutralityPanelTest, ShowsCountsVerdictsAndTheFlaggedZone) {
  app_.RefreshNeutrality(&choice_);
  const nlohmann::json s = Shown(auth::v1::ROLE_OPERATOR);
  ASSERT_TRUE(s.contains("neutrality")) << s.dump(1);
  EXPECT_EQ(s["neutrality"]["flagged"],
            nlohmann::json::array({"Norra / Hemtjänst service"}));
  const std::string html = s["neutrality"]["html"];
  // The flagged table, its verdict and the provider rows (expected with a
  // decimal comma, as the page's other figures).
  EXPECT_NE(html.find("<table class=\"neutrality flagged\" data-zone=\"north\" "
                      "data-category=\"service\"><caption>Norra / Hemtjänst "
                      "service <b class=\"down-text\">deviation "
                      "flagged</b></caption>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td colspan=\"2\" class=\"verdict deviates\" "
                      "data-test=\"lists\" data-trials=\"40\">lists: "
                      "deviates, p 0,0016 (40 lists)</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("data-test=\"allocations\" data-trials=\"2\">"
                      "allocations: too few (2 allocations)</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr class=\"neutrality-provider\" "
                      "data-provider=\"prv-b\"><td>prv-b</td><td "
                      "class=\"num\">10</td><td class=\"num\">20,0</td><td "
                      "class=\"num\">2</td><td class=\"num\">1,5</td></tr>"),
            std::string::npos)
      << html;
  // The fair zone is not flagged.
  EXPECT_NE(html.find("<table class=\"neutrality\" data-zone=\"south\""),
            std::string::npos);
  EXPECT_NE(html.find("lists: consistent, p 0,7815 (13 lists)"),
            std::string::npos);
  // Every name is escaped.
  EXPECT_EQ(html.find("<script>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>&lt;script&gt;alert(1)&lt;/script&gt; Omsorg "
                      "&amp; Co</td><td class=\"num\">30</td>"),
            std::string::npos)
      << html;
}

TEST_F(NeutralityPanelTest, ChoiceDownShowsWhyAndAsksNoFurther) {
  choice_.answer = absl::UnavailableError("connection refused <here>");
  app_.RefreshNeutrality(&choice_);
  EXPECT_EQ(choice_.asked.size(), 1u);  // the south zone is not asked
  const std::string html =
      Shown(auth::v1::ROLE_REGISTRY_OFFICER)["neutrality"]["html"];
  EXPECT_NE(html.find("<td class=\"down-text\">choice did not answer: "
                      "UNAVAILABLE: connection refused &lt;here&gt;</td>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("flagged"), std::string::npos);
}

TEST_F(NeutralityPanelTest, NotAskedYet) {
  const nlohmann::json s = Shown(auth::v1::ROLE_OPERATOR);
  EXPECT_NE(s["neutrality"]["html"].get<std::string>().find("Not asked yet."),
            std::string::npos);
}

// The rule is choice's policy for GetNeutralityReport: the dashboard's
// roles may read it; a role outside the policy gets no panel, and no
// figures in the JSON, only whose it is.
TEST_F(NeutralityPanelTest, OnlyRolesOfTheReportsPolicySeeIt) {
  EXPECT_TRUE(MaySeeNeutrality(auth::v1::ROLE_OPERATOR));
  EXPECT_TRUE(MaySeeNeutrality(auth::v1::ROLE_REGISTRY_OFFICER));
  EXPECT_FALSE(MaySeeNeutrality(auth::v1::ROLE_CASE_OFFICER));
  EXPECT_FALSE(MaySeeNeutrality(auth::v1::ROLE_PROVIDER));
  // A system identity may call the RPC (the console itself), but is no
  // person at the dashboard.
  EXPECT_FALSE(MaySeeNeutrality(auth::v1::ROLE_SERVICE));
  auth::v1::Policy auditors_only;
  auditors_only.add_roles(auth::v1::ROLE_AUDITOR);
  EXPECT_FALSE(MaySeeNeutrality(auditors_only, auth::v1::ROLE_OPERATOR));
  EXPECT_TRUE(MaySeeNeutrality(auditors_only, auth::v1::ROLE_AUDITOR));

  app_.RefreshNeutrality(&choice_);
  const nlohmann::json s = Shown(auth::v1::ROLE_CASE_OFFICER);
  EXPECT_FALSE(s.contains("neutrality"));
  EXPECT_NE(s["neutrality_hidden"].get<std::string>().find(
                "this sign-in is in the role case_officer"),
            std::string::npos)
      << s["neutrality_hidden"];
}

}  // namespace
}  // namespace lov::console
