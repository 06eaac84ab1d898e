// A person is registered as a client of elderly care in the zone they live
// in. The personnummer never leaves the service: events carry only its
// keyed hash, so a person is registered once.
#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"

namespace lov::choice {
namespace {

using Registration = lov::Decision<v1::ChoiceEvent, v1::Client>;

// ClientRegistered for a new client, and the client it makes.
Registration NewClient(const std::string& zone_id, const std::string& hmac,
                       const std::string& personnummer) {
  const std::string client_id = "cli-" + NewUuid();
  v1::ChoiceEvent event;
  event.set_aggregate_id(client_id);
  event.set_aggregate_version(1);
  auto* p = event.mutable_client_registered();
  p->set_client_id(client_id);
  p->set_zone_id(zone_id);
  p->set_personnummer_hmac(hmac);
  v1::Client client;
  ApplyEvent(event, &client);
  client.set_personnummer(personnummer);
  return Registration{{std::move(event)}, std::move(client)};
}

}  // namespace

absl::StatusOr<v1::Client> ChoiceApp::RegisterClient(
    const v1::RegisterClientRequest& request) {
  if (absl::Status s = RequireRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> pnr = PersonnummerField(request.personnummer());
  if (!pnr.ok()) return pnr.status();
  absl::StatusOr<reg::Municipality> m = RequireMunicipality();
  if (!m.ok()) return m.status();
  if (absl::Status s = RequireZone(*m, request.zone_id()); !s.ok()) return s;
  const std::string hmac = key_.Hmac(*pnr);
  // The fingerprint covers the keyed hash, never the number itself.
  v1::RegisterClientRequest masked = request;
  masked.set_personnummer(hmac);
  bool created = false;
  absl::StatusOr<v1::Client> client = runner_.Run<v1::Client>(
      Command::ByRequest("pnr:" + hmac, masked, request.request_id()),
      [&](const std::string&) -> absl::StatusOr<std::optional<v1::Client>> {
        // A retry answers the client this person is registered as.
        absl::StatusOr<std::optional<std::string>> id =
            store_->FindClientByHmac(hmac);
        if (!id.ok()) return id.status();
        if (!id->has_value()) return std::optional<v1::Client>();
        return store_->GetClient(**id);
      },
      [&]() -> absl::StatusOr<Registration> {
        absl::StatusOr<std::optional<std::string>> existing =
            store_->FindClientByHmac(hmac);
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          return absl::AlreadyExistsError(absl::StrCat(
              "personnummer: this person is already registered as client '",
              **existing, "'"));
        }
        created = true;
        return NewClient(request.zone_id(), hmac, *pnr);
      });
  if (client.ok() && created) {
    if (absl::Status s =
            store_->RememberPersonnummer(client->client_id(), *pnr);
        !s.ok()) {
      log::Warn("personnummer not kept for display",
                {{"client_id", client->client_id()}});
    }
  }
  return client;
}

}  // namespace lov::choice
