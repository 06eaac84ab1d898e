// Load driver: what the neutrality audit's EligibleListShown costs a
// fresh first page of ListEligibleProviders. The choice app's real query
// (on the unit tests' in-memory store: three providers, one client) runs
// --lists times in each of two ways, interleaved, and each call ends as
// the read path ends it, with its audit record written to Kafka
// (KafkaAuditSink, acks=all):
//   with:    the query publishes its EligibleListShown to the choice topic
//            (idempotent producer, acks=all) before it answers, as served;
//   without: the same query with a publisher that drops that event (the
//            peer: what the call would cost without it).
// Prints the median of each and the ratio with/without as a ROW line. Kafka
// comes from LOV_TEST_ENV_FILE (the ctest stack), topics in a namespace of
// the run's own. Not a test.
//
//   list_shown_bench [--lists=200]
#include <algorithm>
#include <cstdio>
#include <vector>

#include "absl/strings/str_format.h"
#include "bench_support.h"
#include "lov/auth/v1/audit.pb.h"
#include "lov/choice/adapters/kafka_choice_publisher.h"
#include "lov/choice/app/testing/choice_app_fixture.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka_audit_sink.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/topics.h"
#include "service_test_stack.h"
#include "test_stack.h"

namespace lov::choice {
namespace {

// Forwards every event but EligibleListShown.
class WithoutListShown : public EventPublisher {
 public:
  explicit WithoutListShown(EventPublisher* next) : next_(next) {}
  absl::Status Publish(const std::vector<v1::ChoiceEvent>& events) override {
    std::vector<v1::ChoiceEvent> kept;
    for (const v1::ChoiceEvent& e : events) {
      if (!e.has_eligible_list_shown()) kept.push_back(e);
    }
    return kept.empty() ? absl::OkStatus() : next_->Publish(kept);
  }
  absl::Status PublishKey(const v1::ChoiceKeyEvent& event) override {
    return next_->PublishKey(event);
  }

 private:
  EventPublisher* next_;
};

// The unit tests' municipality and a client with a decision, as the
// choice app's own tests set them up.
class Municipality : public ChoiceAppTest {
 public:
  void TestBody() override {}
  void Build() {
    SetUp();
    client_id_ = ClientWithDecision("tolvan", kTolvan);
  }
  FakeChoiceStore* store() { return &store_; }
  const Clock* clock() const { return &clock_; }
  PersonnummerVault* vault() { return &vault_; }
  const std::string& client_id() const { return client_id_; }

 private:
  std::string client_id_;
};

int Run(int argc, char** argv) {
  const int lists = static_cast<int>(bench::Flag(argc, argv, "lists", 200));
  ::lov::testing::ServiceTestStack ns;
  const std::string choice_topic = ns.Topic(topics::kChoiceEvents);
  const std::string audit_topic = ns.Topic(topics::kAudit);
  const KafkaSettings kafka = ns.stack().kafka("list-shown-bench");
  if (absl::Status s =
          EnsureTopics(kafka, {{choice_topic, 3, 1, EventTopicConfig()},
                               {audit_topic, 3, 1, EventTopicConfig()}});
      !s.ok()) {
    std::fprintf(stderr, "list_shown_bench: topics: %s\n",
                 std::string(s.message()).c_str());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<EventProducer>> producer =
      EventProducer::Create(kafka);
  if (!producer.ok()) {
    std::fprintf(stderr, "list_shown_bench: %s\n",
                 std::string(producer.status().message()).c_str());
    return 1;
  }
  KafkaChoicePublisher served(producer->get(), choice_topic,
                              ns.Topic(kChoiceKeysTopic));
  WithoutListShown peer(&served);
  KafkaAuditSink audit(producer->get(), audit_topic, "/lov/choice");

  Municipality m;
  m.Build();
  if (m.client_id().empty()) return 1;
  ChoiceApp with(m.store(), &served, m.clock(), PersonnummerKey(kPnrKey),
                 m.vault());
  ChoiceApp without(m.store(), &peer, m.clock(), PersonnummerKey(kPnrKey),
                    m.vault());
  v1::ListEligibleProvidersRequest request;
  request.set_client_id(m.client_id());
  bool failed = false;
  // One call as the read path makes it: the query, then the audit record.
  auto call = [&](ChoiceApp& app) {
    absl::StatusOr<v1::ListEligibleProvidersResponse> out =
        app.ListEligibleProviders(request);
    auth::v1::AuditRecord record;
    record.set_record_id(NewUuid());
    *record.mutable_at() = ToProtoTime(absl::Now());
    record.set_method("lov.choice.v1.ChoiceService/ListEligibleProviders");
    record.add_client_ids(m.client_id());
    record.set_outcome(out.ok() ? "OK" : "UNAVAILABLE");
    absl::Status recorded = audit.Record(record);
    if (!out.ok() || out->providers_size() == 0 || !recorded.ok()) {
      failed = true;
    }
  };
  for (int i = 0; i < 10; ++i) {  // warm the producer and the broker
    call(with);
    call(without);
  }
  std::vector<double> with_s, without_s;
  for (int i = 0; i < lists; ++i) {
    with_s.push_back(bench::MedianSeconds(1, [&] { call(with); }));
    without_s.push_back(bench::MedianSeconds(1, [&] { call(without); }));
  }
  if (failed) {
    std::fprintf(stderr, "list_shown_bench: a call failed\n");
    return 1;
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double w = median(with_s);
  const double wo = median(without_s);
  std::printf(
      "list shown: %d lists each; median with the event %.3f ms, "
      "without %.3f ms\n",
      lists, w * 1e3, wo * 1e3);
  bench::PrintRow("list_shown_event", absl::StrFormat("%.3f ms", w * 1e3),
                  absl::StrFormat("%.3f ms without the event", wo * 1e3),
                  w / wo, "recorded (no goal)", true);
  return 0;
}

}  // namespace
}  // namespace lov::choice

int main(int argc, char** argv) { return lov::choice::Run(argc, argv); }
