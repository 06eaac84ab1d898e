// The visits state is a projection of Kafka: a service killed with SIGKILL
// whose Redis keys are all deleted rebuilds, from its own topic and its
// upstream topics, exactly the state a user could query before.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/http_server.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/redis.h"
#include "lov/visits/tests/visits_test_support.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "test_stack.h"

namespace lov::visits {
namespace {

namespace v1 = ::lov::visits::v1;
using ::lov::testing::Stack;

class VisitsRebuildTest : public VisitsServiceTest {
 protected:
  // Everything the API answers about the reports, clients, providers and
  // months of the scenario, each answer serialised deterministically and
  // labelled, so a difference says where it is.
  std::string Snapshot(const std::vector<v1::VisitReport>& reports) {
    std::string out;
    auto add = [&](const std::string& label, const grpc::Status& s,
                   const google::protobuf::Message& m) {
      absl::StrAppend(&out, label, " -> ", s.error_code(), " ",
                      s.error_message(), " ", SerializeDeterministic(m), "\n");
    };
    for (const auto& r : reports) {
      v1::GetVisitRequest req;
      req.set_provider_id(r.provider_id());
      req.set_report_id(r.report_id());
      v1::GetVisitResponse resp;
      add(absl::StrCat("GetVisit ", r.provider_id(), "/", r.report_id()),
          Call(&v1::VisitsService::Stub::GetVisit, req, &resp), resp);
    }
    const std::vector<std::string> periods = {"2025-02", "2025-03"};
    const std::vector<std::string> providers = {kProvider, kOtherProvider};
    const std::vector<std::string> clients = {"c1", "c2", "c-unknown"};
    for (const auto& provider : providers) {
      v1::ListExceptionsRequest ex;
      ex.set_provider_id(provider);
      v1::ListExceptionsResponse exceptions;
      add(absl::StrCat("ListExceptions ", provider),
          Call(&v1::VisitsService::Stub::ListExceptions, ex, &exceptions),
          exceptions);
      for (const auto& period : periods) {
        v1::ListRejectedRequest list;
        list.set_provider_id(provider);
        list.set_period(period);
        v1::ListRejectedResponse rejected;
        add(absl::StrCat("ListRejected ", provider, " ", period),
            Call(&v1::VisitsService::Stub::ListRejected, list, &rejected),
            rejected);
        ex.set_period(period);
        add(absl::StrCat("ListExceptions ", provider, " ", period),
            Call(&v1::VisitsService::Stub::ListExceptions, ex, &exceptions),
            exceptions);
      }
    }
    for (const auto& period : periods) {
      for (const auto& client : clients) {
        v1::GetPerformedVsGrantedRequest req;
        req.set_client_id(client);
        req.set_period(period);
        v1::GetPerformedVsGrantedResponse resp;
        add(absl::StrCat("GetPerformedVsGranted client ", client, " ", period),
            Call(&v1::VisitsService::Stub::GetPerformedVsGranted, req, &resp),
            resp);
      }
      for (const auto& provider : providers) {
        v1::GetPerformedVsGrantedRequest req;
        req.set_provider_id(provider);
        req.set_period(period);
        v1::GetPerformedVsGrantedResponse resp;
        add(absl::StrCat("GetPerformedVsGranted provider ", provider, " ",
                         period),
            Call(&v1::VisitsService::Stub::GetPerformedVsGranted, req, &resp),
            resp);
      }
      for (const std::string& provider : {std::string(), std::string(kProvider),
                                          std::string(kOtherProvider)}) {
        v1::ListDeviationsRequest dev;
        dev.set_period(period);
        dev.set_provider_id(provider);
        dev.set_threshold_percent(1);
        v1::ListDeviationsResponse deviations;
        add(absl::StrCat("ListDeviations ", provider, " ", period),
            Call(&v1::VisitsService::Stub::ListDeviations, dev, &deviations),
            deviations);
      }
    }
    return out;
  }

