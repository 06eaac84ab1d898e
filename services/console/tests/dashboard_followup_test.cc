// The dashboard's follow-up panels (issue 19) in real headless Chromium:
// the console and the registry binaries as processes against the real
// Kafka and Redis (dashboard_test_fixture.h), the follow-up service's
// events as it publishes them, and the panels checked for their numbers:
// overdue complaints, IVO reports and action plans per provider, the late
// finding a sanction can name, staff continuity per provider.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <tuple>
#include <utility>

#include "lov/console/tests/dashboard_test_fixture.h"
#include "lov/followup/v1/events.pb.h"
#include "lov/platform/stockholm_time.h"
#include "test_stack.h"

namespace lov::console {
namespace {

namespace fv1 = ::lov::followup::v1;
using ::lov::testing::Eventually;

class ConsoleFollowupPanelTest : public testing::DashboardFixture {
 protected:
  // Follow-up: Attendo has a complaint past its reply date (due yesterday)
  // and one due today (not yet overdue), and a finding whose action plan
  // was due yesterday; Tiohundra a serious lex Sarah report not at IVO
  // (due yesterday). Continuity as the follow-up service published it:
  // Attendo median 7.5 staff over 12 clients, Tiohundra 11 over 9.
  void PublishFollowup() {
    const char* topic = "lov.followup.events.v1";
    const std::string yesterday = FormatDate(today_ - 1);
    for (auto [id, due] : {std::pair{"cmp-1", yesterday},
                           std::pair{"cmp-2", FormatDate(today_)}}) {
      fv1::FollowupEvent e;
      e.set_aggregate_id(id);
      fv1::Complaint* c = e.mutable_complaint_registered()->mutable_complaint();
      c->set_complaint_id(id);
      c->set_client_id("c1");
      c->set_provider_id(provider_ids_[0]);
      c->set_reply_due_date(due);
      c->set_status(fv1::COMPLAINT_STATUS_RECEIVED);
      c->set_version(1);
      Publish(topic, e, "/lov/followup");
    }
    fv1::FollowupEvent dev;
    dev.set_aggregate_id("dev-1");
    fv1::Deviation* d = dev.mutable_deviation_reported()->mutable_deviation();
    d->set_deviation_id("dev-1");
    d->set_provider_id(provider_ids_[1]);
    d->set_kind(fv1::DEVIATION_KIND_LEX_SARAH);
    d->set_severity(fv1::SEVERITY_SERIOUS);
    d->set_ivo_due_date(yesterday);
    d->set_version(1);
    Publish(topic, dev, "/lov/followup");
    fv1::FollowupEvent done;
    done.set_aggregate_id("fu-1");
    fv1::FollowUp* f = done.mutable_follow_up_completed()->mutable_follow_up();
    f->set_follow_up_id("fu-1");
    f->set_provider_id(provider_ids_[0]);
    f->set_status(fv1::FOLLOW_UP_STATUS_DONE);
    f->set_version(2);
    fv1::Finding* finding = f->add_findings();
    finding->set_finding_id("fu-1/f1");
    finding->set_requires_action_plan(true);
    finding->set_action_plan_due_date(yesterday);
    Publish(topic, done, "/lov/followup");
    for (auto [k, clients, median] :
         {std::tuple{0, 12, 7.5}, std::tuple{1, 9, 11.0}}) {
      fv1::FollowupEvent e;
      e.set_aggregate_id("ind-" + provider_ids_[k]);
      fv1::ProviderIndicators* i =
          e.mutable_provider_indicators_published()->mutable_indicators();
      i->set_provider_id(provider_ids_[k]);
      i->set_as_of(FormatDate(today_));
      i->set_continuity_from_date(FormatDate(today_ - 14));
      i->set_continuity_clients(clients);
      i->set_median_staff(median);
      Publish(topic, e, "/lov/followup");
    }
  }
};

TEST_F(ConsoleFollowupPanelTest, ShowsOverdueItemsAndContinuityPerProvider) {
  SetUpRegistry();
  StartConsole({});
  PublishFollowup();

  json d;
  bool complete = Eventually(
      [&] {
        d = Dashboard();
        return d.is_object() && d["followup"]["continuity"].size() == 2 &&
               d["followup"]["action_plans_overdue"] == 1;
      },
      absl::Seconds(90));
  ASSERT_TRUE(complete) << d.dump(2) << "\n" << console_->Log();
  EXPECT_EQ(d["followup"]["complaints_overdue"], 1);
  EXPECT_EQ(d["followup"]["ivo_reports_overdue"], 1);
  EXPECT_EQ(d["followup"]["action_plans_overdue"], 1);
  // No client id on the dashboard.
  EXPECT_EQ(d["followup"].dump().find("\"c1\""), std::string::npos);

  std::filesystem::path artifacts =
      std::filesystem::path(LOV_BINARY_DIR) / "artifacts";
  std::filesystem::create_directories(artifacts);
  std::string dom = Chromium(
      "--dump-dom", (artifacts / "dashboard-followup.dom.html").string());
  // Follow-up: the overdue counts, per provider, the late finding to name
  // in a sanction, and continuity per provider.
  EXPECT_NE(dom.find("id=\"fu-complaints-overdue\">1<"), std::string::npos)
      << dom;
  EXPECT_NE(dom.find("id=\"fu-ivo-overdue\">1<"), std::string::npos);
  EXPECT_NE(dom.find("id=\"fu-plans-overdue\">1<"), std::string::npos);
  EXPECT_NE(dom.find("Attendo Sverige AB</td><td class=\"num\">1</td>"
                     "<td class=\"num\">0</td><td class=\"num\">1</td>"),
            std::string::npos);
  EXPECT_NE(dom.find("Tiohundra AB</td><td class=\"num\">0</td>"
                     "<td class=\"num\">1</td><td class=\"num\">0</td>"),
            std::string::npos);
  EXPECT_NE(dom.find("fu-1/f1"), std::string::npos);
  EXPECT_NE(dom.find("Attendo Sverige AB</td><td class=\"num\">7,5</td>"
                     "<td class=\"num\">12</td>"),
            std::string::npos);
  EXPECT_NE(dom.find("Tiohundra AB</td><td class=\"num\">11,0</td>"
                     "<td class=\"num\">9</td>"),
            std::string::npos);
}

}  // namespace
}  // namespace lov::console
