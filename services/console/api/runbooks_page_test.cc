// The runbooks the alerts link (runbook_url .../runbooks#<section>): served
// by the dashboard's port without a session, each section at the anchor
// k8s/tools/prometheusrule.py checks the links against.
#include "lov/console/api/runbooks_page.h"

#include <gtest/gtest.h>

#include <string>

#include "lov/console/api/dashboard_http.h"
#include "lov/console/tests/dev_sign_in.h"

namespace lov::console {
namespace {

TEST(HeadingAnchorTest, IsGitHubsAnchor) {
  EXPECT_EQ(HeadingAnchor("ServiceDown"), "servicedown");
  EXPECT_EQ(HeadingAnchor("LexSarahOverdueAtIVO"), "lexsarahoverdueativo");
  EXPECT_EQ(HeadingAnchor(" Metrics: every service (GET /metrics) "),
            "metrics-every-service-get-metrics");
}

TEST(MarkdownPageTest, HeadingsAreAnchorsAndTextIsEscaped) {
  const std::string page = MarkdownPage(
      "Runbooks",
      "# Runbooks\n\n## ServiceDown\n\n**Meaning.** `up == 0` <b>\n"
      "- `curl -s x/readyz`\n- see [dashboard.md](dashboard.md)\n\n"
      "```sh\na < b\n```\n");
  EXPECT_NE(page.find("<h2 id=\"servicedown\">ServiceDown</h2>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<p><b>Meaning.</b> <code>up == 0</code> &lt;b&gt;</p>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<ul><li><code>curl -s x/readyz</code></li><li>see "
                      "dashboard.md (dashboard.md)</li></ul>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<pre>a &lt; b\n</pre>"), std::string::npos) << page;
}

// GET /runbooks without a session: the runbooks, a section per alert.
TEST(RunbooksRouteTest, ServedWithoutASession) {
  testing::DevSignIn idp;
  ConsoleApp app(&idp.clock_);
  SessionTable sessions(&idp.clock_, 10, absl::Hours(8));
  DashboardSignIn sign_in(idp.verifier(), &sessions);
  http::Handler handler = DashboardHandler(&app, &sign_in);
  http::Request r;
  r.method = "GET";
  r.path = "/runbooks";
  http::Response page = handler(r);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  for (const char* section :
       {"servicedown", "dependencyunreachable", "consumerlaggrowing",
        "consumerretrying", "deadlettersarriving", "visitrejectionspike",
        "zonewithoutrealchoice", "complaintsoverdue", "lexsarahoverdueativo",
        "actionplansoverdue"}) {
    EXPECT_NE(page.body.find(std::string("id=\"") + section + "\""),
              std::string::npos)
        << section;
  }
  // The dashboard itself still needs a session.
  r.path = "/";
  EXPECT_EQ(handler(r).status, 401);
}

}  // namespace
}  // namespace lov::console
