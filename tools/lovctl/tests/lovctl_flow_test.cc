// The lovctl commands for clients, choice, visits and settlement, run as
// processes against the four running services: a municipality's month as
// staff and a provider would work through it on the command line, each
// signed in in their role (the services trust a development issuer only, as
// under make run).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "lovctl_test_fixture.h"
#include "test_stack.h"

namespace lov {
namespace {

using Role = ::lov::auth::v1::Role;
using ::lov::testing::Eventually;
using ::lov::testing::RunResult;

// Who runs a command: the registry officer the registry, finance the
// money, a provider's system its own visits, a case officer the rest.
Role RoleOf(const std::string& group, const std::string& command) {
  static const std::map<std::string, Role> kByGroup = {
      {"provider", auth::v1::ROLE_REGISTRY_OFFICER},
      {"municipality", auth::v1::ROLE_REGISTRY_OFFICER},
      {"rates", auth::v1::ROLE_FINANCE},
      {"listing-rule", auth::v1::ROLE_FINANCE},
      {"statement", auth::v1::ROLE_FINANCE},
      {"followup", auth::v1::ROLE_FINANCE},
      {"oneoff", auth::v1::ROLE_FINANCE}};
  if (group == "policy" && command == "set")
    return auth::v1::ROLE_REGISTRY_OFFICER;
  if (group == "visit" && command != "performed" && command != "deviations") {
    return auth::v1::ROLE_PROVIDER;
  }
  auto found = kByGroup.find(group);
  return found == kByGroup.end() ? auth::v1::ROLE_CASE_OFFICER : found->second;
}

// Testby with a second, rural zone (norr) that a client moves to.
constexpr char kTwoZoneSetup[] = R"({
  "municipality_id": "0999", "name": "Testby", "provider_notice_days": 30,
  "stop_intake_on_notice": true, "in_house_provider_id": "prv-2120000209",
  "zones": [{"zone_id": "centrum", "name": "Centrum", "area_type": "AREA_TYPE_URBAN"},
            {"zone_id": "norr", "name": "Norr", "area_type": "AREA_TYPE_RURAL"}],
  "categories": [{"category_id": "home-help-service", "name": "Service",
                  "hours": [{"start_minute": 420, "end_minute": 1320}]}]
})";

// A later version with band rules as data: the night rate on every night.
std::string RulesRates() {
  return absl::StrCat(R"({
  "effective_date": "2026-01-01",
  "band_rules": )",
                      testing::kNightEveryNightBandRules, R"(,
  "categories": [{"category_id": "home-help-service", "model": "PAYMENT_MODEL_PERFORMED_HOURS",
    "band_rates": )",
                      testing::kPerformedHoursBandRates, R"(}]
})");
}

class LovctlFlowTest : public ::lov::testing::LovctlTest {
 protected:
  void SetUp() override {
    StartServices({"registry", "choice", "visits", "settlement"});
    WriteFile("setup.json", kTwoZoneSetup);
    WriteFile("rates.json", kRates);
    WriteFile("rules.json", RulesRates());
  }

  // Signed in in the role of the command (RoleOf), a provider as Attendo,
  // unless the test gives a token.
  Role DefaultRole(const std::vector<std::string>& args) const override {
    return RoleOf(args[0], args.size() > 1 ? args[1] : "");
  }
};

