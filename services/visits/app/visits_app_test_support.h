#ifndef LOV_SERVICES_VISITS_APP_VISITS_APP_TEST_SUPPORT_H_
#define LOV_SERVICES_VISITS_APP_VISITS_APP_TEST_SUPPORT_H_

// VisitsApp on memory (tests/visits_fakes.h): the store with the Redis
// store's semantics, a publisher that records events and can be told to
// fail, the own topic's end and a fixed clock. The upstream facts: the
// home-help category from 07:00 to 22:00, clients c1 and c2 granted 600
// minutes a month and assigned to kProvider from 2025-01-01. Expected values
// are worked out by hand.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity_fixtures.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/requests.h"
#include "lov/visits/app/visits_app.h"
#include "lov/visits/tests/visits_fakes.h"
#include "status_matchers.h"

namespace lov::visits {
namespace test_support {

using ::lov::testing::IsError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

inline constexpr char kProvider[] = "prv-5565541645";
inline constexpr char kOtherProvider[] = "prv-5560000000";
inline constexpr char kHomeHelp[] = "home-help";
inline constexpr char kInstance[] = "instance-1";

inline absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0),
                         absl::UTCTimeZone());
}
// Tuesday 2025-03-18, 09:00 in Stockholm (UTC+1).
inline const absl::Time kNine = Utc(2025, 3, 18, 8, 0);

inline std::string VisitOf(const std::string& report_id) {
  return absl::StrCat(kProvider, "/", report_id);
}

inline v1::VisitReport HomeHelpVisit(const std::string& report_id,
                                     const std::string& client,
                                     const std::string& staff, absl::Time start,
                                     int minutes) {
  v1::VisitReport r;
  r.set_report_id(report_id);
  r.set_provider_id(kProvider);
  r.set_client_id(client);
  r.set_category_id(kHomeHelp);
  r.set_staff_id(staff);
  *r.mutable_start() = ToProtoTime(start);
  *r.mutable_end() = ToProtoTime(start + absl::Minutes(minutes));
  r.set_evidence(v1::EVIDENCE_NFC_TAG);
  r.add_activities("shower");
  return r;
}

inline v1::CorrectVisitRequest CorrectionOf(const std::string& request_id,
                                            const v1::VisitReport& corrected) {
  v1::CorrectVisitRequest r;
  r.set_request_id(request_id);
  r.set_provider_id(corrected.provider_id());
  r.set_report_id(corrected.report_id());
  *r.mutable_corrected() = corrected;
  r.set_reason("the tag was read late");
  return r;
}

inline v1::VoidVisitRequest VoidOf(const std::string& request_id,
                                   const std::string& report_id) {
  v1::VoidVisitRequest r;
  r.set_request_id(request_id);
  r.set_provider_id(kProvider);
  r.set_report_id(report_id);
  r.set_reason("reported for the wrong client");
  return r;
}

inline v1::ReviewExceptionsRequest AcceptedReviewOf(
    const std::string& request_id, const std::string& report_id) {
  v1::ReviewExceptionsRequest r;
  r.set_request_id(request_id);
  r.set_provider_id(kProvider);
  r.set_report_id(report_id);
  r.set_outcome(v1::REVIEW_OUTCOME_ACCEPTED);
  r.set_note("evening visit agreed with the client");
  r.set_reviewed_by("controller-7");
  return r;
}

class VisitsAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry::v1::Municipality m;
    m.set_municipality_id("0188");
    auto* help = m.add_categories();
    help->set_category_id(kHomeHelp);
    help->add_hours()->set_start_minute(7 * 60);
    help->mutable_hours(0)->set_end_minute(22 * 60);
    store_.SetMunicipality(m);
    for (const char* client : {"c1", "c2"}) {
      GrantHomeHelp(client);
      AssignToProvider(client, kProvider);
    }
    ASSERT_TRUE(app_.Heartbeat().ok());
  }

  void GrantHomeHelp(const std::string& client) {
    choice::v1::Decision d;
    d.set_decision_id("dec-" + client);
    d.set_valid_from("2025-01-01");
    auto* g = d.add_categories();
    g->set_category_id(kHomeHelp);
    g->set_minutes_per_month(600);
    store_.AddDecision(client, d);
  }

  void AssignToProvider(const std::string& client,
                        const std::string& provider) {
    choice::v1::Assignment a;
    a.set_assignment_id(absl::StrCat("asg-", client, "-", provider));
    a.set_client_id(client);
    a.set_provider_id(provider);
    a.set_zone_id("north");
    a.add_category_ids(kHomeHelp);
    a.set_valid_from("2025-01-01");
    store_.AddAssignment(a);
  }

  absl::StatusOr<v1::ReportOutcome> Report(const v1::VisitReport& report) {
    v1::ReportVisitRequest r;
    *r.mutable_report() = report;
    return app_.ReportVisit(r);
  }

  absl::StatusOr<v1::GetVisitResponse> Visit(const std::string& report_id) {
    v1::GetVisitRequest r;
    r.set_provider_id(kProvider);
    r.set_report_id(report_id);
    return app_.GetVisit(r);
  }

  // The home-help row of performed against granted time (zero if none).
  v1::PerformedVsGranted HomeHelpRow(const std::string& client,
                                     const std::string& period) {
    v1::GetPerformedVsGrantedRequest r;
    r.set_client_id(client);
    r.set_period(period);
    const v1::GetPerformedVsGrantedResponse rows =
        app_.GetPerformedVsGranted(r).value();
    for (const auto& row : rows.rows()) {
      if (row.category_id() == kHomeHelp) return row;
    }
    return {};
  }

  // Reported and accepted: "feb" (c1, s1, 2025-02-10 09:00 local, 45 min).
  void ReportFebruaryVisit() {
    ASSERT_EQ(
        Report(HomeHelpVisit("feb", "c1", "s1", Utc(2025, 2, 10, 8, 0), 45))
            ->outcome(),
        v1::OUTCOME_ACCEPTED);
  }

  FakeVisitStore store_;
  RecordingPublisher publisher_;
  FakeTopicEnd topic_end_;
  FakeTopicEnd rejected_end_;
  FixedClock clock_{TestNow()};
  VisitsApp app_{&store_, &publisher_, &topic_end_, &rejected_end_,
                 &clock_, Limits{},    kInstance};
};

}  // namespace test_support
}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_APP_VISITS_APP_TEST_SUPPORT_H_
