// An UploadVisits stream ends when the token it was opened with expires,
// with the binary as a process against the real Kafka and Redis: the
// reports answered before stay answered and are stored once, the report
// read after the expiry is refused (UNAUTHENTICATED, audited as refused)
// and never stored.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/auth/v1/audit.pb.h"
#include "lov/platform/grpc_channel.h"
#include "lov/platform/kafka.h"
#include "lov/platform/topics.h"
#include "lov/visits/tests/visits_test_support.h"
#include "lov/visits/v1/events.pb.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "test_stack.h"

namespace lov::visits {
namespace {

namespace v1 = ::lov::visits::v1;
using ::lov::testing::Stack;

class VisitsUploadExpiryTest : public VisitsServiceTest {
 protected:
  // No clock skew: the token ends at its exp. (A flag --oidc-... means
  // the test signs the service in itself: the harness's issuer, then.)
  std::vector<std::string> ExtraFlags() const override {
    std::vector<std::string> flags = ::lov::testing::SignInFlags();
    flags.push_back("--oidc-clock-skew-seconds=0");
    flags.push_back("--upload-batch-size=10");
    return flags;
  }

  // How many times each visit is on the events topic as accepted.
  std::map<std::string, int> AcceptedVisits() {
    std::map<std::string, int> out;
    absl::Status s = ReplayTopics(
        Stack().reader("visits-reader"), {Topic(topics::kVisitsEvents)},
        [&](const CloudEvent& ce) {
          v1::VisitEvent e;
          if (e.ParseFromString(ce.data) && e.has_visit_accepted()) {
            ++out[ce.key];  // the visit id
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  // The outcomes of the UploadVisits records (corrections and
  // confirmations aside).
  std::vector<std::string> UploadOutcomes() {
    std::vector<std::string> out;
    absl::Status s = ReplayTopics(
        Stack().reader("audit-reader"), {Topic(topics::kAudit)},
        [&](const CloudEvent& ce) {
          auth::v1::AuditRecord r;
          if (r.ParseFromString(ce.data) &&
              r.method() == "lov.visits.v1.VisitsService/UploadVisits" &&
              r.corrects_record_id().empty() &&
              r.confirms_record_id().empty()) {
            out.push_back(r.outcome());
          }
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  // Writes three reports of c1 (`prefix`0..2, 3-5 March) on `stream`, each
  // answered as accepted before the next.
  static void WriteThreeAccepted(
      grpc::ClientReaderWriter<v1::UploadVisitsRequest,
                               v1::UploadVisitsResponse>* stream,
      const std::string& prefix) {
    for (int i = 0; i < 3; ++i) {
      v1::UploadVisitsRequest req;
      *req.mutable_report() = Report(absl::StrCat(prefix, i), "c1", "s1",
                                     Utc(2025, 3, 3 + i, 9, 0), 30);
      ASSERT_TRUE(stream->Write(req));
      v1::UploadVisitsResponse resp;
      ASSERT_TRUE(stream->Read(&resp));
      EXPECT_EQ(resp.outcome().outcome(), v1::OUTCOME_ACCEPTED)
          << resp.outcome().detail() << resp.outcome().error_message();
    }
  }
};

// Found by this test: the stream took and stored reports after its token
// had expired (a token is checked when the stream starts only).
TEST_F(VisitsUploadExpiryTest, AStreamEndsWhenItsTokenExpires) {
  SetUpUpstreams({"c1"});
  const absl::Duration lifetime = absl::Seconds(6);
  const absl::Time issued = absl::Now();
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + ::lov::testing::Issuer().Token(
                                                   auth::v1::ROLE_PROVIDER,
                                                   kProvider, "", lifetime));
  auto stream = stub_->UploadVisits(&ctx);
  // Three reports, each answered, while the token is live.
  WriteThreeAccepted(stream.get(), "live-");
  if (HasFatalFailure()) return;
  // The exp is whole seconds from iat: at least issued + lifetime - 1 s.
  ASSERT_LT(absl::Now(), issued + lifetime - absl::Seconds(1))
      << "too slow to test the expiry";
  // A second more and it has passed.
  absl::SleepFor(issued + lifetime + absl::Seconds(1) - absl::Now());
  v1::UploadVisitsRequest late;
  *late.mutable_report() =
      Report("late", "c1", "s1", Utc(2025, 3, 10, 9, 0), 30);
  stream->Write(late);  // may be refused already
  stream->WritesDone();
  v1::UploadVisitsResponse resp;
  EXPECT_FALSE(stream->Read(&resp)) << "the report sent late was answered";
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << status.error_message();
  EXPECT_NE(status.error_message().find("bearer token expired at"),
            std::string::npos)
      << status.error_message();

  // The three answered reports are stored once each, the late one never.
  std::map<std::string, int> accepted;
  EXPECT_TRUE(::lov::testing::Eventually([&] {
    accepted = AcceptedVisits();
    return accepted.size() >= 3;
  }));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(accepted[absl::StrCat(kProvider, "/live-", i)], 1) << i;
  }
  EXPECT_EQ(accepted.count(absl::StrCat(kProvider, "/late")), 0u);
  EXPECT_EQ(accepted.size(), 3u);
  // The refusal is in the audit log as refused, the batches answered
  // before as OK.
  std::map<std::string, int> outcomes;
  EXPECT_TRUE(::lov::testing::Eventually([&] {
    outcomes.clear();
    for (const std::string& o : UploadOutcomes()) ++outcomes[o];
    return outcomes["UNAUTHENTICATED"] == 1;
  }));
  EXPECT_GE(outcomes["OK"], 1);
  EXPECT_EQ(outcomes.size(), 2u);
}

// A provider's time-reporting system with its client certificate alone: the
// stream lasts until the certificate's notAfter (years away here), so it
// runs as before (a term read wrong would end it at the second report).
TEST_F(VisitsUploadExpiryTest, AStreamOfACertificateRunsUntilItsNotAfter) {
  SetUpUpstreams({"c1"});
  auto system = v1::VisitsService::NewStub(
      OpenChannel(service_->target(),
                  Stack().Client(absl::StrCat("provider:", kProvider))));
  grpc::ClientContext ctx;
  auto stream = system->UploadVisits(&ctx);
  WriteThreeAccepted(stream.get(), "cert-");
  if (HasFatalFailure()) return;
  stream->WritesDone();
  const grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace lov::visits
