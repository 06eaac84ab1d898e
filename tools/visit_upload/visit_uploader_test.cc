// The uploader against a service that holds reports back: a cap per stream
// and a quota that is spent now and then. Every report is answered exactly
// once, none is given up, and none reaches the service twice.
#include "visit_uploader.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "lov/platform/retry_info.h"
#include "retry.h"

namespace lov::upload {
namespace {

// Answers every report it reads ACCEPTED; the report after `cap` on a
// stream ends it (retry at once), and every third stream finds the quota
// spent after two reports (retry after 20 ms), as the visits service does.
class LimitedVisits final : public v1::VisitsService::Service {
 public:
  explicit LimitedVisits(int64_t cap) : cap_(cap) {}

  grpc::Status UploadVisits(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<v1::UploadVisitsResponse,
                               v1::UploadVisitsRequest>* stream) override {
    const int n = ++streams_;
    v1::UploadVisitsRequest request;
    for (int64_t sequence = 0; stream->Read(&request); ++sequence) {
      if (sequence == cap_) {
        return Refuse(QuotaExceeded("at most N reports per stream",
                                    "upload-stream", absl::ZeroDuration()));
      }
      if (n % 3 == 0 && sequence == 2) {
        return Refuse(QuotaExceeded("upload quota", "provider:p1",
                                    absl::Milliseconds(20)));
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++received_[request.report().report_id()];
      }
      v1::UploadVisitsResponse response;
      auto* o = response.mutable_outcome();
      o->set_report_id(request.report().report_id());
      o->set_visit_id("p1/" + request.report().report_id());
      o->set_outcome(v1::OUTCOME_ACCEPTED);
      o->set_sequence(sequence);
      stream->Write(response);
    }
    return grpc::Status::OK;
  }

  std::map<std::string, int> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }
  int streams() const { return streams_; }

 private:
  static grpc::Status Refuse(const absl::Status& s) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        std::string(s.message()), StatusDetailsOf(s));
  }

  const int64_t cap_;
  std::atomic<int> streams_{0};
  std::mutex mu_;
  std::map<std::string, int> received_;
};

TEST(UploaderTest, ReportsHeldBackByTheCapAndTheQuotaAreSentOnNewStreams) {
  LimitedVisits service(/*cap=*/4);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);

  std::vector<v1::VisitReport> reports(25);
  for (size_t i = 0; i < reports.size(); ++i) {
    reports[i].set_report_id(absl::StrCat("r", i));
    reports[i].set_provider_id("p1");
  }
  UploadOptions options;
  options.max_attempts = 2;                // a held-back round is no attempt
  options.first_backoff = absl::Hours(1);  // and waits only as asked
  std::vector<int> finals(reports.size());
  absl::StatusOr<UploadCounts> counts = UploadWithResend(
      [&] {
        return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                         grpc::InsecureChannelCredentials(),
                                         QuickReconnect());
      },
      [](grpc::ClientContext*) {}, reports, options,
      [&](size_t i, const v1::ReportOutcome& outcome) {
        ++finals[i];
        EXPECT_EQ(outcome.report_id(), reports[i].report_id());
        EXPECT_EQ(outcome.outcome(), v1::OUTCOME_ACCEPTED);
      });
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->accepted, 25);
  EXPECT_EQ(counts->given_up, 0);
  EXPECT_EQ(counts->resent, 0);
  for (size_t i = 0; i < finals.size(); ++i) {
    EXPECT_EQ(finals[i], 1) << "report " << i;
  }
  std::map<std::string, int> received = service.received();
  EXPECT_EQ(received.size(), 25u);
  for (const auto& [id, times] : received) EXPECT_EQ(times, 1) << id;
  // At most 4 a stream, 2 on every third: at least 7 streams.
  EXPECT_GE(service.streams(), 7);
  server->Shutdown();
}

// Ends its first stream UNAUTHENTICATED after answering three reports, as
// the visits service ends a stream whose token expired; answers every
// report of a later stream. A stream refused at once (no answer) is a bad
// credential, when `refuse_all`.
class ExpiringVisits final : public v1::VisitsService::Service {
 public:
  explicit ExpiringVisits(bool refuse_all = false) : refuse_all_(refuse_all) {}

