// Every lovctl registry command, run as a process against a running
// registry, as staff would use it; and the errors they get wrong input with.
// The registry trusts a development issuer only, as under make run: lovctl
// signs in as a registry officer, and what it says without a valid token.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli.h"
#include "fixed_clock.h"
#include "lov/platform/ids.h"
#include "service_process.h"
#include "test_issuer.h"
#include "test_stack.h"

namespace lov {
namespace {

using Role = ::lov::auth::v1::Role;
using ::lov::testing::RunResult;
using ::lov::testing::RunToCompletion;
using ::lov::testing::ServiceProcess;
using ::lov::testing::TestIssuer;

constexpr char kSetup[] = R"({
  "municipality_id": "0188", "name": "Norrtälje",
  "provider_notice_days": 90, "stop_intake_on_notice": true,
  "zones": [{"zone_id": "north", "name": "Norra", "area_type": "AREA_TYPE_RURAL"},
            {"zone_id": "city", "name": "Staden", "area_type": "AREA_TYPE_URBAN"}],
  "categories": [{"category_id": "home-help-service", "name": "Hemtjänst service",
                  "hours": [{"start_minute": 420, "end_minute": 1320}]},
                 {"category_id": "home-rehabilitation", "name": "Rehabilitering",
                  "hours": [{"weekdays": [1, 2, 3, 4, 5], "start_minute": 480, "end_minute": 990}],
                  "public_holidays_as_sunday": true}]
})";

class LovctlRegistryTest : public ::testing::Test {
 protected:
  // Started once for the suite; a failure here fails every test (a fatal
  // failure in SetUpTestSuite would only mark them skipped).
  static void SetUpTestSuite() {
    auto issuer = TestIssuer::Make();
    if (!issuer.ok()) {
      setup_error_ = std::string(issuer.status().message());
      return;
    }
    issuer_ = issuer->release();
    registry_ =
        new ServiceProcess("services/registry/registry",
                           issuer_->ServiceFlags("t" + NewUuid().substr(0, 8)));
    if (absl::Status s = registry_->Start(); !s.ok()) {
      setup_error_ = std::string(s.message());
      return;
    }
    setup_file_ = std::filesystem::temp_directory_path() /
                  ("lovctl-setup-" + NewUuid().substr(0, 8) + ".json");
    std::ofstream(setup_file_) << kSetup;
    RunResult r = Lovctl({"municipality", "setup", "--file", setup_file_});
    if (r.exit_code != 0) {
      setup_error_ = r.output;
      return;
    }
    r = Lovctl({"provider", "register", "--org", "556554-1645", "--name",
                "Attendo Sverige AB", "--languages", "sv,fi",
                "--specialisations", "dementia", "--request-id", "reg-a"});
    if (r.exit_code != 0) setup_error_ = r.output;
  }
  void SetUp() override {
    ASSERT_EQ(setup_error_, "") << "suite set-up failed";
  }
  static void TearDownTestSuite() {
    delete registry_;
    std::filesystem::remove(setup_file_);
  }

  // Signed in as a registry officer unless `env` says otherwise.
  static RunResult Lovctl(std::vector<std::string> args,
                          std::vector<std::string> env = {},
                          const std::string& input = "") {
    args.insert(args.begin(), "--registry=" + registry_->target());
    env.insert(env.begin(),
               {"LOV_TOKEN=" + issuer_->Token(auth::v1::ROLE_REGISTRY_OFFICER),
                "LOV_TOKEN_FILE=", "LOV_DEV_ISSUER_KEY="});
    return RunToCompletion("tools/lovctl/lovctl", args, absl::Seconds(60), env,
                           input);
  }

  static TestIssuer* issuer_;
  static ServiceProcess* registry_;
  static std::string setup_file_;
  static std::string setup_error_;
};
TestIssuer* LovctlRegistryTest::issuer_ = nullptr;
ServiceProcess* LovctlRegistryTest::registry_ = nullptr;
std::string LovctlRegistryTest::setup_file_;
std::string LovctlRegistryTest::setup_error_;

