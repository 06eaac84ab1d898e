#include "lov/choice/app/personnummer_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lov/platform/log.h"

namespace lov::choice {

PersonnummerKey PersonnummerKey::FromSetting(std::string key) {
  if (key == kDevelopmentKey) {
    log::Warn(
        "using the development personnummer key; set LOV_PNR_HMAC_KEY in "
        "production");
  }
  return PersonnummerKey(std::move(key));
}

std::string PersonnummerKey::Hmac(
    const std::string& normalized_personnummer) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(normalized_personnummer.data()),
       normalized_personnummer.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

}  // namespace lov::choice
