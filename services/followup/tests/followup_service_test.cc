// The followup binary as a process against the real Kafka and Redis: a
// complaint through its workflow, a lex Sarah report going overdue (the
// date fixed by as_of), staff continuity from visit events published as
// the visits service publishes them, and a rebuild from Kafka that gives
// the same answers.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "followup_service_test_fixture.h"
#include "lov/followup/v1/events.pb.h"
#include "lov/followup/v1/followup.grpc.pb.h"
#include "lov/platform/http_server.h"
#include "lov/platform/proto_util.h"
#include "test_sign_in.h"
#include "test_stack.h"
#include "visit_events.h"

namespace lov::followup {
namespace {

namespace v1 = ::lov::followup::v1;
using ::lov::testing::Eventually;

class FollowupServiceTest : public service_test::FollowupProcessTest {
 protected:
  void SetUp() override { StartFollowup(); }

  v1::Complaint Advance(const std::string& id, v1::ComplaintStatus status,
                        const std::string& date, grpc::Status* s) {
    v1::AdvanceComplaintRequest r;
    r.set_request_id("adv-" + std::to_string(status));
    r.set_complaint_id(id);
    r.set_status(status);
    r.set_date(date);
    v1::Complaint out;
    *s = Call(&v1::FollowupService::Stub::AdvanceComplaint, r, &out);
    return out;
  }