  grpc::Status UploadVisits(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<v1::UploadVisitsResponse,
                               v1::UploadVisitsRequest>* stream) override {
    const int n = ++streams_;
    v1::UploadVisitsRequest request;
    for (int64_t sequence = 0; stream->Read(&request); ++sequence) {
      if (refuse_all_ || (n == 1 && sequence == 3)) {
        return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                            "the bearer token expired at "
                            "2025-03-01T09:00:00Z: sign in again and open "
                            "a new stream");
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++received_[request.report().report_id()];
      }
      v1::UploadVisitsResponse response;
      auto* o = response.mutable_outcome();
      o->set_report_id(request.report().report_id());
      o->set_visit_id("p1/" + request.report().report_id());
      o->set_outcome(v1::OUTCOME_ACCEPTED);
      o->set_sequence(sequence);
      stream->Write(response);
    }
    return grpc::Status::OK;
  }

  std::map<std::string, int> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  const bool refuse_all_;
  std::atomic<int> streams_{0};
  std::mutex mu_;
  std::map<std::string, int> received_;
};

// A stream ended for its token's expiry goes on on a new stream, signed
// again, at once and without counting an attempt; a stream refused before
// any answer (a bad credential) ends the upload with the service's reason.
TEST(UploaderTest, AStreamEndedByItsTokensExpiryGoesOnSignedAgain) {
  for (const bool refuse_all : {false, true}) {
    ExpiringVisits service(refuse_all);
    int port = 0;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(&service);
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    ASSERT_NE(server, nullptr);
    std::vector<v1::VisitReport> reports(10);
    for (size_t i = 0; i < reports.size(); ++i) {
      reports[i].set_report_id(absl::StrCat("r", i));
      reports[i].set_provider_id("p1");
    }
    UploadOptions options;
    options.max_attempts = 1;                // no attempt is spent
    options.first_backoff = absl::Hours(1);  // and nothing waits
    int signed_in = 0;
    std::vector<int> finals(reports.size());
    absl::StatusOr<UploadCounts> counts = UploadWithResend(
        [&] {
          return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                           grpc::InsecureChannelCredentials(),
                                           QuickReconnect());
        },
        [&](grpc::ClientContext*) { ++signed_in; }, reports, options,
        [&](size_t i, const v1::ReportOutcome&) { ++finals[i]; });
    if (refuse_all) {
      EXPECT_EQ(counts.status().code(), absl::StatusCode::kUnauthenticated)
          << counts.status();
      EXPECT_EQ(signed_in, 1);
      server->Shutdown();
      continue;
    }
    ASSERT_TRUE(counts.ok()) << counts.status();
    EXPECT_EQ(counts->accepted, 10);
    EXPECT_EQ(counts->given_up, 0);
    EXPECT_EQ(signed_in, 2);
    for (size_t i = 0; i < finals.size(); ++i) {
      EXPECT_EQ(finals[i], 1) << "report " << i;
    }
    std::map<std::string, int> received = service.received();
    EXPECT_EQ(received.size(), 10u);
    for (const auto& [id, times] : received) EXPECT_EQ(times, 1) << id;
    server->Shutdown();
  }
}

// Answers GetVisit with the visit id of the report asked for.
class EchoVisits final : public v1::VisitsService::Service {
  grpc::Status GetVisit(grpc::ServerContext*, const v1::GetVisitRequest* req,
                        v1::GetVisitResponse* resp) override {
    resp->set_visit_id(req->provider_id() + "/" + req->report_id());
    return grpc::Status::OK;
  }
};

std::unique_ptr<grpc::Server> Serve(EchoVisits* service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", *port),
                           grpc::InsecureServerCredentials(), port);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

// A call made while the service restarts (kill -9, back a moment later) is
// answered once it is back, within a retry budget of under 8 s. (In one
// process the server's threads poll the client's connection too; the case
// of an idle client against a separate process is
// tests/restarted_service_test.cc.)
TEST(UploaderTest, ARestartedServiceIsFoundWithinTheRetryBudget) {
  EchoVisits service;
  int port = 0;
  std::unique_ptr<grpc::Server> server = Serve(&service, &port);
  ASSERT_NE(server, nullptr);
  auto stub = v1::VisitsService::NewStub(grpc::CreateCustomChannel(
      absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials(),
      QuickReconnect()));
  auto call = [&] {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(2));
    v1::GetVisitRequest req;
    req.set_provider_id("p1");
    req.set_report_id("r1");
    v1::GetVisitResponse resp;
    return stub->GetVisit(&ctx, req, &resp);
  };
  ASSERT_TRUE(call().ok());
  server->Shutdown();
  server.reset();
  // Calls while it is down fail and put the connection into backoff.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(call().error_code(), grpc::StatusCode::UNAVAILABLE);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  server = Serve(&service, &port);
  ASSERT_NE(server, nullptr);
  UploadOptions options;
  options.max_attempts = 6;  // 0.25 + 0.5 + 1 + 2 + 4 s of waiting at most
  grpc::Status status = RetryWrite(call, options);
  EXPECT_TRUE(status.ok()) << status.error_message();
  server->Shutdown();
}

}  // namespace
}  // namespace lov::upload