bool Contains(const RunResult& r, const std::string& text) {
  return r.output.find(text) != std::string::npos;
}

TEST_F(LovctlRegistryTest, MunicipalityShowListsZonesAndHours) {
  RunResult r = Lovctl({"municipality", "show"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "Norrtälje (0188), notice period 90 days"))
      << r.output;
  EXPECT_TRUE(Contains(r, "north")) << r.output;
  EXPECT_TRUE(Contains(r, "07:00-22:00")) << r.output;
  EXPECT_TRUE(
      Contains(r, "Mon,Tue,Wed,Thu,Fri 08:00-16:30 (public holidays: Sun)"))
      << r.output;
}

// TLS from --ca, --cert, --key (the environment's LOV_TLS_* cleared here),
// and what lovctl says when they are wrong.
TEST_F(LovctlRegistryTest, TlsSettingsFromFlagsAndTheirErrors) {
  const std::vector<std::string> no_env = {
      "LOV_TLS_CA=", "LOV_TLS_CLIENT_CERT=", "LOV_TLS_CLIENT_KEY="};
  const ClientTls lovctl = lov::testing::Stack().Client("system:lovctl");
  auto run = [&](std::vector<std::string> tls_flags) {
    tls_flags.insert(tls_flags.end(), {"municipality", "show"});
    return Lovctl(tls_flags, no_env);
  };
  RunResult r = run({"--ca", lovctl.ca_file, "--cert", lovctl.cert_file,
                     "--key", lovctl.key_file});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "Norrtälje (0188)")) << r.output;

  r = run({});  // the system's roots do not know the local CA
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r, "cannot reach the service")) << r.output;
  EXPECT_TRUE(Contains(r, "check the TLS settings: --ca, --cert, --key"))
      << r.output;

  r = run({"--ca", lovctl.ca_file, "--cert", "/nonexistent.crt", "--key",
           lovctl.key_file});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r,
                       "lovctl: LOV_TLS_CLIENT_CERT (lovctl --cert): "
                       "cannot read /nonexistent.crt"))
      << r.output;
}

