// Band rules as data: the two precedences municipalities use, configurable
// boundaries, and the validation of a rule set. Expected öre are worked out
// by hand in the comments from the January 2024 personal-care rates
// (private, öre per hour): DAY 51600, EVENING 60000, NIGHT 70000, WEEKEND
// 65000, HOLIDAY 80000.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "lov/settlement/domain/bands.h"
#include "lov/settlement/domain/rate_book.h"
#include "lov/settlement/domain/statement.h"
#include "lov/settlement/domain/test_rates.h"

namespace lov::settlement {
namespace {

using testing::January2024;
using testing::MakeVisit;
using testing::StandardBands;
using testing::Utc;

constexpr int kHour = 60;
constexpr int kMidnight = 24 * 60;

void AddWindow(v1::BandRules& rules, std::vector<v1::DayType> types, int from,
               int to, v1::Band band) {
  v1::BandWindow* w = rules.add_windows();
  for (v1::DayType t : types) w->add_day_types(t);
  w->set_start_minute(from);
  w->set_end_minute(to);
  w->set_band(band);
}

// Written out as a municipality would: night 22-07 on every day, day 07-18
// and evening 18-22 on weekdays, weekend all Saturday and Sunday, holiday
// all day on public holidays; `evening_from` moves the evening start.
v1::BandRules Windows(int evening_from = 18 * kHour) {
  v1::BandRules r;
  const std::vector<v1::DayType> every_day = {
      v1::DAY_TYPE_WEEKDAY, v1::DAY_TYPE_SATURDAY, v1::DAY_TYPE_SUNDAY};
  AddWindow(r, every_day, 0, 7 * kHour, v1::BAND_NIGHT);
  AddWindow(r, every_day, 22 * kHour, kMidnight, v1::BAND_NIGHT);
  AddWindow(r, {v1::DAY_TYPE_WEEKDAY}, 7 * kHour, evening_from, v1::BAND_DAY);
  AddWindow(r, {v1::DAY_TYPE_WEEKDAY}, evening_from, 22 * kHour,
            v1::BAND_EVENING);
  AddWindow(r, {v1::DAY_TYPE_SATURDAY, v1::DAY_TYPE_SUNDAY}, 0, kMidnight,
            v1::BAND_WEEKEND);
  AddWindow(r, {v1::DAY_TYPE_PUBLIC_HOLIDAY}, 0, kMidnight, v1::BAND_HOLIDAY);
  return r;
}

void Rank(v1::BandRules& r, std::vector<v1::Band> order) {
  r.clear_precedence();
  for (v1::Band b : order) r.add_precedence(b);
}

// Today's rule: holiday > weekend > night > evening > day.
v1::BandRules HolidayFirst(v1::BandRules r = Windows()) {
  Rank(r, {v1::BAND_HOLIDAY, v1::BAND_WEEKEND, v1::BAND_NIGHT, v1::BAND_EVENING,
           v1::BAND_DAY});
  return r;
}

// The night rate for every night, holidays and weekends included.
v1::BandRules NightFirst(v1::BandRules r = Windows()) {
  Rank(r, {v1::BAND_NIGHT, v1::BAND_HOLIDAY, v1::BAND_WEEKEND, v1::BAND_EVENING,
           v1::BAND_DAY});
  return r;
}

using Expected = std::vector<std::pair<v1::Band, int64_t>>;

class SettlementBandRulesTest : public ::testing::Test {
 protected:
  // The net öre of one personal-care visit of a private provider priced by
  // the January 2024 rates under `rules`.
  int64_t Price(const v1::BandRules& rules, const std::string& start,
                const std::string& end) {
    v1::RateTable table = January2024();
    table.clear_bands();
    *table.mutable_band_rules() = rules;
    absl::Status valid = ValidateRateTable(table);
    EXPECT_TRUE(valid.ok()) << valid;
    RateBook book({table});
    StatementInput input;
    input.provider_id = "prv-a";
    input.period = absl::CivilMonth(StockholmDate(Utc(start)));
    input.rates = &book;
    input.visits = {MakeVisit("v1", "personal-care", start, end)};
    absl::StatusOr<v1::Statement> s = BuildStatement(input);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? s->net_ore() : -1;
  }

