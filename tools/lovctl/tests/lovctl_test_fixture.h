#ifndef LOV_TOOLS_LOVCTL_TESTS_LOVCTL_TEST_FIXTURE_H_
#define LOV_TOOLS_LOVCTL_TESTS_LOVCTL_TEST_FIXTURE_H_

// What the lovctl process tests share: Testby's providers, setup and rates,
// the output helpers, and LovctlTest, a fixture that starts the services a
// test needs in a namespace of its own (ServiceTestStack) and runs
// tools/lovctl/lovctl against them, signed in by the stack's issuer.
//
//   class LovctlMonthTest : public LovctlTest {
//     void SetUp() override {
//       StartServices({"registry", "choice", "visits", "settlement"});
//       WriteFile("setup.json", kSetup);
//     }
//     Role DefaultRole(const std::vector<std::string>& args) const override;
//   };
//   TEST_F(LovctlMonthTest, ...) { std::string out = Ok({"zone", "list"}); }

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "lov/auth/v1/policy.pb.h"
#include "service_process.h"
#include "service_test_stack.h"

namespace lov::testing {

// Band rules as data: the night rate on every night, then holiday,
// weekend, evening, day (the value of a rate table's "band_rules").
inline constexpr char kNightEveryNightBandRules[] = R"({
  "windows": [
    {"day_types": ["DAY_TYPE_WEEKDAY", "DAY_TYPE_SATURDAY", "DAY_TYPE_SUNDAY"],
     "start_minute": 0, "end_minute": 420, "band": "BAND_NIGHT"},
    {"day_types": ["DAY_TYPE_WEEKDAY", "DAY_TYPE_SATURDAY", "DAY_TYPE_SUNDAY"],
     "start_minute": 1320, "end_minute": 1440, "band": "BAND_NIGHT"},
    {"day_types": ["DAY_TYPE_WEEKDAY"], "start_minute": 420, "end_minute": 1140,
     "band": "BAND_DAY"},
    {"day_types": ["DAY_TYPE_WEEKDAY"], "start_minute": 1140,
     "end_minute": 1320, "band": "BAND_EVENING"},
    {"day_types": ["DAY_TYPE_SATURDAY", "DAY_TYPE_SUNDAY"], "start_minute": 0,
     "end_minute": 1440, "band": "BAND_WEEKEND"},
    {"day_types": ["DAY_TYPE_PUBLIC_HOLIDAY"], "start_minute": 0,
     "end_minute": 1440, "band": "BAND_HOLIDAY"}],
  "precedence": ["BAND_NIGHT", "BAND_HOLIDAY", "BAND_WEEKEND", "BAND_EVENING",
                 "BAND_DAY"]})";
// Performed-hours rates per band from 2025 (a category's "band_rates").
inline constexpr char kPerformedHoursBandRates[] =
    R"([{"band": "BAND_DAY", "private_ore": 46000, "in_house_ore": 43000},
                 {"band": "BAND_EVENING", "private_ore": 53000, "in_house_ore": 50000},
                 {"band": "BAND_NIGHT", "private_ore": 61000, "in_house_ore": 58000},
                 {"band": "BAND_WEEKEND", "private_ore": 57000, "in_house_ore": 54000},
                 {"band": "BAND_HOLIDAY", "private_ore": 69000, "in_house_ore": 66000}])";

class LovctlTest : public ::testing::Test {
 protected:
  using Role = ::lov::auth::v1::Role;

  // Testby's in-house unit and Attendo, the private provider.
  static constexpr char kInHouse[] = "prv-2120000209";
  static constexpr char kAttendo[] = "prv-5565541645";

