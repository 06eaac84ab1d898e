// The visits list calls page: in key order, nothing skipped or repeated, a
// page's histories or clients read in one batch (never one read per item),
// the documented refusals.
#include <string>
#include <vector>

#include "lov/platform/paging.h"
#include "lov/visits/app/visits_app_test_support.h"
#include "page_walk.h"

namespace lov::visits {
namespace {

using namespace ::lov::visits::test_support;  // NOLINT: fixture, fakes
using ::lov::testing::WalkPages;
using ::testing::SizeIs;

// 22:00-22:30 in Stockholm on 2025-03-<day>: outside the hours, so the
// visit has an exception.
v1::VisitReport LateVisit(const std::string& id, const std::string& client,
                          int day) {
  return HomeHelpVisit(id, client, "s-" + id, Utc(2025, 3, day, 21, 0), 30);
}

class VisitsListPagingTest : public VisitsAppTest {
 protected:
  absl::StatusOr<v1::ListExceptionsResponse> Exceptions(
      int size, const std::string& token, bool include_reviewed = true) {
    v1::ListExceptionsRequest r;
    r.set_provider_id(kProvider);
    r.set_include_reviewed(include_reviewed);
    r.set_page_size(size);
    r.set_page_token(token);
    return app_.ListExceptions(r);
  }
  static std::vector<std::string> ReportIds(
      const v1::ListExceptionsResponse& r) {
    std::vector<std::string> out;
    for (const auto& e : r.entries()) out.push_back(e.visit().report_id());
    return out;
  }

  absl::StatusOr<v1::ListDeviationsResponse> Deviations(
      int size, const std::string& token) {
    v1::ListDeviationsRequest r;
    r.set_period("2025-03");
    r.set_page_size(size);
    r.set_page_token(token);
    return app_.ListDeviations(r);
  }
  static std::vector<std::string> Clients(const v1::ListDeviationsResponse& r) {
    std::vector<std::string> out;
    for (const auto& row : r.rows()) out.push_back(row.client_id());
    return out;
  }
};

TEST_F(VisitsListPagingTest, ExceptionsPageByStartReadingAPageAtOnce) {
  // Reported out of order: listed by the visit's start.
  for (const auto& [id, day] : std::vector<std::pair<std::string, int>>{
           {"late-20", 20}, {"late-18", 18}, {"late-19", 19}}) {
    ASSERT_EQ(Report(LateVisit(id, "c1", day))->outcome(),
              v1::OUTCOME_ACCEPTED_WITH_EXCEPTIONS)
        << id;
  }
  store_.reads_.clear();
  EXPECT_THAT(
      WalkPages([&](const std::string& t) { return Exceptions(2, t); },
                ReportIds),
      ElementsAre(ElementsAre("late-18", "late-19"), ElementsAre("late-20")));
  // One batch per page: the page's visits and one more, then the rest.
  EXPECT_THAT(store_.reads_, ElementsAre("Histories 3", "Histories 1"));

  // Reviewed visits are left out of the waiting ones without a gap.
  ASSERT_TRUE(
      app_.ReviewExceptions(AcceptedReviewOf("review-19", "late-19")).ok());
  EXPECT_THAT(
      WalkPages([&](const std::string& t) { return Exceptions(1, t, false); },
                ReportIds),
      ElementsAre(ElementsAre("late-18"), ElementsAre("late-20")));
}

TEST_F(VisitsListPagingTest, DeviationsPageByClientReadingAPageAtOnce) {
  for (const char* client : {"c5", "c3", "c4"}) GrantHomeHelp(client);
  // Every client deviates (-100 %, nothing performed).
  store_.reads_.clear();
  const std::vector<std::vector<std::string>> pages = WalkPages(
      [&](const std::string& t) { return Deviations(2, t); }, Clients);
  EXPECT_THAT(pages, ElementsAre(ElementsAre("c1", "c2"),
                                 ElementsAre("c3", "c4"), ElementsAre("c5")));
  // One read per page, of the page's clients and the next one (and the
  // position's own client after the first page).
  EXPECT_THAT(store_.reads_, ElementsAre("ClientMonths 3", "ClientMonths 4",
                                         "ClientMonths 2"));
  // The same rows as one large page.
  EXPECT_THAT(WalkPages([&](const std::string& t) { return Deviations(0, t); },
                        Clients),
              ElementsAre(ElementsAre("c1", "c2", "c3", "c4", "c5")));
}

TEST_F(VisitsListPagingTest, RejectionsPageByTheReportsStart) {
  std::vector<v1::VisitReport> reports;
  for (int i = 4; i >= 0; --i) {
    reports.push_back(HomeHelpVisit("r" + std::to_string(i), "c-unknown",
                                    "s" + std::to_string(i),
                                    kNine + absl::Hours(i), 30));
  }
  app_.Ingest(reports);
  const auto page = [&](const std::string& token) {
    v1::ListRejectedRequest r;
    r.set_provider_id(kProvider);
    r.set_period("2025-03");
    r.set_page_size(2);
    r.set_page_token(token);
    return app_.ListRejected(r);
  };
  EXPECT_THAT(WalkPages(page,
                        [](const v1::ListRejectedResponse& r) {
                          std::vector<std::string> out;
                          for (const auto& x : r.rejected()) {
                            out.push_back(x.report_id());
                          }
                          return out;
                        }),
              ElementsAre(ElementsAre("r0", "r1"), ElementsAre("r2", "r3"),
                          ElementsAre("r4")));
}

TEST_F(VisitsListPagingTest, TooLargeAPageOrAForeignTokenIsRefused) {
  EXPECT_TRUE(IsError(Exceptions(501, "").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size: 501 is above the maximum 500"}));
  EXPECT_TRUE(IsError(Deviations(5000, "").status(),
                      absl::StatusCode::kInvalidArgument,
                      {"page_size: 5000 is above the maximum 500"}));
  v1::ListRejectedRequest rejected;
  rejected.set_provider_id(kProvider);
  rejected.set_period("2025-03");
  rejected.set_page_size(-1);
  EXPECT_TRUE(IsError(app_.ListRejected(rejected).status(),
                      absl::StatusCode::kInvalidArgument, {"page_size"}));
  // A deviations token does not continue the exceptions, nor another
  // month's deviations.
  absl::StatusOr<v1::ListDeviationsResponse> first = Deviations(1, "");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_NE(first->next_page_token(), "");
  EXPECT_TRUE(IsError(Exceptions(1, first->next_page_token()).status(),
                      absl::StatusCode::kInvalidArgument, {"page_token"}));
  v1::ListDeviationsRequest april;
  april.set_period("2025-04");
  april.set_page_token(first->next_page_token());
  EXPECT_TRUE(IsError(app_.ListDeviations(april).status(),
                      absl::StatusCode::kInvalidArgument, {"page_token"}));
  EXPECT_TRUE(IsError(Exceptions(1, "%%%").status(),
                      absl::StatusCode::kInvalidArgument, {"page_token"}));
}

}  // namespace
}  // namespace lov::visits
