// With Kafka paused (SIGSTOP: connections open, no answers), the choice
// service's reads of client data, each audited (docs/security.md: no answer
// without an audit record), are refused, naming why, and never answered;
// once Kafka is back the same read answers and its record is in the audit
// topic. Run by tests/support/kafka_pause_test.sh against a Kafka of the
// test's own (LOV_KAFKA_PID_FILE), never the shared one.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "identity_fixtures.h"
#include "kafka_pause.h"
#include "lov/auth/v1/audit.pb.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/platform/kafka.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/platform/topics.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "service_test_stack.h"
#include "test_stack.h"

namespace lov::choice {
namespace {

namespace v1 = ::lov::choice::v1;
namespace reg = ::lov::registry::v1;
using ::lov::testing::Eventually;
using ::lov::testing::OwnKafkaPid;
using ::lov::testing::PausedKafka;
using ::lov::testing::ServiceTestStack;
using ::lov::testing::TestPersonnummer;

constexpr char kGetClient[] = "lov.choice.v1.ChoiceService/GetClient";

std::chrono::system_clock::time_point In(std::chrono::seconds s) {
  return std::chrono::system_clock::now() + s;
}

class ChoiceKafkaPauseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kafka_ = OwnKafkaPid();
    ASSERT_GT(kafka_, 0)
        << "run by tests/support/kafka_pause_test.sh (LOV_KAFKA_PID_FILE)";
    absl::Status started = stack_.Start("registry");
    ASSERT_TRUE(started.ok()) << started;
    started = stack_.Start("choice", {"--workers=4"});
    ASSERT_TRUE(started.ok()) << started;
    stub_ = stack_.NewStub<v1::ChoiceService>("choice");
  }

