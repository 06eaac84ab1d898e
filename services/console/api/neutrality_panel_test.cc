#include "lov/console/api/neutrality_panel.h"

#include <gtest/gtest.h>

#include <vector>

#include "fixed_clock.h"
#include "lov/console/app/console_app.h"
#include "lov/platform/event_envelope.h"

namespace lov::console {
namespace {

namespace cv1 = ::lov::choice::v1;
namespace rv1 = ::lov::registry::v1;
using Role = auth::v1::Role;

// 2026-11-18 (Stockholm): the panel asks about 2026-10-01 .. 2026-11-18.
struct FixedClock : ::lov::testing::FixedClock {
  FixedClock()
      : ::lov::testing::FixedClock(absl::FromUnixSeconds(1795000000)) {}
};

cv1::NeutralityCount Count(const std::string& provider, int64_t observed,
                           double expected) {
  cv1::NeutralityCount c;
  c.set_provider_id(provider);
  c.set_observed(observed);
  c.set_expected(expected);
  return c;
}

// Choice as the panel's port sees it: a hand-made report per zone; the
// requests it was asked.
class FakeNeutrality : public NeutralitySource {
 public:
  absl::StatusOr<cv1::GetNeutralityReportResponse> Report(
      const cv1::GetNeutralityReportRequest& request) override {
    asked.push_back(request);
    if (!answer.ok()) return answer;
    cv1::GetNeutralityReportResponse r;
    r.set_alpha(0.01);
    if (request.zone_id() == "north") {
      // 40 lists, provider a first 30 times against 20 expected: flagged.
      *r.add_shown_first() = Count("prv-a", 30, 20);
      *r.add_shown_first() = Count("prv-b", 10, 20);
      auto* t = r.mutable_shown_first_test();
      t->set_chi_square(10);
      t->set_degrees_of_freedom(1);
      t->set_p_value(0.0016);
      t->set_verdict(cv1::NEUTRALITY_VERDICT_DEVIATES);
      t->set_trials(40);
      *r.add_allocated() = Count("prv-b", 2, 1.5);
      r.mutable_allocation_test()->set_verdict(cv1::NEUTRALITY_VERDICT_TOO_FEW);
      r.mutable_allocation_test()->set_trials(2);
    } else {
      *r.add_shown_first() = Count("prv-a", 6, 6.5);
      *r.add_shown_first() = Count("prv-b", 7, 6.5);
      auto* t = r.mutable_shown_first_test();
      t->set_p_value(0.7815);
      t->set_verdict(cv1::NEUTRALITY_VERDICT_CONSISTENT);
      t->set_trials(13);
    }
    return r;
  }

  absl::Status answer = absl::OkStatus();
  std::vector<cv1::GetNeutralityReportRequest> asked;
};

CloudEvent RegistryEvent(const rv1::RegistryEvent& e, const std::string& id) {
  rv1::RegistryEvent copy = e;
  copy.set_event_id(id);
  CloudEvent ce = ToCloudEvent(copy, "/lov/registry");
  ce.topic = "lov.registry.events.v1";
  return ce;
}

class NeutralityPanelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rv1::RegistryEvent m;
    auto* mun = m.mutable_municipality_configured()->mutable_municipality();
    auto* z = mun->add_zones();
    z->set_zone_id("north");
    z->set_name("Norra");
    z = mun->add_zones();
    z->set_zone_id("south");
    z->set_name("Södra");
    auto* c = mun->add_categories();
    c->set_category_id("service");
    c->set_name("Hemtjänst service");
    ASSERT_TRUE(app_.Apply(RegistryEvent(m, "m1")).ok());
    // A provider whose name would be markup if it were not escaped.
    rv1::RegistryEvent p;
    auto* provider = p.mutable_provider_registered()->mutable_provider();
    provider->set_provider_id("prv-a");
    provider->set_name("<script>alert(1)</script> Omsorg & Co");
    provider->set_version(1);
    ASSERT_TRUE(app_.Apply(RegistryEvent(p, "p1")).ok());
  }

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