  // Testby (0999): the centre zone and home help from 07:00 to 22:00.
  static constexpr char kSetup[] = R"({
  "municipality_id": "0999", "name": "Testby", "provider_notice_days": 30,
  "stop_intake_on_notice": true, "in_house_provider_id": "prv-2120000209",
  "zones": [{"zone_id": "centrum", "name": "Centrum", "area_type": "AREA_TYPE_URBAN"}],
  "categories": [{"category_id": "home-help-service", "name": "Service",
                  "hours": [{"start_minute": 420, "end_minute": 1320}]}]
})";

  // Testby's rates from 2024: performed hours, day 450.00 kr (in-house
  // 420.00), evening, night, weekend and holiday above it.
  static constexpr char kRates[] = R"({
  "effective_date": "2024-01-01",
  "bands": {"day_start_minute": 420, "evening_start_minute": 1140, "night_start_minute": 1320},
  "categories": [{"category_id": "home-help-service", "model": "PAYMENT_MODEL_PERFORMED_HOURS",
    "band_rates": [{"band": "BAND_DAY", "private_ore": 45000, "in_house_ore": 42000},
                   {"band": "BAND_EVENING", "private_ore": 52000, "in_house_ore": 49000},
                   {"band": "BAND_NIGHT", "private_ore": 60000, "in_house_ore": 57000},
                   {"band": "BAND_WEEKEND", "private_ore": 56000, "in_house_ore": 53000},
                   {"band": "BAND_HOLIDAY", "private_ore": 68000, "in_house_ore": 65000}]}]
})";

  static bool Has(const std::string& out, const std::string& text) {
    return out.find(text) != std::string::npos;
  }

  // The first group of `pattern` in `out`, "" when it does not match.
  static std::string Capture(const std::string& out,
                             const std::string& pattern) {
    std::smatch m;
    return std::regex_search(out, m, std::regex(pattern)) ? m[1].str() : "";
  }

  // The whole file at `path`, "" when there is none.
  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  // Starts `services` ("registry", "choice", ...) in the stack's namespace
  // and creates dir_, the test's directory for files. A service that does
  // not start fails the test, naming it, with its log.
  void StartServices(const std::vector<std::string>& services) {
    for (const std::string& s : services) {
      absl::Status started = stack_.Start(s);
      ASSERT_TRUE(started.ok()) << started;
      services_.push_back(s);
    }
    dir_ = std::filesystem::temp_directory_path() / ("lovctl-" + stack_.ns());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Writes `text` to `name` in dir_ and returns the file's path; a file
  // that cannot be written fails the test.
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream out(path);
    out << text;
    out.close();
    EXPECT_TRUE(out.good()) << "could not write " << path;
    return path;
  }

  // Who runs `args` when the test gives no token: a case officer unless the
  // test says otherwise. A provider is signed in as Attendo.
  virtual Role DefaultRole(const std::vector<std::string>& /*args*/) const {
    return auth::v1::ROLE_CASE_OFFICER;
  }

  // A token of the stack's issuer (TestIssuer::Token).
  std::string Token(Role role, const std::string& provider_id = "",
                    const std::string& subject = "") const {
    return stack_.issuer().Token(role, provider_id, subject);
  }

  // lovctl with `args`, told where every started service is, signed in in
  // DefaultRole(args) or with `token` when given; `input` is its standard
  // input.
  RunResult Lovctl(std::vector<std::string> args, std::string token = "",
                   const std::string& input = "") {
    if (token.empty()) {
      const Role role = DefaultRole(args);
      token = Token(role, role == auth::v1::ROLE_PROVIDER ? kAttendo : "");
    }
    std::vector<std::string> all;
    for (const std::string& s : services_) {
      all.push_back("--" + s + "=" + stack_.process(s).target());
    }
    all.insert(all.end(), args.begin(), args.end());
    return RunToCompletion("tools/lovctl/lovctl", all, absl::Seconds(60),
                           {"LOV_TOKEN=" + token, "LOV_TOKEN_FILE="}, input);
  }
  RunResult Lovctl(Role role, std::vector<std::string> args,
                   const std::string& input = "") {
    return Lovctl(std::move(args), Token(role), input);
  }

  // Runs a command that must succeed and returns its output.
  std::string Ok(std::vector<std::string> args, const std::string& token = "",
                 const std::string& input = "") {
    RunResult r = Lovctl(args, token, input);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.output;
    return r.output;
  }
  std::string Ok(Role role, std::vector<std::string> args,
                 const std::string& input = "") {
    return Ok(std::move(args), Token(role), input);
  }

  // The registry officer registers Testby's in-house unit and Attendo
  // (each with its `extra` flags, e.g. --languages), sets Testby up from
  // dir_/setup.json and approves both in the centre from 2024-01-01.
  void TwoApprovedProviders(
      const std::vector<std::string>& in_house_extra = {},
      const std::vector<std::string>& attendo_extra = {}) {
    const Role officer = auth::v1::ROLE_REGISTRY_OFFICER;
    std::vector<std::string> in_house = {
        "provider", "register",         "--org",  "212000-0209",
        "--name",   "Testby egen regi", "--kind", "in-house"};
    in_house.insert(in_house.end(), in_house_extra.begin(),
                    in_house_extra.end());
    in_house.insert(in_house.end(), {"--request-id", "r1"});
    Ok(officer, in_house);
    std::vector<std::string> attendo = {"provider",    "register", "--org",
                                        "556554-1645", "--name",   "Attendo"};
    attendo.insert(attendo.end(), attendo_extra.begin(), attendo_extra.end());
    attendo.insert(attendo.end(), {"--request-id", "r2"});
    Ok(officer, attendo);
    Ok(officer, {"municipality", "setup", "--file", dir_ + "/setup.json",
                 "--request-id", "s1"});
    for (const char* id : {kInHouse, kAttendo}) {
      Ok(officer,
         {"provider", "apply", "--id", id, "--zones", "centrum", "--categories",
          "home-help-service", "--request-id", std::string("a-") + id});
      Ok(officer, {"provider", "approve", "--id", id, "--application", "app-1",
                   "--effective-date", "2024-01-01", "--request-id",
                   std::string("ap-") + id});
    }
  }

  ServiceTestStack stack_;
  // The services started, in order.
  std::vector<std::string> services_;
  // The test's directory for files, removed after it.
  std::string dir_;
};

}  // namespace lov::testing

#endif  // LOV_TOOLS_LOVCTL_TESTS_LOVCTL_TEST_FIXTURE_H_
