#include "lov/platform/secret_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/str_cat.h"

namespace lov {

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

std::string ReadSecretKey(Config& config, const std::string& flag,
                          const std::string& development_key) {
  const std::string key = config.String(flag, "");
  const std::string where =
      absl::StrCat("--", flag, " / ", Config::EnvName(flag));
  if (key.empty()) {
    config.AddError(absl::StrCat(
        where,
        ": a secret key is required (e.g. `openssl rand -hex 32`, from a "
        "Secret in Kubernetes)"));
  } else if (key.size() < kMinSecretKeyLength) {
    config.AddError(absl::StrCat(where, ": the key must have at least ",
                                 kMinSecretKeyLength, " characters"));
  } else if (key == development_key) {
    config.AddError(absl::StrCat(
        where, ": is the built-in development key; set a secret one"));
  }
  return key;
}

}  // namespace lov
