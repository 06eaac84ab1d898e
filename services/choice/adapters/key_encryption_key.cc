#include "lov/choice/adapters/key_encryption_key.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lov/choice/app/personnummer_vault.h"

namespace lov::choice {
namespace {

bool IsHexKey(const std::string& text) {
  if (text.size() != 2 * PersonnummerVault::kKeyBytes) return false;
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string ReadKeyEncryptionKey(Config& config) {
  const std::string flag = PersonnummerVault::kFlag;
  const std::string file = config.String(flag, "");
  const std::string where =
      absl::StrCat("--", flag, " / ", Config::EnvName(flag));
  if (file.empty()) {
    config.AddError(absl::StrCat(
        where,
        ": a file with the personnummer key-encryption key is required (64 "
        "hex digits, e.g. `openssl rand -hex 32`, from a Secret in "
        "Kubernetes)"));
    return "";
  }
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    config.AddError(absl::StrCat(where, ": cannot read ", file));
    return "";
  }
  const std::string hex(absl::StripAsciiWhitespace(text.str()));
  if (!IsHexKey(hex)) {
    config.AddError(absl::StrCat(where, ": ", file, " must hold exactly ",
                                 2 * PersonnummerVault::kKeyBytes,
                                 " hex digits (`openssl rand -hex 32`)"));
    return "";
  }
  std::string key = absl::HexStringToBytes(hex);
  if (key == PersonnummerVault::kDevelopmentKey) {
    config.AddError(absl::StrCat(
        where, ": ", file, " holds the built-in development key; make one"));
  }
  return key;
}

}  // namespace lov::choice