  static Expected Pieces(const v1::BandRules& rules, const std::string& start,
                         const std::string& end) {
    Expected out;
    for (const BandPiece& p : BandSchedule(rules).Split(Utc(start), Utc(end))) {
      out.emplace_back(p.band, p.seconds);
    }
    return out;
  }
};

TEST_F(SettlementBandRulesTest, NightIntoEasterSundayUnderBothPrecedences) {
  // Easter Eve, Saturday 30 March 2024, 21:00 CET (20:00Z) to Easter
  // Sunday 31 March 06:00 CEST (04:00Z): clocks jump 02:00 -> 03:00 that
  // night, so 9 wall hours are 8 real ones. Easter Eve is not a holiday
  // here (no HOLIDAY_EVE window): a Saturday.
  const std::string from = "2024-03-30T20:00:00Z";
  const std::string to = "2024-03-31T04:00:00Z";
  // Holiday first: Saturday 21-24 WEEKEND (3 h), Sunday 00-06 HOLIDAY
  // (23:00Z-04:00Z, 5 h): 3 x 65000 + 5 x 80000 = 195000 + 400000.
  EXPECT_EQ(
      Pieces(HolidayFirst(), from, to),
      (Expected{{v1::BAND_WEEKEND, 3 * 3600}, {v1::BAND_HOLIDAY, 5 * 3600}}));
  EXPECT_EQ(Price(HolidayFirst(), from, to), 595000);
  // Night first: 21-22 WEEKEND (1 h), then NIGHT from 22:00 across midnight
  // to 06:00 (2 h + 5 h): 65000 + 7 x 70000 = 65000 + 490000.
  EXPECT_EQ(Pieces(NightFirst(), from, to),
            (Expected{{v1::BAND_WEEKEND, 3600}, {v1::BAND_NIGHT, 7 * 3600}}));
  EXPECT_EQ(Price(NightFirst(), from, to), 555000);
  // Per visit, the band the visit starts in at 03:30 CEST on Easter Sunday.
  EXPECT_EQ(BandSchedule(HolidayFirst()).At(Utc("2024-03-31T01:30:00Z")),
            v1::BAND_HOLIDAY);
  EXPECT_EQ(BandSchedule(NightFirst()).At(Utc("2024-03-31T01:30:00Z")),
            v1::BAND_NIGHT);
}

TEST_F(SettlementBandRulesTest,
       SundayNightAcrossAutumnDstUnderBothPrecedences) {
  // Saturday 26 October 2024 22:00 CEST (20:00Z) to Sunday 27 October 08:00
  // CET (07:00Z): 03:00 CEST becomes 02:00 CET, so 10 wall hours are 11.
  const std::string from = "2024-10-26T20:00:00Z";
  const std::string to = "2024-10-27T07:00:00Z";
  // Holiday first (weekend beats night): 11 h WEEKEND = 11 x 65000.
  EXPECT_EQ(Pieces(HolidayFirst(), from, to),
            (Expected{{v1::BAND_WEEKEND, 11 * 3600}}));
  EXPECT_EQ(Price(HolidayFirst(), from, to), 715000);
  // Night first: Saturday 22-24 (2 h) and Sunday 00-07 (22:00Z-06:00Z, 8
  // h with the repeated hour) NIGHT, 07-08 WEEKEND: 10 x 70000 + 65000.
  EXPECT_EQ(Pieces(NightFirst(), from, to),
            (Expected{{v1::BAND_NIGHT, 10 * 3600}, {v1::BAND_WEEKEND, 3600}}));
  EXPECT_EQ(Price(NightFirst(), from, to), 765000);
}

TEST_F(SettlementBandRulesTest,
       BoundaryInTheRepeatedHourCountsBothOccurrences) {
  // A Sunday boundary at 02:30: both 02:00-02:30 stretches of 27 October
  // 2024 (CEST 00:00Z-00:30Z and CET 01:00Z-01:30Z) are NIGHT, both
  // 02:30-03:00 ones WEEKEND.
  v1::BandRules r;
  const std::vector<v1::DayType> every_day = {
      v1::DAY_TYPE_WEEKDAY, v1::DAY_TYPE_SATURDAY, v1::DAY_TYPE_SUNDAY};
  AddWindow(r, every_day, 0, 150, v1::BAND_NIGHT);
  AddWindow(r, every_day, 150, kMidnight, v1::BAND_WEEKEND);
  ASSERT_TRUE(ValidateBandRules(r).ok());
  EXPECT_EQ(Pieces(r, "2024-10-27T00:00:00Z", "2024-10-27T02:00:00Z"),
            (Expected{{v1::BAND_NIGHT, 1800},
                      {v1::BAND_WEEKEND, 1800},
                      {v1::BAND_NIGHT, 1800},
                      {v1::BAND_WEEKEND, 1800}}));
  // In March the skipped hour 02:00-03:00 has no time in it: of 01:00 CET
  // to 04:00 CEST on 31 March 2024, 01:00-02:00 CET is NIGHT (1 h) and
  // 03:00-04:00 CEST WEEKEND (1 h).
  EXPECT_EQ(Pieces(r, "2024-03-31T00:00:00Z", "2024-03-31T02:00:00Z"),
            (Expected{{v1::BAND_NIGHT, 3600}, {v1::BAND_WEEKEND, 3600}}));
}

TEST_F(SettlementBandRulesTest, EveningFrom18Or19) {
  // Wednesday 17 January 2024 17:30-19:30 CET.
  const std::string from = "2024-01-17T16:30:00Z";
  const std::string to = "2024-01-17T18:30:00Z";
  // From 18: 0.5 h DAY + 1.5 h EVENING = 25800 + 90000.
  EXPECT_EQ(Price(HolidayFirst(Windows(18 * kHour)), from, to), 115800);
  // From 19: 1.5 h DAY + 0.5 h EVENING = 77400 + 30000.
  EXPECT_EQ(Price(HolidayFirst(Windows(19 * kHour)), from, to), 107400);
}

TEST_F(SettlementBandRulesTest, WeekendFromFriday1800) {
  v1::BandRules r = Windows();
  AddWindow(r, {v1::DAY_TYPE_FRIDAY}, 18 * kHour, kMidnight, v1::BAND_WEEKEND);
  r = HolidayFirst(r);
  // Friday 19 January 2024 17:00-23:00 CET: 1 h DAY, then WEEKEND beats
  // evening and night: 51600 + 5 x 65000 = 51600 + 325000.
  EXPECT_EQ(Price(r, "2024-01-19T16:00:00Z", "2024-01-19T22:00:00Z"), 376600);
  // Thursday 18 January 17:00-19:00 is untouched: 51600 + 60000.
  EXPECT_EQ(Price(r, "2024-01-18T16:00:00Z", "2024-01-18T18:00:00Z"), 111600);
  // Under night first the Friday night stays NIGHT: 1 h DAY, 4 h WEEKEND
  // (18-22), 1 h NIGHT: 51600 + 260000 + 70000.
  EXPECT_EQ(
      Price(NightFirst(r), "2024-01-19T16:00:00Z", "2024-01-19T22:00:00Z"),
      381600);
}

TEST_F(SettlementBandRulesTest, HolidayEvesFrom0700Or1200) {
  v1::BandRules from_noon = Windows();
  AddWindow(from_noon, {v1::DAY_TYPE_HOLIDAY_EVE}, 12 * kHour, kMidnight,
            v1::BAND_HOLIDAY);
  from_noon = HolidayFirst(from_noon);
  v1::BandRules from_seven = Windows();
  AddWindow(from_seven, {v1::DAY_TYPE_HOLIDAY_EVE}, 7 * kHour, kMidnight,
            v1::BAND_HOLIDAY);
  from_seven = HolidayFirst(from_seven);
  // Midsummer Eve, Friday 21 June 2024, 10:00-14:00 CEST (08:00Z-12:00Z).
  const std::string from = "2024-06-21T08:00:00Z";
  const std::string to = "2024-06-21T12:00:00Z";
  // From 12:00: 2 h DAY + 2 h HOLIDAY = 103200 + 160000.
  EXPECT_EQ(Price(from_noon, from, to), 263200);
  // From 07:00: 4 h HOLIDAY = 320000.
  EXPECT_EQ(Price(from_seven, from, to), 320000);
  // Easter Eve, Saturday 30 March 2024, 10:00-14:00 CET: the morning stays
  // WEEKEND, the afternoon is HOLIDAY: 2 x 65000 + 2 x 80000.
  EXPECT_EQ(Price(from_noon, "2024-03-30T09:00:00Z", "2024-03-30T13:00:00Z"),
            290000);
}

TEST_F(SettlementBandRulesTest, ExtraEvesAreConfigurable) {
  v1::BandRules r = Windows();
  AddWindow(r, {v1::DAY_TYPE_HOLIDAY_EVE}, 12 * kHour, kMidnight,
            v1::BAND_HOLIDAY);
  r = HolidayFirst(r);
  // Valborg, Tuesday 30 April 2024, 13:00-14:00 CEST: an ordinary day...
  const std::string from = "2024-04-30T11:00:00Z";
  const std::string to = "2024-04-30T12:00:00Z";
  EXPECT_EQ(Price(r, from, to), 51600);
  // ...until the table names it an eve every year (80000), or once.
  r.add_extra_eves("04-30");
  EXPECT_EQ(Price(r, from, to), 80000);
  r.clear_extra_eves();
  r.add_extra_eves("2024-04-30");
  EXPECT_EQ(Price(r, from, to), 80000);
  r.set_extra_eves(0, "2025-04-30");
  EXPECT_EQ(Price(r, from, to), 51600);
}

TEST_F(SettlementBandRulesTest, DefaultConfigurationIsTheFixedRuleAsData) {
  // Without band_rules a table is priced by DefaultBandRules(bands), which
  // are the same windows and precedence as HolidayFirst() above.
  v1::BandRules d = DefaultBandRules(StandardBands());
  EXPECT_TRUE(ValidateBandRules(d).ok());
  ASSERT_EQ(d.precedence_size(), 5);
  EXPECT_EQ(d.precedence(0), v1::BAND_HOLIDAY);
  EXPECT_EQ(d.precedence(4), v1::BAND_DAY);
  // The Easter night above: 595000 by the table's BandDefinition too.
  RateBook book({January2024()});
  StatementInput input;
  input.provider_id = "prv-a";
  input.period = absl::CivilMonth(2024, 3);
  input.rates = &book;
  input.visits = {MakeVisit("v1", "personal-care", "2024-03-30T20:00:00Z",
                            "2024-03-31T04:00:00Z")};
  absl::StatusOr<v1::Statement> s = BuildStatement(input);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->net_ore(), 595000);
}

// docs/settlement.md's worked example, with its JSON as written there.
constexpr char kSoderaRules[] = R"({"band_rules": {
  "windows": [
    {"day_types": ["DAY_TYPE_WEEKDAY", "DAY_TYPE_SATURDAY", "DAY_TYPE_SUNDAY"],
     "start_minute": 0, "end_minute": 420, "band": "BAND_NIGHT"},
    {"day_types": ["DAY_TYPE_WEEKDAY", "DAY_TYPE_SATURDAY", "DAY_TYPE_SUNDAY"],
     "start_minute": 1320, "end_minute": 1440, "band": "BAND_NIGHT"},
    {"day_types": ["DAY_TYPE_WEEKDAY"], "start_minute": 420, "end_minute": 1140,
     "band": "BAND_DAY"},
    {"day_types": ["DAY_TYPE_WEEKDAY"], "start_minute": 1140,
     "end_minute": 1320, "band": "BAND_EVENING"},
    {"day_types": ["DAY_TYPE_FRIDAY"], "start_minute": 1080, "end_minute": 1440,
     "band": "BAND_WEEKEND"},
    {"day_types": ["DAY_TYPE_SATURDAY", "DAY_TYPE_SUNDAY"], "start_minute": 0,
     "end_minute": 1440, "band": "BAND_WEEKEND"},
    {"day_types": ["DAY_TYPE_PUBLIC_HOLIDAY"], "start_minute": 0,
     "end_minute": 1440, "band": "BAND_HOLIDAY"},
    {"day_types": ["DAY_TYPE_HOLIDAY_EVE"], "start_minute": 720,
     "end_minute": 1440, "band": "BAND_HOLIDAY"}
  ],
  "precedence": ["BAND_NIGHT", "BAND_HOLIDAY", "BAND_WEEKEND", "BAND_EVENING",
                 "BAND_DAY"],
  "extra_eves": ["04-30"]
}})";

