// The follow-up state projection in batches (StateBatchProjection,
// state_projection.h) on the real Redis of the ctest stack: the same events
// of its four topics cut into batches of every size leave exactly the state
// that applying them one at a time (StateProjection) leaves, and the store's
// readers answer the same from it.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "fixed_clock.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/followup/adapters/state_projection.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/proto_util.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/visits/v1/events.pb.h"
#include "redis_dump.h"
#include "test_stack.h"

namespace lov::followup {
namespace {

using ::lov::testing::DumpRedis;
using ::lov::testing::ExpectEveryBatchSizeGives;
using ::lov::testing::FixedClock;
using ::lov::testing::Stack;
using ::lov::testing::UniqueName;
using ::lov::testing::UtcTime;

constexpr char kVisitsTopic[] = "it.visits";
constexpr char kChoiceTopic[] = "it.choice";
constexpr char kRegistryTopic[] = "it.registry";
constexpr char kOwnTopic[] = "it.followup";
constexpr char kAttendo[] = "prv-5565541645";
constexpr char kInHouse[] = "prv-2120000209";

CloudEvent On(const std::string& topic, const google::protobuf::Message& e,
              const std::string& source) {
  CloudEvent ce = ToCloudEvent(e, source);
  ce.topic = topic;
  return ce;
}

// ------------------------------------------------- the service's own events

v1::FollowupEvent Own(const std::string& aggregate, int64_t version) {
  v1::FollowupEvent e;
  e.set_event_id(absl::StrCat("fu-", aggregate, "-", version));
  e.set_aggregate_id(aggregate);
  e.set_aggregate_version(version);
  e.set_request_id(absl::StrCat("req-", aggregate, "-", version));
  e.set_request_fingerprint("fp");
  return e;
}

CloudEvent Complaint(int64_t version, v1::ComplaintStatus status) {
  v1::FollowupEvent e = Own("cmp-1", version);
  v1::Complaint c;
  c.set_complaint_id("cmp-1");
  c.set_client_id("cli-1");
  c.set_provider_id(kAttendo);
  c.set_category("punctuality");
  c.set_received_date("2025-03-03");
  c.set_reply_due_date("2025-03-17");
  c.set_status(status);
  c.set_version(version);
  if (version == 1) {
    *e.mutable_complaint_registered()->mutable_complaint() = c;
  } else {
    *e.mutable_complaint_status_changed()->mutable_complaint() = c;
  }
  return On(kOwnTopic, e, "/lov/followup");
}

CloudEvent Deviation(int64_t version) {
  v1::FollowupEvent e = Own("dev-1", version);
  v1::Deviation d;
  d.set_deviation_id("dev-1");
  d.set_provider_id(kInHouse);
  d.set_kind(v1::DEVIATION_KIND_LEX_SARAH);
  d.set_severity(v1::SEVERITY_SERIOUS);
  d.set_occurred_date("2025-03-04");
  d.set_reported_date("2025-03-05");
  d.set_ivo_due_date("2025-03-19");
  d.set_version(version);
  if (version == 1) {
    *e.mutable_deviation_reported()->mutable_deviation() = d;
  } else {
    d.set_ivo_reported_date("2025-03-10");
    *e.mutable_deviation_reported_to_ivo()->mutable_deviation() = d;
  }
  return On(kOwnTopic, e, "/lov/followup");
}

CloudEvent FollowUp(int64_t version) {
  v1::FollowupEvent e = Own("fu-1", version);
  v1::FollowUp f;
  f.set_follow_up_id("fu-1");
  f.set_provider_id(kAttendo);
  f.set_planned_date("2025-03-06");
  f.set_status(version == 1 ? v1::FOLLOW_UP_STATUS_PLANNED
                            : v1::FOLLOW_UP_STATUS_DONE);
  f.set_version(version);
  if (version > 1) {
    f.set_done_date("2025-03-07");
    v1::Finding* finding = f.add_findings();
    finding->set_finding_id("fu-1/f1");
    finding->set_summary("Genomförandeplaner saknas");
    finding->set_requires_action_plan(true);
    finding->set_action_plan_due_date("2025-03-21");
    if (version == 3) finding->set_action_plan_received_date("2025-03-20");
  }
  if (version == 1) *e.mutable_follow_up_planned()->mutable_follow_up() = f;
  if (version == 2) *e.mutable_follow_up_completed()->mutable_follow_up() = f;
  if (version == 3) {
    *e.mutable_action_plan_received()->mutable_follow_up() = f;
    e.mutable_action_plan_received()->set_finding_id("fu-1/f1");
  }
  return On(kOwnTopic, e, "/lov/followup");
}

CloudEvent Survey(int year, int64_t version, const std::string& provider,
                  int per_mille) {
  v1::FollowupEvent e = Own(absl::StrCat("survey-", year), version);
  e.set_request_id(absl::StrCat("req-survey-", year));
  auto* s = e.mutable_survey_results_imported();
  s->set_year(year);
  s->set_provider_id(provider);
  s->mutable_result()->set_year(year);
  s->mutable_result()->set_respondents(40);
  s->mutable_result()->set_overall_satisfied_per_mille(per_mille);
  e.set_event_id(absl::StrCat("fu-survey-", year, "-", provider));
  return On(kOwnTopic, e, "/lov/followup");
}

CloudEvent Published(int64_t version, const std::string& zone, int clients) {
  v1::FollowupEvent e = Own(absl::StrCat("ind-", kAttendo), version);
  e.set_event_id(absl::StrCat("fu-ind-", version, "-", zone));
  auto* i = e.mutable_provider_indicators_published()->mutable_indicators();
  i->set_provider_id(kAttendo);
  i->set_zone_id(zone);
  i->set_as_of("2025-03-25");
  i->set_continuity_clients(clients);
  i->set_median_staff(3);
  return On(kOwnTopic, e, "/lov/followup");
}

// ------------------------------------------------------- the visits' events

visits::v1::Visit Visit(int64_t version, const std::string& staff) {
  visits::v1::Visit v;
  v.set_visit_id(absl::StrCat(kAttendo, "/r-1"));
  v.set_provider_id(kAttendo);
  v.set_client_id("cli-1");
  v.set_staff_id(staff);
  v.set_version(version);
  v.set_status(visits::v1::VISIT_STATUS_PERFORMED);
  *v.mutable_start() = ToProtoTime(UtcTime(2025, 3, 10, 7));
  return v;
}

CloudEvent VisitAccepted(const std::string& visit_id, const std::string& staff,
                         bool with_exception, int hour) {
  visits::v1::VisitEvent e;
  visits::v1::Visit v = Visit(1, staff);
  v.set_visit_id(visit_id);
  *v.mutable_start() = ToProtoTime(UtcTime(2025, 3, 10, hour));
  e.set_event_id("vis-" + visit_id);
  e.set_aggregate_id(visit_id);
  e.set_aggregate_version(1);
  *e.mutable_visit_accepted()->mutable_visit() = v;
  if (with_exception) {
    e.mutable_visit_accepted()->add_exceptions()->set_code("OUTSIDE_HOURS");
  }
  return On(kVisitsTopic, e, "/lov/visits");
}

CloudEvent VisitCorrected() {
  visits::v1::VisitEvent e;
  e.set_event_id("vis-corrected");
  e.set_aggregate_id(Visit(2, "s2").visit_id());
  e.set_aggregate_version(2);
  *e.mutable_visit_corrected()->mutable_visit() = Visit(2, "s2");
  *e.mutable_visit_corrected()->mutable_previous() = Visit(1, "s1");
  return On(kVisitsTopic, e, "/lov/visits");
}

CloudEvent VisitVoided(const std::string& visit_id) {
  visits::v1::VisitEvent e;
  visits::v1::Visit previous = Visit(1, "s3");
  previous.set_visit_id(visit_id);
  e.set_event_id("vis-voided-" + visit_id);
  e.set_aggregate_id(visit_id);
  e.set_aggregate_version(2);
  *e.mutable_visit_voided()->mutable_previous() = previous;
  return On(kVisitsTopic, e, "/lov/visits");
}

// ------------------------------------------- the choice and registry events

choice::v1::Assignment Assignment(const std::string& id,
                                  const std::string& provider,
                                  const std::string& to) {
  choice::v1::Assignment a;
  a.set_assignment_id(id);
  a.set_client_id("cli-1");
  a.set_provider_id(provider);
  a.set_zone_id("centrum");
  a.set_valid_from("2025-01-01");
  a.set_valid_to(to);
  return a;
}

CloudEvent AssignmentStarted(int64_t version) {
  choice::v1::ChoiceEvent e;
  e.set_event_id(absl::StrCat("ch-cli-1-", version));
  e.set_aggregate_id("cli-1");
  e.set_aggregate_version(version);
  auto* s = e.mutable_assignment_started();
  *s->mutable_assignment() = Assignment("asg-2", kAttendo, "");
  s->mutable_assignment()->set_valid_from("2025-03-01");
  if (version > 1) {
    *s->mutable_ended() = Assignment("asg-1", kInHouse, "2025-02-28");
  }
  return On(kChoiceTopic, e, "/lov/choice");
}

CloudEvent AssignmentEnded(int64_t version) {
  choice::v1::ChoiceEvent e;
  e.set_event_id(absl::StrCat("ch-cli-1-", version));
  e.set_aggregate_id("cli-1");
  e.set_aggregate_version(version);
  *e.mutable_assignment_ended()->mutable_assignment() =
      Assignment("asg-2", kAttendo, "2025-03-31");
  return On(kChoiceTopic, e, "/lov/choice");
}

CloudEvent OtherChoiceEvent() {
  choice::v1::ChoiceEvent e;
  e.set_event_id("ch-other");
  e.set_aggregate_id("cli-2");
  e.set_aggregate_version(1);
  e.mutable_client_zone_changed()->set_client_id("cli-2");
  return On(kChoiceTopic, e, "/lov/choice");
}

CloudEvent Sanction(int64_t version, bool lifted) {
  registry::v1::Sanction s;
  s.set_sanction_id("san-1");
  s.set_kind(registry::v1::SANCTION_KIND_SUSPENSION);
  s.set_decided_on("2025-03-22");
  s.set_follow_up_id("fu-1");
  s.set_finding_id("fu-1/f1");
  s.set_lifted(lifted);
  if (lifted) s.set_lifted_on("2025-03-24");
  registry::v1::RegistryEvent e;
  e.set_event_id(absl::StrCat("reg-", kAttendo, "-", version));
  e.set_aggregate_id(kAttendo);
  e.set_aggregate_version(version);
  if (lifted) {
    e.mutable_suspension_lifted()->set_sanction_id("san-1");
    *e.mutable_suspension_lifted()->mutable_provider()->add_sanctions() = s;
  } else {
    *e.mutable_sanction_imposed()->mutable_sanction() = s;
  }
  return On(kRegistryTopic, e, "/lov/registry");
}

// Every kind of event the projection reads, interleaved across topics and
// aggregates; some come again, one late (an older version after a newer).
std::vector<CloudEvent> Events() {
  const std::string visit = absl::StrCat(kAttendo, "/r-1");
  const std::string voided = absl::StrCat(kAttendo, "/r-3");
  return {Complaint(1, v1::COMPLAINT_STATUS_RECEIVED),
          VisitAccepted(visit, "s1", false, 7),
          AssignmentStarted(1),
          Deviation(1),
          Survey(2024, 1, kAttendo, 850),
          FollowUp(1),
          VisitAccepted(absl::StrCat(kAttendo, "/r-2"), "s2", true, 15),
          Complaint(2, v1::COMPLAINT_STATUS_INVESTIGATING),
          VisitAccepted(voided, "s3", false, 16),
          Sanction(1, false),
          OtherChoiceEvent(),
          Survey(2025, 1, kAttendo, 912),
          Survey(2025, 2, kInHouse, 875),
          VisitCorrected(),
          AssignmentStarted(2),
          Deviation(2),
          FollowUp(2),
          VisitVoided(voided),
          Published(1, "", 1),
          Published(2, "centrum", 1),
          Complaint(4, v1::COMPLAINT_STATUS_CLOSED),
          Complaint(3, v1::COMPLAINT_STATUS_ANSWERED),  // late: kept out
          Sanction(2, true),
          FollowUp(3),
          AssignmentEnded(3),
          VisitAccepted(visit, "s1", false, 7),  // redelivered, older
          Published(3, "", 2)};
}

class FollowupProjectionBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = Stack().ConnectRedis();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
  }

