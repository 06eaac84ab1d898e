// The followup binary as a process against the real Kafka and Redis: a
// survey CSV imported, assignments from choice events and visits from
// visit events as those services publish them, a complaint and a
// deviation; ListIndicators gives the hand-computed values, the same
// values appear in a ProviderIndicatorsPublished event, and a rebuild from
// Kafka gives the same answers. Dates are relative to the day the test
// starts, and every ListIndicators asks as of that day, so the answers do
// not move if the test runs across midnight; the published indicators
// (computed for the service's own today) are compared with ListIndicators
// as of the date they carry. Every expected value is counted in the
// comments.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "followup_service_test_fixture.h"
#include "google/protobuf/util/message_differencer.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/followup/v1/events.pb.h"
#include "lov/followup/v1/followup.grpc.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/visits/v1/events.pb.h"
#include "test_stack.h"
#include "visit_events.h"

namespace lov::followup {
namespace {

namespace v1 = ::lov::followup::v1;
using ::google::protobuf::util::MessageDifferencer;
using ::lov::testing::Eventually;
using ::lov::testing::Stack;

class FollowupIndicatorsServiceTest : public service_test::FollowupProcessTest {
 protected:
  void SetUp() override {
    StartFollowup({"--indicators-every-seconds=1"});
    today_ = StockholmDate(absl::Now());
  }

  void Publish(const std::string& topic, const CloudEvent& ce) {
    if (producer_ == nullptr) {
      auto p = EventProducer::Create(Stack().kafka("followup-test"));
      ASSERT_TRUE(p.ok()) << p.status();
      producer_ = std::move(*p);
    }
    ASSERT_TRUE(producer_->Publish(stack_.Topic(topic), ce).ok());
  }

  // The client's assignment, started 30 days ago, as the choice service
  // publishes it (client id only).
  void Assign(const std::string& client, const std::string& provider,
              const std::string& zone) {
    choice::v1::ChoiceEvent e;
    e.set_event_id(NewUuid());
    *e.mutable_occurred_at() = ToProtoTime(absl::Now());
    e.set_aggregate_id(client);
    e.set_aggregate_version(3);
    auto* a = e.mutable_assignment_started()->mutable_assignment();
    a->set_assignment_id("asg-" + client);
    a->set_client_id(client);
    a->set_provider_id(provider);
    a->set_zone_id(zone);
    a->add_category_ids("home-help");
    a->set_valid_from(FormatDate(today_ - 30));
    a->set_reason(choice::v1::ASSIGNMENT_REASON_CHOSEN);
    Publish("lov.choice.events.v1", ToCloudEvent(e, "/lov/choice"));
  }

  // A performed visit `days_ago` days ago at `hour`, as the visits service
  // publishes an accepted one.
  void Visit(const std::string& client, const std::string& provider,
             const std::string& staff, int days_ago, int hour,
             bool with_exception = false) {
    const absl::CivilDay d = today_ - days_ago;
    visits::v1::Visit v;
    v.set_provider_id(provider);
    v.set_report_id(absl::StrCat(client, "-", days_ago, "-", hour));
    v.set_visit_id(provider + "/" + v.report_id());
    v.set_client_id(client);
    v.set_staff_id(staff);
    *v.mutable_start() = ToProtoTime(
        FromStockholm(absl::CivilSecond(d.year(), d.month(), d.day(), hour)));
    *v.mutable_end() =
        ToProtoTime(FromProtoTime(v.start()) + absl::Minutes(30));
    v.set_status(visits::v1::VISIT_STATUS_PERFORMED);
    v.set_version(1);
    visits::v1::VisitEvent e = ::lov::testing::AcceptedVisitEvent(v);
    if (with_exception) {
      e.mutable_visit_accepted()->add_exceptions()->set_code("OUTSIDE_HOURS");
    }
    Publish("lov.visits.events.v1", ToCloudEvent(e, "/lov/visits"));
  }

