#include "test_sign_in.h"

#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/support/interceptor.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "lov/platform/access_policy.h"

namespace lov::testing {
namespace {

using grpc::experimental::InterceptionHookPoints;

bool IsPerson(auth::v1::Role role) {
  return role != auth::v1::ROLE_UNSPECIFIED &&
         role != auth::v1::ROLE_PROVIDER && role != auth::v1::ROLE_SERVICE;
}

// Signs each call that carries no authorization header yet as DefaultCaller
// says; the request is known for a unary call (sent in the same batch as
// the headers), not for a stream's first message.
class SignInInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit SignInInterceptor(grpc::experimental::ClientRpcInfo* info)
      : method_(info->method()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* batch) override {
    if (batch->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* headers =
          batch->GetSendInitialMetadata();
      if (headers->find("authorization") == headers->end()) {
        const google::protobuf::Message* request = nullptr;
        if (batch->QueryInterceptionHookPoint(
                InterceptionHookPoints::PRE_SEND_MESSAGE)) {
          request = static_cast<const google::protobuf::Message*>(
              batch->GetSendMessage());
        }
        absl::StatusOr<Caller> caller = DefaultCaller(method_, request);
        if (caller.ok()) {
          headers->emplace(
              "authorization",
              "Bearer " + TokenOf(caller->role, caller->provider_id));
        } else if (caller.status().code() != absl::StatusCode::kNotFound) {
          // The call goes out without a token and is refused
          // UNAUTHENTICATED; this says why.
          std::cerr << "test sign-in: " << method_
                    << " not signed in: " << caller.status().message()
                    << " (sign the call in with lov::testing::SignIn)\n";
        }
      }
    }
    batch->Proceed();
  }

 private:
  std::string method_;
};

class SignInInterceptorFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new SignInInterceptor(info);
  }
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

const TestIssuer& Issuer() {
  static const TestIssuer* issuer = [] {
    absl::StatusOr<std::unique_ptr<TestIssuer>> made = TestIssuer::Make();
    if (!made.ok()) {
      std::cerr << "the tests' development issuer: " << made.status() << "\n";
      std::abort();
    }
    return made->release();
  }();
  return *issuer;
}

std::vector<std::string> SignInFlags() { return Issuer().TrustFlags(); }

absl::StatusOr<Caller> DefaultCaller(absl::string_view method,
                                     const google::protobuf::Message* request) {
  const auth::v1::Policy* policy = PolicyOf(method);
  if (policy == nullptr) {
    return absl::NotFoundError(absl::StrCat(method, " has no policy"));
  }
  std::vector<auth::v1::Role> roles;
  for (int r : policy->roles()) roles.push_back(auth::v1::Role(r));
  for (auth::v1::Role role : roles) {
    if (IsPerson(role)) return Caller{.role = role};
  }
  auto allows = [&roles](auth::v1::Role role) {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  };
  if (allows(auth::v1::ROLE_PROVIDER)) {
    if (policy->provider_field().empty()) {
      return Caller{.role = auth::v1::ROLE_PROVIDER, .provider_id = "prv-test"};
    }
    std::set<std::string> named;
    if (request != nullptr) {
      for (std::string& p : FieldValues(*request, policy->provider_field())) {
        named.insert(std::move(p));
      }
    }
    if (named.size() == 1) {
      return Caller{.role = auth::v1::ROLE_PROVIDER,
                    .provider_id = *named.begin()};
    }
    if (!allows(auth::v1::ROLE_SERVICE)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "only a provider may call it, and the request names ",
          request == nullptr ? "no provider yet (a stream)"
                             : absl::StrCat(named.size(), " providers in ",
                                            policy->provider_field()),
          ", not one"));
    }
  }
  if (allows(auth::v1::ROLE_SERVICE)) {
    return Caller{.role = auth::v1::ROLE_SERVICE};
  }
  return absl::FailedPreconditionError(
      absl::StrCat(method, ": nobody may call it"));
}

std::string TokenOf(auth::v1::Role role, const std::string& provider_id,
                    const std::string& subject) {
  return Issuer().Token(role, provider_id, subject);
}

void SignIn(grpc::ClientContext* context, auth::v1::Role role,
            const std::string& provider_id, const std::string& subject) {
  context->AddMetadata("authorization",
                       "Bearer " + TokenOf(role, provider_id, subject));
}

std::shared_ptr<grpc::Channel> SignedInChannel(const std::string& target,
                                               const ClientTls& tls) {
  grpc::SslCredentialsOptions pem;
  pem.pem_root_certs = ReadFile(tls.ca_file);
  if (!tls.cert_file.empty()) {
    pem.pem_cert_chain = ReadFile(tls.cert_file);
    pem.pem_private_key = ReadFile(tls.key_file);
  }
  grpc::ChannelArguments args;
  if (!tls.server_name.empty()) args.SetSslTargetNameOverride(tls.server_name);
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(std::make_unique<SignInInterceptorFactory>());
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      target, grpc::SslCredentials(pem), args, std::move(interceptors));
}

}  // namespace lov::testing
