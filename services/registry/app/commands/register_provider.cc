// A company registers as a provider (before applying for approval); its id
// follows from its organisation number, so registering twice is refused.
// A sole trader's number is the owner's personnummer: it goes into no event,
// id or message (docs/security.md, "Personnummer hygiene").
#include "absl/strings/str_cat.h"
#include "lov/platform/secret_key.h"
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/registry_rules.h"

namespace lov::registry {
namespace {

// What the event's request fingerprint is made of: for a sole trader the
// provider id stands in for the number, since the fingerprint is a plain
// hash that trying every personnummer would reverse.
v1::RegisterProviderRequest Fingerprinted(v1::RegisterProviderRequest request,
                                          const v1::Provider& provider) {
  if (provider.organisation_number().empty()) {
    request.set_organisation_number(provider.provider_id());
  }
  return request;
}

}  // namespace

absl::StatusOr<v1::Provider> RegistryApp::RegisterProvider(
    const v1::RegisterProviderRequest& request) {
  if (absl::Status s = RequireRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  if (absl::Status s =
          RefusePersonnummerIn(request, {"name", "permit_reference"});
      !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::Provider> provider = registry::RegisterProvider(
      request,
      [this](const std::string& org) {
        return HmacSha256Hex(provider_id_key_, org);
      },
      clock_->Now());
  if (!provider.ok()) return provider.status();
  using Result = Decision<v1::RegistryEvent, v1::Provider>;
  return runner_.Run<v1::Provider>(
      Command::ByRequest(provider->provider_id(),
                         Fingerprinted(request, *provider),
                         request.request_id()),
      [&](const std::string& provider_id) {
        return store_->GetProvider(provider_id);
      },
      [&]() -> absl::StatusOr<Result> {
        absl::StatusOr<std::optional<v1::Provider>> existing =
            store_->GetProvider(provider->provider_id());
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          const std::string& org = provider->organisation_number();
          return absl::AlreadyExistsError(absl::StrCat(
              "organisation_number: ", org.empty() ? "this number" : org,
              " is already registered as provider '", provider->provider_id(),
              "'"));
        }
        provider->set_version(1);
        v1::RegistryEvent event;
        event.set_aggregate_id(provider->provider_id());
        event.set_aggregate_version(1);
        *event.mutable_provider_registered()->mutable_provider() = *provider;
        return Result{{std::move(event)}, *provider};
      });
}

}  // namespace lov::registry