TEST_F(LovctlFlowTest, AMonthOnTheCommandLine) {
  // Registry: providers, setup, approvals.
  TwoApprovedProviders();

  // Choice: policy, clients, decisions, lists, choices.
  std::string out = Ok({"policy", "set", "--allocation", "in-house",
                        "--rechoice", "notice-days:14", "--request-id", "p1"});
  EXPECT_TRUE(Has(out, "policy version 1 set")) << out;
  out = Ok({"policy", "show"});
  EXPECT_TRUE(Has(out, "ALLOCATION_POLICY_IN_HOUSE")) << out;
  EXPECT_TRUE(Has(out, "re-choice cap per 12 months: none")) << out;
  ASSERT_TRUE(Eventually([&] {
    return Has(Lovctl({"zone", "health", "--as-of", "2025-01-01"}).output,
               "centrum");
  }));
  // The personnummer on standard input, with the flag or without (standard
  // input is not a terminal); never on the command line.
  out = Ok({"client", "register", "--personnummer-stdin", "--zone", "centrum",
            "--request-id", "c1"},
           "", "19400101-1230\n");
  const std::string a = Capture(out, "client (cli-[0-9a-f-]+)");
  ASSERT_FALSE(a.empty()) << out;
  EXPECT_FALSE(Has(out, "19400101"));  // the table shows the client id only
  out = Ok({"client", "register", "--zone", "centrum", "--request-id", "c2"},
           "", "19350515-2383");
  const std::string b = Capture(out, "client (cli-[0-9a-f-]+)");
  for (const auto& [id, rid] : {std::pair{a, "d1"}, std::pair{b, "d2"}}) {
    Ok({"client", "decision", "--id", id, "--decision",
        std::string("bb-") + rid, "--from", "2025-01-01", "--granted",
        "home-help-service:600", "--request-id", rid});
  }
  out = Ok({"client", "change-decision", "--id", a, "--decision", "bb-d1",
            "--from", "2025-01-01", "--granted", "home-help-service:900",
            "--request-id", "d1b"});
  EXPECT_TRUE(Has(out, "15 h/month")) << out;
  out = Ok({"client", "eligible", "--id", a, "--as-of", "2025-01-01"});
  EXPECT_TRUE(Has(out, "Attendo")) << out;
  EXPECT_TRUE(Has(out, "Testby egen regi")) << out;
  const std::string seed = Capture(out, "seed ([0-9]+)");
  out = Ok({"client", "choose", "--id", a, "--provider", "prv-5565541645",
            "--effective-date", "2025-01-01", "--seed", seed, "--request-id",
            "ch1"});
  EXPECT_TRUE(Has(out, "chosen")) << out;
  out = Ok({"client", "allocate", "--id", b, "--effective-date", "2025-01-01",
            "--request-id", "al1"});
  EXPECT_TRUE(Has(out, "prv-2120000209")) << out;
  EXPECT_TRUE(Has(out, "why: ALLOCATION_POLICY_IN_HOUSE")) << out;
  out = Ok({"client", "show", "--personnummer-stdin"}, "", "19400101-1230\n");
  EXPECT_TRUE(Has(out, a)) << out;
  out = Ok({"assignments", "list", "--provider", "prv-5565541645", "--as-of",
            "2025-03-01"});
  EXPECT_TRUE(Has(out, a)) << out;

  // Visits, reported by the provider's system.
  std::vector<std::string> visit = {
      "--provider", "prv-5565541645",    "--report-id",
      "v1",         "--client",          a,
      "--category", "home-help-service", "--staff",
      "s-1",        "--start",           "2025-03-04T10:00",
      "--end",      "2025-03-04T12:00"};
  visit.insert(visit.begin(), {"--travel-km", "12.5"});  // 12 500 metres
  ASSERT_TRUE(Eventually([&] {
    std::vector<std::string> args = {"visit", "report"};
    args.insert(args.end(), visit.begin(), visit.end());
    return Has(Lovctl(args).output, "accepted");
  }));
  std::ofstream(dir_ + "/visits.jsonl")
      << "{\"report_id\":\"v2\",\"provider_id\":\"prv-5565541645\",\"client_"
         "id\":\""
      << a
      << "\",\"category_id\":\"home-help-service\",\"staff_id\":\"s-1\","
         "\"start\":\"2025-03-05T09:00:00Z\",\"end\":\"2025-03-05T10:00:00Z\","
         "\"status\":\"VISIT_STATUS_PERFORMED\",\"evidence\":\"EVIDENCE_NFC_"
         "TAG\"}\n"
      << "{\"report_id\":\"v3\",\"provider_id\":\"prv-5565541645\",\"client_"
         "id\":\""
      << b
      << "\",\"category_id\":\"home-help-service\",\"staff_id\":\"s-2\","
         "\"start\":\"2025-03-05T09:00:00Z\",\"end\":\"2025-03-05T10:00:00Z\","
         "\"status\":\"VISIT_STATUS_PERFORMED\",\"evidence\":\"EVIDENCE_NFC_"
         "TAG\"}\n";
  out = Ok({"visit", "upload", "--file", dir_ + "/visits.jsonl"});
  EXPECT_TRUE(Has(out, "1 accepted, 1 rejected")) << out;
  EXPECT_TRUE(Has(out, "NOT_ASSIGNED")) << out;
  out = Ok({"visit", "rejected", "--provider", "prv-5565541645", "--period",
            "2025-03"});
  EXPECT_TRUE(Has(out, "v3")) << out;
  out = Ok(
      {"visit", "show", "--provider", "prv-5565541645", "--report-id", "v1"});
  EXPECT_TRUE(Has(out, "2025-03-04T09:00:00Z")) << out;  // 10:00 Stockholm
  EXPECT_TRUE(Has(out, "travel 12.500 km")) << out;
  std::vector<std::string> correct = {"visit", "correct"};
  correct.insert(correct.end(), visit.begin(), visit.end());
  correct.back() = "2025-03-04T11:30";
  correct.insert(correct.end(),
                 {"--reason", "left earlier", "--request-id", "cor1"});
  out = Ok(correct);
  EXPECT_TRUE(Has(out, "corrected, version 2")) << out;
  out =
      Ok({"visit", "void", "--provider", "prv-5565541645", "--report-id", "v2",
          "--reason", "reported twice by mistake", "--request-id", "void1"});
  EXPECT_TRUE(Has(out, "voided in 2025-03")) << out;
  out = Ok({"visit", "performed", "--client", a, "--period", "2025-03"});
  EXPECT_TRUE(Has(out, "1.5")) << out;  // 90 minutes left after the correction
  Ok({"visit", "exceptions", "--provider", "prv-5565541645"});
  out = Ok({"visit", "deviations", "--period", "2025-03", "--threshold", "50"});
  EXPECT_TRUE(Has(out, a)) << out;  // 1.5 h of 15 h granted

  // Settlement.
  Ok({"rates", "add", "--file", dir_ + "/rates.json"});
  out = Ok({"rates", "list"});
  EXPECT_TRUE(Has(out, "450.00")) << out;
  EXPECT_TRUE(Has(out, "holiday > weekend > night > evening > day")) << out;
  Ok({"rates", "add", "--file", dir_ + "/rules.json"});
  out = Ok({"rates", "list"});
  EXPECT_TRUE(Has(out, "6 windows, night first")) << out;
  Ok({"listing-rule", "set", "--rule", "pro-rata"});
  std::string preview;
  ASSERT_TRUE(Eventually([&] {
    preview = Lovctl({"statement", "preview", "--provider", "prv-5565541645",
                      "--period", "2025-03"})
                  .output;
    return Has(preview, "total 675.00 kr");  // 1.5 h x 450.00
  })) << preview;
  const std::string digest = Capture(preview, "digest ([0-9a-f]+)");
  out = Ok({"statement", "approve", "--provider", "prv-5565541645", "--period",
            "2025-03", "--digest", digest, "--by", "controller"});
  EXPECT_TRUE(Has(out, "(approved)")) << out;
  // The request id made for the approval is printed; retried with it (an
  // answer lost on the way) the approval is answered again, unchanged.
  const std::string approval_id = Capture(out, "request id ([0-9a-f-]{36})");
  ASSERT_FALSE(approval_id.empty()) << out;
  EXPECT_EQ(Ok({"statement", "approve", "--provider", "prv-5565541645",
                "--period", "2025-03", "--digest", digest, "--by", "controller",
                "--request-id", approval_id}),
            out);
  out = Ok({"statement", "show", "--provider", "prv-5565541645", "--period",
            "2025-03"});
  EXPECT_TRUE(Has(out, "total 675.00 kr")) << out;
  // Attendo's own system reads it; the in-house unit's may not.
  const std::vector<std::string> show = {"statement", "show",     "--provider",
                                         kAttendo,    "--period", "2025-03"};
  out = Lovctl(show, Token(auth::v1::ROLE_PROVIDER, kAttendo)).output;
  EXPECT_TRUE(Has(out, "total 675.00 kr")) << out;
  RunResult refused =
      Lovctl(show, Token(auth::v1::ROLE_PROVIDER, "prv-2120000209"));
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(Has(refused.output,
                  "PERMISSION_DENIED: provider_id: a provider may act only "
                  "for its own provider"))
      << refused.output;
  EXPECT_FALSE(Has(refused.output, "675")) << refused.output;
  out = Ok({"statement", "export", "--provider", "prv-5565541645", "--period",
            "2025-03", "--format", "csv"});
  EXPECT_TRUE(Has(out, "675.00") || Has(out, "67500")) << out;
  Ok({"statement", "export", "--provider", "prv-5565541645", "--period",
      "2025-03", "--format", "json", "--out", dir_ + "/statement.json"});
  EXPECT_TRUE(std::filesystem::file_size(dir_ + "/statement.json") > 0);
  out = Ok({"followup", "show", "--period", "2025-03"});
  EXPECT_TRUE(Has(out, "prv-5565541645")) << out;
  out = Ok({"oneoff", "create", "--id", "support-2025", "--description",
            "transition support", "--total", "1000.00", "--basis-period",
            "2025-03", "--paid-in", "2025-04"});
  EXPECT_TRUE(Has(out, "1000.00 kr")) << out;
  // The other sharing rules: by the clients listed in March, and by an
  // amount the committee fixed.
  out = Ok({"oneoff", "create", "--id", "listing-support-2025", "--description",
            "listing support", "--total", "500.00", "--rule", "client-days",
            "--basis-period", "2025-03", "--paid-in", "2025-04"});
  EXPECT_TRUE(Has(out, "CLIENT-DAYS")) << out;
  EXPECT_TRUE(Has(out, kAttendo)) << out;
  out = Ok({"oneoff", "create", "--id", "adaptation-2025", "--description",
            "verksamhetsanpassning", "--total", "250.50", "--rule", "fixed",
            "--shares", std::string(kAttendo) + "=250.50", "--paid-in",
            "2025-04"});
  EXPECT_TRUE(Has(out, "250.50 kr")) << out;

  // A provider leaves: re-choice cases, then allocation after the deadline.
  Ok({"provider", "notice", "--id", "prv-5565541645", "--zone", "centrum",
      "--given-on", "2025-04-01", "--effective-date", "2025-05-15",
      "--request-id", "n1"});
  ASSERT_TRUE(Eventually([&] {
    return Has(
        Lovctl({"rechoice", "list", "--provider", "prv-5565541645"}).output, a);
  }));
  out = Ok({"allocations", "run-due", "--as-of", "2025-05-15"});
  EXPECT_TRUE(Has(out, "1 allocated"))
      << out
      << Lovctl({"rechoice", "list", "--provider", "prv-5565541645"}).output;
  out = Ok({"client", "show", "--id", a});
  EXPECT_TRUE(Has(out, "transferred")) << out;
  Ok({"client", "move", "--id", b, "--zone", "norr", "--effective-date",
      "2025-06-01", "--request-id", "mv1"});
  out = Ok({"client", "end", "--id", b, "--reason", "moved-away", "--last-day",
            "2025-06-30", "--request-id", "end1"});
  EXPECT_TRUE(Has(out, "ended")) << out;
}