TEST_F(LovctlRegistryTest, ProviderLifecycleThroughTheCommandLine) {
  RunResult r = Lovctl({"provider", "apply", "--id", "prv-5565541645",
                        "--zones", "north,city", "--categories",
                        "home-help-service", "--request-id", "apply-a"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "app-1")) << r.output;
  r = Lovctl({"provider", "approve", "--id", "prv-5565541645", "--application",
              "app-1", "--effective-date", "2025-01-01", "--request-id",
              "approve-a"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "APPROVED")) << r.output;
  r = Lovctl({"provider", "cap", "--id", "prv-5565541645", "--zone", "north",
              "--max-clients", "40", "--request-id", "cap-a"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "cap north: 40 clients")) << r.output;
  r = Lovctl({"provider", "cap", "--id", "prv-5565541645", "--zone", "city",
              "--max-hours", "400", "--request-id", "cap-hours-a"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "cap city: 400 h a month")) << r.output;
  r = Lovctl({"provider", "pause", "--id", "prv-5565541645", "--zone", "city",
              "--reason", "staff shortage", "--request-id", "pause-a"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Lovctl(
      {"provider", "show", "--id", "prv-5565541645", "--as-of", "2025-03-01"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "intake paused by the provider")) << r.output;
  r = Lovctl({"provider", "resume", "--id", "prv-5565541645", "--zone", "city",
              "--request-id", "resume-a"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Lovctl({"provider", "list", "--zone", "north", "--as-of", "2025-03-01",
              "--accepting"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "Attendo Sverige AB")) << r.output;
  r = Lovctl({"provider", "sanction", "--id", "prv-5565541645", "--kind",
              "suspension", "--reason", "missing reports", "--request-id",
              "susp-a"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "san-1")) << r.output;
  r = Lovctl({"provider", "lift-suspension", "--id", "prv-5565541645",
              "--sanction", "san-1", "--reason", "reports in", "--request-id",
              "lift-a"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "(lifted)")) << r.output;
  // A warning that answers a follow-up finding names it (docs/followup.md).
  const std::string finding = "fu-0f8fad5b-d9cb-469f-a165-70867728950e/f2";
  r = Lovctl({"provider", "sanction", "--id", "prv-5565541645", "--kind",
              "warning", "--reason", "action plan late", "--finding", finding,
              "--request-id", "warn-finding-a"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(
      r, "san-2: WARNING - action plan late (finding " + finding + ")"))
      << r.output;
  r = Lovctl({"provider", "sanction", "--id", "prv-5565541645", "--kind",
              "warning", "--reason", "late", "--finding", "f2", "--request-id",
              "warn-finding-b"});
  EXPECT_EQ(r.exit_code, 2) << r.output;  // a usage error, found locally
  EXPECT_TRUE(Contains(r, "--finding")) << r.output;
  r = Lovctl({"provider", "notice", "--id", "prv-5565541645", "--zone", "city",
              "--given-on", "2025-03-01", "--effective-date", "2025-07-01",
              "--request-id", "notice-a"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "leaves city on 2025-07-01")) << r.output;
  r = Lovctl({"provider", "history", "--id", "prv-5565541645"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "notice given to leave zone city on 2025-07-01"))
      << r.output;
  // That leaving date lies in the past: too late to withdraw.
  r = Lovctl({"provider", "withdraw-notice", "--id", "prv-5565541645", "--zone",
              "city", "--request-id", "withdraw-a"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r, "took effect on 2025-07-01")) << r.output;
  r = Lovctl({"--json", "provider", "show", "--id", "prv-5565541645"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "\"organisation_number\": \"556554-1645\""))
      << r.output;
}

// Finance sets where a provider is paid; the registry checks each number's
// check digit (worked by hand in services/registry/domain/
// payment_numbers_test.cc) and names the field it refuses.
TEST_F(LovctlRegistryTest, FinanceSetsPaymentDetailsCheckedByTheRegistry) {
  const std::vector<std::string> as_finance = {
      "LOV_TOKEN=" + issuer_->Token(auth::v1::ROLE_FINANCE)};
  // 5050-1056: Luhn sum 11, a wrong check digit.
  RunResult r =
      Lovctl({"provider", "payment-details", "--id", "prv-5565541645",
              "--bankgiro", "5050-1056", "--f-tax", "approved",
              "--f-tax-checked-on", "2025-03-03", "--request-id", "pay-bad"},
             as_finance);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r,
                       "bankgiro: bankgiro number 5050-1056 has a wrong "
                       "check digit"))
      << r.output;
  r = Lovctl(
      {"provider", "payment-details", "--id", "prv-5565541645", "--bankgiro",
       "5050-1055", "--f-tax", "sometimes", "--f-tax-checked-on", "2025-03-03"},
      as_finance);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r,
                       "--f-tax: 'sometimes' is not approved or "
                       "not-approved"))
      << r.output;
  r = Lovctl({"provider", "payment-details", "--id", "prv-5565541645",
              "--bankgiro", "5050 1055", "--vat-number", "SE556554164501",
              "--f-tax", "not-approved", "--f-tax-checked-on", "2025-03-03",
              "--peppol-id", "0007:5565541645", "--request-id", "pay-a"},
             as_finance);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "5050-1055")) << r.output;
  EXPECT_TRUE(Contains(r, "not approved (checked 2025-03-03)")) << r.output;
  EXPECT_TRUE(Contains(r, "NO: withhold preliminary tax")) << r.output;
  r = Lovctl({"--json", "provider", "show", "--id", "prv-5565541645"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "\"vat_number\": \"SE556554164501\"")) << r.output;
  EXPECT_TRUE(Contains(r, "\"must_not_pay_gross\": true")) << r.output;
  // A provider does not set where it is paid.
  r = Lovctl(
      {"provider", "payment-details", "--id", "prv-5565541645", "--bankgiro",
       "900-8004", "--f-tax", "approved", "--f-tax-checked-on", "2025-03-03"},
      {"LOV_TOKEN=" +
       issuer_->Token(auth::v1::ROLE_PROVIDER, "prv-5565541645")});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r, "registry_officer")) << r.output;
}

