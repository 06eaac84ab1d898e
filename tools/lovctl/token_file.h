// Where lovctl keeps a sign-in token: the file LOV_TOKEN_FILE, which every
// command reads (SignInToken in cli.h).

#ifndef LOV_TOOLS_LOVCTL_TOKEN_FILE_H_
#define LOV_TOOLS_LOVCTL_TOKEN_FILE_H_

#include <string>

#include "absl/status/status.h"

namespace lov::cli {

// Writes the token and a newline, mode 0600 (only the owner may read a
// credential, also when the file was there before with wider rights).
absl::Status WriteTokenFile(const std::string& path, const std::string& token);

}  // namespace lov::cli

#endif  // LOV_TOOLS_LOVCTL_TOKEN_FILE_H_
