// The dashboard against the demo municipality of `make run`: every service
// and the console as processes, the simulator driving a small demo through
// the public APIs, and the page in headless Chromium showing the same numbers
// the simulator counted on its side, and the follow-up service's indicators
// in the continuity panel.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/console/tests/chromium.h"
#include "lov/followup/v1/followup.grpc.pb.h"
#include "lov/platform/ids.h"
#include "lov/platform/stockholm_time.h"
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

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// "1234.50" -> 123450.
int64_t Ore(const std::string& kronor) {
  const size_t dot = kronor.find('.');
  if (dot == std::string::npos) return std::stoll(kronor) * 100;
  return std::stoll(kronor.substr(0, dot)) * 100 +
         std::stoll((kronor.substr(dot + 1) + "00").substr(0, 2));
}

// The continuity panel's row of `i` as the page draws it (dashboard_page.html:
// median with one decimal and a decimal comma, a dash without clients; the
// provider's name from the registry).
std::regex ContinuityRow(const ::lov::followup::v1::ProviderIndicators& i) {
  // As JavaScript's toFixed(1), which rounds an exact tie (an odd quarter:
  // 6.25) up where printf rounds it to even.
  auto one_decimal = [](double x) {
    const bool tie = std::fmod(x * 4, 1.0) == 0 && std::fmod(x * 2, 1.0) != 0;
    std::string s = absl::StrFormat("%.1f", tie ? x + 0.01 : x);
    s[s.find('.')] = ',';
    return s;
  };
  return std::regex(absl::StrCat(
      "<tr class=\"continuity\" data-provider=\"", i.provider_id(),
      "\"><td>[^<]*</td><td class=\"num\">",
      i.continuity_clients() > 0 ? one_decimal(i.median_staff()) : "\u2014",
      "</td><td class=\"num\">", i.continuity_clients(),
      "</td><td>14 days from ", i.continuity_from_date(),
      "</td><td class=\"num\">", i.visits_with_exceptions(), " of ", i.visits(),
      "</td><td class=\"num\">", one_decimal(i.complaints_per_1000_clients()),
      "</td><td class=\"num\">", one_decimal(i.deviations_per_1000_clients()),
      "</td>"));
}

// The user survey the simulator made up and imported, as it keeps the file
// in the run directory (followup/survey-<year>.csv): provider id -> row.
struct SurveyRow {
  int year = 0;
  int respondents = 0;
  int per_mille = 0;
};
std::map<std::string, SurveyRow> SimulatorSurvey(
    const std::filesystem::path& run_dir) {
  std::map<std::string, SurveyRow> out;
  const std::regex row("([0-9]{4});([^;]+);([0-9]+);([0-9]+)");
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(run_dir / "followup", ec)) {
    std::istringstream csv(ReadAll(entry.path()));
    std::string line;
    std::smatch m;
    while (std::getline(csv, line)) {
      if (!std::regex_match(line, m, row)) continue;  // the header
      out[m[2].str()] = {std::stoi(m[1].str()), std::stoi(m[3].str()),
                         std::stoi(m[4].str())};
    }
  }
  return out;
}

// The month-end run's summary and the finance files beside it, each
// non-empty, named in the simulator's summary; the payment file pays the
// approved total less the in-house unit's (which is not paid).
void ExpectMonthEndFiles(const std::filesystem::path& dir,
                         const std::string& output) {
  std::map<std::string, std::string> by_kind;
  std::vector<std::string> peppol;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << "\n" << output;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    EXPECT_GT(entry.file_size(), 0u) << name;
    EXPECT_NE(output.find(name), std::string::npos) << name << "\n" << output;
    if (name.starts_with("month-end-")) by_kind["summary"] = name;
    if (name.ends_with(".se")) by_kind["sie4"] = name;
    if (name.ends_with("-pain001.xml")) by_kind["pain001"] = name;
    if (name.ends_with("-fee-basis.csv")) by_kind["fee-basis"] = name;
    if (name.ends_with("-peppol.xml")) peppol.push_back(name);
  }
  for (const char* kind : {"summary", "sie4", "pain001", "fee-basis"}) {
    EXPECT_TRUE(by_kind.count(kind)) << kind << " file missing in " << dir;
  }
  if (!by_kind.count("summary") || !by_kind.count("pain001")) return;
  const std::string summary = ReadAll(dir / by_kind["summary"]);
  // One Peppol invoice per private provider with something to pay.
  size_t to_invoice = 0;
  const std::regex row("(prv-[0-9]+) +approved +([0-9]+\\.[0-9]{2})");
  for (std::sregex_iterator it(summary.begin(), summary.end(), row), end;
       it != end; ++it) {
    if ((*it)[1].str() != "prv-2120000209" && Ore((*it)[2].str()) > 0) {
      ++to_invoice;
    }
  }
  EXPECT_GT(to_invoice, 0u) << summary;
  EXPECT_EQ(peppol.size(), to_invoice) << summary;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      summary, m, std::regex("Total approved +([0-9]+\\.[0-9]{2})")))
      << summary;
  int64_t payable = Ore(m[1].str());
  if (std::regex_search(summary, m,
                        std::regex("prv-2120000209 +approved +([0-9.]+)"))) {
    payable -= Ore(m[1].str());
  }
  const std::string pain = ReadAll(dir / by_kind["pain001"]);
  ASSERT_TRUE(std::regex_search(
      pain, m, std::regex("<CtrlSum>([0-9]+\\.[0-9]{2})</CtrlSum>")))
      << pain;
  EXPECT_EQ(Ore(m[1].str()), payable) << summary;
}

