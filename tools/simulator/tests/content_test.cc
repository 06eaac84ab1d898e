// What the simulator makes up is a pure function of its seed: the same seed
// gives byte for byte the same reports under the same report ids, whatever
// else the run drew or in what order its threads ran.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {
namespace {

constexpr uint64_t kSeed = 20240201;
const absl::CivilMonth kMonth(2026, 10);

// The clients as the services would have given them ids and providers.
std::vector<SimClient> Town(uint64_t seed, int n) {
  std::vector<SimClient> clients = DrawClients(seed, n);
  for (int i = 0; i < n; ++i) {
    clients[i].client_id = "cli-" + std::to_string(i);
    clients[i].provider_id = ProviderId(Providers()[i % 6].org);
  }
  return clients;
}

std::string Bytes(const std::vector<vis::VisitReport>& reports) {
  std::string bytes;
  for (const auto& r : reports) bytes += r.SerializeAsString();
  return bytes;
}

std::vector<vis::VisitReport> OfClient(
    const std::vector<vis::VisitReport>& reports, const std::string& client) {
  std::vector<vis::VisitReport> own;
  for (const auto& r : reports)
    if (r.client_id() == client &&
        r.report_id().find("-bad") == std::string::npos)
      own.push_back(r);
  return own;
}

TEST(ContentTest, TheSameSeedMakesByteIdenticalReports) {
  const auto first = MonthOfVisits(kSeed, kMonth, Town(kSeed, 40));
  const auto second = MonthOfVisits(kSeed, kMonth, Town(kSeed, 40));
  ASSERT_GT(first.size(), 400u);
  EXPECT_EQ(Bytes(first), Bytes(second));
  // Another seed: other lengths, evidence and statuses.
  EXPECT_NE(Bytes(first),
            Bytes(MonthOfVisits(kSeed + 1, kMonth, Town(kSeed, 40))));
}

// A rerun finds some clients already served and some cases closed; what it
// draws for one client must not shift what another gets.
TEST(ContentTest, AClientsVisitsDoNotDependOnOtherClients) {
  std::vector<SimClient> town = Town(kSeed, 10);
  const auto before = OfClient(MonthOfVisits(kSeed, kMonth, town), "cli-3");
  town[0].service_minutes += 600;  // client 0 now gets ten more visits
  town[1].care_minutes = 0;
  const auto after = OfClient(MonthOfVisits(kSeed, kMonth, town), "cli-3");
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(Bytes(before), Bytes(after));
}

TEST(ContentTest, EachClientIsDrawnOnItsOwn) {
  const std::vector<SimClient> small = DrawClients(kSeed, 50);
  const std::vector<SimClient> large = DrawClients(kSeed, 100);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(small[i].zone, large[i].zone) << i;
    EXPECT_EQ(small[i].service_minutes, large[i].service_minutes) << i;
    EXPECT_EQ(small[i].care_minutes, large[i].care_minutes) << i;
    EXPECT_EQ(small[i].chose, large[i].chose) << i;
  }
}

cho::ListEligibleProvidersResponse List(const std::vector<int>& order) {
  cho::ListEligibleProvidersResponse list;
  for (int k : order)
    list.add_providers()->set_provider_id(ProviderId(Providers()[k].org));
  return list;
}

// The neutral list comes in a random order; the client's pick does not.
TEST(ContentTest, APickDoesNotDependOnTheListsOrder) {
  for (uint64_t client = 0; client < 50; ++client) {
    std::mt19937_64 a = StreamOf(kSeed, "choose", client);
    std::mt19937_64 b = StreamOf(kSeed, "choose", client);
    EXPECT_EQ(PickProvider(List({0, 1, 2, 3, 4, 5}), a),
              PickProvider(List({5, 3, 1, 0, 4, 2}), b))
        << client;
  }
}

TEST(ContentTest, APickIsNeverTheLeaver) {
  const std::string leaver = ProviderId(kAllegioOrg);
  for (uint64_t client = 0; client < 50; ++client) {
    std::mt19937_64 rng = StreamOf(kSeed, "rechoose-pick", client);
    const std::string pick = PickProvider(List({1, 0, 2}), rng, leaver);
    EXPECT_FALSE(pick.empty());
    EXPECT_NE(pick, leaver);
  }
  std::mt19937_64 rng = StreamOf(kSeed, "rechoose-pick", 0);
  EXPECT_EQ(PickProvider(List({1}), rng, leaver), "");
}

