// The visits binary as a process against the real Kafka and Redis. The
// upstreams (choice, registry, settlement) are played by publishing their
// events to the namespaced topics, as those services would (the fixture is
// in visits_test_support.h); the visits events are read back as an outside
// subscriber would.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/topic_end.h"
#include "lov/visits/adapters/kafka_visit_publisher.h"
#include "lov/visits/tests/visits_test_support.h"
#include "lov/visits/v1/events.pb.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "test_sign_in.h"
#include "test_stack.h"

namespace lov::visits {
namespace {

namespace v1 = ::lov::visits::v1;
using ::lov::testing::ReadEvents;
using ::lov::testing::Stack;

TEST_F(VisitsServiceTest, MixedBatchGetsOneOutcomePerReportAndItsEvents) {
  SetUpUpstreams({"c1", "c2"});
  // 2025-03-18 is a Tuesday; Stockholm is UTC+1 then.
  const absl::Time nine = Utc(2025, 3, 18, 8, 0);  // 09:00 local
  std::vector<v1::VisitReport> batch;
  batch.push_back(Report("good", "c1", "s1", nine, 45));
  batch.push_back(Report("good", "c1", "s1", nine, 45));  // resent
  batch.push_back(Report("overlap", "c1", "s2", nine + absl::Minutes(30), 30));
  batch.push_back(Report("busy", "c2", "s1", nine + absl::Minutes(15), 20));
  batch.push_back(Report("nobody", "c-unknown", "s5", nine, 30));
  v1::VisitReport malformed = Report("bad", "c1", "", nine, 30);
  batch.push_back(malformed);
  batch.push_back(Report("late", "c2", "s3", Utc(2025, 3, 18, 22, 0), 30));
  v1::VisitReport reused = Report("good", "c1", "s1", nine, 50);
  batch.push_back(reused);
  v1::VisitReport absent = Report("absent", "c2", "s6", nine, 15);
  absent.set_status(v1::VISIT_STATUS_CLIENT_ABSENT);
  absent.set_status_reason("not at home");
  batch.push_back(absent);

  std::vector<v1::ReportOutcome> out = Upload(batch);
  ASSERT_EQ(out.size(), batch.size());
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].sequence(), static_cast<int64_t>(i));
    EXPECT_EQ(out[i].error_code(), 0) << out[i].error_message();
  }
  // Another provider's system reports a visit to a client it is not
  // assigned: in its own upload, signed in as that provider (a provider's
  // stream carries its own reports only).
  v1::VisitReport unassigned = Report("other", "c1", "s4", nine, 30);
  unassigned.set_provider_id(kOtherProvider);
  std::vector<v1::ReportOutcome> other = Upload({unassigned});
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].error_code(), 0) << other[0].error_message();
  EXPECT_EQ(out[0].outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(out[0].visit_id(), absl::StrCat(kProvider, "/good"));
  EXPECT_EQ(out[1].outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_TRUE(out[1].replayed());
  EXPECT_EQ(out[2].reason_code(), v1::REASON_CODE_OVERLAPPING_VISIT);
  EXPECT_EQ(out[3].reason_code(), v1::REASON_CODE_STAFF_DOUBLE_BOOKED);
  EXPECT_EQ(other[0].reason_code(), v1::REASON_CODE_NOT_ASSIGNED);
  EXPECT_EQ(out[4].reason_code(), v1::REASON_CODE_UNKNOWN_CLIENT);
  EXPECT_EQ(out[5].reason_code(), v1::REASON_CODE_MALFORMED);
  EXPECT_NE(out[5].detail().find("staff_id"), std::string::npos);
  EXPECT_EQ(out[6].outcome(), v1::OUTCOME_ACCEPTED_WITH_EXCEPTIONS);
  ASSERT_EQ(out[6].exceptions_size(), 1);
  EXPECT_EQ(out[6].exceptions(0).code(), "OUTSIDE_HOURS");
  EXPECT_EQ(out[7].reason_code(), v1::REASON_CODE_DUPLICATE_REPORT);
  EXPECT_EQ(out[8].outcome(), v1::OUTCOME_ACCEPTED);
  for (int i : {2, 3, 4, 5, 7}) {
    EXPECT_EQ(out[i].outcome(), v1::OUTCOME_REJECTED) << i;
  }
  EXPECT_EQ(other[0].outcome(), v1::OUTCOME_REJECTED);

  // One event per report, the resent one excepted; keyed by visit id: the
  // three accepted on the events topic, the six rejected on their own.
  std::vector<CloudEvent> events = ReadEvents(Topic(topics::kVisitsEvents), 3);
  const std::vector<CloudEvent> rejections =
      ReadEvents(Topic(topics::kVisitsRejected), 6);
  ASSERT_EQ(events.size(), 3u);
  ASSERT_EQ(rejections.size(), 6u);
  events.insert(events.end(), rejections.begin(), rejections.end());
  ASSERT_EQ(events.size(), 9u);
  std::map<std::string, std::string> type_of;
  for (const auto& e : events) {
    EXPECT_EQ(e.key, e.subject);
    EXPECT_EQ(e.source, "/lov/visits");
    EXPECT_TRUE(type_of.emplace(e.key, e.type).second) << e.key;
    v1::VisitEvent body;
    ASSERT_TRUE(body.ParseFromString(e.data));
    EXPECT_EQ(body.event_id(), e.id);
  }
  auto type = [&](const std::string& report) {
    return type_of[absl::StrCat(kProvider, "/", report)];
  };
  EXPECT_EQ(type("good"), "se.lov.visits.v1.VisitAccepted");
  EXPECT_EQ(type("late"), "se.lov.visits.v1.VisitAccepted");
  EXPECT_EQ(type("absent"), "se.lov.visits.v1.VisitAccepted");
  EXPECT_EQ(type("overlap"), "se.lov.visits.v1.VisitRejected");
  EXPECT_EQ(type("busy"), "se.lov.visits.v1.VisitRejected");
  EXPECT_EQ(type("nobody"), "se.lov.visits.v1.VisitRejected");
  EXPECT_EQ(type("bad"), "se.lov.visits.v1.VisitRejected");
  EXPECT_EQ(type_of[absl::StrCat(kOtherProvider, "/other")],
            "se.lov.visits.v1.VisitRejected");

  // Nothing silently dropped: every rejection is listed for its provider.
  v1::ListRejectedRequest list;
  list.set_provider_id(kProvider);
  list.set_period("2025-03");
  v1::ListRejectedResponse rejected;
  ASSERT_TRUE(
      Call(&v1::VisitsService::Stub::ListRejected, list, &rejected).ok());
  std::multiset<std::string> reasons;
  for (const auto& r : rejected.rejected()) reasons.insert(r.reason_code());
  EXPECT_EQ(reasons, (std::multiset<std::string>{
                         "OVERLAPPING_VISIT", "STAFF_DOUBLE_BOOKED",
                         "UNKNOWN_CLIENT", "MALFORMED", "DUPLICATE_REPORT"}));
  list.set_provider_id(kOtherProvider);
  ASSERT_TRUE(
      Call(&v1::VisitsService::Stub::ListRejected, list, &rejected).ok());
  ASSERT_EQ(rejected.rejected_size(), 1);
  EXPECT_EQ(rejected.rejected(0).reason_code(), "NOT_ASSIGNED");

  v1::ListExceptionsRequest ex;
  ex.set_provider_id(kProvider);
  v1::ListExceptionsResponse exceptions;
  ASSERT_TRUE(
      Call(&v1::VisitsService::Stub::ListExceptions, ex, &exceptions).ok());
  ASSERT_EQ(exceptions.entries_size(), 1);
  EXPECT_EQ(exceptions.entries(0).visit().report_id(), "late");

  // Staff review it: it leaves the list of what awaits review, and stays
  // findable with its review. The reviewer is the signed-in controller
  // (the credential's subject).
  auto review_as_controller = [&](const v1::ReviewExceptionsRequest& req,
                                  v1::ExceptionEntry* out) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    ::lov::testing::SignIn(&ctx, auth::v1::ROLE_FINANCE, "", "controller-7");
    return stub_->ReviewExceptions(&ctx, req, out);
  };
  v1::ReviewExceptionsRequest review;
  review.set_request_id("review-late");
  review.set_provider_id(kProvider);
  review.set_report_id("late");
  review.set_reviewed_by("controller-7");
  v1::ExceptionEntry reviewed;
  grpc::Status s = review_as_controller(review, &reviewed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "outcome: ACCEPTED or QUERIED is required");
  review.set_outcome(v1::REVIEW_OUTCOME_QUERIED);
  s = review_as_controller(review, &reviewed);
  EXPECT_EQ(s.error_message(), "note: say what is queried with the provider");
  review.set_outcome(v1::REVIEW_OUTCOME_ACCEPTED);
  review.set_note("evening visit agreed with the client");
  s = review_as_controller(review, &reviewed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(reviewed.review().outcome(), v1::REVIEW_OUTCOME_ACCEPTED);
  EXPECT_EQ(reviewed.review().codes(0), "OUTSIDE_HOURS");
  EXPECT_EQ(reviewed.review().visit_version(), reviewed.visit().version());
  // A retry answers the same; a second review is refused.
  v1::ExceptionEntry again;
  ASSERT_TRUE(review_as_controller(review, &again).ok());
  EXPECT_EQ(again.review().reviewed_by(), "controller-7");
  review.set_request_id("review-late-2");
  s = review_as_controller(review, &again);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("already reviewed by controller-7"),
            std::string::npos)
      << s.error_message();
  ASSERT_TRUE(
      Call(&v1::VisitsService::Stub::ListExceptions, ex, &exceptions).ok());
  EXPECT_EQ(exceptions.entries_size(), 0);
  ex.set_include_reviewed(true);
  ASSERT_TRUE(
      Call(&v1::VisitsService::Stub::ListExceptions, ex, &exceptions).ok());
  ASSERT_EQ(exceptions.entries_size(), 1);
  EXPECT_EQ(exceptions.entries(0).review().note(),
            "evening visit agreed with the client");
  // A visit without exceptions has nothing to review.
  review.set_request_id("review-ok");
  review.set_report_id("good");
  s = review_as_controller(review, &again);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << s.error_message();

  // c1: 45 minutes against 600 granted; c2: 30 (the absent visit counts 0).
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 45);
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").granted_minutes(), 600);
  EXPECT_EQ(HomeHelpRow("c2", "2025-03").performed_minutes(), 30);
  EXPECT_DOUBLE_EQ(HomeHelpRow("c2", "2025-03").deviation_percent(), -95.0);
  v1::ListDeviationsRequest dev;
  dev.set_period("2025-03");
  dev.set_threshold_percent(50);
  v1::ListDeviationsResponse deviations;
  ASSERT_TRUE(
      Call(&v1::VisitsService::Stub::ListDeviations, dev, &deviations).ok());
  std::set<std::string> deviating;
  for (const auto& r : deviations.rows()) deviating.insert(r.client_id());
  EXPECT_EQ(deviating, (std::set<std::string>{"c1", "c2"}));
}

