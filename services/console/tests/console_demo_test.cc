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

// One provider's indicators as of a date, recomputed from the simulator's
// record of what it generated (<run dir>/followup/indicator-window.tsv)
// by docs/followup.md's rules, without asking any service.
struct AsOfFigures {
  int clients = 0;          // clients with 28+ performed visits 07-22
  double median_staff = 0;  // distinct staff per counted client
  int listed = 0;
  int64_t complaints_tenths = 0;  // per 1,000 listed clients, in tenths
  int64_t deviations_tenths = 0;
};

struct IndicatorWindow {
  std::string as_of;
  std::map<std::string, AsOfFigures> by_provider;
};

// count x 1,000 / listed in tenths, halves up (1 of 160: 6.25 -> 6.3); 0
// when none is listed.
int64_t PerThousandTenths(int64_t count, int64_t listed) {
  return listed == 0 ? 0 : (2 * count * 10000 + listed) / (2 * listed);
}

IndicatorWindow RecomputeIndicators(const std::string& text) {
  IndicatorWindow w;
  struct Seen {
    int visits = 0;
    std::set<std::string> staff;  // the provider's own ids: per provider
  };
  std::map<std::string, std::map<std::string, Seen>> seen;
  std::map<std::string, std::set<std::string>> listed;
  std::map<std::string, int64_t> complaints, deviations;
  std::vector<std::vector<std::string>> dated;  // complaints, deviations
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> f = absl::StrSplit(line, '\t');
    if (f[0] == "as_of" && f.size() == 2) w.as_of = f[1];
    if (f[0] == "listed" && f.size() == 3) listed[f[1]].insert(f[2]);
    if ((f[0] == "complaint" || f[0] == "deviation") && f.size() == 3)
      dated.push_back(f);
    // visit provider client start(Stockholm) status staff second-staff
    if (f[0] == "visit" && f.size() == 7) {
      const int hour = std::stoi(f[3].substr(11, 2));
      if (f[4] != "VISIT_STATUS_PERFORMED" || hour < 7 || hour >= 22) continue;
      Seen& s = seen[f[1]][f[2]];
      ++s.visits;
      s.staff.insert(f[5]);
      if (!f[6].empty()) s.staff.insert(f[6]);  // double staffing: both
    }
  }
  // The 12 months ending on as_of: from the day after the same date a year
  // earlier.
  absl::CivilDay as_of;
  EXPECT_TRUE(absl::ParseCivilTime(w.as_of, &as_of)) << w.as_of;
  const std::string year_from = FormatDate(
      absl::CivilDay(as_of.year() - 1, as_of.month(), as_of.day()) + 1);
  for (const auto& f : dated) {
    if (f[1].empty() || f[2] < year_from || f[2] > w.as_of) continue;
    ++(f[0] == "complaint" ? complaints : deviations)[f[1]];
  }
  for (const auto& [provider, clients] : seen) {
    std::vector<int> staff;
    for (const auto& [client, s] : clients)
      if (s.visits >= 28) staff.push_back(static_cast<int>(s.staff.size()));
    std::sort(staff.begin(), staff.end());
    AsOfFigures& a = w.by_provider[provider];
    a.clients = static_cast<int>(staff.size());
    const size_t n = staff.size();
    if (n > 0)
      a.median_staff =
          n % 2 == 1 ? staff[n / 2] : (staff[n / 2 - 1] + staff[n / 2]) / 2.0;
  }
  for (const auto& [provider, clients] : listed)
    w.by_provider[provider].listed = static_cast<int>(clients.size());
  for (const auto& [provider, n] : complaints) w.by_provider[provider];
  for (const auto& [provider, n] : deviations) w.by_provider[provider];
  for (auto& [provider, a] : w.by_provider) {
    a.complaints_tenths = PerThousandTenths(
        complaints.count(provider) ? complaints[provider] : 0, a.listed);
    a.deviations_tenths = PerThousandTenths(
        deviations.count(provider) ? deviations[provider] : 0, a.listed);
  }
  return w;
}

// The continuity panel's as-of row of `provider` as the console makes it
// (api/continuity_as_of_panel.cc): median (a dash without clients),
// clients counted, clients listed, visits with exceptions (not checked
// here), the two rates; one decimal with a decimal comma.
std::regex AsOfRow(const std::string& provider, const AsOfFigures& a) {
  auto tenths = [](int64_t t) { return absl::StrCat(t / 10, ",", t % 10); };
  auto one_decimal = [](double x) {
    std::string s = absl::StrFormat("%.1f", x);
    s[s.find('.')] = ',';
    return s;
  };
  return std::regex(absl::StrCat(
      "<tr class=\"continuity-as-of\" data-provider=\"", provider,
      "\"><td>[^<]*</td><td class=\"num\">",
      a.clients > 0 ? one_decimal(a.median_staff) : "\u2014",
      "</td><td class=\"num\">", a.clients, "</td><td class=\"num\">", a.listed,
      "</td><td class=\"num\">[0-9]+ of [0-9]+</td><td class=\"num\">",
      tenths(a.complaints_tenths), "</td><td class=\"num\">",
      tenths(a.deviations_tenths), "</td></tr>"));
}

