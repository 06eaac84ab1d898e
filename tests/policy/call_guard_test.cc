// The call guard on fakes: an authenticator that says who calls, an audit
// sink that keeps the records.
#include "lov/platform/call_guard.h"

#include <grpcpp/grpcpp.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <optional>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/platform/credential_authenticator.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "status_matchers.h"

namespace lov {
namespace {

using ::lov::testing::IsError;
using ::testing::ElementsAre;

class FakeAuthenticator : public Authenticator {
 public:
  absl::StatusOr<auth::v1::Actor> Authenticate(
      const grpc::ServerContextBase&) override {
    return caller;
  }
  absl::StatusOr<auth::v1::Actor> caller =
      absl::UnauthenticatedError("no credential");
};

class KeptRecords : public AuditSink {
 public:
  absl::Status Record(const auth::v1::AuditRecord& record) override {
    if (!fail.ok()) return fail;
    records.push_back(record);
    return absl::OkStatus();
  }
  void RecordLater(const auth::v1::AuditRecord& record) override {
    later.push_back(record);
  }
  std::vector<auth::v1::AuditRecord> records;
  std::vector<auth::v1::AuditRecord> later;  // RecordLater
  absl::Status fail;
};

auth::v1::Actor Person(auth::v1::Role role, const std::string& provider = "") {
  auth::v1::Actor a;
  a.set_subject("SE2321000016-0001");
  a.set_role(role);
  a.set_provider_id(provider);
  return a;
}

class CallGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ConfigureCallGuard({.authenticator = authenticator_, .audit = sink_});
  }
  void TearDown() override { ConfigureCallGuard({}); }

  const google::protobuf::MethodDescriptor& GetClient() {
    return *MethodOf(choice::v1::GetClientRequest::descriptor(), "GetClient");
  }

  std::shared_ptr<FakeAuthenticator> authenticator_ =
      std::make_shared<FakeAuthenticator>();
  std::shared_ptr<KeptRecords> sink_ = std::make_shared<KeptRecords>();
  grpc::ServerContext context_;
};

TEST_F(CallGuardTest, NoCredentialIsUnauthenticated) {
  choice::v1::GetClientRequest request;
  auth::v1::Actor actor;
  EXPECT_TRUE(IsError(AdmitCall(context_, GetClient(), request, &actor),
                      absl::StatusCode::kUnauthenticated, {"no credential"}));
}

TEST_F(CallGuardTest, TheCallersRoleMustBeInThePolicy) {
  authenticator_->caller = Person(auth::v1::ROLE_FINANCE);
  choice::v1::GetClientRequest request;
  request.set_client_id("cli-1");
  auth::v1::Actor actor;
  EXPECT_TRUE(IsError(AdmitCall(context_, GetClient(), request, &actor),
                      absl::StatusCode::kPermissionDenied, {"finance"}));
  // The refused caller is known, for the audit record of the refusal.
  EXPECT_EQ(actor.subject(), "SE2321000016-0001");
  authenticator_->caller = Person(auth::v1::ROLE_CASE_OFFICER);
  EXPECT_TRUE(AdmitCall(context_, GetClient(), request, &actor).ok());
}

TEST_F(CallGuardTest, AReadOfAClientLeavesOneRecordWithWhoWhatAndOutcome) {
  choice::v1::GetClientRequest request;
  request.set_client_id("cli-1");
  choice::v1::Client response;
  ASSERT_TRUE(AuditCall(GetClient(), Person(auth::v1::ROLE_CASE_OFFICER),
                        request, &response, absl::OkStatus())
                  .ok());
  ASSERT_EQ(sink_->records.size(), 1u);
  const auth::v1::AuditRecord& r = sink_->records[0];
  EXPECT_EQ(r.method(), "lov.choice.v1.ChoiceService/GetClient");
  EXPECT_EQ(r.kind(), auth::v1::AUDIT_KIND_CLIENT_READ);
  EXPECT_THAT(r.client_ids(), ElementsAre("cli-1"));
  EXPECT_EQ(r.actor().role(), auth::v1::ROLE_CASE_OFFICER);
  EXPECT_EQ(r.outcome(), "OK");

  ASSERT_TRUE(AuditCall(GetClient(), Person(auth::v1::ROLE_CASE_OFFICER),
                        request, nullptr, absl::NotFoundError("no client"))
                  .ok());
  EXPECT_EQ(sink_->records.back().outcome(), "NOT_FOUND");
}

