// The lovctl follow-up commands (complaint, deviation, followup, continuity,
// indicators, survey import) run as processes against the followup service
// on the real Kafka and Redis, each signed in in the role that does the work
// (a case officer registers complaints, a provider reports its own
// deviations, the registry officer follows providers up).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "lovctl_test_fixture.h"
#include "test_stack.h"
#include "visit_events.h"

namespace lov {
namespace {

using Role = ::lov::auth::v1::Role;
using ::lov::testing::Eventually;
using ::lov::testing::RunResult;

// Who runs a command.
Role RoleOf(const std::string& group) {
  static const std::map<std::string, Role> kByGroup = {
      {"complaint", auth::v1::ROLE_CASE_OFFICER},
      {"deviation", auth::v1::ROLE_PROVIDER},
      {"followup", auth::v1::ROLE_REGISTRY_OFFICER},
      {"survey", auth::v1::ROLE_REGISTRY_OFFICER},
      {"continuity", auth::v1::ROLE_OPERATOR},
      {"indicators", auth::v1::ROLE_CASE_OFFICER}};
  return kByGroup.at(group);
}

class LovctlFollowupTest : public ::lov::testing::LovctlTest {
 protected:
  void SetUp() override { StartServices({"followup"}); }

  // Signed in in the role of the command's group (a provider as Attendo).
  Role DefaultRole(const std::vector<std::string>& args) const override {
    return RoleOf(args[0]);
  }
};

TEST_F(LovctlFollowupTest, AComplaintThroughItsWorkflowAndOverdueOnes) {
  std::string out =
      Ok({"complaint", "register", "--client", "cli-1", "--provider", kAttendo,
          "--category", "punctuality", "--received", "2025-03-03"});
  const std::string first = Capture(out, "(cmp-[0-9a-zA-Z-]+)");
  ASSERT_FALSE(first.empty()) << out;
  EXPECT_TRUE(Has(out, "2025-03-17")) << out;  // Mar 3 + 14 days
  EXPECT_TRUE(Has(out, "received")) << out;
  out = Ok({"complaint", "register", "--client", "cli-2", "--provider",
            kInHouse, "--category", "treatment", "--received", "2025-03-20"});
  const std::string second = Capture(out, "(cmp-[0-9a-zA-Z-]+)");
  ASSERT_FALSE(second.empty()) << out;

  out = Ok({"complaint", "advance", "--id", first, "--status", "answered",
            "--date", "2025-03-10"});
  EXPECT_TRUE(Has(out, "answered")) << out;
  // Never back: the service's rule, exit 1.
  RunResult back = Lovctl({"complaint", "advance", "--id", first, "--status",
                           "investigating", "--date", "2025-03-11"});
  EXPECT_EQ(back.exit_code, 1) << back.output;
  EXPECT_TRUE(Has(back.output, "only forwards")) << back.output;
  // A status lovctl does not know: wrong usage, naming the flag.
  RunResult bad =
      Lovctl({"complaint", "advance", "--id", first, "--status", "reopened"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_TRUE(Has(bad.output,
                  "--status: 'reopened' is not investigating, answered or "
                  "closed"))
      << bad.output;

  // The second is due Apr 3: overdue on Apr 4, not on Apr 3.
  out = Ok({"complaint", "list", "--overdue", "--as-of", "2025-04-04"});
  EXPECT_TRUE(Has(out, second)) << out;
  EXPECT_FALSE(Has(out, first)) << out;
  EXPECT_TRUE(Has(out, "OVERDUE")) << out;
  out = Ok({"complaint", "list", "--overdue", "--as-of", "2025-04-03"});
  EXPECT_TRUE(Has(out, "(none)")) << out;
  out = Ok({"complaint", "list", "--provider", kAttendo, "--json"});
  EXPECT_TRUE(Has(out, "\"complaint_id\": \"" + first + "\"")) << out;
  EXPECT_FALSE(Has(out, second)) << out;
}

TEST_F(LovctlFollowupTest, ALexSarahReportOverdueUntilReportedToIvo) {
  std::string out =
      Ok({"deviation", "report", "--provider", kAttendo, "--kind", "lex-sarah",
          "--severity", "serious", "--occurred", "2025-03-21", "--reported",
          "2025-03-24", "--client", "cli-7"});
  const std::string id = Capture(out, "(dev-[0-9a-zA-Z-]+)");
  ASSERT_FALSE(id.empty()) << out;
  EXPECT_TRUE(Has(out, "2025-04-07")) << out;  // Mar 24 + 14, over DST
  Ok({"deviation", "report", "--provider", kAttendo, "--kind", "deviation",
      "--severity", "minor", "--occurred", "2025-03-25", "--reported",
      "2025-03-25"});

  out = Ok({"deviation", "list", "--provider", kAttendo, "--overdue", "--as-of",
            "2025-04-08"});
  EXPECT_TRUE(Has(out, id)) << out;
  EXPECT_TRUE(Has(out, "OVERDUE")) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << out;
  out = Ok({"deviation", "list", "--provider", kAttendo, "--overdue", "--as-of",
            "2025-04-07"});
  EXPECT_TRUE(Has(out, "(none)")) << out;

  // A provider reports only for itself.
  RunResult other =
      Lovctl({"deviation", "report", "--provider", kInHouse, "--kind",
              "deviation", "--severity", "minor", "--occurred", "2025-03-25"});
  EXPECT_EQ(other.exit_code, 1) << other.output;
  EXPECT_TRUE(Has(other.output, "PERMISSION_DENIED")) << other.output;
  RunResult kind =
      Lovctl({"deviation", "report", "--provider", kAttendo, "--kind", "bad",
              "--severity", "minor", "--occurred", "2025-03-25"});
  EXPECT_EQ(kind.exit_code, 2) << kind.output;
  EXPECT_TRUE(Has(kind.output, "--kind: 'bad' is not deviation or lex-sarah"))
      << kind.output;

  out = Ok({"deviation", "ivo", "--provider", kAttendo, "--id", id, "--date",
            "2025-04-09"});
  EXPECT_TRUE(Has(out, "2025-04-09")) << out;
  out = Ok({"deviation", "list", "--provider", kAttendo, "--overdue", "--as-of",
            "2025-04-10"});
  EXPECT_TRUE(Has(out, "(none)")) << out;
}

TEST_F(LovctlFollowupTest, AFollowUpWithFindingsAndAnOverdueActionPlan) {
  std::string out =
      Ok({"followup", "plan", "--provider", kAttendo, "--date", "2025-05-02"});
  const std::string id = Capture(out, "follow-up (fu-[0-9a-zA-Z-]+)");
  ASSERT_FALSE(id.empty()) << out;
  EXPECT_TRUE(Has(out, "not done yet")) << out;

  // Repeated --finding: every one counts, in order.
  out = Ok({"followup", "complete", "--id", id, "--date", "2025-05-06",
            "--finding",
            "Genomförandeplaner saknas för 3 av 10 "
            "brukare;action-plan-due=2025-06-05",
            "--finding", "Nyckelhanteringen följer rutinen"});
  EXPECT_TRUE(Has(out, "done 2025-05-06")) << out;
  EXPECT_TRUE(Has(out, id + "/f1")) << out;
  EXPECT_TRUE(Has(out, "2025-06-05")) << out;
  EXPECT_TRUE(Has(out, id + "/f2")) << out;
  EXPECT_TRUE(Has(out, "not required")) << out;

  out = Ok({"followup", "list", "--overdue", "--as-of", "2025-06-06"});
  EXPECT_TRUE(Has(out, id)) << out;
  EXPECT_TRUE(Has(out, "OVERDUE")) << out;
  out = Ok({"followup", "list", "--overdue", "--as-of", "2025-06-05"});
  EXPECT_TRUE(Has(out, "(none)")) << out;

  out = Ok({"followup", "action-plan", "--id", id, "--finding", id + "/f1",
            "--date", "2025-06-04"});
  EXPECT_TRUE(Has(out, "2025-06-04")) << out;
  out = Ok({"followup", "list", "--overdue", "--as-of", "2025-06-06"});
  EXPECT_TRUE(Has(out, "(none)")) << out;

  // Findings from a file, comments and blank lines skipped; a bad line is
  // named by its number.
  out =
      Ok({"followup", "plan", "--provider", kInHouse, "--date", "2025-05-03"});
  const std::string in_house = Capture(out, "follow-up (fu-[0-9a-zA-Z-]+)");
  std::ofstream(dir_ + "/findings.txt")
      << "# follow-up 2025\n\nStaffing is short in the evenings;"
         "action-plan-due=2025-06-30\n";
  std::ofstream(dir_ + "/bad.txt") << "Bra\nDålig;action-plan-due=30 juni\n";
  RunResult bad = Lovctl({"followup", "complete", "--id", in_house,
                          "--findings-file", dir_ + "/bad.txt"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_TRUE(Has(bad.output,
                  "bad.txt line 2: action-plan-due '30 juni' is "
                  "not a date YYYY-MM-DD"))
      << bad.output;
  out = Ok({"followup", "complete", "--id", in_house, "--date", "2025-05-07",
            "--findings-file", dir_ + "/findings.txt", "--json"});
  EXPECT_TRUE(Has(out, "\"summary\": \"Staffing is short in the evenings\""))
      << out;
  EXPECT_TRUE(Has(out, "\"action_plan_due_date\": \"2025-06-30\"")) << out;
  EXPECT_FALSE(Has(out, in_house + "/f2")) << out;
}

// The shared roster (visit_events.h): 14 days of two visits a day for one
// client of Attendo from 2025-03-24, mornings by s1, evenings by s2, the
// first evening double-staffed with s3; so the client met 3 staff, in 28
// visits.
TEST_F(LovctlFollowupTest, ContinuityFromTheVisits) {
  const absl::Status published = ::lov::testing::PublishAcceptedVisits(
      stack_, ::lov::testing::ContinuityRoster(kAttendo));
  ASSERT_TRUE(published.ok()) << published;
  std::string out;
  ASSERT_TRUE(Eventually([&] {
    out = Lovctl({"continuity", "--from", "2025-03-24"}).output;
    return Has(out, "0 of 28 (0.0 %)");
  })) << out;
  EXPECT_TRUE(Has(out, "2025-03-24 to 2025-04-07")) << out;
  // The municipality's row and Attendo's: one client, median 3, the
  // distribution "3 staff: 1 client".
  const std::regex attendo(std::string(kAttendo) + R"(\s+1\s+3\.0\s+3:1\s)");
  EXPECT_TRUE(std::regex_search(out, attendo)) << out;
  EXPECT_TRUE(Has(out, "(municipality)")) << out;

  RunResult bad = Lovctl({"continuity", "--from", "24 mars"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_TRUE(Has(bad.output, "--from: '24 mars' is not a date YYYY-MM-DD"))
      << bad.output;
}

// The user survey's CSV (docs/followup.md) imported, then shown among each
// provider's indicators beside the same fields for every provider.
TEST_F(LovctlFollowupTest, SurveyImportAndIndicators) {
  std::ofstream(dir_ + "/survey.csv")
      << "year;provider_id;respondents;overall_satisfied_per_mille\n"
      << "2025;" << kAttendo << ";40;850\n"
      << "2025;" << kInHouse << ";62;912\n";
  std::string out =
      Ok({"survey", "import", "--year", "2025", dir_ + "/survey.csv"});
  EXPECT_TRUE(Has(out, "survey 2025: 2 providers imported")) << out;
  RunResult year =
      Lovctl({"survey", "import", "--year", "tjugo", dir_ + "/survey.csv"});
  EXPECT_EQ(year.exit_code, 2) << year.output;
  EXPECT_TRUE(Has(year.output, "--year: 'tjugo' is not a year")) << year.output;

  ASSERT_TRUE(Eventually([&] {
    out = Lovctl({"indicators"}).output;
    return Has(out, "85.0 % of 40 (2025)") && Has(out, "91.2 % of 62 (2025)");
  })) << out;
  out = Ok({"indicators", "--provider", kInHouse, "--json"});
  EXPECT_TRUE(Has(out, "\"overall_satisfied_per_mille\": 912")) << out;
  EXPECT_FALSE(Has(out, kAttendo)) << out;
}

}  // namespace
}  // namespace lov