TEST_F(SettlementBandRulesTest, TwoMunicipalitiesOfTheDocs) {
  v1::RateTable parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(kSoderaRules, &parsed).ok());
  const v1::BandRules sodera = parsed.band_rules();
  // Midsummer Eve, Friday 21 June 2024, 17:00-23:00 CEST (15:00Z-21:00Z).
  const std::string from = "2024-06-21T15:00:00Z";
  const std::string to = "2024-06-21T21:00:00Z";
  // Norrby, today's rule: 1 h DAY + 4 h EVENING + 1 h NIGHT = 51600 +
  // 240000 + 70000.
  EXPECT_EQ(Price(HolidayFirst(), from, to), 361600);
  // Söderå: 17-22 HOLIDAY (the eve from 12:00 beats the Friday weekend and
  // the evening), 22-23 NIGHT = 400000 + 70000.
  EXPECT_EQ(Price(sodera, from, to), 470000);
  // Valborg, Tuesday 30 April 2024, 20:00-21:00 CEST: HOLIDAY there (an
  // extra eve), EVENING in Norrby.
  EXPECT_EQ(Price(sodera, "2024-04-30T18:00:00Z", "2024-04-30T19:00:00Z"),
            80000);
  EXPECT_EQ(
      Price(HolidayFirst(), "2024-04-30T18:00:00Z", "2024-04-30T19:00:00Z"),
      60000);
}

