#include "service_test_stack.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lov/platform/ids.h"
#include "test_sign_in.h"

namespace lov::testing {

ServiceTestStack::ServiceTestStack() : ns_("t" + NewUuid().substr(0, 8)) {}

ServiceTestStack::~ServiceTestStack() {
  for (auto name = started_.rbegin(); name != started_.rend(); ++name) {
    auto it = services_.find(*name);
    if (it == services_.end() || it->second.empty()) continue;
    it->second.pop_back();
  }
}

std::string ServiceTestStack::Topic(absl::string_view topic) const {
  return absl::StrCat(ns_, ".", topic);
}

std::string ServiceTestStack::StateKeys(absl::string_view service) const {
  return absl::StrCat(ns_, ":lov:", service, ":*");
}

const TestIssuer& ServiceTestStack::issuer() const { return Issuer(); }

absl::Status ServiceTestStack::Start(const std::string& service,
                                     std::vector<std::string> flags) {
  const std::string binary = absl::StrCat("services/", service, "/", service);
  flags.insert(flags.begin(), "--namespace=" + ns_);
  auto process = std::make_unique<ServiceProcess>(binary, std::move(flags));
  absl::Status started = process->Start();
  if (!started.ok()) {
    // ServiceProcess's error holds the log already.
    return absl::Status(started.code(),
                        absl::StrCat(binary, " (replica ", replicas(service),
                                     ") did not start: ", started.message()));
  }
  services_[service].push_back(std::move(process));
  started_.push_back(service);
  return absl::OkStatus();
}

void ServiceTestStack::Stop(const std::string& service) {
  services_.erase(service);
  std::erase(started_, service);
}

int ServiceTestStack::replicas(const std::string& service) const {
  auto it = services_.find(service);
  return it == services_.end() ? 0 : static_cast<int>(it->second.size());
}

ServiceProcess& ServiceTestStack::process(const std::string& service,
                                          int replica) const {
  auto it = services_.find(service);
  if (it == services_.end() || replica < 0 ||
      replica >= static_cast<int>(it->second.size())) {
    std::fprintf(stderr,
                 "ServiceTestStack: replica %d of service \"%s\" was never "
                 "started (%d running)\n",
                 replica, service.c_str(), replicas(service));
    std::abort();
  }
  return *it->second[replica];
}

std::shared_ptr<grpc::Channel> ServiceTestStack::Channel(
    const std::string& service, int replica) const {
  return process(service, replica).Channel();
}

}  // namespace lov::testing
