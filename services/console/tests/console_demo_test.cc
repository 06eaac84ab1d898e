// The dashboard against the demo municipality of `make run`: every service
// and the console as processes, the simulator driving a small demo through
// the public APIs, and the page in headless Chromium showing the same numbers
// the simulator counted on its side.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "lov/console/tests/chromium.h"
#include "lov/platform/ids.h"
#include "service_process.h"
#include "test_issuer.h"
#include "test_stack.h"

namespace lov::console {
namespace {

using ::lov::testing::Eventually;
using ::lov::testing::FreePort;
using ::lov::testing::RunResult;
using ::lov::testing::RunToCompletion;
using ::lov::testing::ServiceProcess;

TEST(ConsoleDemoTest, DashboardShowsWhatTheDemoMunicipalityDid) {
  const std::string ns = "d" + NewUuid().substr(0, 8);
  // As under make run: the services trust a development issuer, and the
  // simulator signs in with its key.
  auto issuer = lov::testing::TestIssuer::Make();
  ASSERT_TRUE(issuer.ok()) << issuer.status();
  const std::vector<std::string> service_flags = (*issuer)->ServiceFlags(ns);
  std::map<std::string, std::unique_ptr<ServiceProcess>> services;
  for (const char* s : {"registry", "choice", "visits", "settlement"}) {
    services[s] = std::make_unique<ServiceProcess>(
        absl::StrCat("services/", s, "/", s), service_flags);
    ASSERT_TRUE(services[s]->Start().ok()) << services[s]->Log();
  }
  const int http_port = FreePort();
  // The dashboard behind sign-in with the same issuer, as under make run.
  std::vector<std::string> console_flags = service_flags;
  console_flags.push_back(absl::StrCat("--http-port=", http_port));
  console_flags.push_back("--http-listen-address=127.0.0.1");
  for (const char* s : {"registry", "choice", "visits", "settlement"}) {
    console_flags.push_back(absl::StrCat(
        "--", s, "-metrics=127.0.0.1:", services[s]->metrics_port()));
  }
  ServiceProcess console("services/console/console", console_flags);
  ASSERT_TRUE(console.Start().ok()) << console.Log();

  std::vector<std::string> sim = {"--clients=40", "--threads=4"};
  for (const char* s : {"registry", "choice", "visits", "settlement"}) {
    sim.push_back(absl::StrCat("--", s, "=", services[s]->target()));
  }
  RunResult demo =
      RunToCompletion("tools/simulator/simulator", sim, absl::Seconds(240),
                      {"LOV_DEV_ISSUER_KEY=" + (*issuer)->key_path()});
  ASSERT_EQ(demo.exit_code, 0) << demo.output;

  // What the simulator counted on its own side.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      demo.output, m,
      std::regex("(\\d+) chose a provider, (\\d+) were allocated")))
      << demo.output;
  const std::string choices =
      absl::StrCat(m[1].str(), " choices / ", m[2].str(), " non-choice");
  ASSERT_TRUE(std::regex_search(
      demo.output, m,
      std::regex("(\\d+) accepted \\((\\d+) with exceptions to review\\), "
                 "(\\d+) rejected")))
      << demo.output;
  const int accepted = std::stoi(m[1].str());
  const int with_exceptions = std::stoi(m[2].str());
  const std::string rejected = m[3].str();
  ASSERT_TRUE(std::regex_search(demo.output, m,
                                std::regex("rejected \\(([A-Z_ 0-9,]+)\\)")))
      << demo.output;
  std::map<std::string, std::string> reasons;
  const std::string list = m[1].str();
  const std::regex reason_count("([A-Z_]+) (\\d+)");
  for (std::sregex_iterator it(list.begin(), list.end(), reason_count), end;
       it != end; ++it) {
    reasons[(*it)[1].str()] = (*it)[2].str();
  }
  ASSERT_FALSE(reasons.empty()) << demo.output;

  // The page, in a real browser, once the console has caught up.
  std::filesystem::path artifacts =
      std::filesystem::path(LOV_BINARY_DIR) / "artifacts";
  std::filesystem::create_directories(artifacts);
  const std::string dom_file = (artifacts / "demo-dashboard.dom.html").string();
  // Signed in as an operator through the sign-in form.
  auto chromium = [&](const std::string& mode, const std::string& out) {
    testing::SignInRelay relay(http_port,
                               (*issuer)->Token(auth::v1::ROLE_OPERATOR),
                               lov::testing::Stack().certs_dir + "/server.crt",
                               lov::testing::Stack().certs_dir + "/server.key");
    return relay.started().ok() &&
                   testing::RunChromium(relay.url(), mode, out, 2400) == 0
               ? testing::ReadWholeFile(out)
               : std::string();
  };
  std::string dom;
  const std::string accepted_cell =
      absl::StrCat(">", accepted - with_exceptions, "<");
  bool shown = Eventually(
      [&] {
        dom = chromium("--dump-dom", dom_file);
        return dom.find(choices) != std::string::npos &&
               dom.find(accepted_cell) != std::string::npos;
      },
      absl::Seconds(90));
  EXPECT_TRUE(shown) << choices << " / " << accepted_cell << "\n" << dom;
  EXPECT_NE(dom.find(absl::StrCat(">", with_exceptions, "<")),
            std::string::npos);
  EXPECT_NE(dom.find(absl::StrCat(">", rejected, "<")), std::string::npos);
  for (const auto& [reason, count] : reasons) {
    EXPECT_NE(dom.find(absl::StrCat("<td>", reason, "</td><td class=\"num\">",
                                    count, "</td>")),
              std::string::npos)
        << reason << " " << count;
  }
  // Six approved statements, one per provider, and the month-end run that
  // approved them.
  const auto approved_rows = [&dom](const std::string& row_class) {
    const std::string start = absl::StrCat("<tr class=\"", row_class, "\">");
    int approved = 0;
    for (size_t at = dom.find(start); at != std::string::npos;
         at = dom.find(start, at + 1)) {
      const size_t end = dom.find("</tr>", at);
      if (dom.substr(at, end - at).find("badge approved") !=
          std::string::npos) {
        ++approved;
      }
    }
    return approved;
  };
  EXPECT_EQ(approved_rows("statement"), 6) << dom;
  EXPECT_EQ(approved_rows("month-run"), 1) << dom;
  chromium(absl::StrCat("--screenshot=",
                        (artifacts / "demo-dashboard.png").string()),
           (artifacts / "demo-chromium.out").string());
}

}  // namespace
}  // namespace lov::console
