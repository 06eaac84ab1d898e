// The OpenID Connect authorization code flow with PKCE (RFC 7636, S256), as
// a web application signs a person in: send the browser to the identity
// provider's authorization_endpoint with a state, a nonce and a code
// challenge; at the callback exchange the code (with the verifier) at the
// token_endpoint; check the ID token (signature, issuer, audience = the
// client id, expiry: TokenVerifier) and that its nonce is the one sent.

#ifndef LOV_PLATFORM_AUTH_AUTHORIZATION_CODE_H_
#define LOV_PLATFORM_AUTH_AUTHORIZATION_CODE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lov/platform/auth/device_grant.h"
#include "lov/platform/auth/oidc_http.h"

namespace lov::auth {

// 32 random bytes (OpenSSL RAND_bytes), base64url: 43 characters, fit for a
// state, a nonce or a PKCE code verifier.
std::string RandomUrlToken();

// BASE64URL(SHA256(verifier)), the S256 code challenge.
std::string PkceChallenge(std::string_view verifier);

struct AuthorizationRequest {
  std::string authorization_endpoint;
  std::string client_id;
  std::string redirect_uri;
  std::string scope;  // e.g. "openid"
  std::string state;
  std::string nonce;
  std::string code_verifier;  // only its challenge goes in the URL
};

// The URL to send the browser to: response_type=code, the fields above
// percent-encoded, code_challenge_method=S256.
std::string AuthorizationUrl(const AuthorizationRequest& request);

// The token request of the callback (grant_type=authorization_code).
FormFields CodeExchangeForm(std::string_view code,
                            const AuthorizationRequest& request);

// The token endpoint's answer to it: the ID token is required.
// UNAUTHENTICATED with the provider's error code for a refusal (never the
// code or a token).
absl::StatusOr<TokenSet> ReadCodeExchange(const HttpAnswer& answer);

// OK when the (already verified) ID token's "nonce" claim is `expected`;
// UNAUTHENTICATED otherwise (a replayed or injected token).
absl::Status CheckNonce(std::string_view id_token, std::string_view expected);

}  // namespace lov::auth

#endif  // LOV_PLATFORM_AUTH_AUTHORIZATION_CODE_H_