  v1::ListComplaintsResponse Complaints(const std::string& as_of,
                                        bool overdue_only) {
    v1::ListComplaintsRequest r;
    r.set_as_of(as_of);
    r.set_overdue_only(overdue_only);
    v1::ListComplaintsResponse out;
    grpc::Status s = Call(&v1::FollowupService::Stub::ListComplaints, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  v1::ListDeviationsResponse Deviations(const std::string& as_of,
                                        bool overdue_only) {
    v1::ListDeviationsRequest r;
    r.set_as_of(as_of);
    r.set_overdue_only(overdue_only);
    v1::ListDeviationsResponse out;
    grpc::Status s = Call(&v1::FollowupService::Stub::ListDeviations, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  v1::Deviation ReportSerious(const std::string& request_id) {
    v1::ReportDeviationRequest r;
    r.set_request_id(request_id);
    r.set_provider_id("prv-5565541645");
    r.set_client_id("cli-7");
    r.set_kind(v1::DEVIATION_KIND_LEX_SARAH);
    r.set_severity(v1::SEVERITY_SERIOUS);
    r.set_occurred_date("2025-03-21");
    r.set_reported_date("2025-03-24");
    v1::Deviation out;
    grpc::Status s = Call(&v1::FollowupService::Stub::ReportDeviation, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }
};

TEST_F(FollowupServiceTest, AComplaintGoesThroughItsWorkflow) {
  v1::RegisterComplaintRequest reg;
  reg.set_request_id("cmp-req-1");
  reg.set_client_id("cli-1");
  reg.set_provider_id("prv-5565541645");
  reg.set_category("punctuality");
  reg.set_received_date("2025-03-03");
  v1::Complaint c;
  grpc::Status s = Call(&v1::FollowupService::Stub::RegisterComplaint, reg, &c);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(c.reply_due_date(), "2025-03-17");  // Mar 3 + 14
  EXPECT_EQ(c.status(), v1::COMPLAINT_STATUS_RECEIVED);
  // A retry answers the first outcome.
  v1::Complaint again;
  ASSERT_TRUE(
      Call(&v1::FollowupService::Stub::RegisterComplaint, reg, &again).ok());
  EXPECT_EQ(again.complaint_id(), c.complaint_id());

  // Not overdue on its last day, overdue the day after.
  EXPECT_EQ(Complaints("2025-03-17", true).complaints_size(), 0);
  v1::ListComplaintsResponse overdue = Complaints("2025-03-18", true);
  ASSERT_EQ(overdue.complaints_size(), 1);
  EXPECT_TRUE(overdue.complaints(0).overdue());
  EXPECT_EQ(overdue.complaints(0).complaint().client_id(), "cli-1");

  Advance(c.complaint_id(), v1::COMPLAINT_STATUS_INVESTIGATING, "2025-03-05",
          &s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::Complaint answered = Advance(
      c.complaint_id(), v1::COMPLAINT_STATUS_ANSWERED, "2025-03-19", &s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(answered.answered_date(), "2025-03-19");
  EXPECT_EQ(Complaints("2025-03-20", true).complaints_size(), 0);
  // Back to investigating is refused naming the rule.
  v1::AdvanceComplaintRequest back;
  back.set_request_id("adv-back");
  back.set_complaint_id(c.complaint_id());
  back.set_status(v1::COMPLAINT_STATUS_INVESTIGATING);
  v1::Complaint ignored;
  s = Call(&v1::FollowupService::Stub::AdvanceComplaint, back, &ignored);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("only forwards"), std::string::npos);
  v1::Complaint closed =
      Advance(c.complaint_id(), v1::COMPLAINT_STATUS_CLOSED, "2025-03-25", &s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(closed.version(), 4);

  // Subscribers see the workflow on the topic, in order, keyed by the
  // complaint.
  std::vector<CloudEvent> events =
      ::lov::testing::ReadEvents(stack_.Topic("lov.followup.events.v1"), 4);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].type, "se.lov.followup.v1.ComplaintRegistered");
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(events[i].type, "se.lov.followup.v1.ComplaintStatusChanged");
    EXPECT_EQ(events[i].subject, c.complaint_id());
  }
  v1::FollowupEvent last;
  ASSERT_TRUE(FromCloudEvent(events[3], &last).ok());
  EXPECT_EQ(last.complaint_status_changed().previous(),
            v1::COMPLAINT_STATUS_ANSWERED);
  EXPECT_EQ(last.complaint_status_changed().complaint().status(),
            v1::COMPLAINT_STATUS_CLOSED);
}

TEST_F(FollowupServiceTest, ALexSarahReportGoesOverdueAtIvo) {
  const v1::Deviation d = ReportSerious("dev-req-1");
  // Mar 24 + 14 = Apr 7, across the spring change.
  EXPECT_EQ(d.ivo_due_date(), "2025-04-07");
  EXPECT_EQ(Deviations("2025-04-07", true).deviations_size(), 0);
  v1::ListDeviationsResponse overdue = Deviations("2025-04-08", true);
  ASSERT_EQ(overdue.deviations_size(), 1);
  EXPECT_EQ(overdue.deviations(0).deviation().deviation_id(), d.deviation_id());
  EXPECT_TRUE(overdue.deviations(0).overdue());

  // Another provider cannot report it to IVO: it is not theirs to see.
  v1::ReportToIvoRequest ivo;
  ivo.set_request_id("ivo-1");
  ivo.set_deviation_id(d.deviation_id());
  ivo.set_reported_date("2025-04-09");
  v1::Deviation out;
  {
    grpc::ClientContext as_other;
    ::lov::testing::SignIn(&as_other, auth::v1::ROLE_PROVIDER,
                           "prv-5560360793");
    ivo.set_provider_id("prv-5560360793");
    grpc::Status s = stub_->ReportToIvo(&as_other, ivo, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  }
  {
    grpc::ClientContext as_provider;
    ::lov::testing::SignIn(&as_provider, auth::v1::ROLE_PROVIDER,
                           "prv-5565541645");
    ivo.set_request_id("ivo-2");
    ivo.set_provider_id("prv-5565541645");
    grpc::Status s = stub_->ReportToIvo(&as_provider, ivo, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(out.ivo_reported_date(), "2025-04-09");
  EXPECT_EQ(Deviations("2025-04-10", true).deviations_size(), 0);
  EXPECT_EQ(Deviations("2025-04-10", false).deviations_size(), 1);
}

std::string Snapshot(v1::FollowupService::Stub& stub) {
  std::string out;
  auto call = [&](auto method, const auto& req, auto resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    grpc::Status s = (stub.*method)(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    out += SerializeDeterministic(resp);
  };
  v1::ListComplaintsRequest complaints;
  complaints.set_as_of("2025-04-30");
  call(&v1::FollowupService::Stub::ListComplaints, complaints,
       v1::ListComplaintsResponse());
  v1::ListDeviationsRequest deviations;
  deviations.set_as_of("2025-04-30");
  call(&v1::FollowupService::Stub::ListDeviations, deviations,
       v1::ListDeviationsResponse());
  v1::ListFollowUpsRequest follow_ups;
  follow_ups.set_as_of("2025-07-01");
  call(&v1::FollowupService::Stub::ListFollowUps, follow_ups,
       v1::ListFollowUpsResponse());
  v1::ListContinuityRequest continuity;
  continuity.set_from_date("2025-03-24");
  call(&v1::FollowupService::Stub::ListContinuity, continuity,
       v1::ListContinuityResponse());
  return out;
}

TEST_F(FollowupServiceTest, ContinuityFromVisitEventsAndARebuildFromKafka) {
  v1::RegisterComplaintRequest reg;
  reg.set_request_id("cmp-req-1");
  reg.set_client_id("cli-1");
  reg.set_provider_id("prv-5565541645");
  reg.set_category("treatment");
  reg.set_received_date("2025-04-01");
  v1::Complaint c;
  ASSERT_TRUE(
      Call(&v1::FollowupService::Stub::RegisterComplaint, reg, &c).ok());
  ReportSerious("dev-req-1");
  v1::PlanFollowUpRequest plan;
  plan.set_request_id("fu-req-1");
  plan.set_provider_id("prv-5565541645");
  plan.set_planned_date("2025-05-12");
  v1::FollowUp fu;
  ASSERT_TRUE(Call(&v1::FollowupService::Stub::PlanFollowUp, plan, &fu).ok());
  v1::CompleteFollowUpRequest done;
  done.set_request_id("fu-done-1");
  done.set_follow_up_id(fu.follow_up_id());
  done.set_done_date("2025-05-14");
  auto* finding = done.add_findings();
  finding->set_summary("Implementation plans missing for 4 of 10 clients");
  finding->set_requires_action_plan(true);
  finding->set_action_plan_due_date("2025-06-13");
  grpc::Status s =
      Call(&v1::FollowupService::Stub::CompleteFollowUp, done, &fu);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // The shared roster (visit_events.h): the client met 3 staff.
  const absl::Status published = ::lov::testing::PublishAcceptedVisits(
      stack_, ::lov::testing::ContinuityRoster("prv-5565541645"));
  ASSERT_TRUE(published.ok()) << published;

  v1::ListContinuityRequest req;
  req.set_from_date("2025-03-24");
  v1::ListContinuityResponse continuity;
  ASSERT_TRUE(Eventually([&] {
    continuity.Clear();
    return Call(&v1::FollowupService::Stub::ListContinuity, req, &continuity)
               .ok() &&
           continuity.providers_size() == 2 &&
           continuity.providers(1).visits() == 28;
  })) << continuity.DebugString();
  EXPECT_EQ(continuity.to_date(), "2025-04-07");
  EXPECT_EQ(continuity.providers(0).provider_id(), "");
  const v1::ProviderContinuity& p = continuity.providers(1);
  EXPECT_EQ(p.provider_id(), "prv-5565541645");
  EXPECT_EQ(p.clients(), 1);
  EXPECT_EQ(p.median_staff(), 3);  // s1, s2 and s3 (double staffing)
  v1::ListFollowUpsRequest late;
  late.set_as_of("2025-06-14");
  late.set_overdue_only(true);
  v1::ListFollowUpsResponse overdue;
  ASSERT_TRUE(
      Call(&v1::FollowupService::Stub::ListFollowUps, late, &overdue).ok());
  ASSERT_EQ(overdue.follow_ups_size(), 1);
  EXPECT_EQ(overdue.follow_ups(0).overdue_finding_ids(0),
            fu.follow_up_id() + "/f1");

  const std::string before = Snapshot(*stub_);
  ASSERT_NO_FATAL_FAILURE(RestartWithoutState());
  EXPECT_EQ(Snapshot(*stub_), before);
  // Counted again from the rebuilt state once serving: the complaint (due
  // 2025-04-15), the lex Sarah report (IVO by 2025-04-07) and the action
  // plan (2025-06-13) are all overdue today.
  std::string metrics;
  EXPECT_TRUE(Eventually([&] {
    absl::StatusOr<std::string> m = http::Get(
        absl::StrCat("127.0.0.1:", stack_.process("followup").metrics_port()),
        "/metrics", 3000);
    metrics = m.ok() ? *m : m.status().ToString();
    return absl::StrContains(metrics, "kind=\"action_plan\"} 1");
  })) << metrics;
  EXPECT_TRUE(absl::StrContains(metrics, "kind=\"complaint\"} 1")) << metrics;
  EXPECT_TRUE(absl::StrContains(metrics, "kind=\"deviation\"} 1")) << metrics;
  // A retried request is still recognised after the rebuild.
  v1::Complaint retried;
  ASSERT_TRUE(
      Call(&v1::FollowupService::Stub::RegisterComplaint, reg, &retried).ok());
  EXPECT_EQ(retried.complaint_id(), c.complaint_id());
  EXPECT_EQ(retried.version(), 1);
}

}  // namespace
}  // namespace lov::followup
