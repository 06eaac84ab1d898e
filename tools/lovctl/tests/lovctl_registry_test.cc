// Every lovctl registry command, run as a process against a running
// registry, as staff would use it; and the errors they get wrong input with.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli.h"
#include "lov/platform/ids.h"
#include "service_process.h"
#include "test_stack.h"

namespace lov {
namespace {

using ::lov::testing::RunResult;
using ::lov::testing::RunToCompletion;
using ::lov::testing::ServiceProcess;

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
    registry_ = new ServiceProcess("services/registry/registry",
                                   {"--namespace=t" + NewUuid().substr(0, 8)});
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

  static RunResult Lovctl(std::vector<std::string> args) {
    args.insert(args.begin(), "--registry=" + registry_->target());
    return RunToCompletion("tools/lovctl/lovctl", args);
  }

  static ServiceProcess* registry_;
  static std::string setup_file_;
  static std::string setup_error_;
};
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
    tls_flags.insert(tls_flags.begin(), "--registry=" + registry_->target());
    tls_flags.insert(tls_flags.end(), {"municipality", "show"});
    return RunToCompletion("tools/lovctl/lovctl", tls_flags, absl::Seconds(60),
                           no_env);
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

}  // namespace
}  // namespace lov