  StateTopicNames Topics() const {
    return {kVisitsTopic, kChoiceTopic, kRegistryTopic};
  }

  std::unique_ptr<RedisClient> redis_;
  FixedClock clock_{UtcTime(2025, 3, 25, 9)};
};

TEST_F(FollowupProjectionBatchTest, EveryBatchSizeLeavesTheOneByOneState) {
  const std::vector<CloudEvent> events = Events();
  const std::string each_prefix = UniqueName("it:followup-each");
  RedisFollowupStore each(redis_.get(), each_prefix);
  FollowupApp app(&each, &each, nullptr, &clock_, &each, &each);
  EventHandler one = StateProjection(&app, &each, Topics());
  for (const CloudEvent& ce : events) ASSERT_TRUE(one(ce).ok()) << ce.id;
  const std::string expected = DumpRedis(*redis_, each_prefix);
  // Every part of the state is there: records, visits (the voided one out
  // of the index), assignments, surveys, published rows and the sanction.
  for (const char* key :
       {"complaint:cmp-1 hash", "deviation:dev-1 hash", "follow_up:fu-1 hash",
        "visits_by_start zset", "assignment:asg-1 hash",
        "assignment:asg-2 hash", "survey:prv-2120000209 hash",
        "published:prv-5565541645 hash", "sanctions:fu-1 hash"}) {
    EXPECT_NE(expected.find(absl::StrCat(":", key)), std::string::npos)
        << key << "\n"
        << expected;
  }
  EXPECT_EQ(expected.find("/r-3="), std::string::npos) << expected;

  ExpectEveryBatchSizeGives(
      *redis_, events, "followup", expected, [&](const std::string& prefix) {
        return StateBatchProjection(redis_.get(), prefix, nullptr, &clock_,
                                    Topics());
      });
}