// Every neutrality table the page shows: (zone, category) -> its HTML.
std::map<std::pair<std::string, std::string>, std::string> NeutralityTables(
    const std::string& dom) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  const std::regex open(
      "<table class=\"neutrality[^\"]*\" data-zone=\"([^\"]+)\" "
      "data-category=\"([^\"]+)\">");
  for (size_t at = dom.find("<table class=\"neutrality");
       at != std::string::npos;
       at = dom.find("<table class=\"neutrality", at + 1)) {
    const size_t tag_end = dom.find('>', at);
    const size_t end = dom.find("</table>", at);
    if (tag_end == std::string::npos || end == std::string::npos) break;
    const std::string tag = dom.substr(at, tag_end - at + 1);
    std::smatch m;
    if (!std::regex_match(tag, m, open)) continue;
    out[{m[1].str(), m[2].str()}] = dom.substr(tag_end + 1, end - tag_end - 1);
  }
  return out;
}

// The trials a table's test cell names ("lists" or "allocations"); -1 when
// the table has none.
int64_t TrialsIn(const std::string& table, const std::string& test) {
  std::smatch m;
  if (!std::regex_search(
          table, m,
          std::regex(absl::StrCat("data-test=\"", test,
                                  "\" data-trials=\"([0-9]+)\""))))
    return -1;
  return std::stoll(m[1].str());
}

// Whether `table` shows `report` as choice answered it: each provider's
// counts (expected with one decimal and a decimal comma) and each test's
// verdict and trials.
bool ShowsReport(const std::string& table,
                 const ::lov::choice::v1::GetNeutralityReportResponse& report,
                 std::string* why) {
  std::map<std::string, std::pair<std::string, std::string>> cells;
  auto one_decimal = [](double x) {
    std::string s = absl::StrFormat("%.1f", x);
    s[s.find('.')] = ',';
    return s;
  };
  for (const auto& c : report.shown_first()) {
    cells[c.provider_id()].first = absl::StrCat(
        c.observed(), "</td><td class=\"num\">", one_decimal(c.expected()));
  }
  for (const auto& c : report.allocated()) {
    cells[c.provider_id()].second = absl::StrCat(
        c.observed(), "</td><td class=\"num\">", one_decimal(c.expected()));
  }
  for (auto& [provider, pair] : cells) {
    if (pair.first.empty()) pair.first = "0</td><td class=\"num\">0,0";
    if (pair.second.empty()) pair.second = "0</td><td class=\"num\">0,0";
    const std::string row = absl::StrCat(
        "data-provider=\"", provider, "\"><td>[^<]*</td><td class=\"num\">",
        pair.first, "</td><td class=\"num\">", pair.second, "</td></tr>");
    if (!std::regex_search(table, std::regex(row))) {
      *why = "no row " + row;
      return false;
    }
  }
  auto verdict = [](::lov::choice::v1::NeutralityVerdict v) {
    switch (v) {
      case ::lov::choice::v1::NEUTRALITY_VERDICT_CONSISTENT:
        return "consistent";
      case ::lov::choice::v1::NEUTRALITY_VERDICT_DEVIATES:
        return "deviates";
      case ::lov::choice::v1::NEUTRALITY_VERDICT_TOO_FEW:
        return "too few";
      default:
        return "unknown";
    }
  };
  for (const auto& [name, test] :
       {std::pair{std::string("lists"), report.shown_first_test()},
        std::pair{std::string("allocations"), report.allocation_test()}}) {
    const std::string cell =
        absl::StrCat("data-test=\"", name, "\" data-trials=\"", test.trials(),
                     "\">", name, ": ", verdict(test.verdict()));
    if (table.find(cell) == std::string::npos) {
      *why = "no cell " + cell;
      return false;
    }
  }
  return true;
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
    if (!entry.path().filename().string().starts_with("survey-")) continue;
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
  int counted_clients = 0;
  for (const auto& [provider, a] : window.by_provider)
    counted_clients += a.clients;
  ASSERT_GT(counted_clients, 0) << demo.output;

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
            as_of_why =
                absl::StrCat(provider, ": clients ", a.clients, ", median ",
                             a.median_staff, ", listed ", a.listed,
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
  chromium(absl::StrCat("--screenshot=",
                        (artifacts / "demo-dashboard.png").string()),
           (artifacts / "demo-chromium.out").string());
}

}  // namespace
}  // namespace lov::console
