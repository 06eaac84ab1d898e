// A unary call through the worker pool (RunUnary), on a real in-process
// gRPC server with the call guard on fakes: with every worker busy and the
// queue full a call is refused at once, and a call whose caller's deadline
// passed while it waited is dropped, its work never done; an answered
// call's audit record is confirmed once the call is done, a call whose
// caller left is corrected instead.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/platform/call_guard.h"
#include "lov/platform/credential_authenticator.h"
#include "lov/platform/early_audit.h"
#include "lov/platform/worker_pool.h"

namespace lov {
namespace {

namespace v1 = ::lov::choice::v1;

// Every caller is a case officer (in GetClient's policy).
class CaseOfficer : public Authenticator {
 public:
  absl::StatusOr<auth::v1::Actor> Authenticate(
      const grpc::ServerContextBase&) override {
    auth::v1::Actor a;
    a.set_subject("SE2321000016-0001");
    a.set_role(auth::v1::ROLE_CASE_OFFICER);
    return a;
  }
};

// The records written before the answers and those written later
// (confirmations, corrections), in memory.
class AuditInMemory : public AuditSink {
 public:
  absl::Status Record(const auth::v1::AuditRecord& record) override {
    std::lock_guard<std::mutex> lock(mu_);
    records_.push_back(record);
    return absl::OkStatus();
  }
  void RecordLater(const auth::v1::AuditRecord& record) override {
    std::lock_guard<std::mutex> lock(mu_);
    later_.push_back(record);
  }
  // Sent at once, acknowledged only when the test says (AcknowledgeAll).
  void RecordAsync(const auth::v1::AuditRecord& record,
                   std::function<void(absl::Status)> done) override {
    std::lock_guard<std::mutex> lock(mu_);
    records_.push_back(record);
    unacknowledged_.push_back(std::move(done));
  }
  void AcknowledgeAll() {
    std::vector<std::function<void(absl::Status)>> acks;
    {
      std::lock_guard<std::mutex> lock(mu_);
      acks.swap(unacknowledged_);
    }
    for (auto& done : acks) done(absl::OkStatus());
  }
  size_t unacknowledged() {
    std::lock_guard<std::mutex> lock(mu_);
    return unacknowledged_.size();
  }
  std::vector<auth::v1::AuditRecord> records() {
    std::lock_guard<std::mutex> lock(mu_);
    return records_;
  }
  std::vector<auth::v1::AuditRecord> later() {
    std::lock_guard<std::mutex> lock(mu_);
    return later_;
  }

 private:
  std::mutex mu_;
  std::vector<auth::v1::AuditRecord> records_;
  std::vector<auth::v1::AuditRecord> later_;
  std::vector<std::function<void(absl::Status)>> unacknowledged_;
};

bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 500 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// GetClient on the pool; its work counts how often it ran.
class CountingChoice final : public v1::ChoiceService::CallbackService {
 public:
  explicit CountingChoice(WorkerPool* pool) : pool_(pool) {}
  grpc::ServerUnaryReactor* GetClient(grpc::CallbackServerContext* context,
                                      const v1::GetClientRequest* request,
                                      v1::Client* response) override {
    return RunUnary(context, *pool_,
                    MethodOf(v1::GetClientRequest::descriptor(), "GetClient"),
                    request, response, [this, response]() -> absl::Status {
                      std::this_thread::sleep_for(
                          std::chrono::milliseconds(work_ms.load()));
                      ++ran;
                      response->set_client_id("cli-1");
                      return absl::OkStatus();
                    });
  }
  // Choose's work publishes its events the way choice's publisher does:
  // the call's record sent first (StartCallAuditNow), then the events,
  // waited for; `sent_before_events` says whether the record was out by
  // then.
  grpc::ServerUnaryReactor* Choose(grpc::CallbackServerContext* context,
                                   const v1::ChooseRequest* request,
                                   v1::ChooseResponse* response) override {
    return RunUnary(context, *pool_,
                    MethodOf(v1::ChooseRequest::descriptor(), "Choose"),
                    request, response, [this]() -> absl::Status {
                      StartCallAuditNow();
                      sent_before_events = audit_in_flight();
                      ++ran;
                      return choose_outcome;
                    });
  }
  std::atomic<int> ran{0};
  std::atomic<int> work_ms{0};  // how long the work takes
  std::function<size_t()> audit_in_flight;
  std::atomic<size_t> sent_before_events{0};
  absl::Status choose_outcome;  // what Choose's events' write returns

