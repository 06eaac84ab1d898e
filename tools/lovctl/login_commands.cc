// lovctl login: a development sign-in. Signs a token with the local
// development issuer's key (made by `make run`); never for production, where
// the municipality's identity provider issues the tokens.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli.h"
#include "lov/platform/auth/dev_issuer.h"
#include "lov/platform/clock.h"

namespace lov::cli {
namespace {

// Only the owner may read the token: it is a credential.
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

absl::StatusOr<auth::DevIssuer> Issuer(const std::string& key_path, bool create,
                                       const Clock* clock) {
  if (key_path.empty()) {
    return absl::InvalidArgumentError(
        "no development issuer key: pass --issuer-key FILE or set "
        "LOV_DEV_ISSUER_KEY");
  }
  return create ? auth::DevIssuer::LoadOrCreate(key_path, clock)
                : auth::DevIssuer::Load(key_path, clock);
}

absl::Status Login(Context& ctx, Args& args) {
  const char* env_key = std::getenv("LOV_DEV_ISSUER_KEY");
  const std::string key_path =
      args.Get("issuer-key", env_key != nullptr ? env_key : "");
  const std::string jwks_path = args.Get("write-jwks");
  const std::string role_name =
      jwks_path.empty() ? args.Required("role") : args.Get("role");
  const std::string provider = args.Get("provider");
  const std::string subject =
      args.Get("subject", absl::StrCat("SE0000000000-dev-", role_name));
  const std::string org = args.Get("org", "dev-municipality");
  absl::Duration lifetime;
  if (!absl::ParseDuration(args.Get("lifetime", "8h"), &lifetime)) {
    return absl::InvalidArgumentError("--lifetime: not a duration like 8h");
  }
  if (absl::Status s = args.Check(); !s.ok()) return s;
  SystemClock clock;
  absl::StatusOr<auth::DevIssuer> issuer =
      Issuer(key_path, !jwks_path.empty(), &clock);
  if (!issuer.ok()) return issuer.status();
  if (!jwks_path.empty()) {
    if (absl::Status s = issuer->WritePublicJwks(jwks_path); !s.ok()) return s;
    if (role_name.empty()) return absl::OkStatus();
  }
  absl::StatusOr<auth::v1::Role> role = ParseRole(role_name);
  if (!role.ok()) return role.status();
  absl::StatusOr<std::string> token =
      issuer->Issue(*role, subject, org, provider, lifetime);
  if (!token.ok()) return token.status();
  if (const char* file = std::getenv("LOV_TOKEN_FILE"); file && *file) {
    if (absl::Status s = WriteTokenFile(file, *token); !s.ok()) return s;
  }
  *ctx.out << *token << "\n";
  return absl::OkStatus();
}

const Registrar registrar({
    {"login", "",
     "development sign-in: print a token signed by the local dev issuer",
     "  --role ROLE            case_officer, registry_officer, provider,\n"
     "                         finance, operator, auditor or service\n"
     "  --provider ID          the provider id (only, and required, with\n"
     "                         --role provider): the token's scope\n"
     "  --subject HSA_ID       who signs in (default "
     "SE0000000000-dev-<role>)\n"
     "  --org ORG              organisation (default dev-municipality)\n"
     "  --lifetime DURATION    how long the token is valid (default 8h)\n"
     "  --issuer-key FILE      the issuer's private key (LOV_DEV_ISSUER_KEY)\n"
     "  --write-jwks FILE      write the issuer's public key set (what the\n"
     "                         services trust) to FILE, making the key first\n"
     "                         if FILE of --issuer-key does not exist; --role\n"
     "                         is then optional\n"
     "The token is printed; with LOV_TOKEN_FILE set it is also written there\n"
     "(mode 0600).",
     Login},
});

}  // namespace
}  // namespace lov::cli