TEST_F(VisitsServiceTest, CorrectionsKeepEveryVersionAndLockedMonthsStayPut) {
  SetUpUpstreams({"c1"});
  v1::ReportVisitRequest feb;
  *feb.mutable_report() = Report("feb", "c1", "s1", Utc(2025, 2, 10, 8, 0), 45);
  v1::ReportOutcome o;
  ASSERT_TRUE(Call(&v1::VisitsService::Stub::ReportVisit, feb, &o).ok());
  ASSERT_EQ(o.outcome(), v1::OUTCOME_ACCEPTED);
  v1::ReportVisitRequest mar;
  *mar.mutable_report() = Report("mar", "c1", "s1", Utc(2025, 3, 10, 8, 0), 30);
  ASSERT_TRUE(Call(&v1::VisitsService::Stub::ReportVisit, mar, &o).ok());
  // The same report again: the first answer, nothing counted twice.
  ASSERT_TRUE(Call(&v1::VisitsService::Stub::ReportVisit, mar, &o).ok());
  EXPECT_TRUE(o.replayed());
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 30);

  LockPeriod("2025-02");
  v1::CorrectVisitRequest fix;
  fix.set_request_id("fix-1");
  fix.set_provider_id(kProvider);
  fix.set_report_id("feb");
  *fix.mutable_corrected() =
      Report("feb", "c1", "s1", Utc(2025, 2, 10, 8, 0), 60);
  fix.set_reason("the tag was read late");
  v1::CorrectVisitResponse fixed;
  grpc::Status s = Call(&v1::VisitsService::Stub::CorrectVisit, fix, &fixed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(fixed.visit().version(), 2);
  EXPECT_EQ(fixed.adjusts_period(), "2025-02");
  EXPECT_EQ(fixed.visit().period(), "2025-03");
  // The retry of the same correction changes nothing.
  ASSERT_TRUE(Call(&v1::VisitsService::Stub::CorrectVisit, fix, &fixed).ok());
  // February stays as settled; the 15 extra minutes count in March.
  EXPECT_EQ(HomeHelpRow("c1", "2025-02").performed_minutes(), 45);
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 30 + 15);

  v1::VoidVisitRequest void_mar;
  void_mar.set_request_id("void-1");
  void_mar.set_provider_id(kProvider);
  void_mar.set_report_id("mar");
  void_mar.set_reason("reported for the wrong client");
  v1::VoidVisitResponse voided;
  ASSERT_TRUE(
      Call(&v1::VisitsService::Stub::VoidVisit, void_mar, &voided).ok());
  EXPECT_EQ(voided.period(), "2025-03");
  EXPECT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 15);

  // A correction that breaks a rule says which.
  v1::CorrectVisitRequest bad = fix;
  bad.set_request_id("fix-2");
  *bad.mutable_corrected()->mutable_end() = ToProtoTime(Utc(2025, 2, 10, 7, 0));
  s = Call(&v1::VisitsService::Stub::CorrectVisit, bad, &fixed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("END_BEFORE_START"), std::string::npos);

  v1::GetVisitRequest get;
  get.set_provider_id(kProvider);
  get.set_report_id("feb");
  v1::GetVisitResponse visit;
  ASSERT_TRUE(Call(&v1::VisitsService::Stub::GetVisit, get, &visit).ok());
  ASSERT_EQ(visit.history_size(), 2);
  EXPECT_TRUE(visit.history(0).has_visit_accepted());
  EXPECT_TRUE(visit.history(1).has_visit_corrected());
  EXPECT_EQ(visit.history(1).visit_corrected().previous().end().seconds() -
                visit.history(1).visit_corrected().previous().start().seconds(),
            45 * 60);
  EXPECT_EQ(visit.current().version(), 2);

  std::vector<CloudEvent> events = ReadEvents(Topic(topics::kVisitsEvents), 4);
  std::vector<std::string> feb_types;
  for (const auto& e : events) {
    if (e.key == absl::StrCat(kProvider, "/feb")) feb_types.push_back(e.type);
  }
  EXPECT_EQ(feb_types,
            (std::vector<std::string>{"se.lov.visits.v1.VisitAccepted",
                                      "se.lov.visits.v1.VisitCorrected"}));
}