 private:
  WorkerPool* pool_;
};

class WorkerPoolCallsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_.audit_in_flight = [this] { return audit_->unacknowledged(); };
    ConfigureCallGuard(
        {.authenticator = std::make_shared<CaseOfficer>(), .audit = audit_});
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::ChoiceService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                            grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    Release();
    server_->Shutdown();
    ConfigureCallGuard({});
  }

  // Occupies a worker (or a place in the queue) until Release().
  bool Block() {
    return pool_.TrySubmit([this] {
      std::unique_lock<std::mutex> lock(mu_);
      ++blocked_;
      cv_.notify_all();
      cv_.wait(lock, [this] { return released_; });
    });
  }
  void WaitUntilBlocked(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return blocked_ >= n; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

  grpc::Status Call(std::chrono::milliseconds deadline) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + deadline);
    v1::GetClientRequest request;
    request.set_client_id("cli-1");
    v1::Client response;
    return stub_->GetClient(&ctx, request, &response);
  }

  // Waits until every task queued before has run.
  void Drain() {
    std::mutex m;
    std::condition_variable done;
    bool ran = false;
    pool_.Submit([&] {
      std::lock_guard<std::mutex> lock(m);
      ran = true;
      done.notify_all();
    });
    std::unique_lock<std::mutex> lock(m);
    done.wait(lock, [&] { return ran; });
  }

  std::shared_ptr<AuditInMemory> audit_ = std::make_shared<AuditInMemory>();
  WorkerPool pool_{/*threads=*/1, /*max_queued=*/1};
  CountingChoice service_{&pool_};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::ChoiceService::Stub> stub_;
  std::mutex mu_;
  std::condition_variable cv_;
  int blocked_ = 0;
  bool released_ = false;
};

TEST_F(WorkerPoolCallsTest, AFreePoolRunsTheCall) {
  EXPECT_TRUE(Call(std::chrono::seconds(10)).ok());
  EXPECT_EQ(service_.ran.load(), 1);
}

TEST_F(WorkerPoolCallsTest, AFullQueueRefusesAtOnceDoingNothing) {
  ASSERT_TRUE(Block());  // the only worker
  WaitUntilBlocked(1);
  ASSERT_TRUE(Block());  // the only place in the queue
  const grpc::Status s = Call(std::chrono::seconds(10));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(s.error_message().find("busy (1 calls are waiting"),
            std::string::npos)
      << s.error_message();
  Release();
  Drain();
  EXPECT_EQ(service_.ran.load(), 0);
}

TEST_F(WorkerPoolCallsTest, ACallWhoseDeadlinePassedWhileItWaitedIsDropped) {
  ASSERT_TRUE(Block());
  WaitUntilBlocked(1);
  // Queued behind the busy worker; the caller gives up after 200 ms.
  EXPECT_EQ(Call(std::chrono::milliseconds(200)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  Release();
  Drain();
  // The worker found the caller gone and did not do the work.
  EXPECT_EQ(service_.ran.load(), 0);
}

// The record written before the answer is pending; once gRPC reports the
// answer finished and not cancelled (the reactor's OnDone) a confirmation
// naming it follows.
TEST_F(WorkerPoolCallsTest, AnAnsweredCallsRecordIsConfirmedWhenDone) {
  ASSERT_TRUE(Call(std::chrono::seconds(10)).ok());
  ASSERT_TRUE(Eventually([&] { return !audit_->later().empty(); }));
  const std::vector<auth::v1::AuditRecord> records = audit_->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].outcome_pending());
  EXPECT_EQ(records[0].outcome(), "OK");
  const std::vector<auth::v1::AuditRecord> later = audit_->later();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].confirms_record_id(), records[0].record_id());
  EXPECT_TRUE(later[0].corrects_record_id().empty());
  EXPECT_EQ(later[0].outcome(), "OK");
}

