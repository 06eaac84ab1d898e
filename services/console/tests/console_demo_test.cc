// The dashboard against the demo municipality of `make run`: every service
// and the console as processes, the simulator driving a small demo through
// the public APIs, and the page in headless Chromium showing the same numbers
// the simulator counted on its side, the follow-up service's indicators
// in the continuity panel, and the choice service's neutrality audit (whose
// totals are the lists and allocations the simulator made).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/console/tests/chromium.h"
#include "lov/console/tests/console_demo_checks.h"
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
  // The neutrality panel asks choice as the console itself (its client
  // certificate, service:console), every 2 s here.
  const ClientTls console_tls = lov::testing::Stack().Client("service:console");
  console_flags.push_back("--choice-target=" + services["choice"]->target());
  console_flags.push_back("--tls-ca=" + console_tls.ca_file);
  console_flags.push_back("--tls-client-cert=" + console_tls.cert_file);
  console_flags.push_back("--tls-client-key=" + console_tls.key_file);
  console_flags.push_back("--neutrality-every-seconds=2");
  // The continuity panel's as-of rows ask follow-up the same way.
  console_flags.push_back("--followup-target=" +
                          services["followup"]->target());
  console_flags.push_back("--indicators-every-seconds=2");
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
  // Beyond hours: travel by the km in the sparse zones and day activities
  // by support level, each checked by the simulator against its own count
  // of what it reported and decided, are on the Peppol invoices as lines
  // of their own (40 clients: some in Norra and Väddö, some with day
  // activities).
  EXPECT_NE(demo.output.find("Every km driven in the sparse zones and every "
                             "day at a decided support level is paid as "
                             "reported and decided: yes."),
            std::string::npos)
      << demo.output;
  std::string invoices;
  for (const auto& entry :
       std::filesystem::directory_iterator(run_dir / "month-end")) {
    if (entry.path().string().ends_with("-peppol.xml"))
      invoices += ReadAll(entry.path());
  }
  EXPECT_NE(invoices.find("<cbc:Description>TRAVEL_DISTANCE "),
            std::string::npos);
  EXPECT_NE(invoices.find("<cbc:Description>SUPPORT_LEVEL_DAY day-activity"),
            std::string::npos);

  // What the simulator counted on its own side.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      demo.output, m,
      std::regex("(\\d+) chose a provider, (\\d+) were allocated")))
      << demo.output;
  const std::string choices =
      absl::StrCat(m[1].str(), " choices / ", m[2].str(), " non-choice");
  const int64_t allocated_at_start = std::stoll(m[2].str());
  ASSERT_TRUE(std::regex_search(
      demo.output, m, std::regex("(\\d+) were allocated after the deadline")))
      << demo.output;
  const int64_t allocated_late = std::stoll(m[1].str());
  ASSERT_TRUE(std::regex_search(demo.output, m,
                                std::regex("Neutral lists shown: (\\d+)")))
      << demo.output;
  const int64_t lists_shown = std::stoll(m[1].str());
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
  // The indicators as of the first day of this month (the demo month's last
  // 14 days), recomputed from what the simulator says it generated.
  const IndicatorWindow window = RecomputeIndicators(
      ReadAll(run_dir / "followup" / "indicator-window.tsv"));
  ASSERT_EQ(
      window.as_of,
      FormatDate(absl::CivilDay(absl::CivilMonth(StockholmDate(absl::Now())))))
      << demo.output;
  int counted_clients = 0, window_exceptions = 0;
  for (const auto& [provider, a] : window.by_provider) {
    counted_clients += a.clients;
    window_exceptions += a.visits_with_exceptions;
  }
  ASSERT_GT(counted_clients, 0) << demo.output;
  // Some of the window's visits were accepted with exceptions, so the
  // share is checked on figures that are not all zero.
  ASSERT_GT(window_exceptions, 0) << demo.output;

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
  // The as-of rows: each provider's figures as recomputed from the
  // simulator's record, and no other provider's row.
  std::string as_of_why;
  const bool as_of_shown = Eventually(
      [&] {
        dom = chromium("--dump-dom", dom_file);
        if (dom.find(absl::StrCat("<caption id=\"continuity-as-of\">As of ",
                                  window.as_of)) == std::string::npos) {
          as_of_why = "no as-of caption for " + window.as_of;
          return false;
        }
        for (const auto& [provider, a] : window.by_provider) {
          if (!std::regex_search(dom, AsOfRow(provider, a))) {
            as_of_why = absl::StrCat(
                provider, ": clients ", a.clients, ", median ", a.median_staff,
                ", listed ", a.listed, ", exceptions ",
                a.visits_with_exceptions, " of ", a.visits,
                ", complaints/1000 x10 ", a.complaints_tenths,
                ", deviations/1000 x10 ", a.deviations_tenths);
            return false;
          }
        }
        const std::regex any_row(
            "<tr class=\"continuity-as-of\" data-provider=\"([^\"]+)\">");
        for (std::sregex_iterator it(dom.begin(), dom.end(), any_row), end;
             it != end; ++it) {
          const std::string provider = (*it)[1].str();
          if (!window.by_provider.count(provider) &&
              !std::regex_search(dom, AsOfRow(provider, AsOfFigures{}))) {
            as_of_why = provider +
                        ": a row with figures the simulator did "
                        "not generate";
            return false;
          }
        }
        return true;
      },
      absl::Seconds(60));
  EXPECT_TRUE(as_of_shown) << as_of_why << "\n" << dom;
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
  // The neutrality panel (before lovctl below shows more lists): every zone
  // and category as choice answers its report for the panel's period (the
  // first day of the previous month to today), and in all what the
  // simulator did: every fresh list it asked for and every non-choice
  // allocation (at the start, and after the leaving provider's deadline)
  // counts once for home-help-service, which every demo client has.
  const absl::CivilDay today = StockholmDate(absl::Now());
  ::lov::choice::v1::GetNeutralityReportRequest period;
  period.set_from_date(FormatDate(absl::CivilDay(absl::CivilMonth(today) - 1)));
  period.set_to_date(FormatDate(today));
  auto choice = ::lov::choice::v1::ChoiceService::NewStub(
      services["choice"]->BareChannel());
  std::string neutrality_why;
  const bool neutrality_shown = Eventually(
      [&] {
        dom = chromium("--dump-dom", dom_file);
        const auto tables = NeutralityTables(dom);
        if (tables.empty()) {
          neutrality_why = "no neutrality table";
          return false;
        }
        int64_t lists = 0, allocations = 0;
        for (const auto& [key, table] : tables) {
          ::lov::choice::v1::GetNeutralityReportRequest r = period;
          r.set_zone_id(key.first);
          r.set_category_id(key.second);
          ::lov::choice::v1::GetNeutralityReportResponse report;
          grpc::ClientContext ctx;
          ctx.AddMetadata(
              "authorization",
              "Bearer " + (*issuer)->Token(auth::v1::ROLE_OPERATOR));
          grpc::Status s = choice->GetNeutralityReport(&ctx, r, &report);
          if (!s.ok()) {
            neutrality_why = s.error_message();
            return false;
          }
          std::string why;
          if (!ShowsReport(table, report, &why)) {
            neutrality_why = absl::StrCat(key.first, " / ", key.second, ": ",
                                          why, "\n", report.DebugString());
            return false;
          }
          if (key.second == "home-help-service") {
            lists += TrialsIn(table, "lists");
            allocations += TrialsIn(table, "allocations");
          }
        }
        neutrality_why =
            absl::StrCat("lists ", lists, " of the simulator's ", lists_shown,
                         ", allocations ", allocations, " of ",
                         allocated_at_start, " + ", allocated_late);
        return lists == lists_shown &&
               allocations == allocated_at_start + allocated_late;
      },
      absl::Seconds(90));
  EXPECT_TRUE(neutrality_shown) << neutrality_why << "\n" << dom;
  EXPECT_NE(
      dom.find(absl::StrCat("id=\"neutrality-period\">", period.from_date(),
                            " to ", period.to_date())),
      std::string::npos)
      << dom;

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
  // `lovctl continuity` over the window's 14 days: each provider with
  // visits shows the share of visits with exceptions (and the continuity)
  // recomputed from the simulator's record.
  absl::CivilDay window_day;
  ASSERT_TRUE(absl::ParseCivilTime(window.as_of, &window_day));
  const RunResult continuity =
      lovctl({"--followup=" + services["followup"]->target(), "continuity",
              "--from", FormatDate(window_day - 14)});
  ASSERT_EQ(continuity.exit_code, 0) << continuity.output;
  for (const auto& [provider, a] : window.by_provider) {
    if (a.visits == 0) continue;
    EXPECT_TRUE(
        std::regex_search(continuity.output, ContinuityLine(provider, a)))
        << provider << ": clients " << a.clients << ", median "
        << a.median_staff << ", exceptions " << a.visits_with_exceptions
        << " of " << a.visits << "\n"
        << continuity.output;
  }
  chromium(absl::StrCat("--screenshot=",
                        (artifacts / "demo-dashboard.png").string()),
           (artifacts / "demo-chromium.out").string());
}

}  // namespace
}  // namespace lov::console
