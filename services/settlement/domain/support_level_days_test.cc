// Days by support level priced by the client's decided level (issue 18):
// the level of the decision in force each day, the category's level in the
// rate table as the default, and an error, never 0 kr, for a level without
// a day rate or a day without any level. January 2024 has 31 days; level 1
// pays 520 kr a day (500 in-house), level 2 780 kr (750); every amount is
// worked out by hand in the comments.
#include "lov/settlement/domain/support_level_days.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lov/settlement/domain/compensation.h"
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

class SupportLevelStatementTest : public ::testing::Test {
 protected:
  void UseTable(const v1::RateTable& table) {
    book_ = RateBook({table});
    input_.provider_id = "prv-a";
    input_.period = absl::CivilMonth(2024, 1);
    input_.rates = &book_;
  }

  std::vector<const v1::StatementLine*> LevelLines(const v1::Statement& s) {
    std::vector<const v1::StatementLine*> out;
    for (const auto& l : s.lines()) {
      if (l.kind() == v1::LINE_KIND_SUPPORT_LEVEL_DAY) out.push_back(&l);
    }
    return out;
  }

  RateBook book_;
  StatementInput input_;
};

TEST_F(SupportLevelStatementTest, ALevelChangedOnThe16thPaysEachForItsDays) {
  UseTable(SupportLevels(""));
  // c1 is assigned all January; level 1 until the 15th, level 2 from the
  // 16th: 15 x 520 kr = 780 000 öre and 16 x 780 kr = 1 248 000. c2 is
  // assigned 10-20 January at level 2: 11 x 780 kr = 858 000, on the same
  // level-2 line (27 days, 2 106 000). In all 2 886 000 öre.
  input_.assignments = {Assigned("c1", kDaily, "2024-01-01", ""),
                        Assigned("c2", kDaily, "2024-01-10", "2024-01-20")};
  input_.decisions_by_client = {
      {"c1",
       {Decided("d1", "2023-09-01", "2024-01-15", "niva-1"),
        Decided("d2", "2024-01-16", "", "niva-2")}},
      {"c2", {Decided("d3", "2023-12-01", "", "niva-2")}}};
  absl::StatusOr<v1::Statement> s = BuildStatement(input_);
  ASSERT_TRUE(s.ok()) << s.status();
  const std::vector<const v1::StatementLine*> lines = LevelLines(*s);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]->unit_rate_ore(), 52000);
  EXPECT_EQ(lines[0]->quantity(), 15);
  EXPECT_EQ(lines[0]->amount_ore(), 780000);
  EXPECT_NE(lines[0]->description().find("level niva-1"), std::string::npos)
      << lines[0]->description();
  EXPECT_EQ(std::vector<std::string>(lines[0]->sources().begin(),
                                     lines[0]->sources().end()),
            std::vector<std::string>{"c1:2024-01-01..2024-01-15"});
  EXPECT_EQ(lines[1]->unit_rate_ore(), 78000);
  EXPECT_EQ(lines[1]->quantity(), 27);
  EXPECT_EQ(lines[1]->amount_ore(), 2106000);
  EXPECT_NE(lines[1]->description().find("level niva-2"), std::string::npos)
      << lines[1]->description();
  EXPECT_EQ(std::vector<std::string>(lines[1]->sources().begin(),
                                     lines[1]->sources().end()),
            (std::vector<std::string>{"c1:2024-01-16..2024-01-31",
                                      "c2:2024-01-10..2024-01-20"}));
  EXPECT_EQ(s->total_ore(), 2886000);
  // In-house: 15 x 500 kr + 27 x 750 kr = 750 000 + 2 025 000.
  input_.in_house = true;
  s = BuildStatement(input_);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->total_ore(), 2775000);
}

TEST_F(SupportLevelStatementTest, WithoutADecidedLevelTheCategorysIsPaid) {
  UseTable(SupportLevels("niva-1"));
  // The category's level 1 is the default: c1's decision names no level
  // (31 days), c2 has no decision at all (assigned 1-10 January, 10 days);
  // c3's decided level 2 still wins (31 days). Level 1: 41 x 520 kr =
  // 2 132 000 öre; level 2: 31 x 780 kr = 2 418 000. In all 4 550 000.
  input_.assignments = {Assigned("c1", kDaily, "2024-01-01", ""),
                        Assigned("c2", kDaily, "2024-01-01", "2024-01-10"),
                        Assigned("c3", kDaily, "2024-01-01", "")};
  input_.decisions_by_client = {
      {"c1", {Decided("d1", "2023-06-01", "", "")}},
      {"c3", {Decided("d3", "2024-01-01", "", "niva-2")}}};
  absl::StatusOr<v1::Statement> s = BuildStatement(input_);
  ASSERT_TRUE(s.ok()) << s.status();
  const std::vector<const v1::StatementLine*> lines = LevelLines(*s);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]->quantity(), 41);
  EXPECT_EQ(lines[0]->amount_ore(), 2132000);
  EXPECT_EQ(lines[1]->quantity(), 31);
  EXPECT_EQ(lines[1]->amount_ore(), 2418000);
  EXPECT_EQ(s->total_ore(), 4550000);
}

