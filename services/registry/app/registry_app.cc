// What the registry's use cases share: the write path's ports, the change of
// one provider, and the records every use case needs first.
#include "lov/registry/app/registry_app.h"

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"

namespace lov::registry {

RegistryApp::RegistryApp(RegistryStore* store, EventPublisher* publisher,
                         const Clock* clock, std::string provider_id_key)
    : store_(store),
      clock_(clock),
      provider_id_key_(std::move(provider_id_key)),
      runner_(
          {.lock = [store](const std::string& key) { return store->Lock(key); },
           .find_request =
               [store](const std::string& id) { return store->GetRequest(id); },
           .publish =
               [publisher](const std::vector<v1::RegistryEvent>& events) {
                 for (const v1::RegistryEvent& e : events) {
                   if (absl::Status s = publisher->Publish(e); !s.ok()) {
                     return s;
                   }
                 }
                 return absl::OkStatus();
               },
           .apply =
               [store](const v1::RegistryEvent& e) { return store->Apply(e); }},
          clock) {}

absl::CivilDay RegistryApp::Today() const {
  return StockholmDate(clock_->Now());
}

absl::StatusOr<v1::Municipality> RegistryApp::RequireMunicipality() {
  absl::StatusOr<std::optional<v1::Municipality>> m = store_->GetMunicipality();
  if (!m.ok()) return m.status();
  if (!m->has_value()) {
    return absl::FailedPreconditionError(
        "the municipality is not set up yet (ConfigureMunicipality first)");
  }
  return **m;
}

absl::StatusOr<v1::Provider> RegistryApp::RequireProvider(
    const std::string& provider_id) {
  absl::StatusOr<std::optional<v1::Provider>> p =
      store_->GetProvider(provider_id);
  if (!p.ok()) return p.status();
  if (!p->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("provider_id: no provider '", provider_id, "'"));
  }
  return **p;
}

absl::StatusOr<v1::Provider> RegistryApp::ChangeProvider(
    const google::protobuf::Message& request, const std::string& request_id,
    const std::string& provider_id, const Decide& decide, const Fill& fill) {
  if (absl::Status s = RequireRequestId(request_id); !s.ok()) return s;
  if (absl::Status s = RefusePersonnummerIn(request, {"reason"}); !s.ok()) {
    return s;
  }
  if (provider_id.empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  return runner_.Run<v1::Provider>(
      Command::ByRequest(provider_id, request, request_id),
      [&](const std::string&) -> absl::StatusOr<std::optional<v1::Provider>> {
        absl::StatusOr<v1::Provider> current = RequireProvider(provider_id);
        if (!current.ok()) return current.status();
        return std::optional<v1::Provider>(*current);
      },
      [&]() -> absl::StatusOr<Decision<v1::RegistryEvent, v1::Provider>> {
        absl::StatusOr<v1::Provider> current = RequireProvider(provider_id);
        if (!current.ok()) return current.status();
        absl::StatusOr<v1::Municipality> m = RequireMunicipality();
        if (!m.ok()) return m.status();
        absl::StatusOr<v1::Provider> after = decide(*m, *current);
        if (!after.ok()) return after.status();
        after->set_version(current->version() + 1);
        v1::RegistryEvent event;
        event.set_aggregate_id(provider_id);
        event.set_aggregate_version(after->version());
        fill(*current, *after, &event);
        return Decision<v1::RegistryEvent, v1::Provider>{{std::move(event)},
                                                         *after};
      });
}

}  // namespace lov::registry
