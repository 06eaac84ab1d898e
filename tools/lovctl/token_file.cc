#include "token_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace lov::cli {
namespace {

// The lines after the token, in this order; a value never holds a newline.
std::vector<std::pair<const char*, std::string StoredSignIn::*>> Fields() {
  return {{"refresh_token", &StoredSignIn::refresh_token},
          {"issuer", &StoredSignIn::issuer},
          {"client_id", &StoredSignIn::client_id},
          {"audience", &StoredSignIn::audience},
          {"ca_file", &StoredSignIn::ca_file}};
}

}  // namespace

absl::Status WriteTokenFile(const std::string& path,
                            const StoredSignIn& saved) {
  std::string text = saved.token + "\n";
  if (!saved.refresh_token.empty()) {
    for (const auto& [name, field] : Fields()) {
      absl::StrAppend(&text, name, "=", saved.*field, "\n");
    }
  }
  const std::string fresh = absl::StrCat(path, ".new.", ::getpid());
  const int fd = ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  bool ok = fd >= 0 && ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) ==
                static_cast<ssize_t>(text.size());
  if (fd >= 0 && ::close(fd) != 0) ok = false;
  if (ok) ok = std::rename(fresh.c_str(), path.c_str()) == 0;
  if (!ok) {
    ::unlink(fresh.c_str());
    return absl::PermissionDeniedError(
        absl::StrCat("LOV_TOKEN_FILE: cannot write ", path));
  }
  return absl::OkStatus();
}

absl::Status WriteTokenFile(const std::string& path, const std::string& token) {
  return WriteTokenFile(path, StoredSignIn{.token = token});
}

absl::StatusOr<StoredSignIn> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("LOV_TOKEN_FILE: no file ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  StoredSignIn saved;
  bool first = true;
  for (absl::string_view line : absl::StrSplit(text.str(), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (first) {
      if (line.empty()) continue;
      saved.token = std::string(line);
      first = false;
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    for (const auto& [name, field] : Fields()) {
      if (line.substr(0, eq) == name) {
        saved.*field = std::string(line.substr(eq + 1));
      }
    }
  }
  return saved;
}

}  // namespace lov::cli
