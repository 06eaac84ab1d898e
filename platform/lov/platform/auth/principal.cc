#include "lov/platform/auth/principal.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lov/platform/identity_numbers.h"

namespace lov::auth {
namespace {

std::string Screened(std::string_view text) {
  return ContainsPersonnummer(text) ? "[redacted]" : std::string(text);
}

}  // namespace

absl::Status ValidatePrincipal(const Principal& principal) {
  if (principal.subject.empty()) {
    return absl::InvalidArgumentError("no subject");
  }
  if (principal.role == v1::ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError("no role");
  }
  if (principal.role == v1::ROLE_PROVIDER && principal.provider_id.empty()) {
    return absl::InvalidArgumentError("the provider role needs a provider id");
  }
  if (principal.role != v1::ROLE_PROVIDER && !principal.provider_id.empty()) {
    return absl::InvalidArgumentError(
        "only the provider role carries a provider id");
  }
  const std::pair<std::string_view, const std::string*> screened[] = {
      {"subject", &principal.subject},
      {"organisation", &principal.organisation},
      {"provider id", &principal.provider_id}};
  for (const auto& [what, value] : screened) {
    if (ContainsPersonnummer(*value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          std::string(what), " contains a personal identity number"));
    }
  }
  return absl::OkStatus();
}

std::string DescribeForLog(const Principal& principal) {
  std::string out =
      absl::StrCat(RoleName(principal.role), " ", Screened(principal.subject));
  if (!principal.organisation.empty()) {
    absl::StrAppend(&out, " org=", Screened(principal.organisation));
  }
  if (!principal.provider_id.empty()) {
    absl::StrAppend(&out, " provider=", Screened(principal.provider_id));
  }
  return out;
}

}  // namespace lov::auth
