// A company registers as a provider (before applying for approval); its id
// follows from its organisation number, so registering twice is refused.
#include "absl/strings/str_cat.h"
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/registry_rules.h"

namespace lov::registry {

absl::StatusOr<v1::Provider> RegistryApp::RegisterProvider(
    const v1::RegisterProviderRequest& request) {
  if (absl::Status s = RequireRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::Provider> provider =
      registry::RegisterProvider(request, clock_->Now());
  if (!provider.ok()) return provider.status();
  using Result = Decision<v1::RegistryEvent, v1::Provider>;
  return runner_.Run<v1::Provider>(
      Command::ByRequest(provider->provider_id(), request,
                         request.request_id()),
      [&](const std::string& provider_id) {
        return store_->GetProvider(provider_id);
      },
      [&]() -> absl::StatusOr<Result> {
        absl::StatusOr<std::optional<v1::Provider>> existing =
            store_->GetProvider(provider->provider_id());
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          return absl::AlreadyExistsError(absl::StrCat(
              "organisation_number: ", provider->organisation_number(),
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