  // The service's counter of answered reports with this outcome (0 when
  // it has not counted any yet).
  int Counted(const std::string& outcome) {
    absl::StatusOr<std::string> m = http::Get(
        absl::StrCat("127.0.0.1:", service_->metrics_port()), "/metrics", 3000);
    EXPECT_TRUE(m.ok()) << m.status();
    if (!m.ok()) return -1;
    const std::string line =
        absl::StrCat("lov_visits_reports_total{outcome=\"", outcome, "\"} ");
    const size_t at = m->find(line);
    if (at == std::string::npos) return 0;
    return std::atoi(m->c_str() + at + line.size());
  }
};

TEST_F(VisitsRebuildTest, KilledAndWipedServiceRebuildsTheSameStateFromKafka) {
  SetUpUpstreams({"c1", "c2"});
  // 2025-03-18 is a Tuesday; Stockholm is UTC+1 then.
  const absl::Time nine = Utc(2025, 3, 18, 8, 0);  // 09:00 local
  std::vector<v1::VisitReport> batch;
  batch.push_back(Report("good", "c1", "s1", nine, 45));
  batch.push_back(Report("good", "c1", "s1", nine, 45));  // resent
  batch.push_back(Report("overlap", "c1", "s2", nine + absl::Minutes(30), 30));
  batch.push_back(Report("busy", "c2", "s1", nine + absl::Minutes(15), 20));
  batch.push_back(Report("nobody", "c-unknown", "s5", nine, 30));
  batch.push_back(Report("bad", "c1", "", nine, 30));  // malformed
  batch.push_back(Report("late", "c2", "s3", Utc(2025, 3, 18, 22, 0), 30));
  batch.push_back(Report("good", "c1", "s1", nine, 50));  // other content
  v1::VisitReport absent = Report("absent", "c2", "s6", nine, 15);
  absent.set_status(v1::VISIT_STATUS_CLIENT_ABSENT);
  absent.set_status_reason("not at home");
  batch.push_back(absent);
  batch.push_back(Report("feb", "c1", "s1", Utc(2025, 2, 10, 8, 0), 45));
  batch.push_back(Report("mar", "c2", "s2", Utc(2025, 3, 10, 8, 0), 30));
  std::vector<v1::ReportOutcome> out = Upload(batch);
  ASSERT_EQ(out.size(), batch.size());
  // Another provider's report of a client it is not assigned, in its own
  // upload (a provider's stream carries its own reports only).
  v1::VisitReport unassigned = Report("other", "c1", "s4", nine, 30);
  unassigned.set_provider_id(kOtherProvider);
  std::vector<v1::ReportOutcome> other = Upload({unassigned});
  ASSERT_EQ(other.size(), 1u);
  out.push_back(other[0]);
  batch.push_back(unassigned);
  int rejected = 0;
  for (const auto& o : out) {
    ASSERT_EQ(o.error_code(), 0) << o.error_message();
    rejected += o.outcome() == v1::OUTCOME_REJECTED ? 1 : 0;
  }
  EXPECT_EQ(rejected, 6);
  EXPECT_EQ(out[6].outcome(), v1::OUTCOME_ACCEPTED_WITH_EXCEPTIONS);

  // February is settled; a correction of a February visit counts in March.
  LockPeriod("2025-02");
  v1::CorrectVisitRequest fix;
  fix.set_request_id("fix-feb");
  fix.set_provider_id(kProvider);
  fix.set_report_id("feb");
  *fix.mutable_corrected() =
      Report("feb", "c1", "s1", Utc(2025, 2, 10, 8, 0), 60);
  fix.set_reason("the tag was read late");
  v1::CorrectVisitResponse fixed;
  grpc::Status s = Call(&v1::VisitsService::Stub::CorrectVisit, fix, &fixed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(fixed.adjusts_period(), "2025-02");
  // The late visit's exception reviewed; then corrected, still outside the
  // hours, so the new version awaits a review of its own.
  v1::ReviewExceptionsRequest review;
  review.set_request_id("review-late");
  review.set_provider_id(kProvider);
  review.set_report_id("late");
  review.set_outcome(v1::REVIEW_OUTCOME_QUERIED);
  review.set_note("22:00-22:30 is outside the hours; was it?");
  review.set_reviewed_by("controller-7");
  v1::ExceptionEntry reviewed;
  s = Call(&v1::VisitsService::Stub::ReviewExceptions, review, &reviewed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  fix.set_request_id("fix-late");
  fix.set_report_id("late");
  *fix.mutable_corrected() =
      Report("late", "c2", "s3", Utc(2025, 3, 18, 21, 30), 40);
  fix.set_reason("the clock of the phone was wrong");
  s = Call(&v1::VisitsService::Stub::CorrectVisit, fix, &fixed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::VoidVisitRequest void_mar;
  void_mar.set_request_id("void-mar");
  void_mar.set_provider_id(kProvider);
  void_mar.set_report_id("mar");
  void_mar.set_reason("reported for the wrong client");
  v1::VoidVisitResponse voided;
  s = Call(&v1::VisitsService::Stub::VoidVisit, void_mar, &voided);
  ASSERT_TRUE(s.ok()) << s.error_message();

  // A rejection written before rejections had a topic of their own, still
  // on the events topic (docs/events.md, "Retention of rejections"): read
  // live, and again on the rebuild, with those on the rejected topic.
  v1::VisitReport legacy =
      Report("legacy", "c1", "s7", Utc(2025, 2, 12, 8, 0), 30);
  batch.push_back(legacy);
  {
    v1::VisitEvent e;
    const std::string visit_id = absl::StrCat(kProvider, "/legacy");
    e.set_event_id(NewUuid());
    e.set_aggregate_id(visit_id);
    e.set_aggregate_version(1);
    e.set_request_fingerprint(Fingerprint(legacy));
    *e.mutable_occurred_at() = ToProtoTime(absl::Now() - absl::Hours(1));
    auto* r = e.mutable_visit_rejected();
    r->set_report_id("legacy");
    r->set_provider_id(kProvider);
    r->set_client_id("c1");
    r->set_reason_code("NOT_ASSIGNED");
    r->set_period("2025-02");
    v1::Visit* as_reported = r->mutable_report();
    as_reported->set_visit_id(visit_id);
    as_reported->set_provider_id(kProvider);
    as_reported->set_client_id("c1");
    *as_reported->mutable_start() = legacy.start();
    *as_reported->mutable_end() = legacy.end();
    ASSERT_TRUE(producer_
                    ->Publish(Topic(topics::kVisitsEvents),
                              ToCloudEvent(e, "/lov/visits"))
                    .ok());
  }
  ASSERT_TRUE(::lov::testing::Eventually([&] {
    v1::ListRejectedRequest feb;
    feb.set_provider_id(kProvider);
    feb.set_period("2025-02");
    v1::ListRejectedResponse listed;
    return Call(&v1::VisitsService::Stub::ListRejected, feb, &listed).ok() &&
           listed.rejected_size() == 1 &&
           listed.rejected(0).report_id() == "legacy";
  }));

  const std::string before = Snapshot(batch);
  // Every view has something in it.
  v1::ListRejectedRequest list;
  list.set_provider_id(kProvider);
  list.set_period("2025-03");
  v1::ListRejectedResponse rejections;
  ASSERT_TRUE(
      Call(&v1::VisitsService::Stub::ListRejected, list, &rejections).ok());
  ASSERT_EQ(rejections.rejected_size(), 5);
  v1::ListExceptionsRequest ex;
  ex.set_provider_id(kProvider);
  v1::ListExceptionsResponse exceptions;
  ASSERT_TRUE(
      Call(&v1::VisitsService::Stub::ListExceptions, ex, &exceptions).ok());
  ASSERT_EQ(exceptions.entries_size(), 1);
  ASSERT_EQ(exceptions.entries(0).visit().version(), 2);
  ASSERT_EQ(HomeHelpRow("c1", "2025-02").performed_minutes(), 45);
  ASSERT_EQ(HomeHelpRow("c1", "2025-03").performed_minutes(), 45 + 15);
  ASSERT_EQ(HomeHelpRow("c2", "2025-03").performed_minutes(), 40);

  service_->Kill();
  auto redis = Stack().ConnectRedis();
  ASSERT_TRUE(redis.ok()) << redis.status();
  size_t deleted = 0;
  std::string cursor = "0";
  do {
    auto page = (*redis)->Command(
        {"SCAN", cursor, "MATCH", ns_ + ":lov:visits:*", "COUNT", "1000"});
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->elements.size(), 2u);
    cursor = page->elements[0].str;
    for (const auto& k : page->elements[1].elements) {
      ASSERT_TRUE((*redis)->Command({"DEL", k.str}).ok());
      ++deleted;
    }
  } while (cursor != "0");
  ASSERT_GT(deleted, 20u);
  auto left = (*redis)->Command({"KEYS", ns_ + ":*"});
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->elements.size(), 0u);

  // Serving only after the rebuild.
  StartService();
  EXPECT_NE(service_->Log().find("state rebuilt"), std::string::npos)
      << service_->Log();
  const std::string after = Snapshot(batch);
  EXPECT_EQ(after, before);

  // The first report again: answered from the rebuilt state as a replay,
  // with its first outcome, and counted nowhere a second time.
  v1::ReportVisitRequest again;
  *again.mutable_report() = batch[0];
  v1::ReportOutcome o;
  s = Call(&v1::VisitsService::Stub::ReportVisit, again, &o);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(o.replayed());
  EXPECT_EQ(o.outcome(), v1::OUTCOME_ACCEPTED);
  EXPECT_EQ(o.visit_id(), absl::StrCat(kProvider, "/good"));
  EXPECT_EQ(Counted("replayed"), 1);
  EXPECT_EQ(Counted("accepted"), 0);
  EXPECT_EQ(Snapshot(batch), before);
}

}  // namespace
}  // namespace lov::visits
