#ifndef LOV_SERVICES_FOLLOWUP_TESTS_FOLLOWUP_SERVICE_TEST_FIXTURE_H_
#define LOV_SERVICES_FOLLOWUP_TESTS_FOLLOWUP_SERVICE_TEST_FIXTURE_H_

// The fixture of the followup process tests (followup_*_service_test.cc):
// the followup binary as a process in a namespace of the test's own
// (ServiceTestStack) against the real Kafka and Redis, a signed-in stub to
// it, and its state wiped for a rebuild from Kafka.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lov/followup/v1/followup.grpc.pb.h"
#include "service_test_stack.h"
#include "test_stack.h"

namespace lov::followup::service_test {

class FollowupProcessTest : public ::testing::Test {
 protected:
  using Stub = ::lov::followup::v1::FollowupService::Stub;

  // Starts the followup binary with `flags` and connects stub_ to it.
  void StartFollowup(std::vector<std::string> flags = {}) {
    absl::Status started = stack_.Start("followup", std::move(flags));
    ASSERT_TRUE(started.ok()) << started;
    Connect();
  }

  void Connect() {
    stub_ = stack_.NewStub<::lov::followup::v1::FollowupService>("followup");
  }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Req&, Resp*),
                    const Req& req, Resp* resp) {
    return ::lov::testing::CallWithDeadline(*stub_, method, req, resp);
  }

  // Kills the followup process, wipes the state it kept in Redis (there
  // must be some) and starts it again: it rebuilds from Kafka. Call it in
  // ASSERT_NO_FATAL_FAILURE.
  void RestartWithoutState() {
    stack_.process("followup").Kill();
    absl::StatusOr<int> wiped =
        ::lov::testing::WipeRedisKeys(stack_.StateKeys("followup"));
    ASSERT_TRUE(wiped.ok()) << wiped.status();
    ASSERT_GT(*wiped, 0);
    ASSERT_TRUE(stack_.process("followup").Start().ok())
        << stack_.process("followup").Log();
    Connect();
  }

  ::lov::testing::ServiceTestStack stack_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace lov::followup::service_test

#endif  // LOV_SERVICES_FOLLOWUP_TESTS_FOLLOWUP_SERVICE_TEST_FIXTURE_H_
