#include "lov/console/domain/neutrality_board.h"

#include <gtest/gtest.h>

namespace lov::console {
namespace {

namespace cv1 = ::lov::choice::v1;

NeutralityNames Names() {
  return {[](const std::string& id) { return "name of " + id; },
          [](const std::string& id) { return "zone " + id; },
          [](const std::string& id) { return "category " + id; }};
}

TEST(NeutralityBoardTest, PeriodIsThePreviousMonthToToday) {
  NeutralityPeriod p = NeutralityPeriodFor(absl::CivilDay(2026, 12, 3));
  EXPECT_EQ(p.from, absl::CivilDay(2026, 11, 1));
  EXPECT_EQ(p.to, absl::CivilDay(2026, 12, 3));
  // Across the new year, and on the last day of a long month: 31 + 31 days.
  p = NeutralityPeriodFor(absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(p.from, absl::CivilDay(2026, 12, 1));
  p = NeutralityPeriodFor(absl::CivilDay(2026, 8, 31));
  EXPECT_EQ(p.from, absl::CivilDay(2026, 7, 1));
  EXPECT_EQ(p.to - p.from + 1, 62);
}

TEST(NeutralityBoardTest, FlaggedWhenEitherTestDeviates) {
  NeutralityEntry e;
  e.report.mutable_shown_first_test()->set_verdict(
      cv1::NEUTRALITY_VERDICT_CONSISTENT);
  e.report.mutable_allocation_test()->set_verdict(
      cv1::NEUTRALITY_VERDICT_TOO_FEW);
  EXPECT_FALSE(Flagged(e));
  e.report.mutable_allocation_test()->set_verdict(
      cv1::NEUTRALITY_VERDICT_DEVIATES);
  EXPECT_TRUE(Flagged(e));
  e.report.mutable_allocation_test()->set_verdict(
      cv1::NEUTRALITY_VERDICT_CONSISTENT);
  e.report.mutable_shown_first_test()->set_verdict(
      cv1::NEUTRALITY_VERDICT_DEVIATES);
  EXPECT_TRUE(Flagged(e));
  // No answer: nothing to flag (the error is shown instead).
  e.error = "choice did not answer";
  EXPECT_FALSE(Flagged(e));
}

// A provider in only one of the two counts gets a row with 0 for the
// other; rows by provider id; the flagged list names zone and category.
TEST(NeutralityBoardTest, JsonMergesTheTwoCountsPerProvider) {
  NeutralityBoard board;
  board.period = NeutralityPeriodFor(absl::CivilDay(2026, 12, 3));
  NeutralityEntry& e = board.entries.emplace_back();
  e.zone_id = "north";
  e.category_id = "service";
  e.report.set_alpha(0.01);
  auto* c = e.report.add_shown_first();
  c->set_provider_id("prv-b");
  c->set_observed(7);
  c->set_expected(5.5);
  c = e.report.add_allocated();
  c->set_provider_id("prv-a");
  c->set_observed(3);
  c->set_expected(1.25);
  e.report.mutable_allocation_test()->set_verdict(
      cv1::NEUTRALITY_VERDICT_DEVIATES);
  e.report.mutable_allocation_test()->set_trials(3);
  const nlohmann::json j = NeutralityJson(board, Names());
  EXPECT_EQ(j["from"], "2026-11-01");
  EXPECT_EQ(j["to"], "2026-12-03");
  EXPECT_TRUE(j["checked_at"].is_null());
  ASSERT_EQ(j["entries"].size(), 1u);
  const nlohmann::json& entry = j["entries"][0];
  EXPECT_EQ(entry["zone"], "zone north");
  EXPECT_EQ(entry["category"], "category service");
  EXPECT_TRUE(entry["flagged"]);
  ASSERT_EQ(entry["providers"].size(), 2u);
  EXPECT_EQ(entry["providers"][0]["provider_id"], "prv-a");
  EXPECT_EQ(entry["providers"][0]["provider"], "name of prv-a");
  EXPECT_EQ(entry["providers"][0]["shown_first"], 0);
  EXPECT_EQ(entry["providers"][0]["allocated"], 3);
  EXPECT_EQ(entry["providers"][0]["allocated_expected"], 1.25);
  EXPECT_EQ(entry["providers"][1]["shown_first"], 7);
  EXPECT_EQ(entry["providers"][1]["shown_first_expected"], 5.5);
  EXPECT_EQ(entry["providers"][1]["allocated"], 0);
  EXPECT_EQ(entry["allocations"]["verdict"], "deviates");
  EXPECT_EQ(entry["allocations"]["trials"], 3);
  EXPECT_EQ(entry["lists"]["verdict"], "unknown");
  EXPECT_EQ(j["flagged"],
            nlohmann::json::array({"zone north / category service"}));
}

}  // namespace
}  // namespace lov::console
