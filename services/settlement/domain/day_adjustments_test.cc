// A late change of an approved month under the day models (issue 18): the
// adjustment is the difference of the client's paid days before and after
// the change, never a day per visit. Day care pays 450 kr per day of
// participation, rehabilitation 200 kr per half day up to 4 h (two above);
// January 2024 is CET, so 08:00Z is 09:00 and 23:10Z is 00:10 the next day
// in Stockholm.
#include "lov/settlement/domain/day_adjustments.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/domain/statement_test_support.h"
#include "lov/settlement/domain/test_rates.h"

namespace lov::settlement {
namespace {

using testing::DayModels2024;
using testing::MakeVisit;

visits::v1::Visit Visit(const std::string& id, const std::string& category,
                        const std::string& start, const std::string& end,
                        int64_t version = 1) {
  visits::v1::Visit v = MakeVisit(id, category, start, end);
  v.set_period("2024-01");
  v.set_version(version);
  return v;
}

// Day care on 8 January 09:00-12:00 (d1), 10 January (d2, d3).
visits::v1::Visit D1() {
  return Visit("d1", "daycare", "2024-01-08T08:00:00Z", "2024-01-08T11:00:00Z");
}
visits::v1::Visit OnJan(const std::string& id, int day) {
  const std::string d = absl::StrCat("2024-01-", day < 10 ? "0" : "", day);
  return Visit(id, "daycare", d + "T08:00:00Z", d + "T09:00:00Z");
}

Adjustment Late(const std::string& id, const visits::v1::Visit& v) {
  return Adjustment{
      .adjustment_id = id, .adjusts_period = "2024-01", .current = v};
}
Adjustment Voided(const std::string& id, const visits::v1::Visit& v) {
  return Adjustment{
      .adjustment_id = id, .adjusts_period = "2024-01", .previous = v};
}
Adjustment Corrected(const std::string& id, const visits::v1::Visit& from,
                     const visits::v1::Visit& to) {
  return Adjustment{.adjustment_id = id,
                    .adjusts_period = "2024-01",
                    .previous = from,
                    .current = to};
}

// February's statement, booking corrections of the approved January.
class DayAdjustmentTest : public testing::StatementTest {
 protected:
  DayAdjustmentTest() {
    UseTable(DayModels2024());
    input_.period = absl::CivilMonth(2024, 2);
  }

  // Books `pending` against January as approved with `january` visits.
  v1::Statement Book(const std::vector<visits::v1::Visit>& january,
                     std::vector<Adjustment> pending,
                     std::vector<Adjustment> booked = {}) {
    OrderAdjustments(pending);
    SetPaidBefore({{"2024-01", january}}, std::move(booked), pending);
    input_.adjustments = std::move(pending);
    return Build();
  }

  static const v1::StatementLine* Only(const v1::Statement& s,
                                       v1::LineKind kind) {
    const v1::StatementLine* found = nullptr;
    for (const auto& l : s.lines()) {
      if (l.kind() != kind) continue;
      EXPECT_EQ(found, nullptr) << "more than one line of " << kind;
      found = &l;
    }
    EXPECT_NE(found, nullptr) << "no line of " << kind;
    return found;
  }
};

TEST_F(DayAdjustmentTest, AVisitAddedOnAPaidDayPaysNothing) {
  // January paid 8 Jan; a late visit on 8 Jan: 1 day - 1 day = 0 öre.
  v1::Statement s = Book({D1()}, {Late("e1", OnJan("d9", 8))});
  const v1::StatementLine* l = Only(s, v1::LINE_KIND_PARTICIPATION_DAY);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->adjusts_period(), "2024-01");
  EXPECT_EQ(l->quantity(), 0);
  EXPECT_EQ(l->amount_ore(), 0);
  EXPECT_EQ(std::vector<std::string>(l->sources().begin(), l->sources().end()),
            std::vector<std::string>{"d9@1"});
  EXPECT_EQ(s.total_ore(), 0);
  EXPECT_EQ(s.adjustment_ids_size(), 1);
}

TEST_F(DayAdjustmentTest, AVisitAddedOnANewDayPaysOneDay) {
  // 9 Jan was not paid: one day, 45 000 öre.
  v1::Statement s = Book({D1()}, {Late("e1", OnJan("d9", 9))});
  EXPECT_EQ(Only(s, v1::LINE_KIND_PARTICIPATION_DAY)->quantity(), 1);
  EXPECT_EQ(s.total_ore(), 45000);
}

TEST_F(DayAdjustmentTest, VoidingOneOfTwoVisitsOfADayTakesNothingBack) {
  // 10 Jan keeps d3: 1 day - 1 day = 0 öre.
  v1::Statement s = Book({D1(), OnJan("d2", 10), OnJan("d3", 10)},
                         {Voided("e1", OnJan("d2", 10))});
  const v1::StatementLine* l = Only(s, v1::LINE_KIND_PARTICIPATION_DAY);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->quantity(), 0);
  EXPECT_EQ(std::vector<std::string>(l->sources().begin(), l->sources().end()),
            std::vector<std::string>{"-d2@1"});
  EXPECT_EQ(s.total_ore(), 0);
}

TEST_F(DayAdjustmentTest, VoidingTheOnlyVisitOfADayTakesTheDayBack) {
  v1::Statement s = Book({D1(), OnJan("d2", 10)}, {Voided("e1", D1())});
  EXPECT_EQ(Only(s, v1::LINE_KIND_PARTICIPATION_DAY)->quantity(), -1);
  EXPECT_EQ(s.total_ore(), -45000);
}