TEST_F(SupportLevelStatementTest, ADecidedLevelWithoutADayRateIsAnError) {
  UseTable(SupportLevels("niva-1"));
  // Level 3 from the 16th is in no table: no statement (not 0 kr for
  // those days), and the error says whose level, which, where from.
  input_.assignments = {Assigned("c1", kDaily, "2024-01-01", "")};
  input_.decisions_by_client = {
      {"c1",
       {Decided("d1", "2023-09-01", "2024-01-15", "niva-1"),
        Decided("d2", "2024-01-16", "", "niva-3")}}};
  EXPECT_TRUE(IsError(
      BuildStatement(input_).status(), absl::StatusCode::kFailedPrecondition,
      {"client c1", "support level 'niva-3'", "category 'daglig-verksamhet'",
       "from 2024-01-16", "decision d2", "rate table from 2024-01-01",
       "support_levels: niva-1, niva-2"}));
}

TEST_F(SupportLevelStatementTest, ADayWithoutAnyLevelIsAnErrorWithNoDefault) {
  UseTable(SupportLevels(""));
  // No default: the days before c1's first decision have no level.
  input_.assignments = {Assigned("c1", kDaily, "2024-01-01", "")};
  input_.decisions_by_client = {
      {"c1", {Decided("d1", "2024-01-05", "", "niva-1")}}};
  EXPECT_TRUE(IsError(
      BuildStatement(input_).status(), absl::StatusCode::kFailedPrecondition,
      {"client c1", "no support level", "category 'daglig-verksamhet'",
       "on 2024-01-01", "no decision grants the category",
       "no default (categories[].support_level)"}));
  // A decision that names no level, the same.
  input_.decisions_by_client = {{"c1", {Decided("d1", "2023-12-01", "", "")}}};
  EXPECT_TRUE(IsError(BuildStatement(input_).status(),
                      absl::StatusCode::kFailedPrecondition,
                      {"on 2024-01-01", "decision d1 names none"}));
}

TEST(DaysBySupportLevelTest, OverlappingDecisionsTheLatestStartWins) {
  // d2 from the 20th overlaps d1 (choice never lets decisions overlap, but
  // granted time and levels read them alike): level 1 on 1-19 January (19
  // days), level 2 on 20-31 (12 days); c1 is away 10-12 January.
  const v1::RateTable table = SupportLevels("");
  ClientDays assigned;
  assigned.client_id = "c1";
  assigned.category_id = kDaily;
  assigned.zone_id = "city";
  assigned.ranges = {
      {absl::CivilDay(2024, 1, 1), absl::CivilDay(2024, 1, 9)},
      {absl::CivilDay(2024, 1, 13), absl::CivilDay(2024, 1, 31)}};
  assigned.days = 28;
  absl::StatusOr<std::vector<SupportLevelDays>> days = DaysBySupportLevel(
      assigned,
      {Decided("d1", "2023-01-01", "", "niva-1"),
       Decided("d2", "2024-01-20", "", "niva-2")},
      table.categories(table.categories_size() - 1), table, false);
  ASSERT_TRUE(days.ok()) << days.status();
  ASSERT_EQ(days->size(), 2u);
  const SupportLevelDays& one = (*days)[0];
  EXPECT_EQ(one.level, "niva-1");
  EXPECT_EQ(one.per_day_ore, 52000);
  EXPECT_EQ(one.days.days, 9 + 7);  // 1-9 and 13-19
  EXPECT_EQ(DescribeDays(one.days),
            (std::vector<std::string>{"c1:2024-01-01..2024-01-09",
                                      "c1:2024-01-13..2024-01-19"}));
  const SupportLevelDays& two = (*days)[1];
  EXPECT_EQ(two.level, "niva-2");
  EXPECT_EQ(two.per_day_ore, 78000);
  EXPECT_EQ(two.days.days, 12);
  EXPECT_EQ(two.days.zone_id, "city");
  EXPECT_EQ(DescribeDays(two.days),
            std::vector<std::string>{"c1:2024-01-20..2024-01-31"});
}

TEST(SupportLevelTableTest, TheCategorysLevelIsOptionalTheLevelsAreNot) {
  // Without a default level every client needs a decided one (above); a
  // category paid by level in a table with no levels is refused.
  EXPECT_TRUE(ValidateRateTable(SupportLevels("")).ok())
      << ValidateRateTable(SupportLevels(""));
  v1::RateTable t = SupportLevels("");
  t.clear_support_levels();
  EXPECT_TRUE(IsError(
      ValidateRateTable(t), absl::StatusCode::kInvalidArgument,
      {"table.support_levels", "PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL"}));
}

}  // namespace
}  // namespace lov::settlement
