// Projector::ApplyBatch leaves the same state as Projector::Apply on each
// event in order: the reading orders of settlement_order_test.cc cut into
// batches of every size, an event seen twice in one batch, choice events,
// and a visit event that cannot be settled (the batch fails, naming it).
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/log.h"
#include "lov/platform/topics.h"
#include "lov/platform/trace_context.h"
#include "lov/settlement/app/late_visit_changes_test_support.h"
#include "lov/settlement/app/reactions/projector.h"
#include "lov/settlement/app/settlement_app_test_support.h"

namespace lov::settlement {
namespace {

using test_support::FakeSettlementStore;
using test_support::kProvider;
using test_support::LateVisitChanges;
using test_support::MakeLateVisitChanges;
using test_support::PreviewFebruary;
using test_support::PutJanuaryBasics;
using test_support::VisitAccepted;
using test_support::VisitCorrected;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The value of `s` (a copy the caller's loop can hold on to).
template <typename T>
T Got(absl::StatusOr<T> s) {
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : T();
}

// As read from a topic of the namespace "it".
CloudEvent On(const char* topic, const google::protobuf::Message& event) {
  CloudEvent ce = ToCloudEvent(event, "/lov/test");
  ce.topic = std::string("it.") + topic;
  return ce;
}

CloudEvent Accepted(const std::string& event_id, const visits::v1::Visit& v) {
  return On(topics::kVisitsEvents, VisitAccepted(event_id, v));
}

CloudEvent Corrected(const std::string& event_id, const visits::v1::Visit& from,
                     const visits::v1::Visit& to) {
  return On(topics::kVisitsEvents, VisitCorrected(event_id, from, to));
}

// The visit events as read from the visits topic.
std::vector<CloudEvent> OnVisitsTopic(
    const std::vector<visits::v1::VisitEvent>& events) {
  std::vector<CloudEvent> out;
  for (const auto& e : events) out.push_back(On(topics::kVisitsEvents, e));
  return out;
}

std::vector<CloudEvent> Concat(
    std::initializer_list<std::vector<CloudEvent>> parts) {
  std::vector<CloudEvent> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

class ProjectorBatchTest : public test_support::SettlementAppFixture {
 protected:
  void SetUp() override {
    before_ = OnVisitsTopic(changes_.before);
    after_ = OnVisitsTopic(changes_.after);
  }

  // `events` applied in batches of `size` (the last one shorter).
  static void InBatches(Projector& projector,
                        const std::vector<CloudEvent>& events, size_t size) {
    for (size_t i = 0; i < events.size(); i += size) {
      std::vector<CloudEvent> batch(
          events.begin() + i,
          events.begin() + std::min(events.size(), i + size));
      absl::Status s = projector.ApplyBatch(batch);
      ASSERT_TRUE(s.ok()) << s << " (batches of " << size << ")";
    }
  }

  static void OneByOne(Projector& projector,
                       const std::vector<CloudEvent>& events) {
    for (const CloudEvent& e : events) {
      absl::Status s = projector.Apply(e);
      ASSERT_TRUE(s.ok()) << s << " " << e.id;
    }
  }

  const LateVisitChanges changes_ = MakeLateVisitChanges();
  std::vector<CloudEvent> before_, after_;
};

TEST_F(ProjectorBatchTest, EveryReadingOrderInBatchesGivesTheSameState) {
  // Live, one by one: January approved, then the changes made after it.
  ASSERT_TRUE(app_.AddRateTable(AddRates(testing::January2024())).ok());
  ASSERT_TRUE(store_.SetProviderKind(kProvider, false).ok());
  Projector live(&store_);
  OneByOne(live, before_);
  publisher_.events_.clear();
  absl::StatusOr<v1::Statement> january =
      PreviewAndApprove(kProvider, "2024-01");
  ASSERT_TRUE(january.ok()) << january.status();
  EXPECT_EQ(january->total_ore(), 103200 + 61500 + 15375);
  std::vector<CloudEvent> own;
  for (const auto& e : publisher_.events_) {
    own.push_back(On(topics::kSettlementEvents, e));
  }
  ASSERT_FALSE(own.empty());
  OneByOne(live, after_);
  const std::string expected = store_.VisitStateDump();

  const std::vector<std::vector<CloudEvent>> orders = {
      Concat({before_, after_, own}),  // the visits topic first
      Concat({own, before_, after_}),  // settlement's own topic first
      Concat({before_, {after_[0]}, own, {after_[1], after_[2]}}),  // live
  };
  for (size_t order = 0; order < orders.size(); ++order) {
    for (size_t size = 1; size <= orders[order].size(); ++size) {
      SCOPED_TRACE(absl::StrCat("order ", order, ", batches of ", size));
      FakeSettlementStore rebuilt;
      PutJanuaryBasics(rebuilt);
      Projector p(&rebuilt);
      InBatches(p, orders[order], size);
      EXPECT_EQ(rebuilt.VisitStateDump(), expected);
      std::vector<std::string> adjustments;
      for (const auto& e : Got(rebuilt.Adjustments(kProvider))) {
        adjustments.push_back(e.event_id());
      }
      EXPECT_THAT(adjustments,
                  ElementsAre("e-care-2", "e-late-1", "e-service-void"));
      // +0.5 h care, the late service hour with VAT, the void taken back.
      absl::StatusOr<v1::Statement> february = PreviewFebruary(rebuilt);
      ASSERT_TRUE(february.ok()) << february.status();
      EXPECT_EQ(february->total_ore(), 175);
    }
  }
}

TEST_F(ProjectorBatchTest, AnEventSeenTwiceInOneBatchIsAppliedOnce) {
  // The report seen again after its correction would take the visit back
  // to version 1 if it were applied again.
  const std::vector<CloudEvent> events = {
      Accepted("e-care-1", changes_.care1),
      Corrected("e-care-2", changes_.care1, changes_.care2),
      Accepted("e-care-1", changes_.care1)};
  FakeSettlementStore one_by_one;
  Projector p1(&one_by_one);
  OneByOne(p1, events);
  FakeSettlementStore batched;
  Projector p2(&batched);
  ASSERT_TRUE(p2.ApplyBatch(events).ok());
  EXPECT_EQ(batched.VisitStateDump(), one_by_one.VisitStateDump());
  const std::vector<visits::v1::Visit> january =
      *batched.Visits(kProvider, "2024-01");
  ASSERT_EQ(january.size(), 1u);
  EXPECT_EQ(january[0].version(), 2);
}

TEST_F(ProjectorBatchTest, EachVisitIsLoggedInItsEventsTrace) {
  // Two visits of one batch, each published in a trace of its own: the
  // line that applies each to the provider's month names its trace id.
  const std::string care_trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  const std::string service_trace = "0af7651916cd43dd8448eb211c80319c";
  CloudEvent care = Accepted("e-care-1", changes_.care1);
  care.extra_headers.emplace_back(
      kCloudEventTraceparentHeader,
      absl::StrCat("00-", care_trace, "-00f067aa0ba902b7-01"));
  CloudEvent service = Accepted("e-service-1", changes_.service1);
  service.extra_headers.emplace_back(
      kCloudEventTraceparentHeader,
      absl::StrCat("00-", service_trace, "-b7ad6b7169203331-01"));
  FakeSettlementStore store;
  Projector p(&store);
  log::SetMinLevel(log::Level::kDebug);
  ::testing::internal::CaptureStderr();
  absl::Status applied = p.ApplyBatch({care, service});
  const std::string logged = ::testing::internal::GetCapturedStderr();
  log::SetMinLevel(log::Level::kInfo);
  ASSERT_TRUE(applied.ok()) << applied;
  std::map<std::string, std::string> line_of;  // visit id -> its line
  std::istringstream lines(logged);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("visit applied to its provider month") == std::string::npos)
      continue;
    for (const auto* v : {&changes_.care1, &changes_.service1}) {
      if (line.find(absl::StrCat("\"visit_id\":\"", v->visit_id(), "\"")) !=
          std::string::npos) {
        line_of[v->visit_id()] = line;
      }
    }
  }
  ASSERT_EQ(line_of.size(), 2u) << logged;
  EXPECT_THAT(line_of[changes_.care1.visit_id()],
              HasSubstr(absl::StrCat("\"trace_id\":\"", care_trace, "\"")));
  EXPECT_THAT(line_of[changes_.service1.visit_id()],
              HasSubstr(absl::StrCat("\"trace_id\":\"", service_trace, "\"")));
  EXPECT_THAT(line_of[changes_.care1.visit_id()],
              HasSubstr("\"period\":\"2024-01\""));
  // Outside the batch no trace is current any more.
  EXPECT_EQ(CurrentTrace(), nullptr);
}

TEST_F(ProjectorBatchTest, ChoiceEventsInABatchWriteWhatOneByOneWrites) {
  choice::v1::Assignment first;
  first.set_assignment_id("a-1");
  first.set_client_id("cli-1");
  first.set_provider_id(kProvider);
  choice::v1::Assignment second = first;
  second.set_assignment_id("a-2");
  second.set_provider_id("prv-b");
  first.set_valid_to("2024-01-31");
  choice::v1::ChoiceEvent started;
  started.set_event_id("c-1");
  *started.mutable_assignment_started()->mutable_assignment() = second;
  *started.mutable_assignment_started()->mutable_ended() = first;
  choice::v1::ChoiceEvent decided;
  decided.set_event_id("c-2");
  decided.mutable_decision_registered()->set_client_id("cli-1");
  decided.mutable_decision_registered()->mutable_decision()->set_decision_id(
      "d-1");
  const std::vector<CloudEvent> events = {On(topics::kChoiceEvents, started),
                                          Accepted("e-care-1", changes_.care1),
                                          On(topics::kChoiceEvents, decided)};
  FakeSettlementStore one_by_one;
  Projector p1(&one_by_one);
  OneByOne(p1, events);
  FakeSettlementStore batched;
  Projector p2(&batched);
  ASSERT_TRUE(p2.ApplyBatch(events).ok());
  for (FakeSettlementStore* s : {&one_by_one, &batched}) {
    std::vector<std::string> assignments;
    for (const std::string& provider :
         {std::string(kProvider), std::string("prv-b")}) {
      for (const auto& a : Got(s->Assignments(provider))) {
        assignments.push_back(a.assignment_id() + " " + a.valid_to());
      }
    }
    EXPECT_THAT(assignments, ElementsAre("a-1 2024-01-31", "a-2 "));
    auto decisions = s->Decisions({"cli-1"});
    ASSERT_TRUE(decisions.ok());
    ASSERT_EQ(decisions->count("cli-1"), 1u);
    EXPECT_EQ(decisions->at("cli-1").at(0).decision_id(), "d-1");
    EXPECT_THAT(*s->Providers(), ElementsAre(kProvider, "prv-b"));
  }
  EXPECT_EQ(batched.VisitStateDump(), one_by_one.VisitStateDump());
}

TEST_F(ProjectorBatchTest, AVisitEventWithoutProviderFailsTheBatchNamingIt) {
  visits::v1::Visit nameless = changes_.care1;
  nameless.clear_provider_id();
  FakeSettlementStore store;
  Projector p(&store);
  absl::Status s = p.ApplyBatch(
      {Accepted("e-care-1", changes_.care1), Accepted("e-nameless", nameless)});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("e-nameless"));
  EXPECT_THAT(s.message(), HasSubstr("provider_id"));
}

}  // namespace
}  // namespace lov::settlement