TEST(ContentTest, StreamsDifferByPurposeAndClient) {
  EXPECT_EQ(StreamOf(kSeed, "choose", 1)(), StreamOf(kSeed, "choose", 1)());
  EXPECT_NE(StreamOf(kSeed, "choose", 1)(), StreamOf(kSeed, "choose", 2)());
  EXPECT_NE(StreamOf(kSeed, "choose", 1)(), StreamOf(kSeed, "decision", 1)());
  EXPECT_NE(StreamOf(kSeed, "choose", 1)(), StreamOf(kSeed + 1, "choose", 1)());
}

// ------------------------------------------------------ staff rosters

std::vector<vis::VisitReport> Good(const std::vector<vis::VisitReport>& all) {
  std::vector<vis::VisitReport> good;
  std::set<std::string> seen;
  for (const auto& r : all)
    if (r.report_id().find("-bad") == std::string::npos &&
        seen.insert(r.report_id()).second)
      good.push_back(r);
  return good;
}

// Every visit's staff, the second of a double-staffed one too, comes from
// the roster of the visit's provider.
TEST(ContentTest, TheStaffOfEveryVisitComeFromTheProvidersRoster) {
  const std::vector<SimClient> town = Town(kSeed, 120);
  const StaffRoster roster(kSeed, town);
  const auto reports = Good(MonthOfVisits(kSeed, kMonth, town));
  ASSERT_GT(reports.size(), 1000u);
  int doubles = 0;
  for (const auto& r : reports) {
    const std::set<std::string> pool = roster.Pool(r.provider_id());
    EXPECT_TRUE(pool.count(r.staff_id())) << r.report_id() << r.staff_id();
    if (r.double_staffing()) {
      ++doubles;
      EXPECT_TRUE(pool.count(r.second_staff_id())) << r.second_staff_id();
      EXPECT_NE(r.second_staff_id(), r.staff_id());
    }
  }
  EXPECT_GT(doubles, 0);
  // Teams of 7 (and a substitute) for the in-house unit's 20 clients: the
  // first five blocks of 24 have 4 of its clients each, a team of 3 and a
  // team of 1, so 10 teams of 8 ids.
  EXPECT_EQ(roster.Pool(ProviderId(Providers()[0].org)).size(), 80u);
  // A staff member of one provider is never another's.
  EXPECT_EQ(roster.Pool(ProviderId(Providers()[1].org))
                .count(*roster.Pool(ProviderId(Providers()[0].org)).begin()),
            0u);
}

// The visits service refuses a staff member in two visits at once: the
// roster never sends one (every performed visit of the month, by staff).
TEST(ContentTest, NobodyIsInTwoPlacesAtOnce) {
  const auto reports = Good(MonthOfVisits(kSeed, kMonth, Town(kSeed, 240)));
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> by_staff;
  for (const auto& r : reports) {
    if (r.status() != vis::VISIT_STATUS_PERFORMED) continue;
    const std::pair<int64_t, int64_t> span = {r.start().seconds(),
                                              r.end().seconds()};
    by_staff[r.staff_id()].push_back(span);
    if (r.double_staffing()) by_staff[r.second_staff_id()].push_back(span);
  }
  int overlaps = 0;
  for (auto& [staff, spans] : by_staff) {
    std::sort(spans.begin(), spans.end());
    for (size_t k = 1; k < spans.size(); ++k)
      if (spans[k].first < spans[k - 1].second) ++overlaps;
  }
  EXPECT_EQ(overlaps, 0);
  // And a member of staff serves several clients (a roster, not one person
  // per client).
  std::map<std::string, std::set<std::string>> clients_of;
  for (const auto& r : reports) clients_of[r.staff_id()].insert(r.client_id());
  size_t most = 0;
  for (const auto& [staff, clients] : clients_of)
    most = std::max(most, clients.size());
  EXPECT_GE(most, 3u);
}