TEST_F(LovctlFlowTest, WrongInputGivesOneLineAndNonZeroExit) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
    std::string input = "";
  };
  std::vector<Case> cases = {
      {{"client", "register", "--personnummer-stdin", "--zone", "centrum"},
       "personnummer",
       "19400101-1234"},
      {{"client", "register", "--personnummer", "19400101-1230", "--zone",
        "centrum"},
       "--personnummer: a personnummer is not taken from the command line"},
      {{"client", "register", "--zone", "centrum"},
       "personnummer: none on standard input"},
      {{"client", "decision", "--id", "cli-x", "--decision", "d", "--from",
        "2025-01-01", "--granted", "service"},
       "--granted: 'service' is not CATEGORY:MINUTES_PER_MONTH"},
      {{"policy", "set", "--allocation", "lottery"}, "--allocation: 'lottery'"},
      {{"visit", "report", "--provider", "p", "--report-id", "r", "--client",
        "c", "--category", "x", "--staff", "s", "--start", "tomorrow", "--end",
        "later"},
       "--start: 'tomorrow' is not"},
      {{"statement", "export", "--provider", "p", "--period", "2025-03",
        "--format", "xls"},
       "--format: 'xls' is not csv or json"},
      {{"listing-rule", "set", "--rule", "sometimes"}, "--rule: 'sometimes'"},
      {{"oneoff", "create", "--id", "x", "--description", "d", "--total",
        "10.00", "--rule", "fixed", "--shares", "prv-a:10", "--paid-in",
        "2025-04"},
       "--shares: 'prv-a:10' is not PROVIDER=SEK"},
      {{"client", "show", "--id", "cli-x", "--personnummer-stdin"},
       "give exactly one of --id or --personnummer"},
      {{"client", "show", "--personnummer=19400101-1230"},
       "(others can read it in `ps` and it stays in the shell history)"},
  };
  for (const Case& c : cases) {
    RunResult r = Lovctl(c.args, "", c.input);
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_TRUE(Has(r.output, c.message)) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1)
        << r.output;
    EXPECT_EQ(r.output.find("19400101"), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace lov
