// Support levels changed after their month was approved (issue 18): the
// next statement takes the changed days out at the level paid and pays
// them at the level decided now, as adjustment lines of the approved
// month. January 2024 has 31 days, February 29; level 1 pays 520 kr a day,
// level 2 780 kr (private). Every amount is worked out by hand in the
// comments.
#include "lov/settlement/domain/support_level_changes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/domain/test_support_levels.h"
#include "status_matchers.h"

namespace lov::settlement {
namespace {

using ::lov::testing::IsError;
using testing::Assigned;
using testing::Decided;
using testing::kDaily;
using testing::SupportLevels;

std::vector<std::string> Sources(const v1::StatementLine& l) {
  return {l.sources().begin(), l.sources().end()};
}

class SupportLevelChangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    book_ = RateBook({SupportLevels()});
    input_.provider_id = "prv-a";
    input_.rates = &book_;
    input_.assignments = {Assigned("c1", kDaily, "2024-01-01", "")};
    // Level 1 from January.
    input_.decisions_by_client = {
        {"c1", {Decided("bb-1", "2024-01-01", "", "niva-1")}}};
  }

  // The month's statement from the inputs now, approved.
  v1::Statement Approve(absl::CivilMonth month) {
    input_.period = month;
    absl::StatusOr<v1::Statement> s = BuildStatement(input_);
    EXPECT_TRUE(s.ok()) << s.status();
    if (!s.ok()) return {};
    s->set_status(v1::STATEMENT_STATUS_APPROVED);
    input_.approved_before.push_back(*s);
    return *s;
  }

  static std::vector<const v1::StatementLine*> Adjusting(
      const v1::Statement& s) {
    std::vector<const v1::StatementLine*> out;
    for (const auto& l : s.lines()) {
      if (!l.adjusts_period().empty()) out.push_back(&l);
    }
    return out;
  }

  // bb-1 (level 1) ends on 15 January; bb-2 is level 2 from the 16th.
  void ReviseToLevel2FromThe16th() {
    input_.decisions_by_client["c1"] = {
        Decided("bb-1", "2024-01-01", "2024-01-15", "niva-1"),
        Decided("bb-2", "2024-01-16", "", "niva-2")};
  }

  RateBook book_;
  StatementInput input_;
};

TEST_F(SupportLevelChangesTest,
       ARevisionFromThe16thOfAnApprovedMonthAdjustsIt) {
  // January approved at level 1: 31 x 520 kr = 1 612 000 öre.
  EXPECT_EQ(Approve(absl::CivilMonth(2024, 1)).total_ore(), 1612000);
  // Then the level is revised to 2 from 16 January (bb-1 ends on the 15th).
  ReviseToLevel2FromThe16th();

  input_.period = absl::CivilMonth(2024, 2);
  absl::StatusOr<v1::Statement> feb = BuildStatement(input_);
  ASSERT_TRUE(feb.ok()) << feb.status();
  // January's 16th-31st, 16 days: -16 x 520 kr = -832 000 öre at level 1,
  // +16 x 780 kr = 1 248 000 at level 2: +416 000 (16 x 260 kr).
  const std::vector<const v1::StatementLine*> adj = Adjusting(*feb);
  ASSERT_EQ(adj.size(), 2u);
  EXPECT_EQ(adj[0]->kind(), v1::LINE_KIND_SUPPORT_LEVEL_DAY);
  EXPECT_EQ(adj[0]->adjusts_period(), "2024-01");
  EXPECT_EQ(adj[0]->unit_rate_ore(), 52000);
  EXPECT_EQ(adj[0]->quantity(), -16);
  EXPECT_EQ(adj[0]->amount_ore(), -832000);
  EXPECT_EQ(Sources(*adj[0]),
            std::vector<std::string>{"-c1:2024-01-16..2024-01-31"});
  EXPECT_EQ(adj[0]->description(),
            "Days by support level (dagar per stödnivå), level niva-1, "
            "adjustment of 2024-01");
  EXPECT_EQ(adj[1]->unit_rate_ore(), 78000);
  EXPECT_EQ(adj[1]->quantity(), 16);
  EXPECT_EQ(adj[1]->amount_ore(), 1248000);
  EXPECT_EQ(Sources(*adj[1]),
            std::vector<std::string>{"c1:2024-01-16..2024-01-31"});
  EXPECT_EQ(adj[1]->description(),
            "Days by support level (dagar per stödnivå), level niva-2, "
            "decision bb-2, adjustment of 2024-01");
  // February itself: 29 x 780 kr = 2 262 000; with the adjustment
  // 2 678 000.
  EXPECT_EQ(feb->total_ore(), 2678000);
  // The same inputs give the same statement (a replay, a rebuild), whatever
  // order the approved statements are read in.
  std::reverse(input_.approved_before.begin(), input_.approved_before.end());
  EXPECT_EQ(StatementDigest(*BuildStatement(input_)), StatementDigest(*feb));

  // February approved with the adjustment: March finds nothing left to
  // adjust and pays 31 x 780 kr = 2 418 000.
  Approve(absl::CivilMonth(2024, 2));
  input_.period = absl::CivilMonth(2024, 3);
  absl::StatusOr<v1::Statement> march = BuildStatement(input_);
  ASSERT_TRUE(march.ok()) << march.status();
  EXPECT_TRUE(Adjusting(*march).empty());
  EXPECT_EQ(march->total_ore(), 2418000);
}