// Clients with enough care to count (38 care visits in the first 14 days of
// October 2026: 3000 minutes a month in 30-minute visits, 82 % performed,
// 82 visits spread over 31 days): a client meets at most its team (the
// in-house unit 7, Tiohundra 6) and the team's substitute; Attendo's
// rotating pool of 20 many more.
TEST(ContentTest, StaffContinuityDiffersBetweenProviders) {
  std::vector<SimClient> town = Town(kSeed, 240);
  for (SimClient& c : town) c.care_minutes = 3000;
  const auto continuity = StaffContinuity(
      Good(MonthOfVisits(kSeed, kMonth, town)), absl::CivilDay(kMonth));
  const ContinuityCount in_house =
      continuity.at(ProviderId(Providers()[0].org));
  const ContinuityCount tiohundra = continuity.at(ProviderId(kTiohundraOrg));
  const ContinuityCount attendo = continuity.at(ProviderId("556554-1645"));
  EXPECT_EQ(in_house.clients, 40);  // every one of its 40 clients counts
  EXPECT_GE(in_house.median_staff, 7);
  EXPECT_LE(in_house.median_staff, 8);
  EXPECT_GE(tiohundra.median_staff, 6);
  EXPECT_LE(tiohundra.median_staff, 7);
  EXPECT_GE(attendo.median_staff, 15);
  EXPECT_LE(attendo.median_staff, 21);
}

vis::VisitReport Visit(const std::string& client, const std::string& staff,
                       absl::CivilDay day, int hour) {
  vis::VisitReport r;
  r.set_provider_id("prv-1");
  r.set_client_id(client);
  r.set_staff_id(staff);
  r.set_status(vis::VISIT_STATUS_PERFORMED);
  *r.mutable_start() =
      ToProtoTime(FromStockholm(absl::CivilSecond(day) + hour * 3600));
  *r.mutable_end() = ToProtoTime(FromProtoTime(r.start()) + absl::Minutes(30));
  return r;
}

// The simulator's own count, on a roster worked out by hand: from Sunday
// 2025-03-24 (over the spring change on the 30th), client a has two visits
// a day (s1 mornings, s2 evenings, s3 with s2 on the first evening) and a
// night visit by s9 that does not count: 3 staff. Client b has 28 visits by
// s1, s2, s4, s5, s6: 5 staff. Client c has 27 visits: not counted. The
// median of 3 and 5 is 4.
TEST(ContentTest, StaffContinuityCountedByHand) {
  const absl::CivilDay from(2025, 3, 24);
  std::vector<vis::VisitReport> visits;
  for (int d = 0; d < 14; ++d) {
    visits.push_back(Visit("a", "s1", from + d, 8));
    visits.push_back(Visit("a", "s2", from + d, 17));
    if (d == 0) {
      visits.back().set_double_staffing(true);
      visits.back().set_second_staff_id("s3");
    }
    visits.push_back(Visit("b", d < 2 ? "s4" : "s1", from + d, 8));
    visits.push_back(Visit("b",
                           d == 5   ? "s5"
                           : d == 6 ? "s6"
                                    : "s2",
                           from + d, 21));
    if (d > 0) visits.push_back(Visit("c", "s7", from + d, 12));
    visits.push_back(Visit("c", "s8", from + d, 13));
  }
  visits.push_back(Visit("a", "s9", from + 3, 23));   // night
  visits.push_back(Visit("a", "s10", from + 14, 9));  // after the 14 days
  const auto continuity = StaffContinuity(visits, from);
  ASSERT_EQ(continuity.count("prv-1"), 1u);
  EXPECT_EQ(continuity.at("prv-1").clients, 2);
  EXPECT_EQ(continuity.at("prv-1").median_staff, 4.0);
}

