#ifndef LOV_TESTS_SUPPORT_SERVICE_TEST_STACK_H_
#define LOV_TESTS_SUPPORT_SERVICE_TEST_STACK_H_

// The setup every test that drives service binaries as processes shares: a
// namespace of the test's own on the test stack's Kafka and Redis
// (TestStack: the ctest fixture's, or for a Kafka-pause test the Kafka of
// its own that tests/support/kafka_pause_test.sh started), the services
// started in it as ServiceProcess runs them (TLS, their own Kafka and Redis
// users, trusting the test binary's issuer: test_sign_in.h), and signed-in
// channels and stubs to them.
//
//   ServiceTestStack stack;
//   absl::Status started = stack.Start("choice", {"--workers=4"});
//   ASSERT_TRUE(started.ok()) << started;  // names it, with its log
//   auto choice = stack.NewStub<choice::v1::ChoiceService>("choice");
//   ... CallWithDeadline(*choice, &ChoiceService::Stub::GetClient, r, &c);

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "service_process.h"
#include "test_issuer.h"
#include "test_stack.h"

namespace lov::testing {

class ServiceTestStack {
 public:
  // A new namespace ("t" and 8 hex digits) that no other test run uses.
  ServiceTestStack();
  // Kills the services, the last started first.
  ~ServiceTestStack();
  ServiceTestStack(const ServiceTestStack&) = delete;
  ServiceTestStack& operator=(const ServiceTestStack&) = delete;

  // The namespace: every service started here gets --namespace=ns().
  const std::string& ns() const { return ns_; }
  // `topic` ("lov.choice.events.v1") in the namespace.
  std::string Topic(absl::string_view topic) const;
  // The pattern of the Redis keys that `service` keeps in the namespace
  // ("<ns>:lov:<service>:*"), e.g. for WipeRedisKeys.
  std::string StateKeys(absl::string_view service) const;
  // The Kafka and Redis the services run against.
  const TestStack& stack() const { return Stack(); }
  // The issuer every service started here trusts (test_sign_in.h).
  const TestIssuer& issuer() const;

  // Starts one more replica of `service` ("registry", "choice", ...: the
  // binary services/<service>/<service>) in the namespace with `flags` and
  // waits until it serves. An error names the service and replica and
  // holds its log.
  absl::Status Start(const std::string& service,
                     std::vector<std::string> flags = {});
  // Kills every replica of `service` (the crash path) and forgets them: the
  // next Start starts replica 0 again, on new ports.
  void Stop(const std::string& service);

  // How many replicas of `service` were started (and not stopped).
  int replicas(const std::string& service) const;
  // Replica `replica` of `service`, for Kill, Start again, its Log() or its
  // ports. Aborts, naming them, when it was never started.
  ServiceProcess& process(const std::string& service, int replica = 0) const;

  // A TLS channel to the replica whose calls are signed in as
  // ServiceProcess::Channel says.
  std::shared_ptr<grpc::Channel> Channel(const std::string& service,
                                         int replica = 0) const;
  // A stub of gRPC service `Service` on that channel.
  template <typename Service>
  std::unique_ptr<typename Service::Stub> NewStub(const std::string& service,
                                                  int replica = 0) const {
    return Service::NewStub(Channel(service, replica));
  }

 private:
  std::string ns_;
  std::map<std::string, std::vector<std::unique_ptr<ServiceProcess>>> services_;
  // Service names in the order their replicas were started.
  std::vector<std::string> started_;
};

// `method` of `stub` called with `request` and a deadline `deadline` from
// now: the unary call the process tests make.
template <typename Stub, typename Request, typename Response>
grpc::Status CallWithDeadline(Stub& stub,
                              grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                           const Request&,
                                                           Response*),
                              const Request& request, Response* response,
                              absl::Duration deadline = absl::Seconds(30)) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   absl::ToChronoSeconds(deadline));
  return (stub.*method)(&ctx, request, response);
}

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_SERVICE_TEST_STACK_H_
