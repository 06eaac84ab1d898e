// With Kafka paused (SIGSTOP: connections open, no answers), the registry
// still answers its reads of provider data: their policy records no audit
// (a provider's register entry is public: registry.proto), so nothing waits
// for Kafka (docs/security.md: calls whose policy records no audit answer
// as usual). Its audited calls (decisions) still get their record once Kafka
// is back, and the reads none. Run by tests/support/kafka_pause_test.sh
// against a Kafka of the test's own (LOV_KAFKA_PID_FILE), never the shared
// one.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "kafka_pause.h"
#include "lov/auth/v1/audit.pb.h"
#include "lov/platform/kafka.h"
#include "lov/platform/topics.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "service_test_stack.h"
#include "test_stack.h"

namespace lov::registry {
namespace {

namespace v1 = ::lov::registry::v1;
using ::lov::testing::OwnKafkaPid;
using ::lov::testing::PausedKafka;
using ::lov::testing::ServiceTestStack;

constexpr char kService[] = "lov.registry.v1.RegistryService/";

std::chrono::system_clock::time_point In(std::chrono::seconds s) {
  return std::chrono::system_clock::now() + s;
}

class RegistryKafkaPauseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kafka_ = OwnKafkaPid();
    ASSERT_GT(kafka_, 0)
        << "run by tests/support/kafka_pause_test.sh (LOV_KAFKA_PID_FILE)";
    absl::Status started = stack_.Start("registry", {"--workers=4"});
    ASSERT_TRUE(started.ok()) << started;
    stub_ = stack_.NewStub<v1::RegistryService>("registry");
  }

  // Norrtälje with zone "north" and home help (an audited decision).
  grpc::Status Configure(const std::string& request_id) {
    v1::ConfigureMunicipalityRequest req;
    req.set_request_id(request_id);
    v1::Municipality* m = req.mutable_municipality();
    m->set_municipality_id("0188");
    m->set_name("Norrtälje");
    m->set_provider_notice_days(90);
    auto* zone = m->add_zones();
    zone->set_zone_id("north");
    zone->set_name("Norra");
    zone->set_area_type(v1::AREA_TYPE_RURAL);
    auto* help = m->add_categories();
    help->set_category_id("home-help-service");
    help->set_name("Hemtjänst service");
    v1::Municipality out;
    grpc::ClientContext ctx;
    ctx.set_deadline(In(std::chrono::seconds(30)));
    return stub_->ConfigureMunicipality(&ctx, req, &out);
  }