TEST_F(SettlementBandRulesTest, UncoveredMinutesNameTheDayTypeAndRange) {
  v1::BandRules r = HolidayFirst();
  r.mutable_windows()->DeleteSubrange(3, 1);  // the weekday evening
  absl::Status s = ValidateBandRules(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("WEEKDAY (Monday to Thursday) days, 18:00-22:00 "
                             "is in no window"),
            std::string::npos)
      << s;
}

TEST_F(SettlementBandRulesTest, UnrankedOverlapsAreDoublyCovered) {
  v1::BandRules r = Windows();  // no precedence
  absl::Status s = ValidateBandRules(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("on SATURDAY days, 00:00-07:00 is in windows of "
                             "more than one band (BAND_NIGHT, BAND_WEEKEND)"),
            std::string::npos)
      << s;
  // Ranking only some bands is not enough where the others overlap.
  Rank(r, {v1::BAND_NIGHT, v1::BAND_WEEKEND});
  s = ValidateBandRules(r);
  EXPECT_NE(
      s.message().find("on WEEKDAY (Monday to Thursday) + PUBLIC_HOLIDAY days, "
                       "00:00-07:00 is in windows of more than one band "
                       "(BAND_NIGHT, BAND_HOLIDAY)"),
      std::string::npos)
      << s;
}