// The store's readers on the state the batches leave (all events in one
// batch) answer what the events say, worked out by hand.
TEST_F(FollowupProjectionBatchTest, TheReadersAnswerFromTheBatchedState) {
  const std::string prefix = UniqueName("it:followup-read");
  BatchEventHandler batch =
      StateBatchProjection(redis_.get(), prefix, nullptr, &clock_, Topics());
  ASSERT_TRUE(batch(Events()).ok());
  RedisFollowupStore store(redis_.get(), prefix);

  // The complaint at version 4 (closed); the late version 3 changed nothing.
  auto complaint = store.GetComplaint("cmp-1");
  ASSERT_TRUE(complaint.ok() && complaint->has_value()) << complaint.status();
  EXPECT_EQ((*complaint)->status(), v1::COMPLAINT_STATUS_CLOSED);
  EXPECT_EQ((*complaint)->version(), 4);
  auto follow_ups = store.ListFollowUps();
  ASSERT_TRUE(follow_ups.ok()) << follow_ups.status();
  ASSERT_EQ(follow_ups->size(), 1u);
  EXPECT_EQ((*follow_ups)[0].findings(0).action_plan_received_date(),
            "2025-03-20");

  // Attendo's latest survey is 2025's (912), not 2024's; the in-house
  // unit has 2025's only.
  auto surveys = store.LatestSurveys();
  ASSERT_TRUE(surveys.ok()) << surveys.status();
  ASSERT_EQ(surveys->size(), 2u);
  EXPECT_EQ(surveys->at(kAttendo).year(), 2025);
  EXPECT_EQ(surveys->at(kAttendo).overall_satisfied_per_mille(), 912);
  EXPECT_EQ(surveys->at(kInHouse).overall_satisfied_per_mille(), 875);

  // One sanction for fu-1, as lifted by the registry's version 2.
  auto sanctions = store.SanctionsByFollowUp();
  ASSERT_TRUE(sanctions.ok()) << sanctions.status();
  ASSERT_EQ(sanctions->size(), 1u);
  ASSERT_EQ(sanctions->at("fu-1").size(), 1u);
  const v1::FindingSanction& s = sanctions->at("fu-1")[0];
  EXPECT_EQ(s.sanction_id(), "san-1");
  EXPECT_EQ(s.finding_id(), "fu-1/f1");
  EXPECT_EQ(s.kind(), "suspension");
  EXPECT_TRUE(s.lifted());
  EXPECT_EQ(s.lifted_on(), "2025-03-24");

  // The published rows: the all-zones row as version 3 left it (2
  // clients), the zone's as version 2 did.
  auto published = store.GetPublished(kAttendo);
  ASSERT_TRUE(published.ok()) << published.status();
  EXPECT_EQ(published->version, 3);
  EXPECT_EQ(published->by_zone.at("").continuity_clients(), 2);
  EXPECT_EQ(published->by_zone.at("centrum").continuity_clients(), 1);

  // Two visits on 10 March: r-1 as corrected (staff s2), r-2 with its
  // exception; r-3 was voided.
  auto visits =
      store.StartingIn({UtcTime(2025, 3, 10, 0), UtcTime(2025, 3, 11, 0)});
  ASSERT_TRUE(visits.ok()) << visits.status();
  ASSERT_EQ(visits->size(), 2u);
  int with_exceptions = 0;
  for (const VisitFact& v : *visits) {
    with_exceptions += v.has_exceptions ? 1 : 0;
    if (v.start == UtcTime(2025, 3, 10, 7)) {
      EXPECT_EQ(v.staff_ids, std::vector<std::string>{"s2"});
    }
  }
  EXPECT_EQ(with_exceptions, 1);

  // The in-house assignment ended in February; Attendo's in March.
  auto listings = store.ListListings();
  ASSERT_TRUE(listings.ok()) << listings.status();
  ASSERT_EQ(listings->size(), 2u);
  for (const Listing& l : *listings) {
    ASSERT_TRUE(l.to.has_value()) << l.provider_id;
    EXPECT_EQ(*l.to, l.provider_id == kInHouse ? absl::CivilDay(2025, 2, 28)
                                               : absl::CivilDay(2025, 3, 31));
  }
}

}  // namespace
}  // namespace lov::followup
