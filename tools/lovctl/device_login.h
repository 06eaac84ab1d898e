// lovctl login --issuer: signs a person in at the municipality's identity
// provider with the OAuth 2.0 Device Authorization Grant (RFC 8628) and
// keeps the token where every other command reads it (LOV_TOKEN_FILE).

#ifndef LOV_TOOLS_LOVCTL_DEVICE_LOGIN_H_
#define LOV_TOOLS_LOVCTL_DEVICE_LOGIN_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lov/platform/clock.h"

namespace lov::cli {

struct DeviceLoginSettings {
  std::string issuer;      // the IdP's issuer URL (discovery starts there)
  std::string client_id;   // lovctl's client registration at the IdP
  std::string scope;       // e.g. "openid"
  std::string audience;    // what the services check ("aud")
  std::string ca_file;     // the IdP's CA; empty: the system's CAs
  std::string token_file;  // where the token goes (mode 0600)
  absl::Duration clock_skew = absl::Seconds(60);
};

// Discovery, the device authorization (the code and the link are printed on
// `out`), polling, then the access token verified as the services verify it
// (the IdP's JWKS, issuer, audience, expiry) before it is written. Nothing
// is written on any refusal; no message holds a token or the device code.
// When the identity provider also hands out a refresh token, it is kept in
// the same file (never printed), with what RefreshSignIn needs to renew.
absl::Status DeviceLogin(const DeviceLoginSettings& settings,
                         std::ostream& out);

// Before a command's calls: when `token_file` holds a refresh token and its
// token has expired or expires within `margin`, renews it at the identity
// provider's token endpoint (grant_type=refresh_token, RFC 6749 6), checks
// the new token as DeviceLogin does and rewrites the file (a new refresh
// token, if one came, replaces the old). OK when there was nothing to do,
// and when the IdP cannot be reached while the token is still valid. A
// refusal (the refresh token expired or was revoked) is UNAUTHENTICATED
// asking to run `lovctl login --issuer ...` again; the file is left as it
// was. No message holds a token.
absl::Status RefreshSignIn(const std::string& token_file, absl::Duration margin,
                           const Clock* clock);

}  // namespace lov::cli

#endif  // LOV_TOOLS_LOVCTL_DEVICE_LOGIN_H_
