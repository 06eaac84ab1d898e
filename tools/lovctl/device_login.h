// lovctl login --issuer: signs a person in at the municipality's identity
// provider with the OAuth 2.0 Device Authorization Grant (RFC 8628) and
// keeps the token where every other command reads it (LOV_TOKEN_FILE).

#ifndef LOV_TOOLS_LOVCTL_DEVICE_LOGIN_H_
#define LOV_TOOLS_LOVCTL_DEVICE_LOGIN_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

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
absl::Status DeviceLogin(const DeviceLoginSettings& settings,
                         std::ostream& out);

}  // namespace lov::cli

#endif  // LOV_TOOLS_LOVCTL_DEVICE_LOGIN_H_
