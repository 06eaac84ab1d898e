#ifndef LOV_TESTS_SUPPORT_TEST_SIGN_IN_H_
#define LOV_TESTS_SUPPORT_TEST_SIGN_IN_H_

// Sign-in for the tests that drive services as processes: the services run
// with sign-in on, as in production (ServiceProcess gives them
// SignInFlags()), trusting one development issuer per test binary
// (Issuer()), and the test's calls carry its tokens:
//   - by default a channel from ServiceProcess::Channel() signs each call
//     for a role that the called RPC's policy allows, read from the RPC's
//     proto option with the platform's own access_policy code, so the real
//     check runs and no policy is loosened (DefaultCaller);
//   - a test about a role signs its call in itself (SignIn): a call that
//     already carries an authorization header is left as it is.

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lov/auth/v1/policy.pb.h"
#include "lov/platform/grpc_channel.h"
#include "test_issuer.h"

namespace lov::testing {

// The development issuer every ServiceProcess of this test binary trusts
// (made on first use, its key in the test's temporary directory).
const TestIssuer& Issuer();

// A service's flags to trust Issuer() only and let nobody in without a
// credential: --oidc-jwks-file, --oidc-issuer, --oidc-audience.
std::vector<std::string> SignInFlags();

// Who a call is made as when the test names nobody.
struct Caller {
  auth::v1::Role role = auth::v1::ROLE_UNSPECIFIED;
  std::string provider_id;  // ROLE_PROVIDER only
};

// The caller for a call of `method` ("/lov.registry.v1.RegistryService/
// GetProvider") with `request` (nullptr when not known yet, as for the first
// message of a stream): the first role of the method's policy that is a
// person's other than provider; else a provider, scoped to the one provider
// the request names in the policy's provider field; else the service role.
// NotFound for a method without policy (e.g. the health check), which gets
// no token; FailedPrecondition, naming the field, when only a provider may
// call and the request names no single provider.
absl::StatusOr<Caller> DefaultCaller(absl::string_view method,
                                     const google::protobuf::Message* request);

// A token of Issuer() for `role` (a provider's: `provider_id`), with
// `subject` as the caller's HSA-id ("" for "SE2321000016-test-<role>").
std::string TokenOf(auth::v1::Role role, const std::string& provider_id = "",
                    const std::string& subject = "");

// Signs `context` in as `role` with a token of Issuer(): for tests about a
// role or about the actor recorded from the credential.
void SignIn(grpc::ClientContext* context, auth::v1::Role role,
            const std::string& provider_id = "",
            const std::string& subject = "");

// A TLS channel to `target` as OpenChannel makes it, whose calls without an
// authorization header are signed in as DefaultCaller says.
std::shared_ptr<grpc::Channel> SignedInChannel(const std::string& target,
                                               const ClientTls& tls);

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_TEST_SIGN_IN_H_
