#ifndef LOV_SERVICES_CHOICE_ADAPTERS_KEY_ENCRYPTION_KEY_H_
#define LOV_SERVICES_CHOICE_ADAPTERS_KEY_ENCRYPTION_KEY_H_

#include <string>

#include "lov/platform/config.h"

namespace lov::choice {

// The key-encryption key of the clients' data keys (PersonnummerVault), as
// its 32 bytes, from the file --pnr-encryption-key-file /
// LOV_PNR_ENCRYPTION_KEY_FILE names (a mounted Secret in Kubernetes): 64 hex
// digits, as `openssl rand -hex 32` writes them. Like lov::ReadSecretKey: no
// file, an unreadable file, another content, or the development key are
// configuration errors naming the flag, the variable and the file (never
// the content). The development key is PersonnummerVault::kDevelopmentKey,
// which is in the source and so refused.
std::string ReadKeyEncryptionKey(Config& config);

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_ADAPTERS_KEY_ENCRYPTION_KEY_H_
