#include "lov/console/app/dashboard_sign_in.h"

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lov/console/domain/dashboard_access.h"
#include "lov/platform/auth/jose.h"
#include "lov/platform/log.h"
#include "nlohmann/json.hpp"

namespace lov::console {
namespace {

// The "exp" of a token the verifier has accepted (so it is there, signed
// and in the future).
absl::StatusOr<absl::Time> Expiry(std::string_view bearer) {
  absl::string_view token(bearer.data(), bearer.size());
  absl::ConsumePrefix(&token, "Bearer ");
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::optional<std::string> payload =
      parts.size() == 3 ? auth::jose::Base64UrlDecode(parts[1]) : std::nullopt;
  nlohmann::json claims = nlohmann::json::parse(payload.value_or(""), nullptr,
                                                /*allow_exceptions=*/false);
  if (!claims.is_object() || !claims["exp"].is_number()) {
    return absl::UnauthenticatedError("the token has no expiry (exp)");
  }
  return absl::FromUnixSeconds(claims["exp"].get<int64_t>());
}

void LogAttempt(std::string_view remote, const absl::Status& outcome,
                const auth::Principal* who) {
  const std::string principal =
      who == nullptr ? "" : auth::DescribeForLog(*who);
  if (outcome.ok()) {
    log::Info("dashboard sign-in", {{"outcome", "signed in"},
                                    {"principal", principal},
                                    {"remote", remote}});
  } else {
    log::Warn(
        "dashboard sign-in refused",
        {{"outcome", outcome}, {"principal", principal}, {"remote", remote}});
  }
}

}  // namespace

DashboardSignIn::DashboardSignIn(
    std::shared_ptr<const auth::BearerVerifier> verifier,
    SessionTable* sessions)
    : verifier_(std::move(verifier)), sessions_(sessions) {}

absl::StatusOr<std::string> DashboardSignIn::SignIn(std::string_view token,
                                                    std::string_view remote) {
  if (verifier_ == nullptr) {
    const absl::Status none = absl::UnauthenticatedError(
        "the console has no identity provider configured: nobody can sign "
        "in");
    LogAttempt(remote, none, nullptr);
    return none;
  }
  absl::StatusOr<auth::Principal> who = verifier_->Verify(token);
  absl::StatusOr<std::string> id =
      who.ok() ? OpenSession(*who, token, /*keep_id_token=*/false)
               : absl::StatusOr<std::string>(who.status());
  LogAttempt(remote, id.status(), who.ok() ? &*who : nullptr);
  return id;
}

absl::StatusOr<std::string> DashboardSignIn::SignInVerified(
    const absl::StatusOr<auth::Principal>& who, std::string_view token,
    std::string_view remote) {
  if (!who.ok()) {
    LogAttempt(remote, who.status(), nullptr);
    return who.status();
  }
  absl::StatusOr<std::string> id =
      OpenSession(*who, token, /*keep_id_token=*/true);
  LogAttempt(remote, id.status(), &*who);
  return id;
}

absl::StatusOr<std::string> DashboardSignIn::OpenSession(
    const auth::Principal& who, std::string_view token, bool keep_id_token) {
  if (absl::Status s = MayOpenDashboard(who); !s.ok()) return s;
  absl::StatusOr<absl::Time> until = Expiry(token);
  if (!until.ok()) return until.status();
  return sessions_->Open(who, *until,
                         keep_id_token ? std::string(token) : std::string());
}

absl::StatusOr<auth::Principal> DashboardSignIn::Check(
    std::string_view session_id) {
  std::optional<DashboardSession> s = sessions_->Find(session_id);
  if (!s.has_value()) {
    return absl::UnauthenticatedError(
        "not signed in, or the session has ended");
  }
  return s->principal;
}

std::string DashboardSignIn::SignOut(std::string_view session_id) {
  std::optional<DashboardSession> closed = sessions_->Close(session_id);
  return closed.has_value() ? closed->id_token : "";
}

}  // namespace lov::console