// The caller gives up while the work runs: its record (written after the
// work, pending) gets the existing correction and no confirmation.
TEST_F(WorkerPoolCallsTest, ACallWhoseCallerLeftIsCorrectedNeverConfirmed) {
  service_.work_ms = 600;
  EXPECT_EQ(Call(std::chrono::milliseconds(200)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_TRUE(Eventually([&] { return !audit_->later().empty(); }));
  Drain();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::vector<auth::v1::AuditRecord> records = audit_->records();
  ASSERT_EQ(records.size(), 1u);
  const std::vector<auth::v1::AuditRecord> later = audit_->later();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].corrects_record_id(), records[0].record_id());
  // gRPC reports a passed deadline as a cancelled call.
  EXPECT_TRUE(later[0].outcome() == "DEADLINE_EXCEEDED" ||
              later[0].outcome() == "CANCELLED")
      << later[0].outcome();
  EXPECT_TRUE(later[0].confirms_record_id().empty());
}

// Choose for cli-1 under `request_id`, answered on another thread (10 s
// deadline): for the tests that hold the audit record's acknowledgement.
std::future<grpc::Status> ChooseInBackground(v1::ChoiceService::Stub* stub,
                                             const std::string& request_id) {
  return std::async(std::launch::async, [stub, request_id] {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    v1::ChooseRequest request;
    request.set_client_id("cli-1");
    request.set_request_id(request_id);
    v1::ChooseResponse response;
    return stub->Choose(&ctx, request, &response);
  });
}

// A call whose work publishes events (choice's Choose, or a list with its
// EligibleListShown) sends its OK record before waiting for them, so both
// acknowledged writes are in flight together; the answer still waits until
// the record is durable, and no second record is written after the work.
TEST_F(WorkerPoolCallsTest, TheRecordGoesOutWithTheEventsAndIsDurableFirst) {
  std::future<grpc::Status> answer = ChooseInBackground(stub_.get(), "req-1");
  ASSERT_TRUE(Eventually([&] { return service_.ran.load() == 1; }));
  EXPECT_EQ(service_.sent_before_events.load(), 1u)
      << "the record was not in flight while the events were written";
  // The work is done, the record not yet acknowledged: no answer.
  EXPECT_EQ(answer.wait_for(std::chrono::milliseconds(300)),
            std::future_status::timeout);
  audit_->AcknowledgeAll();
  ASSERT_TRUE(answer.get().ok());
  ASSERT_TRUE(Eventually([&] { return !audit_->later().empty(); }));
  const std::vector<auth::v1::AuditRecord> records = audit_->records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].outcome(), "OK");
  EXPECT_TRUE(records[0].outcome_pending());
  EXPECT_EQ(records[0].method(), "lov.choice.v1.ChoiceService/Choose");
  ASSERT_EQ(records[0].client_ids_size(), 1);
  EXPECT_EQ(records[0].client_ids(0), "cli-1");
  EXPECT_EQ(records[0].request_id(), "req-1");
  const std::vector<auth::v1::AuditRecord> later = audit_->later();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].confirms_record_id(), records[0].record_id());
}

// The events' write fails after the record went out: the caller hears the
// failure and the record is corrected with it, never confirmed.
TEST_F(WorkerPoolCallsTest, AnEarlyRecordOfAFailedWorkIsCorrected) {
  service_.choose_outcome = absl::UnavailableError("kafka: not stored");
  std::future<grpc::Status> answer = ChooseInBackground(stub_.get(), "req-2");
  ASSERT_TRUE(Eventually([&] { return audit_->unacknowledged() == 1; }));
  audit_->AcknowledgeAll();
  EXPECT_EQ(answer.get().error_code(), grpc::StatusCode::UNAVAILABLE);
  ASSERT_TRUE(Eventually([&] { return !audit_->later().empty(); }));
  Drain();
  const std::vector<auth::v1::AuditRecord> records = audit_->records();
  ASSERT_EQ(records.size(), 1u);
  const std::vector<auth::v1::AuditRecord> later = audit_->later();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].corrects_record_id(), records[0].record_id());
  EXPECT_EQ(later[0].outcome(), "UNAVAILABLE");
  EXPECT_TRUE(later[0].confirms_record_id().empty());
}

// Outside a call, or for a call whose work publishes nothing, nothing is
// sent early: GetClient's record is written after its work, as before.
TEST_F(WorkerPoolCallsTest, NothingIsSentEarlyOutsideACallOrWithoutEvents) {
  StartCallAuditNow();
  EXPECT_TRUE(audit_->records().empty());
  ASSERT_TRUE(Call(std::chrono::seconds(10)).ok());
  EXPECT_EQ(audit_->unacknowledged(), 0u);
  EXPECT_EQ(audit_->records().size(), 1u);
}

}  // namespace
}  // namespace lov