TEST_F(VisitsServiceTest,
       KilledMidUploadThenRetriedLosesNothingCountsNothingTwice) {
  std::vector<std::string> clients;
  for (int c = 0; c < 20; ++c) clients.push_back(absl::StrCat("k", c));
  SetUpUpstreams(clients);
  // 2,000 visits of 30 minutes: 100 per client an hour apart, each by its
  // own staff member; every tenth for a client the provider does not serve
  // (rejected; one upload carries one provider's reports).
  std::vector<v1::VisitReport> batch;
  std::map<std::string, int64_t> expected_minutes;
  const absl::Time base = Utc(2025, 3, 3, 0, 0);
  for (int i = 0; i < 2000; ++i) {
    const std::string client = clients[i % 20];
    v1::VisitReport r =
        Report(absl::StrCat("v", i), client, absl::StrCat("s", i),
               base + absl::Hours(i / 20), 30);
    if (i % 10 == 9) {
      r.set_client_id("k-unknown");
    } else {
      expected_minutes[client] += 30;
    }
    batch.push_back(r);
  }
  std::vector<v1::ReportOutcome> first =
      Upload(batch, 600, [&] { service_->Kill(); });
  ASSERT_GE(first.size(), 600u);
  ASSERT_LT(first.size(), batch.size()) << "the kill came too late";

  StartService();
  std::map<std::string, v1::ReportOutcome> final_outcome;
  std::vector<v1::VisitReport> todo = batch;
  for (int attempt = 0; attempt < 3 && !todo.empty(); ++attempt) {
    std::vector<v1::ReportOutcome> out = Upload(todo);
    ASSERT_EQ(out.size(), todo.size());
    std::vector<v1::VisitReport> again;
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i].error_code() != 0) {
        again.push_back(todo[i]);
      } else {
        final_outcome[todo[i].report_id()] = out[i];
      }
    }
    todo = again;
  }
  ASSERT_TRUE(todo.empty()) << todo.size() << " reports never got an answer";
  // What was answered before the kill is answered the same way now.
  for (const auto& o : first) {
    if (o.error_code() != 0) continue;
    EXPECT_EQ(final_outcome[o.report_id()].outcome(), o.outcome());
  }
  int accepted = 0;
  for (const auto& [id, o] : final_outcome) {
    accepted += o.outcome() != v1::OUTCOME_REJECTED ? 1 : 0;
  }
  EXPECT_EQ(accepted, 1800);

  // Exactly one accepted-or-rejected event per report on Kafka (the
  // rejections on their own topic).
  std::vector<CloudEvent> events =
      ReadEvents(Topic(topics::kVisitsEvents), 1800);
  std::vector<CloudEvent> rejected =
      ReadEvents(Topic(topics::kVisitsRejected), 200);
  events.insert(events.end(), rejected.begin(), rejected.end());
  std::map<std::string, int> per_visit;
  for (const auto& e : events) ++per_visit[e.key];
  EXPECT_EQ(events.size(), 2000u);
  // Nothing beyond them: the topics hold exactly 2,000 records.
  int64_t records = 0;
  for (const char* base : {topics::kVisitsEvents, topics::kVisitsRejected}) {
    auto end = KafkaTopicEnd::Create(Stack().reader(), Topic(base));
    ASSERT_TRUE(end.ok());
    auto marks = (*end)->HighWatermarks();
    ASSERT_TRUE(marks.ok()) << marks.status();
    for (const auto& [p, high] : *marks) records += high;
  }
  EXPECT_EQ(records, 2000);
  EXPECT_EQ(per_visit.size(), 2000u);
  for (const auto& [key, n] : per_visit) EXPECT_EQ(n, 1) << key;

  // And the state counts each accepted visit once.
  for (const auto& [client, minutes] : expected_minutes) {
    EXPECT_EQ(HomeHelpRow(client, "2025-03").performed_minutes(), minutes)
        << client;
  }
}

