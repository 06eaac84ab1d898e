#include "token_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace lov::cli {

absl::Status WriteTokenFile(const std::string& path, const std::string& token) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const std::string line = token + "\n";
  const bool ok = fd >= 0 && ::fchmod(fd, 0600) == 0 &&
                  ::write(fd, line.data(), line.size()) ==
                      static_cast<ssize_t>(line.size());
  if (fd >= 0 && ::close(fd) != 0) return absl::InternalError("close failed");
  if (!ok) {
    return absl::PermissionDeniedError(
        absl::StrCat("LOV_TOKEN_FILE: cannot write ", path));
  }
  return absl::OkStatus();
}

}  // namespace lov::cli
