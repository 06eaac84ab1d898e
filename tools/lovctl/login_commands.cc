// lovctl login: signs a person in. With --issuer at the municipality's
// identity provider (OIDC, device authorization grant: device_login.h);
// without it a development sign-in with the local development issuer's key
// (made by `make run`), never for production.
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli.h"
#include "device_login.h"
#include "lov/platform/auth/dev_issuer.h"
#include "lov/platform/clock.h"
#include "token_file.h"

namespace lov::cli {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// The token goes to LOV_TOKEN_FILE only: a real identity provider's token is
// never printed.
absl::Status LoginAtIssuer(Context& ctx, Args& args) {
  for (const char* dev_only : {"role", "provider", "subject", "org", "lifetime",
                               "issuer-key", "write-jwks"}) {
    if (args.Has(dev_only)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", dev_only,
          ": only for the development issuer; with --issuer the identity "
          "provider's token says who you are"));
    }
  }
  DeviceLoginSettings settings;
  settings.issuer = args.Get("issuer");
  settings.client_id = args.Get("client-id", Env("LOV_OIDC_CLIENT_ID").empty()
                                                 ? "lovctl"
                                                 : Env("LOV_OIDC_CLIENT_ID"));
  settings.scope = args.Get("scope", "openid");
  settings.audience = args.Get("audience", "lov");
  settings.ca_file = args.Get("issuer-ca", Env("LOV_OIDC_CA_FILE"));
  settings.token_file = Env("LOV_TOKEN_FILE");
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (settings.token_file.empty()) {
    return absl::InvalidArgumentError(
        "--issuer: set LOV_TOKEN_FILE to the file where lovctl keeps the "
        "token (the other commands read it there)");
  }
  return DeviceLogin(settings, *ctx.out);
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
  if (args.Has("issuer")) return LoginAtIssuer(ctx, args);
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
     "sign in at the identity provider (--issuer) or, in development, with "
     "the local dev issuer",
     "  --issuer URL           sign in at this OIDC identity provider: a\n"
     "                         code to approve in a browser (device\n"
     "                         authorization grant); the token, checked as\n"
     "                         the services check it, goes to LOV_TOKEN_FILE\n"
     "                         (required, mode 0600) and is never printed;\n"
     "                         a refresh token from the identity provider\n"
     "                         is kept there too, and every later command\n"
     "                         renews the token with it when it expires\n"
     "                         within a minute\n"
     "  --client-id ID         lovctl's client id at the identity provider\n"
     "                         (LOV_OIDC_CLIENT_ID, default lovctl)\n"
     "  --scope SCOPE          scopes asked for (default openid)\n"
     "  --audience AUD         the audience the services check (default lov)\n"
     "  --issuer-ca FILE       the identity provider's CA (LOV_OIDC_CA_FILE;\n"
     "                         default the system's CAs)\n"
     "Without --issuer, development sign-in with the local dev issuer:\n"
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
