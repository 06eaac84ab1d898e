// The access policy as data: every RPC of every service has one that makes
// sense (a test over the service descriptors), and Authorize applies it.
#include "lov/platform/access_policy.h"

#include <string>
#include <vector>

#include "all_services.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/audit/v1/audit_service.grpc.pb.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "status_matchers.h"

namespace lov {
namespace {

using ::lov::testing::IsError;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Role = auth::v1::Role;

using ::lov::testing::AllServices;

TEST(AccessPolicyCoverageTest, EveryRpcOfEveryServiceHasAPolicy) {
  int methods = 0;
  for (const auto* service : AllServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      ++methods;
      const auth::v1::Policy* policy = PolicyOf(*method);
      ASSERT_NE(policy, nullptr) << method->full_name() << " has no policy";
      EXPECT_FALSE(policy->roles().empty())
          << method->full_name() << " lets no role call it";
      for (int role : policy->roles()) {
        EXPECT_NE(role, auth::v1::ROLE_UNSPECIFIED) << method->full_name();
      }
    }
  }
  // 16 registry, 18 choice, 11 visits, 15 settlement (3 of them the
  // month-end run, 1 the month's finance files, 2 the finance settings),
  // 2 audit, 13 followup
  EXPECT_EQ(methods, 75);
}

TEST(AccessPolicyCoverageTest, EveryFieldAPolicyNamesExists) {
  for (const auto* service : AllServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      const auth::v1::Policy& policy = *PolicyOf(*method);
      const auto& in = *method->input_type();
      const auto& out = *method->output_type();
      if (!policy.provider_field().empty()) {
        EXPECT_TRUE(IsStringFieldPath(in, policy.provider_field()))
            << method->full_name() << ": " << policy.provider_field();
      }
      for (const auto& f : policy.client_fields()) {
        EXPECT_TRUE(IsStringFieldPath(in, f))
            << method->full_name() << ": " << f;
      }
      for (const auto& f : policy.response_client_fields()) {
        EXPECT_TRUE(IsStringFieldPath(out, f))
            << method->full_name() << ": " << f;
      }
    }
  }
}

TEST(AccessPolicyCoverageTest, ProviderScopedWhereverAProviderSeesClients) {
  // A provider may read or change client data only through an RPC that
  // scopes it to the provider its credential names.
  for (const auto* service : AllServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      const auth::v1::Policy& policy = *PolicyOf(*method);
      const bool provider_may =
          std::count(policy.roles().begin(), policy.roles().end(),
                     auth::v1::ROLE_PROVIDER) > 0;
      const bool client_data =
          policy.audit() == auth::v1::AUDIT_KIND_CLIENT_READ ||
          policy.audit() == auth::v1::AUDIT_KIND_CLIENT_CHANGE;
      if (provider_may && client_data) {
        EXPECT_FALSE(policy.provider_field().empty()) << method->full_name();
      }
    }
  }
}

TEST(AccessPolicyCoverageTest, ClientDataIsAudited) {
  // The RPCs that read or change a client's data, as the policy says.
  for (const char* name : {"lov.choice.v1.ChoiceService.GetClient",
                           "lov.choice.v1.ChoiceService.FindClient",
                           "lov.choice.v1.ChoiceService.RegisterDecision",
                           "lov.visits.v1.VisitsService.GetClientContext",
                           "lov.visits.v1.VisitsService.ListDeviations",
                           "lov.followup.v1.FollowupService.ListComplaints",
                           "lov.followup.v1.FollowupService.ListDeviations",
                           "lov.followup.v1.FollowupService.ReportDeviation"}) {
    const auth::v1::Policy* policy = PolicyOf(name);
    ASSERT_NE(policy, nullptr) << name;
    EXPECT_NE(policy->audit(), auth::v1::AUDIT_KIND_UNSPECIFIED) << name;
  }
  EXPECT_EQ(PolicyOf("/lov.settlement.v1.SettlementService/ApproveStatement")
                ->audit(),
            auth::v1::AUDIT_KIND_DECISION);
  EXPECT_EQ(PolicyOf("lov.nothing.v1.Nope.Nothing"), nullptr);
}

TEST(AccessPolicyCoverageTest, OnlyAuditorsReadTheAuditLogAndThatIsAudited) {
  for (const char* name : {"lov.audit.v1.AuditService.ListClientAccess",
                           "lov.audit.v1.AuditService.ListActorAccess"}) {
    const auth::v1::Policy* policy = PolicyOf(name);
    ASSERT_NE(policy, nullptr) << name;
    EXPECT_THAT(policy->roles(), ElementsAre(auth::v1::ROLE_AUDITOR)) << name;
    EXPECT_EQ(policy->audit(), auth::v1::AUDIT_KIND_AUDIT_READ) << name;
  }
  EXPECT_THAT(
      PolicyOf("lov.audit.v1.AuditService.ListClientAccess")->client_fields(),
      ElementsAre("client_id"));
}