// The 10-digit forms too: 1212121212 and the samordningsnummer 7010632391
// pass Luhn with real dates (tests/unit/identity_numbers_test.cc).
TEST_F(CallGuardTest, APersonnummerSentAsAnIdNeverReachesTheRecord) {
  for (const char* id : {"194001011230", "121212-1212", "7010632391"}) {
    choice::v1::GetClientRequest request;
    request.set_client_id(id);
    ASSERT_TRUE(AuditCall(GetClient(), Person(auth::v1::ROLE_CASE_OFFICER),
                          request, nullptr, absl::NotFoundError("no client"))
                    .ok());
    EXPECT_THAT(sink_->records.back().client_ids(),
                ElementsAre("(personnummer redacted)"))
        << id;
  }
}

TEST(CertificateActorTest, ANameWithAPersonnummerIsRefused) {
  EXPECT_TRUE(IsError(
      CredentialAuthenticator::ActorOfCertificate("provider:121212-1212")
          .status(),
      absl::StatusCode::kUnauthenticated, {"personal identity number"}));
  // A company's provider id holds its organisation number: let in.
  absl::StatusOr<auth::v1::Actor> company =
      CredentialAuthenticator::ActorOfCertificate("provider:prv-5565541645");
  ASSERT_TRUE(company.ok()) << company.status();
  EXPECT_EQ(company->provider_id(), "prv-5565541645");
}

