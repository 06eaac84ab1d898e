// Where lovctl keeps a sign-in: the file LOV_TOKEN_FILE, which every command
// reads (SignInToken in cli.h). Its first line is the bearer token; after a
// `lovctl login --issuer` whose identity provider handed out a refresh token,
// further lines `name=value` say how to renew it (RefreshSignIn in
// device_login.h). Only the owner may read the file (0600): it holds
// credentials.

#ifndef LOV_TOOLS_LOVCTL_TOKEN_FILE_H_
#define LOV_TOOLS_LOVCTL_TOKEN_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace lov::cli {

struct StoredSignIn {
  std::string token;  // the bearer token every call carries
  // Empty unless the identity provider gave one at `lovctl login --issuer`;
  // then the rest say where and as whom it is renewed.
  std::string refresh_token;
  std::string issuer;
  std::string client_id;
  std::string audience;
  std::string ca_file;  // the IdP's CA; empty: the system's CAs
};

// Writes the sign-in, mode 0600, replacing the file as a whole (a new file
// renamed over the old one, so a command reading it at the same moment
// never sees half of it, and a file that others could read is gone).
absl::Status WriteTokenFile(const std::string& path, const StoredSignIn& saved);
// Just a token (the development sign-in): no refresh lines.
absl::Status WriteTokenFile(const std::string& path, const std::string& token);

// The file's sign-in; NotFound when there is no file, the token alone for
// a file of one line (what the development sign-in and older lovctl wrote).
absl::StatusOr<StoredSignIn> ReadTokenFile(const std::string& path);

}  // namespace lov::cli

#endif  // LOV_TOOLS_LOVCTL_TOKEN_FILE_H_