  // Every provider's and zone's indicators as of `as_of` (empty: the day
  // the test started).
  v1::ListIndicatorsResponse Indicators(const std::string& as_of = "") {
    v1::ListIndicatorsRequest r;
    r.set_by_zone(true);
    r.set_as_of(as_of.empty() ? FormatDate(today_) : as_of);
    v1::ListIndicatorsResponse out;
    grpc::Status s = Call(&v1::FollowupService::Stub::ListIndicators, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  std::unique_ptr<EventProducer> producer_;
  absl::CivilDay today_;
};

TEST_F(FollowupIndicatorsServiceTest, IndicatorsFromEventsPublishedAndRebuilt) {
  // Listed today: c1 with prv-a in north, c2 with prv-a in south, c3 with
  // the in-house unit prv-home in north.
  Assign("c1", "prv-a", "north");
  Assign("c2", "prv-a", "south");
  Assign("c3", "prv-home", "north");
  for (int day = 1; day <= 14; ++day) {
    // c1: 28 day visits in the 14 days before today: s1 the older week,
    // s2 the recent one, s3 every evening: 3 staff; one with an exception.
    Visit("c1", "prv-a", day > 7 ? "s1" : "s2", day, 8);
    Visit("c1", "prv-a", "s3", day, 17, /*with_exception=*/day == 3);
  }
  // c2: 3 visits (too few to count for continuity); one today (not in the
  // 14 days before today) and one 15 days ago (before them).
  for (int day : {1, 2, 3, 0, 15}) Visit("c2", "prv-a", "s1", day, 9);
  v1::RegisterComplaintRequest complaint;
  complaint.set_request_id("cmp-ind-1");
  complaint.set_client_id("c1");
  complaint.set_provider_id("prv-a");
  complaint.set_category("punctuality");
  complaint.set_received_date(FormatDate(today_ - 10));
  v1::Complaint c;
  grpc::Status s =
      Call(&v1::FollowupService::Stub::RegisterComplaint, complaint, &c);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::ReportDeviationRequest deviation;
  deviation.set_request_id("dev-ind-1");
  deviation.set_provider_id("prv-home");
  deviation.set_kind(v1::DEVIATION_KIND_DEVIATION);
  deviation.set_severity(v1::SEVERITY_MINOR);
  deviation.set_occurred_date(FormatDate(today_ - 6));
  deviation.set_reported_date(FormatDate(today_ - 5));
  v1::Deviation d;
  s = Call(&v1::FollowupService::Stub::ReportDeviation, deviation, &d);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::ListIndicatorsResponse shown;
  ASSERT_TRUE(Eventually([&] {
    shown = Indicators();
    return shown.indicators_size() == 5 && shown.indicators(0).visits() == 31 &&
           shown.indicators(0).listed_clients() == 2;
  })) << shown.DebugString();

  // The survey of last year, after the rest: its change publishes again
  // the same day. A bad file first: refused naming line and column.
  const int year = static_cast<int>(today_.year()) - 1;
  v1::ImportSurveyResultsRequest bad;
  bad.set_request_id("survey-bad");
  bad.set_year(year);
  bad.set_csv(
      absl::StrCat("year;provider_id;respondents;overall_satisfied_per_mille\n",
                   year, ";prv-a;84;1200\n"));
  v1::ImportSurveyResultsResponse imported;
  s = Call(&v1::FollowupService::Stub::ImportSurveyResults, bad, &imported);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "csv line 2, column 4 (overall_satisfied_per_mille): 1200 is "
            "outside 0..1000");
  v1::ImportSurveyResultsRequest survey;
  survey.set_request_id("survey-1");
  survey.set_year(year);
  survey.set_csv(
      absl::StrCat("year;provider_id;respondents;overall_satisfied_per_mille\n",
                   year, ";prv-a;84;912\n", year, ";prv-home;40;875\n"));
  s = Call(&v1::FollowupService::Stub::ImportSurveyResults, survey, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(imported.year(), year);
  EXPECT_EQ(imported.providers(), 2);
  v1::ImportSurveyResultsResponse again;  // a retry: the first answer
  ASSERT_TRUE(
      Call(&v1::FollowupService::Stub::ImportSurveyResults, survey, &again)
          .ok());
  EXPECT_TRUE(MessageDifferencer::Equals(again, imported));

  ASSERT_TRUE(Eventually([&] {
    shown = Indicators();
    return shown.indicators_size() == 5 && shown.indicators(0).has_survey();
  })) << shown.DebugString();
  const std::string as_of = FormatDate(today_);
  const v1::ProviderIndicators& a = shown.indicators(0);
  EXPECT_EQ(a.provider_id(), "prv-a");
  EXPECT_EQ(a.zone_id(), "");
  EXPECT_EQ(a.as_of(), as_of);
  EXPECT_EQ(a.continuity_from_date(), FormatDate(today_ - 14));
  EXPECT_EQ(a.visits(), 31);  // 28 + 3
  EXPECT_EQ(a.visits_with_exceptions(), 1);
  EXPECT_EQ(a.continuity_clients(), 1);  // c1
  EXPECT_EQ(a.median_staff(), 3);
  EXPECT_EQ(a.listed_clients(), 2);
  EXPECT_EQ(a.complaints_12m(), 1);
  EXPECT_DOUBLE_EQ(a.complaints_per_1000_clients(), 500.0);  // 1 of 2
  EXPECT_EQ(a.deviations_12m(), 0);
  EXPECT_EQ(a.survey().year(), year);
  EXPECT_EQ(a.survey().respondents(), 84);
  EXPECT_EQ(a.survey().overall_satisfied_per_mille(), 912);
  const v1::ProviderIndicators& north = shown.indicators(1);
  EXPECT_EQ(north.zone_id(), "north");
  EXPECT_EQ(north.visits(), 28);
  EXPECT_EQ(north.listed_clients(), 1);
  EXPECT_EQ(north.complaints_12m(), 1);  // c1 lives in north
  EXPECT_DOUBLE_EQ(north.complaints_per_1000_clients(), 1000.0);
  const v1::ProviderIndicators& south = shown.indicators(2);
  EXPECT_EQ(south.zone_id(), "south");
  EXPECT_EQ(south.visits(), 3);
  EXPECT_EQ(south.continuity_clients(), 0);
  EXPECT_EQ(south.complaints_12m(), 0);
  const v1::ProviderIndicators& home = shown.indicators(3);
  EXPECT_EQ(home.provider_id(), "prv-home");
  EXPECT_EQ(home.zone_id(), "");
  EXPECT_EQ(home.listed_clients(), 1);
  EXPECT_EQ(home.deviations_12m(), 1);
  EXPECT_DOUBLE_EQ(home.deviations_per_1000_clients(), 1000.0);
  EXPECT_EQ(home.survey().overall_satisfied_per_mille(), 875);
  EXPECT_EQ(shown.indicators(4).zone_id(), "north");
  EXPECT_EQ(shown.indicators(4).deviations_12m(), 0);  // no client: no zone

  // The same values are published, keyed by the provider.
  auto published = [&](const std::vector<CloudEvent>& events,
                       const std::string& provider, const std::string& zone,
                       v1::ProviderIndicators* found) {
    for (const CloudEvent& ce : events) {
      v1::FollowupEvent e;
      if (!FromCloudEvent(ce, &e).ok() ||
          !e.has_provider_indicators_published()) {
        continue;
      }
      const auto& ind = e.provider_indicators_published().indicators();
      if (ind.provider_id() == provider && ind.zone_id() == zone &&
          ind.has_survey()) {
        EXPECT_EQ(ce.subject, "ind-" + provider);
        EXPECT_EQ(ce.type, "se.lov.followup.v1.ProviderIndicatorsPublished");
        *found = ind;
      }
    }
    return found->has_survey();
  };
  v1::ProviderIndicators event_a, event_north, event_home;
  ::lov::testing::ReadEventsUntil(
      stack_.Topic("lov.followup.events.v1"),
      [&](const std::vector<CloudEvent>& events) {
        return published(events, "prv-a", "", &event_a) &&
               published(events, "prv-a", "north", &event_north) &&
               published(events, "prv-home", "", &event_home);
      });
  // Published for the service's today: the test's, or the next day if the
  // test ran across midnight; equal to what ListIndicators answers as of
  // that date (shown, unless the day changed).
  for (const v1::ProviderIndicators* event :
       {&event_a, &event_north, &event_home}) {
    EXPECT_TRUE(event->as_of() == as_of ||
                event->as_of() == FormatDate(today_ + 1))
        << event->as_of();
  }
  auto served = [&](const v1::ProviderIndicators& event) {
    const v1::ListIndicatorsResponse at =
        event.as_of() == as_of ? shown : Indicators(event.as_of());
    for (const v1::ProviderIndicators& row : at.indicators()) {
      if (row.provider_id() == event.provider_id() &&
          row.zone_id() == event.zone_id()) {
        return row;
      }
    }
    return v1::ProviderIndicators();
  };
  EXPECT_TRUE(MessageDifferencer::Equals(event_a, served(event_a)))
      << event_a.DebugString();
  EXPECT_TRUE(MessageDifferencer::Equals(event_north, served(event_north)))
      << event_north.DebugString();
  EXPECT_TRUE(MessageDifferencer::Equals(event_home, served(event_home)))
      << event_home.DebugString();

  // A rebuild from Kafka gives the same answers.
  const std::string before = SerializeDeterministic(shown);
  ASSERT_NO_FATAL_FAILURE(RestartWithoutState());
  EXPECT_EQ(SerializeDeterministic(Indicators()), before);
  // The import's request id is still recognised.
  ASSERT_TRUE(
      Call(&v1::FollowupService::Stub::ImportSurveyResults, survey, &again)
          .ok());
  EXPECT_TRUE(MessageDifferencer::Equals(again, imported));
}

}  // namespace
}  // namespace lov::followup