// The indicators' window as of 2025-04-01: the visits of 2025-03-18 ..
// 2025-03-31 only (one the day before and one on the day are left out),
// any status (a client absent at 12:00 is there), each with the service's
// answer, the second staff of a double-staffed visit, the listed clients
// (not one without a provider), every complaint and deviation with its
// date.
TEST(ContentTest, TheIndicatorWindowHasTheFourteenDaysBeforeTheDate) {
  const absl::CivilDay as_of(2025, 4, 1);
  std::vector<AcceptedVisit> visits = {
      {Visit("a", "s0", as_of - 15, 9)},
      {Visit("a", "s1", as_of - 14, 7)},
      {Visit("b", "s2", as_of - 1, 21), vis::OUTCOME_ACCEPTED_WITH_EXCEPTIONS},
      {Visit("b", "s3", as_of, 8)},
      {Visit("a", "s5", as_of - 2, 12), vis::OUTCOME_ACCEPTED_WITH_EXCEPTIONS}};
  visits[2].report.set_double_staffing(true);
  visits[2].report.set_second_staff_id("s4");
  visits[4].report.set_status(vis::VISIT_STATUS_CLIENT_ABSENT);
  std::vector<SimClient> clients(2);
  clients[0].client_id = "a";
  clients[0].provider_id = "prv-1";
  clients[1].client_id = "c";  // no provider
  FollowUpContent content;
  content.complaints.emplace_back().registered.set_provider_id("prv-1");
  content.complaints.back().registered.set_received_date("2025-03-02");
  content.deviations.emplace_back().reported.set_provider_id("prv-2");
  content.deviations.back().reported.set_reported_date("2025-04-01");
  const std::string text = IndicatorWindowText(as_of, visits, clients, content);
  std::vector<std::string> records;
  for (absl::string_view line : absl::StrSplit(text, '\n'))
    if (!line.empty() && line[0] != '#') records.emplace_back(line);
  EXPECT_EQ(records, (std::vector<std::string>{
                         "as_of\t2025-04-01",
                         "visit\tprv-1\ta\t2025-03-18T07:00:00\tVISIT_STATUS_"
                         "PERFORMED\ts1\t\tOUTCOME_ACCEPTED",
                         "visit\tprv-1\tb\t2025-03-31T21:00:00\tVISIT_STATUS_"
                         "PERFORMED\ts2\ts4\tOUTCOME_ACCEPTED_WITH_EXCEPTIONS",
                         "visit\tprv-1\ta\t2025-03-30T12:00:00\tVISIT_STATUS_"
                         "CLIENT_ABSENT\ts5\t\tOUTCOME_ACCEPTED_WITH_"
                         "EXCEPTIONS",
                         "listed\tprv-1\ta",
                         "complaint\tprv-1\t2025-03-02",
                         "deviation\tprv-2\t2025-04-01",
                     }))
      << text;
}

// ------------------------------------------------------ follow-up records

TEST(ContentTest, FollowUpRecordsAndWhatIsOverdueCountedByHand) {
  const std::vector<SimClient> town = Town(kSeed, 60);
  const absl::CivilDay first(kMonth);
  // A month later everything has happened: of 5 complaints one is still
  // investigated after its reply was due (received Oct 9, due Oct 23); of
  // 5 deviations the lex Sarah report of Oct 11 never reached IVO (due Oct
  // 25); 6 follow-ups planned, Attendo's done Oct 13 with two action plans
  // due Oct 23 and one of them received.
  const FollowUpContent late =
      MakeFollowUpContent(kSeed, kMonth, first + 60, town);
  FollowUpCounts n = CountFollowUp(late, first + 60);
  EXPECT_EQ(n.complaints, 5);
  EXPECT_EQ(n.overdue_complaints, 1);
  EXPECT_EQ(n.deviations, 5);
  EXPECT_EQ(n.overdue_deviations, 1);
  EXPECT_EQ(n.follow_ups, 6);
  EXPECT_EQ(n.done, 1);
  EXPECT_EQ(n.overdue_action_plans, 1);
  // On Oct 21: nothing is overdue yet, and nothing dated later is there
  // (the complaint answered Oct 27 is still being handled).
  const FollowUpContent mid =
      MakeFollowUpContent(kSeed, kMonth, first + 20, town);
  n = CountFollowUp(mid, first + 20);
  EXPECT_EQ(n.complaints, 5);
  EXPECT_EQ(n.overdue_complaints, 0);
  EXPECT_EQ(n.overdue_deviations, 0);
  EXPECT_EQ(n.overdue_action_plans, 0);
  EXPECT_EQ(n.done, 1);
  EXPECT_EQ(mid.complaints[3].steps.size(), 0u);
  // Every complaint is about a served client, received by then.
  for (const auto& c : late.complaints) {
    EXPECT_FALSE(c.registered.client_id().empty());
    EXPECT_LE(*ParseDate(c.registered.received_date()), first + 60);
  }
  // A provider reports its deviations about its own clients.
  for (const auto& d : late.deviations) {
    if (d.reported.client_id().empty()) continue;
    const int k = std::stoi(d.reported.client_id().substr(4));
    EXPECT_EQ(town[k].provider_id, d.reported.provider_id());
  }
}

