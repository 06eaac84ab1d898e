// `lovctl client decision --granted CATEGORY:MINUTES:LEVEL` as a process
// against the registry, choice and settlement services: the case officer
// decides a client's support level, the level changes from the 16th, and
// settlement's preview pays each level for its days; a level the rate
// table has no day rate for is an error naming it; a malformed --granted
// is refused by lovctl in one line before anything is sent; `client
// revise-decision` changes the level from a date, the provider kept, and
// an approved month it reaches back into is adjusted the month after.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "lovctl_test_fixture.h"
#include "test_stack.h"

namespace lov {
namespace {

using Role = ::lov::auth::v1::Role;
using ::lov::testing::Eventually;
using ::lov::testing::RunResult;

// Whether `out` lists decision `id` from `from` to `to` ("-": open-ended)
// granting 10 hours of home help a month at `level`.
bool ListsDecision(const std::string& out, const std::string& id,
                   const std::string& from, const std::string& to,
                   const std::string& level) {
  return std::regex_search(
      out, std::regex(id + " +" + from + " +" + to +
                      " +home-help-service 10 h/month, level " + level));
}

// Testby's home help paid per day by the client's decided level from
// 2025: level 1 520.00 kr a day, level 2 780.00 kr (private), no default
// level in the category.
constexpr char kLevelRates[] = R"({
  "effective_date": "2025-01-01",
  "bands": {"day_start_minute": 420, "evening_start_minute": 1140, "night_start_minute": 1320},
  "support_levels": [
    {"level": "niva-1", "per_day": {"private_ore": 52000, "in_house_ore": 50000}},
    {"level": "niva-2", "per_day": {"private_ore": 78000, "in_house_ore": 75000}}],
  "categories": [{"category_id": "home-help-service",
                  "model": "PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL"}]
})";

class LovctlLevelTest : public ::lov::testing::LovctlTest {
 protected:
  void SetUp() override {
    StartServices({"registry", "choice", "settlement"});
    WriteFile("setup.json", kSetup);
    WriteFile("levels.json", kLevelRates);
  }

  // The registry officer the registry, finance the rates and statements,
  // a case officer the clients.
  Role DefaultRole(const std::vector<std::string>& args) const override {
    if (args[0] == "provider" || args[0] == "municipality" ||
        args[0] == "policy") {
      return auth::v1::ROLE_REGISTRY_OFFICER;
    }
    if (args[0] == "rates" || args[0] == "statement") {
      return auth::v1::ROLE_FINANCE;
    }
    return auth::v1::ROLE_CASE_OFFICER;
  }

  std::string March() {
    return Lovctl({"statement", "preview", "--provider", kAttendo, "--period",
                   "2025-03"})
        .output;
  }

  // Both providers approved, Testby's in-house allocation, the centre zone
  // healthy and the level rates (kLevelRates) added.
  void LevelRatesInPlace() {
    TwoApprovedProviders();
    if (HasFatalFailure()) return;
    Ok({"policy", "set", "--allocation", "in-house", "--rechoice",
        "notice-days:14", "--request-id", "p1"});
    ASSERT_TRUE(Eventually([&] {
      return Has(Lovctl({"zone", "health", "--as-of", "2025-01-01"}).output,
                 "centrum");
    }));
    Ok({"rates", "add", "--file", dir_ + "/levels.json"});
  }

  // A client registered in the centre, decided level 1 from January (bb-1)
  // and assigned to Attendo, its choice, from that day: its id in *client.
  void ClientOfAttendoAtLevelOne(std::string* client) {
    const std::string out = Ok({"client", "register", "--personnummer-stdin",
                                "--zone", "centrum", "--request-id", "c1"},
                               "", "19400101-1230\n");
    *client = Capture(out, "client (cli-[0-9a-f-]+)");
    ASSERT_FALSE(client->empty()) << out;
    Ok({"client", "decision", "--id", *client, "--decision", "bb-1", "--from",
        "2025-01-01", "--granted", "home-help-service:600:niva-1",
        "--request-id", "d1"});
    const std::string seed = Capture(
        Ok({"client", "eligible", "--id", *client, "--as-of", "2025-01-01"}),
        "seed ([0-9]+)");
    Ok({"client", "choose", "--id", *client, "--provider", kAttendo,
        "--effective-date", "2025-01-01", "--seed", seed, "--request-id",
        "ch1"});
  }
};

