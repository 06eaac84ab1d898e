// What ConsoleDemoTest expects, worked out on the test's side only: the
// simulator's own files read back (indicator window, survey CSV, finance
// files) and the page's rows matched. Included by console_demo_test.cc only.
#ifndef LOV_CONSOLE_TESTS_CONSOLE_DEMO_CHECKS_H_
#define LOV_CONSOLE_TESTS_CONSOLE_DEMO_CHECKS_H_

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
#include "lov/followup/v1/followup.grpc.pb.h"
#include "lov/platform/ids.h"
#include "lov/platform/stockholm_time.h"

namespace lov::console {
namespace {

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
  // Every visit of the 14 days (any hour and status; the simulator voids
  // none), and those the visits service accepted with exceptions.
  int visits = 0, visits_with_exceptions = 0;
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
    // answer
    if (f[0] == "visit" && f.size() == 8) {
      AsOfFigures& a = w.by_provider[f[1]];
      ++a.visits;
      if (f[7] == "OUTCOME_ACCEPTED_WITH_EXCEPTIONS")
        ++a.visits_with_exceptions;
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
// clients counted, clients listed, visits with exceptions of all visits,
// the two rates; one decimal with a decimal comma.
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
      "</td><td class=\"num\">", a.visits_with_exceptions, " of ", a.visits,
      "</td><td class=\"num\">", tenths(a.complaints_tenths),
      "</td><td class=\"num\">", tenths(a.deviations_tenths), "</td></tr>"));
}

// `lovctl continuity`'s row of `provider` (tools/lovctl/indicator_commands.cc):
// clients counted, median ("-" without clients), the distribution, then
// "<with exceptions> of <visits> (<share> %)".
std::regex ContinuityLine(const std::string& provider, const AsOfFigures& a) {
  return std::regex(absl::StrCat(
      "(^|\n)", provider, " +", a.clients, " +",
      a.clients > 0 ? absl::StrFormat("%.1f", a.median_staff) : "-",
      " +[^\n]* ", a.visits_with_exceptions, " of ", a.visits, " \\("));
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

}  // namespace
}  // namespace lov::console

#endif  // LOV_CONSOLE_TESTS_CONSOLE_DEMO_CHECKS_H_