TEST(ContentTest, TheSurveyCsvHasARowPerProviderInTheDocumentedFormat) {
  const FollowUpContent october = MakeFollowUpContent(
      kSeed, kMonth, absl::CivilDay(kMonth) + 40, Town(kSeed, 10));
  EXPECT_EQ(october.survey_year, 2026);
  std::vector<std::string> lines =
      absl::StrSplit(october.survey_csv, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0],
            "year;provider_id;respondents;overall_satisfied_per_mille");
  for (size_t k = 1; k < lines.size(); ++k) {
    std::vector<std::string> cells = absl::StrSplit(lines[k], ';');
    ASSERT_EQ(cells.size(), 4u) << lines[k];
    EXPECT_EQ(cells[0], "2026");
    EXPECT_EQ(cells[1], ProviderId(Providers()[k - 1].org));
    EXPECT_GE(std::stoi(cells[2]), 20);
    EXPECT_LE(std::stoi(cells[3]), 1000);
  }
  // Before October the latest results are last year's.
  EXPECT_EQ(MakeFollowUpContent(kSeed, absl::CivilMonth(2026, 3),
                                absl::CivilDay(2026, 5, 1), Town(kSeed, 10))
                .survey_year,
            2025);
}

// Every good report says how far staff drove to it, in whole metres: 1.5
// to 25 km to a client in a sparse zone (Norra, Väddö), 0.3 to 3 km in
// town; the distances are drawn on their own, so the rest of a report is
// what it was without them.
TEST(ContentTest, EveryVisitReportsTheDistanceDrivenLongerInSparseZones) {
  const std::vector<SimClient> town = Town(kSeed, 120);
  std::map<std::string, std::string> zone_of;
  for (const auto& c : town) zone_of[c.client_id] = c.zone;
  int sparse = 0, in_town = 0;
  for (const auto& r : MonthOfVisits(kSeed, kMonth, town)) {
    if (r.report_id().find("-bad") != std::string::npos) continue;
    const uint32_t m = r.travel_metres();
    if (SparseZone(zone_of[r.client_id()])) {
      ++sparse;
      EXPECT_TRUE(m >= 1500 && m <= 25000) << r.report_id() << " " << m;
    } else {
      ++in_town;
      EXPECT_TRUE(m >= 300 && m <= 3000) << r.report_id() << " " << m;
    }
  }
  EXPECT_GT(sparse, 100);
  EXPECT_GT(in_town, 100);
  EXPECT_TRUE(SparseZone("norra") && SparseZone("vaddo"));
  EXPECT_FALSE(SparseZone("stad") || SparseZone("sodra"));
}

// About one client in five has day activities, at a level of its own
// ("niva-1" .. "niva-3", each drawn), independent of the other clients;
// the others none and no level.
TEST(ContentTest, SomeClientsHaveDayActivitiesAtADecidedSupportLevel) {
  const std::vector<SimClient> clients = DrawClients(kSeed, 500);
  std::map<std::string, int> by_level;
  for (const auto& c : clients) {
    EXPECT_EQ(c.day_activity_minutes > 0, !c.support_level.empty());
    if (c.day_activity_minutes == 0) continue;
    EXPECT_TRUE(c.day_activity_minutes >= 720 && c.day_activity_minutes <= 2160)
        << c.day_activity_minutes;
    ++by_level[c.support_level];
  }
  EXPECT_EQ(by_level.size(), 3u);
  for (const char* level : {"niva-1", "niva-2", "niva-3"})
    EXPECT_GT(by_level[level], 10) << level;
  int with = 0;
  for (const auto& [level, n] : by_level) with += n;
  EXPECT_TRUE(with > 60 && with < 140) << with;
  const std::vector<SimClient> fewer = DrawClients(kSeed, 50);
  for (size_t i = 0; i < fewer.size(); ++i) {
    EXPECT_EQ(fewer[i].support_level, clients[i].support_level);
    EXPECT_EQ(fewer[i].day_activity_minutes, clients[i].day_activity_minutes);
  }
}

}  // namespace
}  // namespace lov::sim
