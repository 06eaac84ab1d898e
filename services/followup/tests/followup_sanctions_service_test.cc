// The followup binary as a process against the real Kafka and Redis: a
// follow-up with two findings through the API, then the registry's
// SanctionImposed (naming the second finding) and one naming no finding on
// the registry's topic as the registry publishes them. ListFollowUps shows
// the sanction with its finding, and a rebuild from Kafka gives the same
// answer.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "followup_service_test_fixture.h"
#include "lov/followup/v1/followup.grpc.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/proto_util.h"
#include "lov/registry/v1/events.pb.h"
#include "test_stack.h"

namespace lov::followup {
namespace {

namespace v1 = ::lov::followup::v1;
namespace rv1 = ::lov::registry::v1;
using ::lov::testing::Eventually;
using ::lov::testing::Stack;

class FollowupSanctionsServiceTest : public service_test::FollowupProcessTest {
 protected:
  void SetUp() override { StartFollowup(); }

  // A SanctionImposed as the registry publishes it: version `version` of
  // the provider's aggregate, the provider with the sanction.
  void PublishSanction(const rv1::Sanction& sanction, int64_t version) {
    rv1::RegistryEvent e;
    e.set_event_id(NewUuid());
    *e.mutable_occurred_at() = ToProtoTime(absl::Now());
    e.set_aggregate_id("prv-5565541645");
    e.set_aggregate_version(version);
    rv1::Provider* p = e.mutable_sanction_imposed()->mutable_provider();
    p->set_provider_id("prv-5565541645");
    p->set_version(version);
    *p->add_sanctions() = sanction;
    *e.mutable_sanction_imposed()->mutable_sanction() = sanction;
    if (producer_ == nullptr) {
      auto made = EventProducer::Create(Stack().kafka("followup-test"));
      ASSERT_TRUE(made.ok()) << made.status();
      producer_ = std::move(*made);
    }
    ASSERT_TRUE(producer_
                    ->Publish(stack_.Topic("lov.registry.events.v1"),
                              ToCloudEvent(e, "/lov/registry"))
                    .ok());
  }

  v1::ListFollowUpsResponse FollowUps() {
    v1::ListFollowUpsResponse out;
    grpc::Status s = Call(&v1::FollowupService::Stub::ListFollowUps,
                          v1::ListFollowUpsRequest(), &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  std::unique_ptr<EventProducer> producer_;
};

TEST_F(FollowupSanctionsServiceTest, AFindingShowsTheSanctionThatNamesIt) {
  v1::PlanFollowUpRequest plan;
  plan.set_request_id("fu-req-s1");
  plan.set_provider_id("prv-5565541645");
  plan.set_planned_date("2025-05-12");
  v1::FollowUp fu;
  ASSERT_TRUE(Call(&v1::FollowupService::Stub::PlanFollowUp, plan, &fu).ok());
  v1::CompleteFollowUpRequest done;
  done.set_request_id("fu-done-s1");
  done.set_follow_up_id(fu.follow_up_id());
  done.set_done_date("2025-05-14");
  for (const char* summary : {"Routines for medication missing",
                              "Implementation plans missing for 4 clients"}) {
    auto* finding = done.add_findings();
    finding->set_summary(summary);
    finding->set_requires_action_plan(true);
    finding->set_action_plan_due_date("2025-06-13");
  }
  grpc::Status s =
      Call(&v1::FollowupService::Stub::CompleteFollowUp, done, &fu);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const std::string f2 = fu.follow_up_id() + "/f2";

  rv1::Sanction unrelated;
  unrelated.set_sanction_id("snc-0");
  unrelated.set_kind(rv1::SANCTION_KIND_WARNING);
  unrelated.set_reason("invoices late");
  unrelated.set_decided_on("2025-06-01");
  ASSERT_NO_FATAL_FAILURE(PublishSanction(unrelated, 7));
  rv1::Sanction warning;
  warning.set_sanction_id("snc-1");
  warning.set_kind(rv1::SANCTION_KIND_ACTION_PLAN);
  warning.set_reason("action plan for finding 2 not received");
  warning.set_decided_on("2025-06-16");
  warning.set_deadline("2025-07-01");
  warning.set_follow_up_id(fu.follow_up_id());
  warning.set_finding_id(f2);
  ASSERT_NO_FATAL_FAILURE(PublishSanction(warning, 8));

  v1::ListFollowUpsResponse listed;
  ASSERT_TRUE(Eventually([&] {
    listed = FollowUps();
    return listed.follow_ups_size() == 1 &&
           listed.follow_ups(0).sanctions_size() > 0;
  })) << listed.DebugString();
  const v1::FollowUpEntry& entry = listed.follow_ups(0);
  ASSERT_EQ(entry.sanctions_size(), 1) << entry.DebugString();
  EXPECT_EQ(entry.sanctions(0).finding_id(), f2);
  EXPECT_EQ(entry.sanctions(0).sanction_id(), "snc-1");
  EXPECT_EQ(entry.sanctions(0).kind(), "action_plan");
  EXPECT_EQ(entry.sanctions(0).decided_on(), "2025-06-16");
  EXPECT_FALSE(entry.sanctions(0).lifted());

  ASSERT_NO_FATAL_FAILURE(RestartWithoutState());
  v1::ListFollowUpsResponse rebuilt;
  ASSERT_TRUE(Eventually([&] {
    rebuilt = FollowUps();
    return rebuilt.follow_ups_size() == 1 &&
           rebuilt.follow_ups(0).sanctions_size() > 0;
  })) << rebuilt.DebugString();
  EXPECT_EQ(SerializeDeterministic(rebuilt), SerializeDeterministic(listed));
}

}  // namespace
}  // namespace lov::followup