TEST_F(SettlementBandRulesTest, WindowsAndTablesAreValidatedField) {
  v1::BandRules r = HolidayFirst();
  r.mutable_windows(0)->set_end_minute(kMidnight + 1);
  absl::Status s = ValidateBandRules(r);
  EXPECT_NE(s.message().find("table.band_rules.windows[0].end_minute"),
            std::string::npos)
      << s;
  r = HolidayFirst();
  r.mutable_windows(2)->clear_day_types();
  s = ValidateBandRules(r);
  EXPECT_NE(s.message().find("table.band_rules.windows[2].day_types"),
            std::string::npos)
      << s;
  r = HolidayFirst();
  r.add_precedence(v1::BAND_NIGHT);
  s = ValidateBandRules(r);
  EXPECT_NE(s.message().find("precedence[5]: BAND_NIGHT is listed twice"),
            std::string::npos)
      << s;
  r = HolidayFirst();
  r.add_extra_eves("30-04");
  s = ValidateBandRules(r);
  EXPECT_NE(s.message().find("extra_eves[0]: '30-04'"), std::string::npos) << s;
  // A table with rules must leave the old band definition empty.
  v1::RateTable table = January2024();
  *table.mutable_band_rules() = HolidayFirst();
  s = ValidateRateTable(table);
  EXPECT_NE(s.message().find("table.bands: must be left empty"),
            std::string::npos)
      << s;
  table.clear_bands();
  EXPECT_TRUE(ValidateRateTable(table).ok());
}

}  // namespace
}  // namespace lov::settlement