// A certificate made here, valid until 2030-01-02 03:04:05 UTC.
std::string CertificateValidUntil2030() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  ASN1_TIME_set_string(X509_getm_notBefore(cert), "20250101000000Z");
  ASN1_TIME_set_string(X509_getm_notAfter(cert), "20300102030405Z");
  X509_NAME_add_entry_by_txt(
      X509_get_subject_name(cert), "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>("service:test"), -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  X509_set_pubkey(cert, key);
  X509_sign(cert, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return pem;
}

TEST(CertificateActorTest, ACertificatesTermIsItsNotAfter) {
  EXPECT_EQ(CredentialAuthenticator::NotAfter(CertificateValidUntil2030()),
            absl::FromCivil(absl::CivilSecond(2030, 1, 2, 3, 4, 5),
                            absl::UTCTimeZone()));
  EXPECT_EQ(CredentialAuthenticator::NotAfter("not a certificate"),
            std::nullopt);
}

// A stream admitted with a credential ends when it does: its next message
// is refused UNAUTHENTICATED, naming the instant (found by this test: a
// stream ran on past its token's expiry).
TEST_F(CallGuardTest, AStreamsNextMessageIsRefusedOnceItsCredentialExpired) {
  const auto* upload =
      MethodOf(visits::v1::UploadVisitsRequest::descriptor(), "UploadVisits");
  ASSERT_NE(upload, nullptr);
  visits::v1::UploadVisitsRequest own;
  own.mutable_report()->set_provider_id("prv-own");
  const auth::v1::Actor provider = Person(auth::v1::ROLE_PROVIDER, "prv-own");
  CredentialTerm expired{absl::FromCivil(absl::CivilSecond(2025, 3, 1, 9, 0, 0),
                                         absl::UTCTimeZone()),
                         "bearer token"};
  EXPECT_TRUE(IsError(AdmitNext(*upload, provider, own, expired),
                      absl::StatusCode::kUnauthenticated,
                      {"bearer token expired at 2025-03-01T09:00:00Z"}));
  CredentialTerm live{absl::Now() + absl::Hours(1), "bearer token"};
  EXPECT_TRUE(AdmitNext(*upload, provider, own, live).ok());
}

TEST_F(CallGuardTest, AnUnwrittenRecordWithholdsTheAnswer) {
  sink_->fail = absl::UnavailableError("broker down");
  choice::v1::GetClientRequest request;
  request.set_client_id("cli-1");
  EXPECT_TRUE(
      IsError(AuditCall(GetClient(), Person(auth::v1::ROLE_CASE_OFFICER),
                        request, nullptr, absl::OkStatus()),
              absl::StatusCode::kUnavailable,
              {"audit log is unavailable", "broker down"}));
}

// A record that says OK while the answer did not go out (its write timed
// out and may land later, or the caller had gone when it was acknowledged,
// as with Kafka paused past the deadline) gets a correction naming it,
// with the real outcome; records of refused calls need none.
TEST_F(CallGuardTest, AWithheldAnswersOkRecordIsCorrected) {
  sink_->fail = absl::DeadlineExceededError("delivery outcome unknown");
  choice::v1::GetClientRequest request;
  request.set_client_id("cli-1");
  auth::v1::AuditRecord written;
  const absl::Status audited =
      AuditCall(GetClient(), Person(auth::v1::ROLE_CASE_OFFICER), request,
                nullptr, absl::OkStatus(), &written);
  ASSERT_TRUE(IsError(audited, absl::StatusCode::kUnavailable, {"audit log"}));
  ASSERT_FALSE(written.record_id().empty()) << "the record sent is not given";
  EXPECT_EQ(written.outcome(), "OK");

  CorrectAudit(written, audited);
  ASSERT_EQ(sink_->later.size(), 1u);
  const auth::v1::AuditRecord c = sink_->later[0];  // a copy: later grows
  EXPECT_EQ(c.corrects_record_id(), written.record_id());
  EXPECT_NE(c.record_id(), written.record_id());
  EXPECT_EQ(c.outcome(), "UNAVAILABLE");
  EXPECT_EQ(c.method(), written.method());
  EXPECT_THAT(c.client_ids(), ElementsAre("cli-1"));
  EXPECT_EQ(c.actor().subject(), written.actor().subject());

  // The caller left before an acknowledged record: its deadline's code.
  CorrectAudit(written, absl::DeadlineExceededError("caller gone"));
  ASSERT_EQ(sink_->later.size(), 2u);
  EXPECT_EQ(sink_->later[1].outcome(), "DEADLINE_EXCEEDED");

  // Answered: nothing to correct; a record of a refusal says so already.
  CorrectAudit(written, absl::OkStatus());
  auth::v1::AuditRecord refused = written;
  refused.set_outcome("NOT_FOUND");
  CorrectAudit(refused, absl::DeadlineExceededError("caller gone"));
  CorrectAudit(auth::v1::AuditRecord(), absl::UnavailableError("none sent"));
  EXPECT_EQ(sink_->later.size(), 2u);
}

// An OK record is written before its answer: pending until a confirmation
// (or a correction) follows it; a refusal's record is not pending and
// needs neither.
TEST_F(CallGuardTest, AnOkRecordIsPendingUntilItsConfirmation) {
  choice::v1::GetClientRequest request;
  request.set_client_id("cli-1");
  auth::v1::AuditRecord written;
  ASSERT_TRUE(AuditCall(GetClient(), Person(auth::v1::ROLE_CASE_OFFICER),
                        request, nullptr, absl::OkStatus(), &written)
                  .ok());
  ASSERT_EQ(sink_->records.size(), 1u);
  EXPECT_TRUE(sink_->records[0].outcome_pending());
  EXPECT_TRUE(sink_->later.empty());

  ConfirmAudit(written);
  ASSERT_EQ(sink_->later.size(), 1u);
  const auth::v1::AuditRecord c = sink_->later[0];  // a copy: later grows
  EXPECT_EQ(c.confirms_record_id(), written.record_id());
  EXPECT_NE(c.record_id(), written.record_id());
  EXPECT_TRUE(c.corrects_record_id().empty());
  EXPECT_FALSE(c.outcome_pending());
  EXPECT_EQ(c.outcome(), "OK");
  EXPECT_THAT(c.client_ids(), ElementsAre("cli-1"));

  // A correction is not pending either.
  CorrectAudit(written, absl::CancelledError("caller gone"));
  ASSERT_EQ(sink_->later.size(), 2u);
  EXPECT_FALSE(sink_->later[1].outcome_pending());
  EXPECT_TRUE(sink_->later[1].confirms_record_id().empty());

  // Nothing to confirm: a refusal's record, a confirmation, no record.
  auth::v1::AuditRecord refused;
  ASSERT_TRUE(AuditCall(GetClient(), Person(auth::v1::ROLE_CASE_OFFICER),
                        request, nullptr,
                        absl::PermissionDeniedError("not yours"), &refused)
                  .ok());
  EXPECT_EQ(refused.outcome(), "PERMISSION_DENIED");
  EXPECT_FALSE(refused.outcome_pending());
  ConfirmAudit(refused);
  ConfirmAudit(c);
  ConfirmAudit(auth::v1::AuditRecord());
  EXPECT_EQ(sink_->later.size(), 2u);
}

TEST_F(CallGuardTest, UnauditedCallsLeaveNoRecord) {
  const auto* get_policy =
      MethodOf(choice::v1::GetPolicyRequest::descriptor(), "GetPolicy");
  ASSERT_NE(get_policy, nullptr);
  choice::v1::GetPolicyRequest request;
  ASSERT_TRUE(AuditCall(*get_policy, Person(auth::v1::ROLE_OPERATOR), request,
                        nullptr, absl::OkStatus())
                  .ok());
  EXPECT_TRUE(sink_->records.empty());
}

TEST_F(CallGuardTest, AStreamsNextMessageStaysInTheProvidersScope) {
  const auto* upload =
      MethodOf(visits::v1::UploadVisitsRequest::descriptor(), "UploadVisits");
  ASSERT_NE(upload, nullptr);
  visits::v1::UploadVisitsRequest own, other;
  own.mutable_report()->set_provider_id("prv-own");
  other.mutable_report()->set_provider_id("prv-other");
  const auth::v1::Actor provider = Person(auth::v1::ROLE_PROVIDER, "prv-own");
  EXPECT_TRUE(AdmitNext(*upload, provider, own).ok());
  EXPECT_TRUE(IsError(AdmitNext(*upload, provider, other),
                      absl::StatusCode::kPermissionDenied,
                      {"its own provider"}));
}

// There is no development setting that lets calls in: without an identity
// provider every call is refused, and acts as nobody.
TEST_F(CallGuardTest, WithoutAnIdentityProviderNoCallGetsIn) {
  ConfigureCallGuard({});
  choice::v1::GetClientRequest request;
  auth::v1::Actor actor;
  EXPECT_TRUE(IsError(AdmitCall(context_, GetClient(), request, &actor),
                      absl::StatusCode::kUnauthenticated,
                      {"no identity provider configured"}));
  EXPECT_EQ(actor.subject(), "");
}

TEST(ActorTest, TheCallerIsTheActorOfItsWorkElseTheService) {
  SetSystemActor("choice");
  EXPECT_EQ(CurrentActor().subject(), "service:choice");
  EXPECT_EQ(AccountableName("from-request"), "from-request");
  {
    const auth::v1::Actor finance = Person(auth::v1::ROLE_FINANCE);
    ScopedActor as(finance);
    EXPECT_EQ(CurrentActor().subject(), "SE2321000016-0001");
    EXPECT_EQ(AccountableName("from-request"), "SE2321000016-0001");
    EXPECT_EQ(ActorText(CurrentActor()), "SE2321000016-0001 (finance)");
  }
  EXPECT_EQ(CurrentActor().subject(), "service:choice");
}

}  // namespace
}  // namespace lov