  // A registered, approved provider (audited decisions among the steps).
  std::string Provider() {
    v1::RegisterProviderRequest r;
    r.set_request_id("reg-1");
    r.set_organisation_number("5565541645");
    r.set_name("Omsorg Norr AB");
    r.set_kind(v1::PROVIDER_KIND_PRIVATE);
    v1::Provider p;
    grpc::ClientContext ctx;
    ctx.set_deadline(In(std::chrono::seconds(30)));
    grpc::Status s = stub_->RegisterProvider(&ctx, r, &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::SubmitApplicationRequest apply;
    apply.set_request_id("apply-1");
    apply.set_provider_id(p.provider_id());
    apply.add_zone_ids("north");
    apply.add_category_ids("home-help-service");
    grpc::ClientContext apply_ctx;
    apply_ctx.set_deadline(In(std::chrono::seconds(30)));
    s = stub_->SubmitApplication(&apply_ctx, apply, &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (p.applications().empty()) {
      ADD_FAILURE() << "no application";
      return p.provider_id();
    }
    v1::DecideApplicationRequest decide;
    decide.set_request_id("decide-1");
    decide.set_provider_id(p.provider_id());
    decide.set_application_id(p.applications(0).application_id());
    decide.set_approve(true);
    decide.set_effective_date("2025-01-01");
    grpc::ClientContext decide_ctx;
    decide_ctx.set_deadline(In(std::chrono::seconds(30)));
    s = stub_->DecideApplication(&decide_ctx, decide, &p);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return p.provider_id();
  }

  // The audit records in the namespace's audit topic now (not their
  // confirmations, which are no calls of their own).
  std::vector<auth::v1::AuditRecord> AuditRecords() {
    std::vector<auth::v1::AuditRecord> out;
    absl::Status s = ReplayTopics(
        stack_.stack().reader("audit-reader"), {stack_.Topic(topics::kAudit)},
        [&](const CloudEvent& ce) {
          auth::v1::AuditRecord r;
          if (!r.ParseFromString(ce.data)) {
            ADD_FAILURE() << "an audit event that is no AuditRecord";
          }
          if (!r.confirms_record_id().empty()) return absl::OkStatus();
          out.push_back(std::move(r));
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  pid_t kafka_ = -1;
  ServiceTestStack stack_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

TEST_F(RegistryKafkaPauseTest, ProviderReadsAnswerWhileKafkaIsPausedUnaudited) {
  {
    grpc::Status s = Configure("setup-1");
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  const std::string provider_id = Provider();
  ASSERT_FALSE(provider_id.empty());

  {
    PausedKafka paused(kafka_);
    // Each read with a 3 s deadline: answered from Redis, in time.
    auto answers = [&](const char* name, auto call) {
      grpc::ClientContext ctx;
      ctx.set_deadline(In(std::chrono::seconds(3)));
      const absl::Time start = absl::Now();
      grpc::Status s = call(&ctx);
      EXPECT_LE(absl::Now() - start, absl::Seconds(5)) << name;
      EXPECT_TRUE(s.ok()) << name << " refused while Kafka is paused: "
                          << s.error_code() << " " << s.error_message();
    };
    for (int round = 0; round < 2; ++round) {
      answers("GetProvider", [&](grpc::ClientContext* ctx) {
        v1::GetProviderRequest r;
        r.set_provider_id(provider_id);
        v1::ProviderStatus out;
        grpc::Status s = stub_->GetProvider(ctx, r, &out);
        if (s.ok()) {
          EXPECT_EQ(out.provider().provider_id(), provider_id);
        }
        return s;
      });
      answers("ListProviders", [&](grpc::ClientContext* ctx) {
        v1::ListProvidersRequest r;
        r.set_zone_id("north");
        v1::ListProvidersResponse out;
        grpc::Status s = stub_->ListProviders(ctx, r, &out);
        if (s.ok()) {
          EXPECT_EQ(out.providers_size(), 1);
          if (out.providers_size() == 1) {
            EXPECT_EQ(out.providers(0).provider().provider_id(), provider_id);
          }
        }
        return s;
      });
      answers("GetProviderHistory", [&](grpc::ClientContext* ctx) {
        v1::GetProviderHistoryRequest r;
        r.set_provider_id(provider_id);
        v1::GetProviderHistoryResponse out;
        grpc::Status s = stub_->GetProviderHistory(ctx, r, &out);
        if (s.ok()) {
          EXPECT_GT(out.entries_size(), 0);
        }
        return s;
      });
      answers("GetMunicipality", [&](grpc::ClientContext* ctx) {
        v1::GetMunicipalityRequest r;
        v1::Municipality out;
        grpc::Status s = stub_->GetMunicipality(ctx, r, &out);
        if (s.ok()) {
          EXPECT_EQ(out.municipality_id(), "0188");
        }
        return s;
      });
    }
  }

  // Kafka is back: an audited decision answers (its record stored first),
  // and the audit topic, read to its end, holds the decisions' records and
  // none of the reads'.
  grpc::Status again;
  EXPECT_TRUE(::lov::testing::Eventually(
      [&] {
        again = Configure("setup-2");
        return again.ok();
      },
      absl::Seconds(90)))
      << "ConfigureMunicipality still refused after Kafka resumed: "
      << again.error_code() << " " << again.error_message();
  std::multiset<std::string> methods;
  for (const auth::v1::AuditRecord& r : AuditRecords()) {
    methods.insert(r.method());
  }
  EXPECT_GE(methods.count(absl::StrCat(kService, "ConfigureMunicipality")), 2u);
  EXPECT_EQ(methods.count(absl::StrCat(kService, "RegisterProvider")), 1u);
  EXPECT_EQ(methods.count(absl::StrCat(kService, "DecideApplication")), 1u);
  for (const char* read : {"GetProvider", "ListProviders", "GetProviderHistory",
                           "GetMunicipality"}) {
    EXPECT_EQ(methods.count(absl::StrCat(kService, read)), 0u)
        << read << " has an audit record, so it would wait for Kafka";
  }
}

}  // namespace
}  // namespace lov::registry
