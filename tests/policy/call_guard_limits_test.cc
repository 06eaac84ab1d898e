// The input limits in the call guard: checked after the caller is known and
// before its role, on every message of a stream, and an over-long id never
// reaches the audit record of the refusal.
#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/platform/call_guard.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "status_matchers.h"

namespace lov {
namespace {

using ::lov::testing::IsError;

class OneCaller : public Authenticator {
 public:
  absl::StatusOr<auth::v1::Actor> Authenticate(
      const grpc::ServerContextBase&) override {
    return caller;
  }
  absl::StatusOr<auth::v1::Actor> caller =
      absl::UnauthenticatedError("no credential");
};

class Records : public AuditSink {
 public:
  absl::Status Record(const auth::v1::AuditRecord& record) override {
    records.push_back(record);
    return absl::OkStatus();
  }
  std::vector<auth::v1::AuditRecord> records;
};

auth::v1::Actor Caller(auth::v1::Role role) {
  auth::v1::Actor a;
  a.set_subject("SE2321000016-0002");
  a.set_role(role);
  return a;
}

class CallGuardLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ConfigureCallGuard({.authenticator = authenticator_, .audit = sink_});
  }
  void TearDown() override { ConfigureCallGuard({}); }

  const google::protobuf::MethodDescriptor& GetClient() {
    return *MethodOf(choice::v1::GetClientRequest::descriptor(), "GetClient");
  }
  choice::v1::GetClientRequest OverLong() {
    choice::v1::GetClientRequest request;
    request.set_client_id(std::string(300, 'c'));
    return request;
  }

  std::shared_ptr<OneCaller> authenticator_ = std::make_shared<OneCaller>();
  std::shared_ptr<Records> sink_ = std::make_shared<Records>();
  grpc::ServerContext context_;
};

TEST_F(CallGuardLimitsTest, AnUnknownCallerIsUnauthenticatedWhateverItSends) {
  auth::v1::Actor actor;
  EXPECT_TRUE(IsError(AdmitCall(context_, GetClient(), OverLong(), &actor),
                      absl::StatusCode::kUnauthenticated, {"no credential"}));
}

TEST_F(CallGuardLimitsTest, LimitsComeBeforeTheRole) {
  // An operator may not call GetClient at all; the limit is named first.
  authenticator_->caller = Caller(auth::v1::ROLE_OPERATOR);
  auth::v1::Actor actor;
  EXPECT_TRUE(IsError(AdmitCall(context_, GetClient(), OverLong(), &actor),
                      absl::StatusCode::kInvalidArgument,
                      {"client_id is 300 characters long; at most 256"}));
  EXPECT_TRUE(IsError(
      AdmitCall(context_, GetClient(), choice::v1::GetClientRequest(), &actor),
      absl::StatusCode::kPermissionDenied, {}));
}

TEST_F(CallGuardLimitsTest, TheRefusalsRecordHoldsNoOverLongId) {
  authenticator_->caller = Caller(auth::v1::ROLE_CASE_OFFICER);
  auth::v1::Actor actor;
  const absl::Status refused =
      AdmitCall(context_, GetClient(), OverLong(), &actor);
  ASSERT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(AuditCall(GetClient(), actor, OverLong(), nullptr, refused).ok());
  ASSERT_EQ(sink_->records.size(), 1u);
  const auth::v1::AuditRecord& r = sink_->records[0];
  EXPECT_EQ(r.outcome(), "INVALID_ARGUMENT");
  ASSERT_EQ(r.client_ids_size(), 1);
  EXPECT_EQ(r.client_ids(0), "(over-long id: 300 bytes)");
}

TEST_F(CallGuardLimitsTest, EveryMessageOfAStreamIsChecked) {
  const auto* upload =
      MethodOf(visits::v1::UploadVisitsRequest::descriptor(), "UploadVisits");
  ASSERT_NE(upload, nullptr);
  visits::v1::UploadVisitsRequest next;
  next.mutable_report()->set_provider_id("prv-own");
  next.mutable_report()->set_staff_id(std::string(257, 's'));
  auth::v1::Actor provider = Caller(auth::v1::ROLE_PROVIDER);
  provider.set_provider_id("prv-own");
  EXPECT_TRUE(IsError(AdmitNext(*upload, provider, next),
                      absl::StatusCode::kInvalidArgument,
                      {"report.staff_id is 257 characters long; at most 256"}));
  next.mutable_report()->set_staff_id("staff-1");
  EXPECT_TRUE(AdmitNext(*upload, provider, next).ok());
}

// Without an identity provider a call is refused before its size is
// looked at: an unknown caller learns nothing about the request's shape.
TEST_F(CallGuardLimitsTest, WithoutAnIdentityProviderTheLimitsAreNotReached) {
  ConfigureCallGuard({});
  auth::v1::Actor actor;
  absl::Status s = AdmitCall(context_, GetClient(), OverLong(), &actor);
  EXPECT_TRUE(IsError(s, absl::StatusCode::kUnauthenticated,
                      {"no identity provider configured"}));
  EXPECT_EQ(s.message().find("client_id"), std::string::npos) << s;
}

}  // namespace
}  // namespace lov
