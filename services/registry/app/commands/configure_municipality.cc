// The municipality sets up (or changes) its zones, categories and rules.
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/registry_rules.h"

namespace lov::registry {

namespace {
constexpr char kMunicipalityAggregate[] = "municipality";
}  // namespace

absl::StatusOr<v1::Municipality> RegistryApp::ConfigureMunicipality(
    const v1::ConfigureMunicipalityRequest& request) {
  if (absl::Status s = RequireRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  v1::Municipality m = request.municipality();
  m.set_version(0);
  if (absl::Status s = ValidateMunicipality(m); !s.ok()) return s;
  using Result = Decision<v1::RegistryEvent, v1::Municipality>;
  return runner_.Run<v1::Municipality>(
      Command::ByRequest(kMunicipalityAggregate, request, request.request_id()),
      [&](const std::string&)
          -> absl::StatusOr<std::optional<v1::Municipality>> {
        absl::StatusOr<v1::Municipality> current = RequireMunicipality();
        if (!current.ok()) return current.status();
        return std::optional<v1::Municipality>(*current);
      },
      [&]() -> absl::StatusOr<Result> {
        if (!m.in_house_provider_id().empty()) {
          absl::StatusOr<std::optional<v1::Provider>> in_house =
              store_->GetProvider(m.in_house_provider_id());
          if (!in_house.ok()) return in_house.status();
          if (absl::Status s = CheckInHouseProvider(
                  m, in_house->has_value() ? &**in_house : nullptr);
              !s.ok()) {
            return s;
          }
        }
        absl::StatusOr<std::optional<v1::Municipality>> current =
            store_->GetMunicipality();
        if (!current.ok()) return current.status();
        m.set_version(current->has_value() ? (*current)->version() + 1 : 1);
        v1::RegistryEvent event;
        event.set_aggregate_id(kMunicipalityAggregate);
        event.set_aggregate_version(m.version());
        *event.mutable_municipality_configured()->mutable_municipality() = m;
        return Result{{std::move(event)}, m};
      });
}

}  // namespace lov::registry