TEST_F(DayAdjustmentTest, ACorrectionAcrossMidnightMovesTheDay) {
  // n1 started 23:30 on Monday 8 Jan (22:30Z); corrected to start 00:10 on
  // Tuesday 9 Jan (23:10Z). The client also had d1 on 8 Jan, so 8 Jan stays
  // paid (0) and 9 Jan is new (+1): 45 000 öre.
  const visits::v1::Visit n1 =
      Visit("n1", "daycare", "2024-01-08T22:30:00Z", "2024-01-08T23:50:00Z");
  const visits::v1::Visit n2 =
      Visit("n1", "daycare", "2024-01-08T23:10:00Z", "2024-01-08T23:50:00Z", 2);
  EXPECT_EQ(Book({D1(), n1}, {Corrected("e1", n1, n2)}).total_ore(), 45000);
  // Without d1, 8 Jan loses its only visit (-1) and 9 Jan gains one (+1).
  v1::Statement alone = Book({n1}, {Corrected("e1", n1, n2)});
  EXPECT_EQ(alone.total_ore(), 0);
  EXPECT_EQ(Only(alone, v1::LINE_KIND_PARTICIPATION_DAY)->sources_size(), 2);
  // And back from 00:10 to 23:30 the day before, with d1 there: -1 day.
  EXPECT_EQ(Book({D1(), n2}, {Corrected("e2", n2, n1)}).total_ore(), -45000);
}

TEST_F(DayAdjustmentTest, HalfDaysAreTheDifferenceOfTheDaysTime) {
  // Rehab 3 h on 8 Jan paid one half day. A late 30 min visit the same day:
  // 3.5 h is still one half day, 0 öre. A late 2 h one instead: 5 h is two
  // half days, +1 = 20 000 öre.
  const visits::v1::Visit r1 =
      Visit("r1", "rehab", "2024-01-08T08:00:00Z", "2024-01-08T11:00:00Z");
  const visits::v1::Visit short_one =
      Visit("r2", "rehab", "2024-01-08T12:00:00Z", "2024-01-08T12:30:00Z");
  const visits::v1::Visit long_one =
      Visit("r2", "rehab", "2024-01-08T12:00:00Z", "2024-01-08T14:00:00Z");
  v1::Statement s = Book({r1}, {Late("e1", short_one)});
  EXPECT_EQ(Only(s, v1::LINE_KIND_HALF_DAY)->quantity(), 0);
  EXPECT_EQ(s.total_ore(), 0);
  EXPECT_EQ(Book({r1}, {Late("e1", long_one)}).total_ore(), 20000);
  // Voiding the 2 h visit of a paid 5 h day: two half days -> one, -20 000.
  EXPECT_EQ(Book({r1, long_one}, {Voided("e1", long_one)}).total_ore(), -20000);
}

TEST_F(DayAdjustmentTest, PendingChangesCountTheOnesBeforeThem) {
  // Two late visits on the new 9 Jan: the first pays the day, the second
  // nothing (45 000, not 90 000). A correction booked in an earlier
  // statement added 12 Jan, so a late visit on 12 Jan pays nothing.
  v1::Statement s =
      Book({D1()},
           {Late("e2", OnJan("d8", 9)), Late("e1", OnJan("d9", 9)),
            Late("e3", OnJan("d7", 12))},
           {Late("e0", OnJan("d6", 12))});
  EXPECT_EQ(s.total_ore(), 45000);
  // The same corrections in another order give the same statement.
  v1::Statement again =
      Book({D1()},
           {Late("e3", OnJan("d7", 12)), Late("e1", OnJan("d9", 9)),
            Late("e2", OnJan("d8", 9))},
           {Late("e0", OnJan("d6", 12))});
  EXPECT_EQ(again.digest(), s.digest());
  // Each correction's own statement (AdjustmentCreated's net) adds up.
  int64_t sum = 0;
  for (const Adjustment& a : std::vector<Adjustment>(input_.adjustments)) {
    input_.adjustments = {a};
    sum += Build().net_ore();
  }
  EXPECT_EQ(sum, 45000);
}

TEST_F(DayAdjustmentTest, AVoidAfterABookedVoidTakesTheLastVisitsDay) {
  // January paid d2 and d3 on 10 Jan; d2's void was booked (0 öre). Now d3
  // is voided too: 10 Jan has no visit left, -45 000 öre.
  v1::Statement s =
      Book({OnJan("d2", 10), OnJan("d3", 10)}, {Voided("e2", OnJan("d3", 10))},
           {Voided("e1", OnJan("d2", 10))});
  EXPECT_EQ(s.total_ore(), -45000);
}

TEST_F(DayAdjustmentTest, ACorrectionWithoutPaidVisitsCountsItsOwnDays) {
  // Nothing known about January's other visits: the old version's day out,
  // the new one's in, as before.
  input_.adjustments = {Voided("e1", D1())};
  EXPECT_EQ(Build().total_ore(), -45000);
  input_.adjustments = {Late("e1", OnJan("d9", 9))};
  EXPECT_EQ(Build().total_ore(), 45000);
}

TEST(OrderAdjustmentsTest, EachVisitsChangesInVersionOrder) {
  const visits::v1::Visit v1 = OnJan("d1", 8);
  visits::v1::Visit v2 = OnJan("d1", 9);
  v2.set_version(2);
  std::vector<Adjustment> a = {Voided("z-void", v2), Corrected("y", v1, v2),
                               Late("x", v1)};
  OrderAdjustments(a);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].adjustment_id, "x");       // present at 1
  EXPECT_EQ(a[1].adjustment_id, "y");       // present at 2
  EXPECT_EQ(a[2].adjustment_id, "z-void");  // gone after 2
}

}  // namespace
}  // namespace lov::settlement