// ------------------------------------------------------------ Authorize

TEST(AuthorizeTest, ARoleOutsideThePolicyIsDeniedNamingTheRule) {
  const auth::v1::Policy& approve =
      *PolicyOf("lov.settlement.v1.SettlementService.ApproveStatement");
  settlement::v1::ApproveStatementRequest request;
  request.set_provider_id("prv-1");
  EXPECT_TRUE(
      IsError(Authorize(approve, "ApproveStatement",
                        auth::v1::ROLE_CASE_OFFICER, "", request),
              absl::StatusCode::kPermissionDenied,
              {"case_officer", "ApproveStatement", "allowed: finance"}));
  EXPECT_TRUE(Authorize(approve, "ApproveStatement", auth::v1::ROLE_FINANCE, "",
                        request)
                  .ok());
}

TEST(AuthorizeTest, AProviderActsOnlyForItsOwnProvider) {
  const auth::v1::Policy& get =
      *PolicyOf("lov.visits.v1.VisitsService.GetClientContext");
  visits::v1::GetClientContextRequest own;
  own.set_client_id("cli-1");
  own.set_provider_id("prv-own");
  EXPECT_TRUE(Authorize(get, "GetClientContext", auth::v1::ROLE_PROVIDER,
                        "prv-own", own)
                  .ok());
  visits::v1::GetClientContextRequest other = own;
  other.set_provider_id("prv-other");
  absl::Status denied = Authorize(get, "GetClientContext",
                                  auth::v1::ROLE_PROVIDER, "prv-own", other);
  EXPECT_TRUE(IsError(denied, absl::StatusCode::kPermissionDenied,
                      {"provider_id", "its own provider"}));
  // The rule, never the data: neither provider id is in the message.
  EXPECT_EQ(std::string(denied.message()).find("prv-"), std::string::npos);
}

TEST(AuthorizeTest, AProviderMustNameItsProviderWhereTheFieldIsOptional) {
  // ListDeviations without provider_id lists every provider's clients: a
  // provider must name its own.
  const auth::v1::Policy& list =
      *PolicyOf("lov.visits.v1.VisitsService.ListDeviations");
  visits::v1::ListDeviationsRequest all;
  all.set_period("2025-03");
  EXPECT_TRUE(IsError(Authorize(list, "ListDeviations", auth::v1::ROLE_PROVIDER,
                                "prv-own", all),
                      absl::StatusCode::kPermissionDenied,
                      {"must name its own provider"}));
  // Staff may list every provider's.
  EXPECT_TRUE(
      Authorize(list, "ListDeviations", auth::v1::ROLE_CASE_OFFICER, "", all)
          .ok());
}

TEST(AuthorizeTest, AProviderCredentialWithoutAProviderActsForNone) {
  const auth::v1::Policy& report =
      *PolicyOf("lov.visits.v1.VisitsService.ReportVisit");
  visits::v1::ReportVisitRequest request;
  request.mutable_report()->set_provider_id("prv-own");
  EXPECT_TRUE(IsError(
      Authorize(report, "ReportVisit", auth::v1::ROLE_PROVIDER, "", request),
      absl::StatusCode::kPermissionDenied, {"names no provider"}));
  EXPECT_TRUE(Authorize(report, "ReportVisit", auth::v1::ROLE_PROVIDER,
                        "prv-own", request)
                  .ok());
}

TEST(FieldValuesTest, FollowsNestedAndRepeatedFields) {
  visits::v1::ListDeviationsResponse response;
  response.add_rows()->set_client_id("cli-1");
  response.add_rows()->set_client_id("");
  response.add_rows()->set_client_id("cli-2");
  EXPECT_THAT(FieldValues(response, "rows.client_id"),
              ElementsAre("cli-1", "cli-2"));
  visits::v1::ReportVisitRequest report;
  report.mutable_report()->set_client_id("cli-3");
  EXPECT_THAT(FieldValues(report, "report.client_id"), ElementsAre("cli-3"));
  EXPECT_THAT(FieldValues(report, "report.nothing"), IsEmpty());
  EXPECT_THAT(FieldValues(report, ""), IsEmpty());
}

TEST(RoleNameTest, LowerCaseWithoutPrefix) {
  EXPECT_EQ(RoleName(auth::v1::ROLE_REGISTRY_OFFICER), "registry_officer");
  EXPECT_EQ(RoleName(auth::v1::ROLE_FINANCE), "finance");
}

}  // namespace
}  // namespace lov
