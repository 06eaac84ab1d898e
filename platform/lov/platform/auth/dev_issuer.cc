#include "lov/platform/auth/dev_issuer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "lov/platform/ids.h"
#include "nlohmann/json.hpp"

namespace lov::auth {
namespace {

using json = nlohmann::json;

absl::Status FileError(std::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat("development issuer: cannot ",
                                          std::string(what), " ", path, ": ",
                                          std::strerror(errno)));
}

// Writes `content` to a file that must not exist yet, with `mode`.
absl::Status WriteNewFile(const std::string& path, std::string_view content,
                          mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) return FileError("create", path);
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n =
        ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return FileError("write", path);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return FileError("write", path);
  return absl::OkStatus();
}

std::string TempPathBeside(const std::string& path) {
  return absl::StrCat(path, ".tmp-", NewUuid());
}

}  // namespace

absl::StatusOr<DevIssuer> DevIssuer::Generate(const Clock* clock) {
  cjose_err err{};
  jose::JwkPtr key(cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err));
  const std::string kid = absl::StrCat("lov-dev-", NewUuid());
  if (key == nullptr ||
      !cjose_jwk_set_kid(key.get(), kid.data(), kid.size(), &err)) {
    return absl::InternalError(absl::StrCat(
        "development issuer: cannot make a key: ",
        err.message != nullptr ? err.message : "unknown cjose error"));
  }
  return DevIssuer(std::move(key), kid, clock);
}

absl::StatusOr<DevIssuer> DevIssuer::Load(const std::string& path,
                                          const Clock* clock) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) {
      return absl::NotFoundError(
          absl::StrCat("development issuer: no key file ", path));
    }
    return FileError("read", path);
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("development issuer: the key file ", path,
                     " may be read by others (chmod 600 it)"));
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return FileError("read", path);
  json jwk = json::parse(text.str(), nullptr, false);
  const bool p256_private =
      jwk.is_object() && jwk.value("kty", json()) == "EC" &&
      jwk.value("crv", json()) == "P-256" && jwk.contains("d") &&
      jwk.value("kid", json()).is_string();
  absl::StatusOr<jose::JwkPtr> key = p256_private
                                         ? jose::ImportJwk(text.str())
                                         : absl::InvalidArgumentError(
                                               "not a private EC P-256 JWK "
                                               "with a kid");
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "development issuer: ", path, ": ", key.status().message()));
  }
  return DevIssuer(*std::move(key), jwk["kid"].get<std::string>(), clock);
}

absl::StatusOr<DevIssuer> DevIssuer::LoadOrCreate(const std::string& path,
                                                  const Clock* clock) {
  absl::StatusOr<DevIssuer> existing = Load(path, clock);
  if (!absl::IsNotFound(existing.status())) return existing;
  absl::StatusOr<DevIssuer> fresh = Generate(clock);
  if (!fresh.ok()) return fresh;
  absl::StatusOr<std::string> private_jwk =
      jose::ExportJwk(fresh->key_.get(), /*include_private=*/true);
  if (!private_jwk.ok()) return private_jwk.status();
  // Written whole under a temporary name, then linked into place: link()
  // fails if another process got there first, and then its key is the key.
  const std::string temp = TempPathBeside(path);
  if (absl::Status s = WriteNewFile(temp, *private_jwk, 0600); !s.ok()) {
    return s;
  }
  const bool linked = ::link(temp.c_str(), path.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked) return fresh;
  if (link_errno == EEXIST) return Load(path, clock);
  errno = link_errno;
  return FileError("create", path);
}

std::string DevIssuer::PublicJwks() const {
  absl::StatusOr<std::string> public_jwk =
      jose::ExportJwk(key_.get(), /*include_private=*/false);
  json jwk = json::parse(public_jwk.value_or("{}"), nullptr, false);
  jwk["use"] = "sig";
  jwk["alg"] = "ES256";
  return json{{"keys", json::array({jwk})}}.dump();
}

absl::Status DevIssuer::WritePublicJwks(const std::string& path) const {
  const std::string temp = TempPathBeside(path);
  if (absl::Status s = WriteNewFile(temp, PublicJwks(), 0644); !s.ok()) {
    return s;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return FileError("write", path);
  }
  return absl::OkStatus();
}

VerifierOptions DevIssuer::TrustOptions() {
  VerifierOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  return options;
}

absl::StatusOr<std::string> DevIssuer::Issue(v1::Role role,
                                             std::string_view subject,
                                             std::string_view organisation,
                                             std::string_view provider_id,
                                             absl::Duration lifetime) const {
  Principal principal{.subject = std::string(subject),
                      .role = role,
                      .organisation = std::string(organisation),
                      .provider_id = std::string(provider_id)};
  if (absl::Status valid = ValidatePrincipal(principal); !valid.ok()) {
    return valid;
  }
  if (lifetime <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the token lifetime must be positive");
  }
  const ClaimNames names;
  const int64_t now = absl::ToUnixSeconds(clock_->Now());
  json claims = {{"iss", kIssuer},
                 {"aud", kAudience},
                 {"sub", principal.subject},
                 {names.role, RoleName(role)},
                 {"iat", now},
                 {"nbf", now},
                 {"exp", now + absl::ToInt64Seconds(lifetime)},
                 {"jti", NewUuid()}};
  if (!principal.organisation.empty()) {
    claims[names.organisation] = principal.organisation;
  }
  if (!principal.provider_id.empty()) {
    claims[names.provider_id] = principal.provider_id;
  }
  return SignClaims(claims.dump());
}

absl::StatusOr<std::string> DevIssuer::SignClaims(
    std::string_view claims_json) const {
  return jose::SignCompact(key_.get(), "ES256", kid_, claims_json);
}

}  // namespace lov::auth
