// The follow-up commands' words without a service: a finding as typed, the
// enums both ways, and a flag given once per finding.
#include <gtest/gtest.h>

#include <sstream>

#include "cli.h"
#include "followup_text.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::followup::v1;

TEST(FollowupTextTest, AFindingWithAndWithoutAnActionPlan) {
  absl::StatusOr<v1::FindingInput> f = ParseFinding(
      "Genomförandeplaner saknas; 3 av 10 brukare "
      ";action-plan-due=2026-06-30",
      "--finding 1");
  ASSERT_TRUE(f.ok()) << f.status();
  // Only the last ";action-plan-due=" is the deadline; the summary keeps
  // its own semicolons, trimmed.
  EXPECT_EQ(f->summary(), "Genomförandeplaner saknas; 3 av 10 brukare");
  EXPECT_TRUE(f->requires_action_plan());
  EXPECT_EQ(f->action_plan_due_date(), "2026-06-30");

  f = ParseFinding("  Nyckelrutinen följs  ", "--finding 2");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->summary(), "Nyckelrutinen följs");
  EXPECT_FALSE(f->requires_action_plan());
  EXPECT_EQ(f->action_plan_due_date(), "");
}

TEST(FollowupTextTest, ABadFindingIsNamedWithWhatIsWrong) {
  absl::StatusOr<v1::FindingInput> f =
      ParseFinding("Brister;action-plan-due=2026-02-30", "plan.txt line 3");
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(f.status().message(),
            "plan.txt line 3: action-plan-due '2026-02-30' is not a date "
            "YYYY-MM-DD");
  f = ParseFinding(";action-plan-due=2026-03-01", "--finding 4");
  EXPECT_EQ(f.status().message(),
            "--finding 4: the summary is empty "
            "(\"SUMMARY[;action-plan-due=YYYY-MM-DD]\")");
}

TEST(FollowupTextTest, EnumWordsBothWays) {
  for (const char* word : {"investigating", "answered", "closed"}) {
    absl::StatusOr<v1::ComplaintStatus> s = ParseComplaintStatus(word);
    ASSERT_TRUE(s.ok()) << word;
    EXPECT_EQ(ComplaintStatusText(*s), word);
  }
  EXPECT_EQ(ParseComplaintStatus("received").status().message(),
            "--status: 'received' is not investigating, answered or closed");
  for (const char* word : {"deviation", "lex-sarah"}) {
    absl::StatusOr<v1::DeviationKind> k = ParseDeviationKind(word);
    ASSERT_TRUE(k.ok()) << word;
    EXPECT_EQ(DeviationKindText(*k), word);
  }
  for (const char* word : {"minor", "serious-risk", "serious"}) {
    absl::StatusOr<v1::Severity> s = ParseSeverity(word);
    ASSERT_TRUE(s.ok()) << word;
    EXPECT_EQ(SeverityText(*s), word);
  }
  EXPECT_EQ(ParseSeverity("grave").status().message(),
            "--severity: 'grave' is not minor, serious-risk or serious");
}

// `followup complete` takes --finding once per finding; the values reach
// the command in order (a bad second one is named as the second), where
// another flag given twice counts once, the last.
TEST(FollowupTextTest, EveryRepeatedFindingReachesTheCommand) {
  std::vector<std::string> words = {"lovctl",
                                    "followup",
                                    "complete",
                                    "--id",
                                    "fu-1",
                                    "--id",
                                    "fu-2",
                                    "--finding",
                                    "Bra",
                                    "--finding",
                                    "Dålig;action-plan-due=snart"};
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  std::stringstream out, err;
  EXPECT_EQ(Main(static_cast<int>(argv.size()), argv.data(), out, err), 2);
  EXPECT_EQ(err.str(),
            "lovctl: followup complete: --finding 2: action-plan-due 'snart' "
            "is not a date YYYY-MM-DD\n");
}

}  // namespace
}  // namespace lov::cli
