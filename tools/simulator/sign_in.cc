// Signing in as the people and systems of the demo: short-lived tokens of
// the development issuer that `make run` makes, one per role, and one per
// provider for the providers' time-reporting systems.
#include <chrono>

#include "absl/strings/str_cat.h"
#include "simulator.h"

namespace lov::sim {
namespace {

// Short-lived, and renewed this long before they expire, so no call goes
// out with a token about to lapse.
constexpr absl::Duration kLifetime = absl::Minutes(10);
constexpr absl::Duration kRenewBefore = absl::Minutes(2);
// Norrtälje kommun's municipality code: the staff's organisation.
constexpr char kMunicipality[] = "0188";

}  // namespace

SignIn::SignIn(const std::string& key_path) {
  if (key_path.empty()) return;
  absl::StatusOr<auth::DevIssuer> issuer =
      auth::DevIssuer::Load(key_path, &clock_);
  if (!issuer.ok()) {
    Die(absl::StrCat("--dev-issuer-key / LOV_DEV_ISSUER_KEY: ",
                     issuer.status().message()));
  }
  issuer_.emplace(*std::move(issuer));
}

std::unique_ptr<grpc::ClientContext> SignIn::As(
    Role role, const std::string& provider_id) {
  auto call = std::make_unique<grpc::ClientContext>();
  call->set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(60));
  // A service restarted mid-run is waited for (within the deadline) rather
  // than failed at once: the waiting call drives the reconnection.
  call->set_wait_for_ready(true);
  Sign(call.get(), role, provider_id);
  return call;
}

std::unique_ptr<grpc::ClientContext> SignIn::AsStaff(Role role,
                                                     const std::string& who) {
  auto call = std::make_unique<grpc::ClientContext>();
  call->set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(60));
  call->set_wait_for_ready(true);
  if (issuer_) {
    call->AddMetadata("authorization", "Bearer " + Token(role, "", who));
  }
  return call;
}

void SignIn::Sign(grpc::ClientContext* call, Role role,
                  const std::string& provider_id) {
  if (!issuer_) return;
  call->AddMetadata("authorization", "Bearer " + Token(role, provider_id));
}

// Staff sign in with an HSA-id of the municipality; a provider's system as
// itself, for its own provider only.
std::string SignIn::Token(Role role, const std::string& provider_id,
                          const std::string& staff) {
  std::lock_guard<std::mutex> lock(mu_);
  Minted& minted = minted_[{role, provider_id, staff}];
  const absl::Time now = clock_.Now();
  if (minted.expires - now > kRenewBefore) return minted.token;
  const bool provider = role == auth::v1::ROLE_PROVIDER;
  const std::string role_name(RoleName(role));
  const std::string subject =
      provider ? absl::StrCat(provider_id, "-time-reporting")
               : absl::StrCat("SE2321000016-sim-",
                              staff.empty() ? role_name : staff);
  absl::StatusOr<std::string> token =
      issuer_->Issue(role, subject, provider ? provider_id : kMunicipality,
                     provider_id, kLifetime);
  if (!token.ok()) {
    Die(absl::StrCat("signing in as ", role_name, ": ",
                     token.status().message()));
  }
  minted = {*token, now + kLifetime};
  return minted.token;
}

}  // namespace lov::sim