// Choice's DecisionRevised (a new decision from a date, the provider
// kept): visits keeps both the ended decision and the new one, so reports
// after the date are judged against the new granted time.
TEST_F(VisitsServiceTest, ARevisedDecisionIsKeptBesideTheOneItEnds) {
  SetUpUpstreams({"c-rev"});
  choice::v1::ChoiceEvent e;
  e.set_event_id(NewUuid());
  e.set_aggregate_id("c-rev");
  auto* r = e.mutable_decision_revised();
  r->set_client_id("c-rev");
  choice::v1::Decision* ended = r->mutable_ended();
  ended->set_decision_id("dec-c-rev");
  ended->set_valid_from("2025-01-01");
  ended->set_valid_to("2025-03-15");
  auto* g = ended->add_categories();
  g->set_category_id("home-help");
  g->set_minutes_per_month(600);
  choice::v1::Decision* now = r->mutable_decision();
  *now = *ended;
  now->set_decision_id("dec-c-rev-2");
  now->set_valid_from("2025-03-16");
  now->clear_valid_to();
  now->mutable_categories(0)->set_minutes_per_month(900);
  ASSERT_TRUE(producer_
                  ->Publish(Topic(topics::kChoiceEvents),
                            ToCloudEvent(e, "/lov/choice"))
                  .ok());
  v1::GetClientContextResponse resp;
  ASSERT_TRUE(::lov::testing::Eventually([&] {
    v1::GetClientContextRequest req;
    req.set_client_id("c-rev");
    resp.Clear();
    grpc::ClientContext ctx;
    return stub_->GetClientContext(&ctx, req, &resp).ok() &&
           resp.granted_size() == 2;
  })) << service_->Log();
  std::map<std::string, v1::GrantedView> by_id;
  for (const auto& v : resp.granted()) by_id[v.decision_id()] = v;
  EXPECT_EQ(by_id["dec-c-rev"].valid_to(), "2025-03-15");
  EXPECT_EQ(by_id["dec-c-rev"].minutes_per_month(), 600);
  EXPECT_EQ(by_id["dec-c-rev-2"].valid_from(), "2025-03-16");
  EXPECT_EQ(by_id["dec-c-rev-2"].minutes_per_month(), 900);
  EXPECT_EQ(resp.assignments_size(), 1);
}

}  // namespace
}  // namespace lov::visits
