#include "lov/choice/app/personnummer_key.h"

#include "lov/platform/secret_key.h"

namespace lov::choice {

std::string PersonnummerKey::Hmac(
    const std::string& normalized_personnummer) const {
  return HmacSha256Hex(key_, normalized_personnummer);
}

}  // namespace lov::choice