// Removes the demo's run directory (its month-end files) after the test,
// passed or failed: the output printed on failure says what it held.
class ConsoleDemoTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (run_dir_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(run_dir_, ec);
    EXPECT_FALSE(ec) << "could not remove " << run_dir_ << ": " << ec.message();
  }

  std::filesystem::path run_dir_;
};

TEST_F(ConsoleDemoTest, DashboardShowsWhatTheDemoMunicipalityDid) {
  const std::string ns = "d" + NewUuid().substr(0, 8);
  // As under make run: the services trust a development issuer, and the
  // simulator signs in with its key.
  auto issuer = lov::testing::TestIssuer::Make();
  ASSERT_TRUE(issuer.ok()) << issuer.status();
  const std::vector<std::string> service_flags = (*issuer)->ServiceFlags(ns);
  std::map<std::string, std::unique_ptr<ServiceProcess>> services;
  for (const char* s :
       {"registry", "choice", "visits", "settlement", "followup"}) {
    std::vector<std::string> flags = service_flags;
    // The indicators are published when the follow-up service starts (and
    // then once a day): restarted after the demo below, it publishes the
    // demo's figures.
    if (s == std::string("followup")) {
      flags.push_back("--indicators-every-seconds=86400");
    }
    services[s] = std::make_unique<ServiceProcess>(
        absl::StrCat("services/", s, "/", s), flags);
    ASSERT_TRUE(services[s]->Start().ok()) << services[s]->Log();
  }
  const int http_port = FreePort();
  // The dashboard behind sign-in with the same issuer, as under make run.
  std::vector<std::string> console_flags = service_flags;
  console_flags.push_back(absl::StrCat("--http-port=", http_port));
  console_flags.push_back("--http-listen-address=127.0.0.1");
  for (const char* s :
       {"registry", "choice", "visits", "settlement", "followup"}) {
    console_flags.push_back(absl::StrCat(
        "--", s, "-metrics=127.0.0.1:", services[s]->metrics_port()));
  }
  ServiceProcess console("services/console/console", console_flags);
  ASSERT_TRUE(console.Start().ok()) << console.Log();

  std::vector<std::string> sim = {"--clients=40", "--threads=4"};
  for (const char* s :
       {"registry", "choice", "visits", "settlement", "followup"}) {
    sim.push_back(absl::StrCat("--", s, "=", services[s]->target()));
  }
  // As under make run: the month-end files go to the run directory.
  run_dir_ = std::filesystem::path(::testing::TempDir()) / (ns + "-run");
  const std::filesystem::path& run_dir = run_dir_;
  RunResult demo =
      RunToCompletion("tools/simulator/simulator", sim, absl::Seconds(240),
                      {"LOV_DEV_ISSUER_KEY=" + (*issuer)->key_path(),
                       "LOV_RUN_DIR=" + run_dir.string()});
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  ExpectMonthEndFiles(run_dir / "month-end", demo.output);

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
  // The follow-up the simulator recorded, and what it counts overdue today.
  ASSERT_TRUE(std::regex_search(
      demo.output, m,
      std::regex("Follow-up as of [0-9-]+: \\d+ complaints \\((\\d+) "
                 "overdue\\), \\d+ deviations \\((\\d+) lex Sarah overdue "
                 "at IVO\\), \\d+ follow-ups planned, \\d+ done \\((\\d+) "
                 "action plans overdue\\)")))
      << demo.output;
  const std::string overdue_complaints = m[1].str();
  const std::string overdue_at_ivo = m[2].str();
  const std::string overdue_plans = m[3].str();

  // The follow-up service restarted on the demo's state publishes today's
  // indicators; what ListIndicators answers for today is what the
  // continuity panel must show.
  ASSERT_EQ(services["followup"]->Terminate(), 0);
  ASSERT_TRUE(services["followup"]->Start().ok())
      << services["followup"]->Log();
  auto followup = ::lov::followup::v1::FollowupService::NewStub(
      services["followup"]->BareChannel());
  ::lov::followup::v1::ListIndicatorsRequest indicators_request;
  indicators_request.set_as_of(FormatDate(StockholmDate(absl::Now())));
  indicators_request.set_page_size(100);
  ::lov::followup::v1::ListIndicatorsResponse indicators;
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization",
                    "Bearer " + (*issuer)->Token(auth::v1::ROLE_OPERATOR));
    grpc::Status s =
        followup->ListIndicators(&ctx, indicators_request, &indicators);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  // The demo's providers with listed clients (continuity counts clients
  // only when the 14 days before today hold the demo month's visits).
  ASSERT_GT(indicators.indicators_size(), 0) << indicators.DebugString();
  // The simulator's own counts: its continuity of the demo's first 14 days
  // agreed with the service's (it fails the run otherwise), and the survey
  // rows it imported, one per provider.
  EXPECT_NE(demo.output.find(
                "The follow-up service counts the same continuity: yes."),
            std::string::npos)
      << demo.output;
  const std::map<std::string, SurveyRow> survey = SimulatorSurvey(run_dir);
  ASSERT_FALSE(survey.empty()) << run_dir << "\n" << demo.output;

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
               dom.find(accepted_cell) != std::string::npos &&
               std::regex_search(dom,
                                 ContinuityRow(indicators.indicators(0))) &&
               dom.find(absl::StrCat("id=\"fu-plans-overdue\">", overdue_plans,
                                     "<")) != std::string::npos;
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
  // Follow-up: the overdue counts are the simulator's; the continuity
  // panel shows each provider's indicators as ListIndicators answers them.
  EXPECT_NE(dom.find(absl::StrCat("id=\"fu-complaints-overdue\">",
                                  overdue_complaints, "<")),
            std::string::npos)
      << overdue_complaints << "\n"
      << dom;
  EXPECT_NE(
      dom.find(absl::StrCat("id=\"fu-ivo-overdue\">", overdue_at_ivo, "<")),
      std::string::npos)
      << overdue_at_ivo;
  EXPECT_NE(
      dom.find(absl::StrCat("id=\"fu-plans-overdue\">", overdue_plans, "<")),
      std::string::npos)
      << overdue_plans;
  EXPECT_NE(dom.find("id=\"panel-continuity\""), std::string::npos);
  for (const auto& i : indicators.indicators()) {
    EXPECT_TRUE(std::regex_search(dom, ContinuityRow(i)))
        << i.DebugString() << "\n"
        << dom;
  }
  // Each provider's survey cell is the simulator's row: the share
  // satisfied in per cent, one decimal, a decimal comma.
  for (const auto& [provider, row] : survey) {
    std::string share = absl::StrFormat("%.1f %%", row.per_mille / 10.0);
    share[share.find('.')] = ',';
    EXPECT_TRUE(std::regex_search(
        dom, std::regex(absl::StrCat("data-provider=\"", provider,
                                     "\">(<td[^>]*>[^<]*</td>){7}"
                                     "<td class=\"num\">",
                                     share, "</td></tr>"))))
        << provider << " " << share << "\n"
        << dom;
  }
  // `lovctl client eligible` for a client of the in-house unit: beside
  // each provider listed, the survey row the simulator imported.
  auto lovctl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "--choice=" + services["choice"]->target());
    return RunToCompletion(
        "tools/lovctl/lovctl", args, absl::Seconds(60),
        {"LOV_TOKEN=" + (*issuer)->Token(auth::v1::ROLE_CASE_OFFICER),
         "LOV_TOKEN_FILE="});
  };
  const RunResult listed =
      lovctl({"assignments", "list", "--provider", "prv-2120000209"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  std::vector<std::string> in_house_clients;
  const std::regex client_id("cli-[0-9a-f-]{36}");
  for (std::sregex_iterator
           it(listed.output.begin(), listed.output.end(), client_id),
       end;
       it != end; ++it) {
    in_house_clients.push_back(it->str());
  }
  ASSERT_FALSE(in_house_clients.empty()) << listed.output;
  std::string eligible;
  int with_survey = 0;
  const bool eligible_shown = Eventually(
      [&] {
        for (const std::string& client : in_house_clients) {
          RunResult r = lovctl({"client", "eligible", "--id", client});
          eligible = r.output;
          if (r.exit_code != 0) continue;  // e.g. a client whose care ended
          with_survey = 0;
          for (const auto& [provider, row] : survey) {
            if (eligible.find(provider) == std::string::npos) continue;
            if (eligible.find(absl::StrFormat(
                    "%.1f%% satisfied (%d, %d answers)", row.per_mille / 10.0,
                    row.year, row.respondents)) == std::string::npos) {
              return false;
            }
            ++with_survey;
          }
          return eligible.find("prv-2120000209") != std::string::npos &&
                 with_survey > 0;
        }
        return false;
      },
      absl::Seconds(60));
  EXPECT_TRUE(eligible_shown) << eligible;
  EXPECT_NE(eligible.find("comparable information"), std::string::npos)
      << eligible;
  chromium(absl::StrCat("--screenshot=",
                        (artifacts / "demo-dashboard.png").string()),
           (artifacts / "demo-chromium.out").string());
}

}  // namespace
}  // namespace lov::console