TEST_F(LovctlRegistryTest, RejectingAnApplicationNeedsAReason) {
  RunResult r =
      Lovctl({"provider", "register", "--org", "556036-0793", "--name",
              "Tiohundra AB", "--kind", "in-house", "--request-id", "reg-t"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Lovctl({"provider", "apply", "--id", "prv-5560360793", "--zones", "north",
              "--categories", "home-help-service", "--request-id", "apply-t"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = Lovctl({"provider", "reject", "--id", "prv-5560360793", "--application",
              "app-1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r, "--reason is required")) << r.output;
  r = Lovctl({"provider", "reject", "--id", "prv-5560360793", "--application",
              "app-1", "--reason", "incomplete", "--request-id", "rej-t"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "REJECTED")) << r.output;
}

// A sole trader's organisation number is the owner's personnummer
// (811218-9876, as in the registry's tests): lovctl reads it from standard
// input (--org -), the registry keeps none, and lovctl says so instead of
// printing an empty number.
TEST_F(LovctlRegistryTest, ASoleTraderShowsNoOrganisationNumber) {
  RunResult r = Lovctl({"provider", "register", "--org", "-", "--name",
                        "Anna Anderssons Omsorg", "--request-id", "reg-sole"},
                       {}, "811218-9876\n");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // HMAC-SHA256 of the number under the tests' key (kTestServiceKey).
  r = Lovctl({"provider", "show", "--id", "prv-b89070c7425e0ff1be79"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r,
                       "Anna Anderssons Omsorg (prv-b89070c7425e0ff1be79, "
                       "sole trader (number withheld), private)"))
      << r.output;
  EXPECT_FALSE(Contains(r, "811218")) << r.output;
  EXPECT_FALSE(Contains(r, ", , ")) << r.output;
}

// Like a personnummer, a sole trader's organisation number is not taken
// from the command line (others read it in `ps`, the shell keeps it): lovctl
// refuses it there, without repeating it, and reads it from --org-file or
// standard input. A company's number is fine on the command line.
TEST_F(LovctlRegistryTest, ASoleTradersNumberComesFromAFileOrStandardInput) {
  for (const std::string org :
       {"850709-9805", "8507099805", "19850709-9805", "198507099805"}) {
    RunResult r = Lovctl({"provider", "register", "--org", org, "--name",
                          "Berit Bergs Omsorg", "--request-id", "reg-argv"});
    EXPECT_EQ(r.exit_code, 2) << org << ": " << r.output;
    EXPECT_TRUE(Contains(r,
                         "--org: a sole trader's organisation number is the "
                         "owner's personnummer and is not taken from the "
                         "command line"))
        << r.output;
    EXPECT_TRUE(Contains(r, "--org-file PATH")) << r.output;
    EXPECT_FALSE(Contains(r, "850709")) << r.output;
  }
  // Sole-trader-shaped (third digit 0 or 1) even with a wrong check digit.
  RunResult r = Lovctl({"provider", "register", "--org", "850709-9806",
                        "--name", "X", "--request-id", "reg-argv-bad"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r, "--org-file PATH")) << r.output;

  const std::string file = std::filesystem::temp_directory_path() /
                           ("lovctl-org-" + NewUuid().substr(0, 8));
  std::ofstream(file) << "850709-9805\n";
  r = Lovctl({"provider", "register", "--org-file", file, "--name",
              "Berit Bergs Omsorg", "--request-id", "reg-file"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "Berit Bergs Omsorg (prv-")) << r.output;
  EXPECT_TRUE(Contains(r, "sole trader (number withheld)")) << r.output;
  EXPECT_FALSE(Contains(r, "850709")) << r.output;

  // Not both, not none, and nothing in the file or on standard input.
  r = Lovctl({"provider", "register", "--org", "556036-0793", "--org-file",
              file, "--name", "X", "--request-id", "reg-both"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r, "give the organisation number once")) << r.output;
  r = Lovctl(
      {"provider", "register", "--name", "X", "--request-id", "reg-none"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r, "give the organisation number once")) << r.output;
  std::ofstream(file, std::ios::trunc) << "\n";
  r = Lovctl({"provider", "register", "--org-file", file, "--name", "X",
              "--request-id", "reg-empty"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r, "--org-file: no organisation number in " + file))
      << r.output;
  std::filesystem::remove(file);
  r = Lovctl({"provider", "register", "--org-file", file, "--name", "X",
              "--request-id", "reg-gone"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r, "--org-file: cannot read " + file)) << r.output;
  r = Lovctl({"provider", "register", "--org", "-", "--name", "X",
              "--request-id", "reg-stdin-empty"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(Contains(r, "--org -: no organisation number on standard input"))
      << r.output;
}

TEST_F(LovctlRegistryTest, BadInputGivesOneLineAndNonZeroExit) {
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"provider", "register", "--org", "123", "--name", "X"},
       2,
       "organisation_number"},
      {{"provider", "register", "--org", "556554-1645", "--name", "X", "--kind",
        "public"},
       2,
       "--kind: 'public' is not private or in-house"},
      {{"provider", "show", "--id", "prv-0000000000"}, 1, "no provider"},
      {{"provider", "cap", "--id", "prv-5565541645", "--zone", "north",
        "--max-clients", "-1"},
       2,
       "max_clients"},
      {{"provider", "list", "--zone", "atlantis"}, 2, "unknown zone"},
      {{"provider", "list", "--colour", "red"}, 2, "unknown flag --colour"},
      {{"provider", "fly"}, 2, "unknown command 'provider fly'"},
      {{"municipality", "setup", "--file", "/nonexistent.json"},
       1,
       "cannot read /nonexistent.json"},
  };
  for (const Case& c : cases) {
    RunResult r = Lovctl(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.output;
    EXPECT_TRUE(Contains(r, c.message)) << r.output;
    // One line: the error, nothing else.
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1)
        << r.output;
  }
}

TEST_F(LovctlRegistryTest, HelpEverywhere) {
  RunResult r = Lovctl({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r, "provider register")) << r.output;
  r = Lovctl({"provider", "cap", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r, "--max-clients N | --no-cap")) << r.output;
}

// The hint every refused sign-in ends with.
constexpr char kSignInHint[] = "lovctl login --role ROLE";

TEST_F(LovctlRegistryTest, WithoutATokenTheServiceRefusesAndSaysHowToSignIn) {
  RunResult r = Lovctl({"provider", "list"}, {"LOV_TOKEN="});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r, "lovctl: provider list: UNAUTHENTICATED: "))
      << r.output;
  EXPECT_TRUE(Contains(r, kSignInHint)) << r.output;
  EXPECT_FALSE(Contains(r, "Attendo")) << r.output;
  // The token file named but not written yet: the same.
  r = Lovctl({"provider", "list"},
             {"LOV_TOKEN=", "LOV_TOKEN_FILE=/nonexistent/token"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r, "UNAUTHENTICATED")) << r.output;
}

// An expired token, and one signed by a key the registry does not trust:
// refused with the hint, and the token never shows in what lovctl prints.
TEST_F(LovctlRegistryTest, AnExpiredOrForeignTokenIsRefusedAndNeverPrinted) {
  lov::testing::FixedClock two_hours_ago(absl::Now() - absl::Hours(2));
  auto past = auth::DevIssuer::Load(issuer_->key_path(), &two_hours_ago);
  ASSERT_TRUE(past.ok()) << past.status();
  auto expired = past->Issue(auth::v1::ROLE_REGISTRY_OFFICER,
                             "SE2321000016-RO01", "0188", "", absl::Hours(1));
  SystemClock clock;
  auto stranger = auth::DevIssuer::Generate(&clock);
  ASSERT_TRUE(stranger.ok());
  auto foreign =
      stranger->Issue(auth::v1::ROLE_REGISTRY_OFFICER, "SE2321000016-RO01",
                      "0188", "", absl::Hours(1));
  ASSERT_TRUE(expired.ok() && foreign.ok());
  for (const std::string& token : {*expired, *foreign}) {
    RunResult r = Lovctl({"provider", "list"}, {"LOV_TOKEN=" + token});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_TRUE(Contains(r, "UNAUTHENTICATED: bearer token refused"))
        << r.output;
    EXPECT_TRUE(Contains(r, kSignInHint)) << r.output;
    EXPECT_FALSE(Contains(r, token)) << r.output;
  }
}

// lovctl login as make run's lovctl.env sets it up: the issuer's key and a
// token file; the commands after it carry the token of the role signed in.
TEST_F(LovctlRegistryTest, LoginSignsTheFollowingCommandsIn) {
  const std::string token_file = absl::StrCat(
      ::testing::TempDir(), "/lovctl-token-", NewUuid().substr(0, 8));
  const std::vector<std::string> env = {
      "LOV_TOKEN=", "LOV_DEV_ISSUER_KEY=" + issuer_->key_path(),
      "LOV_TOKEN_FILE=" + token_file};
  RunResult r = Lovctl({"login", "--role", "registry_officer"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(
      std::filesystem::status(token_file).permissions(),
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  r = Lovctl({"provider", "list"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Contains(r, "Attendo Sverige AB")) << r.output;
  // A case officer does not register providers: the rule is named.
  ASSERT_EQ(Lovctl({"login", "--role", "case_officer"}, env).exit_code, 0);
  r = Lovctl({"provider", "register", "--org", "556036-0793", "--name",
              "Omsorgshuset AB", "--request-id", "reg-co"},
             env);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r, "PERMISSION_DENIED: ")) << r.output;
  EXPECT_TRUE(Contains(r, "the role case_officer may not call")) << r.output;
  std::filesystem::remove(token_file);
}

}  // namespace
}  // namespace lov

namespace lov {
namespace {

// Seeds are unsigned 64-bit: half of them do not fit a signed number.
TEST(LovctlArgsTest, SeedsUseTheWholeUnsignedRange) {
  auto args = cli::Args::Parse({"--seed", "17152392254963779736"});
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->Uint64("seed", 0), 17152392254963779736ULL);
  EXPECT_TRUE(args->Check().ok());
  auto bad = cli::Args::Parse({"--seed", "-1"});
  bad->Uint64("seed", 0);
  EXPECT_FALSE(bad->Check().ok());
}

// The token: LOV_TOKEN first, else the file LOV_TOKEN_FILE without its
// surrounding white space, else none.
TEST(LovctlSignInTokenTest, TheEnvironmentFirstThenTheFileTrimmed) {
  const std::string file =
      absl::StrCat(::testing::TempDir(), "/token-", NewUuid().substr(0, 8));
  std::ofstream(file) << "  eyJ.file.token\n\n";
  ::setenv("LOV_TOKEN_FILE", file.c_str(), 1);
  ::setenv("LOV_TOKEN", "eyJ.env.token", 1);
  EXPECT_EQ(cli::SignInToken(), "eyJ.env.token");
  ::unsetenv("LOV_TOKEN");
  EXPECT_EQ(cli::SignInToken(), "eyJ.file.token");
  ::setenv("LOV_TOKEN_FILE", "/nonexistent/token", 1);
  EXPECT_EQ(cli::SignInToken(), "");
  ::unsetenv("LOV_TOKEN_FILE");
  EXPECT_EQ(cli::SignInToken(), "");
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace lov