  // Norrtälje with zone "north" and home help, as the registry publishes it.
  void ConfigureMunicipality() {
    auto registry = stack_.NewStub<reg::RegistryService>("registry");
    reg::ConfigureMunicipalityRequest req;
    req.set_request_id("setup");
    reg::Municipality* m = req.mutable_municipality();
    m->set_municipality_id("0188");
    m->set_name("Norrtälje");
    m->set_provider_notice_days(30);
    auto* zone = m->add_zones();
    zone->set_zone_id("north");
    zone->set_name("Norra");
    zone->set_area_type(reg::AREA_TYPE_RURAL);
    auto* help = m->add_categories();
    help->set_category_id("home-help-service");
    help->set_name("Hemtjänst service");
    reg::Municipality out;
    grpc::ClientContext ctx;
    ctx.set_deadline(In(std::chrono::seconds(30)));
    grpc::Status s = registry->ConfigureMunicipality(&ctx, req, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // A client with a decision, once the choice service knows the zone.
  std::string Client() {
    std::string client_id;
    EXPECT_TRUE(Eventually([&] {
      v1::RegisterClientRequest r;
      r.set_request_id("client-1");
      r.set_personnummer(TestPersonnummer(1));
      r.set_zone_id("north");
      v1::Client c;
      grpc::ClientContext ctx;
      ctx.set_deadline(In(std::chrono::seconds(30)));
      if (!stub_->RegisterClient(&ctx, r, &c).ok()) return false;
      client_id = c.client_id();
      return true;
    })) << "the choice service never took a client in zone north";
    v1::RegisterDecisionRequest d;
    d.set_request_id("decision-1");
    d.set_client_id(client_id);
    v1::Decision* dec = d.mutable_decision();
    dec->set_decision_id("dec-1");
    auto* g = dec->add_categories();
    g->set_category_id("home-help-service");
    g->set_minutes_per_month(600);
    const absl::CivilDay today = StockholmDate(absl::Now());
    dec->set_valid_from(FormatDate(today - 10));
    dec->set_decided_on(FormatDate(today - 20));
    v1::Client c;
    grpc::ClientContext ctx;
    ctx.set_deadline(In(std::chrono::seconds(30)));
    grpc::Status s = stub_->RegisterDecision(&ctx, d, &c);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return client_id;
  }

  grpc::Status GetClient(const std::string& client_id,
                         std::chrono::seconds deadline, v1::Client* out) {
    v1::GetClientRequest r;
    r.set_client_id(client_id);
    grpc::ClientContext ctx;
    ctx.set_deadline(In(deadline));
    return stub_->GetClient(&ctx, r, out);
  }

  // The audit records in the namespace's audit topic now.
  std::vector<auth::v1::AuditRecord> AuditRecords() {
    std::vector<auth::v1::AuditRecord> out;
    absl::Status s = ReplayTopics(
        stack_.stack().reader("audit-reader"), {stack_.Topic(topics::kAudit)},
        [&](const CloudEvent& ce) {
          auth::v1::AuditRecord r;
          if (!r.ParseFromString(ce.data)) {
            ADD_FAILURE() << "an audit event that is no AuditRecord";
          }
          out.push_back(std::move(r));
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  pid_t kafka_ = -1;
  ServiceTestStack stack_;
  std::unique_ptr<v1::ChoiceService::Stub> stub_;
};

TEST_F(ChoiceKafkaPauseTest,
       ClientReadsAreRefusedWhileKafkaIsPausedThenAudited) {
  ConfigureMunicipality();
  const std::string client_id = Client();
  ASSERT_FALSE(client_id.empty());
  {
    v1::Client before;
    grpc::Status s = GetClient(client_id, std::chrono::seconds(30), &before);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(before.client_id(), client_id);
  }

  absl::Time resumed;
  {
    PausedKafka paused(kafka_);
    // A caller that waits long enough hears why: the service refuses once
    // the producer gives up on the audit record (its delivery timeout,
    // 30 s), naming the audit topic.
    grpc::Status patient;
    v1::Client patient_answer;
    std::thread waits([&] {
      patient = GetClient(client_id, std::chrono::seconds(60), &patient_answer);
    });
    std::this_thread::sleep_for(std::chrono::seconds(1));

    // Callers with a short deadline are refused by it, not held past it,
    // and get none of the data.
    auto refused_fast = [&](const char* name, auto call) {
      grpc::ClientContext ctx;
      ctx.set_deadline(In(std::chrono::seconds(3)));
      const absl::Time start = absl::Now();
      grpc::Status s = call(&ctx);
      EXPECT_LE(absl::Now() - start, absl::Seconds(5)) << name;
      EXPECT_FALSE(s.ok()) << name << " answered without its audit record";
      EXPECT_TRUE(s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                  s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                  s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED)
          << name << ": " << s.error_code() << " " << s.error_message();
    };
    refused_fast("GetClient", [&](grpc::ClientContext* ctx) {
      v1::GetClientRequest r;
      r.set_client_id(client_id);
      v1::Client out;
      grpc::Status s = stub_->GetClient(ctx, r, &out);
      EXPECT_TRUE(out.client_id().empty()) << "GetClient gave data out";
      return s;
    });
    refused_fast("ListEligibleProviders", [&](grpc::ClientContext* ctx) {
      v1::ListEligibleProvidersRequest r;
      r.set_client_id(client_id);
      v1::ListEligibleProvidersResponse out;
      return stub_->ListEligibleProviders(ctx, r, &out);
    });
    refused_fast("ListRechoiceCases", [&](grpc::ClientContext* ctx) {
      v1::ListRechoiceCasesRequest r;
      r.set_client_id(client_id);
      v1::ListRechoiceCasesResponse out;
      return stub_->ListRechoiceCases(ctx, r, &out);
    });

    waits.join();
    EXPECT_FALSE(patient.ok()) << "GetClient answered without its audit record";
    EXPECT_EQ(patient.error_code(), grpc::StatusCode::UNAVAILABLE)
        << patient.error_code() << " " << patient.error_message();
    EXPECT_TRUE(absl::StrContains(patient.error_message(), topics::kAudit))
        << "the refusal does not name the audit topic: "
        << patient.error_message();
    EXPECT_TRUE(patient_answer.client_id().empty())
        << "GetClient gave data out";
    resumed = absl::Now();
  }

  // Kafka is back: the same read answers, once the producer reconnected.
  v1::Client after;
  EXPECT_TRUE(Eventually(
      [&] {
        after.Clear();
        return GetClient(client_id, std::chrono::seconds(30), &after).ok();
      },
      absl::Seconds(90)))
      << "GetClient still refused after Kafka resumed";
  EXPECT_EQ(after.client_id(), client_id);

  // The answer went out after its record was stored: the record is there.
  bool found = false;
  for (const auth::v1::AuditRecord& r : AuditRecords()) {
    if (r.method() == kGetClient && r.outcome() == "OK" &&
        FromProtoTime(r.at()) >= resumed &&
        std::find(r.client_ids().begin(), r.client_ids().end(), client_id) !=
            r.client_ids().end()) {
      EXPECT_EQ(r.kind(), auth::v1::AUDIT_KIND_CLIENT_READ);
      EXPECT_FALSE(r.actor().subject().empty());
      found = true;
    }
  }
  EXPECT_TRUE(found) << "no audit record of the GetClient after Kafka resumed";
}

}  // namespace
}  // namespace lov::choice
