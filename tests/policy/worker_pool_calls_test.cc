// A unary call through the worker pool (RunUnary), on a real in-process
// gRPC server with the call guard on fakes: with every worker busy and the
// queue full a call is refused at once, and a call whose caller's deadline
// passed while it waited is dropped, its work never done.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "gtest/gtest.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/platform/call_guard.h"
#include "lov/platform/credential_authenticator.h"
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

class KeepNothing : public AuditSink {
 public:
  absl::Status Record(const auth::v1::AuditRecord&) override {
    return absl::OkStatus();
  }
  void RecordLater(const auth::v1::AuditRecord&) override {}
};

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
                      ++ran;
                      response->set_client_id("cli-1");
                      return absl::OkStatus();
                    });
  }
  std::atomic<int> ran{0};

 private:
  WorkerPool* pool_;
};

class WorkerPoolCallsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ConfigureCallGuard({.authenticator = std::make_shared<CaseOfficer>(),
                        .audit = std::make_shared<KeepNothing>()});
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

}  // namespace
}  // namespace lov