TEST_F(LovctlLevelTest, TheDecidedLevelPricesEachDayOfTheMonth) {
  LevelRatesInPlace();
  if (HasFatalFailure()) return;
  std::string out = Ok({"rates", "list"});
  EXPECT_TRUE(std::regex_search(
      out, std::regex("home-help-service +PER_DAY_BY_SUPPORT_LEVEL +by "
                      "decided level \\(2 levels\\)")))
      << out;
  // Level 1 from January; the client chooses Attendo.
  std::string client;
  ClientOfAttendoAtLevelOne(&client);
  if (HasFatalFailure()) return;
  // Level 2 from 16 March: bb-1 ends on the 15th (and with it the
  // assignment), bb-2 starts on the 16th and the client chooses Attendo
  // again from that day.
  Ok({"client", "change-decision", "--id", client, "--decision", "bb-1",
      "--from", "2025-01-01", "--to", "2025-03-15", "--granted",
      "home-help-service:600:niva-1", "--request-id", "d1-end"});
  out = Ok({"client", "decision", "--id", client, "--decision", "bb-2",
            "--from", "2025-03-16", "--granted", "home-help-service:600:niva-2",
            "--request-id", "d2"});
  EXPECT_TRUE(ListsDecision(out, "bb-1", "2025-01-01", "2025-03-15", "niva-1"))
      << out;
  EXPECT_TRUE(ListsDecision(out, "bb-2", "2025-03-16", "-", "niva-2")) << out;
  out = Ok({"client", "eligible", "--id", client, "--as-of", "2025-03-16"});
  const std::string seed = Capture(out, "seed ([0-9]+)");
  Ok({"client", "choose", "--id", client, "--provider", kAttendo,
      "--effective-date", "2025-03-16", "--seed", seed, "--request-id", "ch2"});

  // March: 15 days x 520.00 = 7800.00 kr and 16 days x 780.00 = 12480.00
  // kr, 20280.00 kr in all.
  ASSERT_TRUE(Eventually([&] { return Has(March(), "total 20280.00 kr"); }))
      << March();
  out = March();
  EXPECT_TRUE(std::regex_search(
      out, std::regex("level niva-1 +home-help-service +centrum +15 +520\\.00 "
                      "+7800\\.00\n")))
      << out;
  EXPECT_TRUE(std::regex_search(
      out, std::regex("level niva-2 +home-help-service +centrum +16 +780\\.00 "
                      "+12480\\.00\n")))
      << out;

  // A level the rate table does not know: no statement, the error names it.
  Ok({"client", "change-decision", "--id", client, "--decision", "bb-2",
      "--from", "2025-03-16", "--granted", "home-help-service:600:niva-3",
      "--request-id", "d3"});
  RunResult unknown;
  ASSERT_TRUE(Eventually([&] {
    unknown = Lovctl({"statement", "preview", "--provider", kAttendo,
                      "--period", "2025-03"});
    return unknown.exit_code != 0;
  })) << unknown.output;
  EXPECT_TRUE(Has(unknown.output,
                  "support level 'niva-3' in category "
                  "'home-help-service' from 2025-03-16"))
      << unknown.output;
  EXPECT_FALSE(Has(unknown.output, "total")) << unknown.output;
}

// `lovctl client revise-decision`: the level changes from 16 February,
// after February was approved; the client keeps Attendo without choosing
// again, and March's statement books February's 16th-28th at the new
// level as an adjustment.
TEST_F(LovctlLevelTest,
       ARevisedLevelKeepsTheProviderAndAdjustsTheApprovedMonth) {
  LevelRatesInPlace();
  if (HasFatalFailure()) return;
  std::string client;
  ClientOfAttendoAtLevelOne(&client);
  if (HasFatalFailure()) return;

  // February at level 1: 28 x 520.00 = 14560.00 kr, approved.
  std::string feb;
  ASSERT_TRUE(Eventually([&] {
    feb = Lovctl({"statement", "preview", "--provider", kAttendo, "--period",
                  "2025-02"})
              .output;
    return Has(feb, "total 14560.00 kr");
  })) << feb;
  std::string out = Ok(
      {"statement", "approve", "--provider", kAttendo, "--period", "2025-02",
       "--digest", Capture(feb, "digest ([0-9a-f]+)"), "--by", "controller"});
  ASSERT_TRUE(Has(out, "(approved)")) << out;

  // Level 2 from 16 February: bb-1 ends on the 15th, bb-2 starts on the
  // 16th, and the assignment with Attendo runs on.
  out = Ok({"client", "revise-decision", "--id", client, "--decision", "bb-1",
            "--from", "2025-02-16", "--new-decision", "bb-2", "--granted",
            "home-help-service:600:niva-2", "--request-id", "rev-1"});
  EXPECT_TRUE(ListsDecision(out, "bb-1", "2025-01-01", "2025-02-15", "niva-1"))
      << out;
  EXPECT_TRUE(ListsDecision(out, "bb-2", "2025-02-16", "-", "niva-2")) << out;
  EXPECT_TRUE(Has(out, kAttendo)) << out;
  EXPECT_FALSE(
      Has(Ok({"rechoice", "list", "--client", client, "--open"}), "rc-"));

  // March: 31 x 780.00 = 24180.00 kr; February's 13 days (16th-28th) again:
  // -13 x 520.00 = -6760.00 and +13 x 780.00 = 10140.00. 27560.00 kr.
  ASSERT_TRUE(Eventually([&] { return Has(March(), "total 27560.00 kr"); }))
      << March();
  out = March();
  EXPECT_TRUE(Has(out, "-6760.00")) << out;
  EXPECT_TRUE(Has(out, "10140.00")) << out;
  EXPECT_TRUE(Has(out, "2025-02")) << out;
  // February stays as approved.
  EXPECT_TRUE(Has(
      Ok({"statement", "show", "--provider", kAttendo, "--period", "2025-02"}),
      "total 14560.00 kr"));
}

TEST_F(LovctlLevelTest, AMalformedGrantedIsRefusedInOneLine) {
  struct Case {
    std::string granted;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"home-help-service:600:niva 2",
       "--granted: the support level of 'home-help-service' must be a code "
       "of at most 40 ASCII letters, digits, '-', '_' and '.' (e.g. niva-2)"},
      {"home-help-service:600:",
       "--granted: 'home-help-service:600:' "
       "has an empty support level"},
      {"home-help-service:600:a:b",
       "--granted: 'home-help-service:600:a:b' is not "
       "CATEGORY:MINUTES_PER_MONTH[:SUPPORT_LEVEL]"},
      {"home-help-service:600:19400101-1230",
       "--granted: the support level of 'home-help-service' must not contain "
       "a personal identity number"},
  };
  for (const Case& c : cases) {
    RunResult r = Lovctl({"client", "decision", "--id", "cli-x", "--decision",
                          "d", "--from", "2025-01-01", "--granted", c.granted});
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_TRUE(Has(r.output, c.message)) << c.granted << ": " << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1)
        << r.output;
    EXPECT_FALSE(Has(r.output, "19400101")) << r.output;
  }
}

}  // namespace
}  // namespace lov
