// A sanction that names the follow-up finding it answers (issue 19): the
// registry binary as a process against the real Kafka and Redis; the
// reference is read back from GetProvider and from the SanctionImposed
// event as a subscriber (the follow-up side, an auditor) would see it.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "lov/platform/ids.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "service_process.h"
#include "test_sign_in.h"
#include "test_stack.h"

namespace lov::registry {
namespace {

namespace v1 = ::lov::registry::v1;
using ::lov::testing::ReadEventsUntil;
using ::lov::testing::ServiceProcess;

// As the follow-up service names them: "fu-<uuid>", "<follow_up_id>/f<n>".
constexpr char kFollowUp[] = "fu-0f8fad5b-d9cb-469f-a165-70867728950e";

class SanctionLinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = "t" + NewUuid().substr(0, 8);
    service_ = std::make_unique<ServiceProcess>(
        "services/registry/registry",
        std::vector<std::string>{"--namespace=" + ns_});
    ASSERT_TRUE(service_->Start().ok()) << service_->Log();
    stub_ = v1::RegistryService::NewStub(service_->Channel());

    v1::ConfigureMunicipalityRequest configure;
    configure.set_request_id("setup-1");
    v1::Municipality* m = configure.mutable_municipality();
    m->set_municipality_id("0188");
    m->set_name("Norrtälje");
    m->set_provider_notice_days(90);
    v1::Zone* zone = m->add_zones();
    zone->set_zone_id("north");
    zone->set_name("Norra");
    zone->set_area_type(v1::AREA_TYPE_RURAL);
    v1::ServiceCategory* help = m->add_categories();
    help->set_category_id("home-help-service");
    help->set_name("Hemtjänst service");
    v1::Municipality configured;
    grpc::ClientContext c1;
    grpc::Status s =
        stub_->ConfigureMunicipality(Deadline(&c1), configure, &configured);
    ASSERT_TRUE(s.ok()) << s.error_message();

    v1::RegisterProviderRequest reg;
    reg.set_request_id("reg-1");
    reg.set_organisation_number("556554-1645");
    reg.set_name("Attendo Sverige AB");
    reg.set_kind(v1::PROVIDER_KIND_PRIVATE);
    grpc::ClientContext c2;
    s = stub_->RegisterProvider(Deadline(&c2), reg, &provider_);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  static grpc::ClientContext* Deadline(grpc::ClientContext* ctx) {
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(30));
    return ctx;
  }

  grpc::Status Impose(const std::string& request_id,
                      const std::string& follow_up_id,
                      const std::string& finding_id, v1::Provider* out) {
    v1::ImposeSanctionRequest r;
    r.set_request_id(request_id);
    r.set_provider_id(provider_.provider_id());
    r.set_kind(v1::SANCTION_KIND_WARNING);
    r.set_reason("the action plan for the follow-up's finding came too late");
    r.set_follow_up_id(follow_up_id);
    r.set_finding_id(finding_id);
    grpc::ClientContext ctx;
    return stub_->ImposeSanction(Deadline(&ctx), r, out);
  }

  std::string ns_;
  std::unique_ptr<ServiceProcess> service_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
  v1::Provider provider_;
};

TEST_F(SanctionLinkTest, TheSanctionNamesTheFindingInTheRecordAndTheEvent) {
  const std::string finding = std::string(kFollowUp) + "/f2";
  v1::Provider out;
  grpc::Status s = Impose("sanction-1", kFollowUp, finding, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(out.sanctions_size(), 1);
  EXPECT_EQ(out.sanctions(0).follow_up_id(), kFollowUp);
  EXPECT_EQ(out.sanctions(0).finding_id(), finding);

  v1::GetProviderRequest get;
  get.set_provider_id(provider_.provider_id());
  v1::ProviderStatus status;
  grpc::ClientContext ctx;
  s = stub_->GetProvider(Deadline(&ctx), get, &status);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(status.provider().sanctions_size(), 1);
  EXPECT_EQ(status.provider().sanctions(0).follow_up_id(), kFollowUp);
  EXPECT_EQ(status.provider().sanctions(0).finding_id(), finding);

  const std::string topic = ns_ + ".lov.registry.events.v1";
  v1::SanctionImposed imposed;
  ReadEventsUntil(topic, [&](const std::vector<CloudEvent>& events) {
    for (const CloudEvent& e : events) {
      v1::RegistryEvent event;
      if (event.ParseFromString(e.data) && event.has_sanction_imposed()) {
        imposed = event.sanction_imposed();
        return true;
      }
    }
    return false;
  });
  EXPECT_EQ(imposed.provider().provider_id(), provider_.provider_id());
  EXPECT_EQ(imposed.sanction().follow_up_id(), kFollowUp);
  EXPECT_EQ(imposed.sanction().finding_id(), finding);
}

TEST_F(SanctionLinkTest, AMalformedReferenceIsRefusedNamingTheField) {
  v1::Provider out;
  grpc::Status s = Impose("sanction-1", kFollowUp, "fu-1/f2", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("finding_id"), std::string::npos)
      << s.error_message();

  s = Impose("sanction-2", "", std::string(kFollowUp) + "/f1", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("follow_up_id"), std::string::npos)
      << s.error_message();

  // Over the proto's length limit: refused before the rules run.
  s = Impose("sanction-3", "fu-" + std::string(70, 'a'), "x", &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("follow_up_id"), std::string::npos)
      << s.error_message();

  v1::GetProviderRequest get;
  get.set_provider_id(provider_.provider_id());
  v1::ProviderStatus status;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetProvider(Deadline(&ctx), get, &status).ok());
  EXPECT_EQ(status.provider().sanctions_size(), 0);
}

}  // namespace
}  // namespace lov::registry