TEST_F(SupportLevelChangesTest, ALevelChangedBackIsAdjustedAgainstWhatWasPaid) {
  Approve(absl::CivilMonth(2024, 1));
  ReviseToLevel2FromThe16th();
  Approve(absl::CivilMonth(2024, 2));  // books January's 16 days at level 2
  // bb-2 corrected back to level 1, whole decision: January's 16th-31st
  // (paid at level 2 by February's adjustment) and all of February (29
  // days at level 2) go back to level 1: -(16 + 29) x 260 kr = -1 170 000
  // öre, as -416 000 for January and -754 000 for February. March: 31 x
  // 520 kr = 1 612 000; in all 442 000.
  input_.decisions_by_client["c1"][1] =
      Decided("bb-2", "2024-01-16", "", "niva-1");
  input_.period = absl::CivilMonth(2024, 3);
  absl::StatusOr<v1::Statement> march = BuildStatement(input_);
  ASSERT_TRUE(march.ok()) << march.status();
  int64_t january = 0;
  int64_t february = 0;
  for (const v1::StatementLine* l : Adjusting(*march)) {
    (l->adjusts_period() == "2024-01" ? january : february) += l->amount_ore();
  }
  EXPECT_EQ(january, -416000);
  EXPECT_EQ(february, -754000);
  EXPECT_EQ(march->total_ore(), 442000);
}

TEST_F(SupportLevelChangesTest, ALevelWithoutADayRateIsAnErrorNotZero) {
  Approve(absl::CivilMonth(2024, 1));
  // Level 3, which the table has no day rate for, for 16-31 January only:
  // February itself could be paid, January's adjustment cannot.
  input_.decisions_by_client["c1"] = {
      Decided("bb-1", "2024-01-01", "2024-01-15", "niva-1"),
      Decided("bb-2", "2024-01-16", "2024-01-31", "niva-3"),
      Decided("bb-3", "2024-02-01", "", "niva-1")};
  input_.period = absl::CivilMonth(2024, 2);
  EXPECT_TRUE(IsError(
      BuildStatement(input_).status(), absl::StatusCode::kFailedPrecondition,
      {"support level 'niva-3'", "from 2024-01-16", "(decision bb-2)"}));
}

TEST_F(SupportLevelChangesTest, NoChangeNoLines) {
  Approve(absl::CivilMonth(2024, 1));
  input_.period = absl::CivilMonth(2024, 2);
  absl::StatusOr<v1::Statement> feb = BuildStatement(input_);
  ASSERT_TRUE(feb.ok()) << feb.status();
  EXPECT_TRUE(Adjusting(*feb).empty());
  EXPECT_EQ(feb->total_ore(), 1508000);  // 29 x 520 kr
}

TEST_F(SupportLevelChangesTest, EveryLevelLineNamesItsLevel) {
  Approve(absl::CivilMonth(2024, 1));
  ReviseToLevel2FromThe16th();
  input_.period = absl::CivilMonth(2024, 2);
  absl::StatusOr<v1::Statement> feb = BuildStatement(input_);
  ASSERT_TRUE(feb.ok()) << feb.status();
  std::vector<std::string> levels;
  for (const v1::StatementLine& l : feb->lines()) {
    if (l.kind() == v1::LINE_KIND_SUPPORT_LEVEL_DAY) {
      levels.push_back(l.adjusts_period() + "/" + l.support_level());
    }
  }
  std::sort(levels.begin(), levels.end());
  // February's own days at level 2; January's taken out at 1, paid at 2.
  EXPECT_EQ(levels, (std::vector<std::string>{"/niva-2", "2024-01/niva-1",
                                              "2024-01/niva-2"}));
}

// What a month paid is read from the lines' support_level, not from the
// words of their description; a line approved before the field existed
// (no support_level) is read from its description.
TEST_F(SupportLevelChangesTest, TheLevelPaidIsTheLinesFieldElseItsDescription) {
  Approve(absl::CivilMonth(2024, 1));
  v1::Statement& january = input_.approved_before.back();
  for (v1::StatementLine& l : *january.mutable_lines()) {
    if (l.kind() == v1::LINE_KIND_SUPPORT_LEVEL_DAY) {
      l.set_description("Dagar per stödnivå (omformulerad)");
    }
  }
  input_.period = absl::CivilMonth(2024, 2);
  absl::StatusOr<v1::Statement> feb = BuildStatement(input_);
  ASSERT_TRUE(feb.ok()) << feb.status();
  EXPECT_TRUE(Adjusting(*feb).empty());  // still paid at niva-1

  // An old line: no field, the level in the description.
  for (v1::StatementLine& l : *january.mutable_lines()) {
    if (l.kind() == v1::LINE_KIND_SUPPORT_LEVEL_DAY) {
      l.clear_support_level();
      l.set_description(
          "Days by support level (dagar per stödnivå), level niva-1");
    }
  }
  feb = BuildStatement(input_);
  ASSERT_TRUE(feb.ok()) << feb.status();
  EXPECT_TRUE(Adjusting(*feb).empty());
  // The same old line described as level 2 (at level 1's rate): its 31
  // days are paid again at level 1 (+1 612 000 öre) and taken out as
  // level 2 at the 520 kr paid (-1 612 000); lines in level order.
  for (v1::StatementLine& l : *january.mutable_lines()) {
    if (l.kind() == v1::LINE_KIND_SUPPORT_LEVEL_DAY) {
      l.set_description(
          "Days by support level (dagar per stödnivå), level niva-2");
    }
  }
  feb = BuildStatement(input_);
  ASSERT_TRUE(feb.ok()) << feb.status();
  const std::vector<const v1::StatementLine*> adj = Adjusting(*feb);
  ASSERT_EQ(adj.size(), 2u);
  EXPECT_EQ(adj[0]->support_level(), "niva-1");
  EXPECT_EQ(adj[0]->amount_ore(), 1612000);
  EXPECT_EQ(adj[1]->support_level(), "niva-2");
  EXPECT_EQ(adj[1]->amount_ore(), -1612000);
}

}  // namespace
}  // namespace lov::settlement
