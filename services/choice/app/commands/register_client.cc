// A person is registered as a client of elderly care in the zone they live
// in. The personnummer never leaves the service in clear: events carry its
// keyed hash (so a person is registered once) and the number encrypted with
// the client's own data key, which is published first (PersonnummerVault),
// so the answer is OK only once both are durable in Kafka.
#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/actor.h"
#include "lov/platform/ids.h"
#include "lov/platform/log.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/requests.h"

namespace lov::choice {
namespace {

using Registration = lov::Decision<v1::ChoiceEvent, v1::Client>;

// ClientRegistered for a new client, with the personnummer sealed under
// the client's data key, and the client it makes.
absl::StatusOr<Registration> NewClient(const std::string& client_id,
                                       const std::string& zone_id,
                                       const std::string& hmac,
                                       const std::string& personnummer,
                                       const std::string& data_key) {
  absl::StatusOr<std::string> sealed =
      PersonnummerVault::Seal(data_key, client_id, personnummer);
  if (!sealed.ok()) return sealed.status();
  v1::ChoiceEvent event;
  event.set_aggregate_id(client_id);
  event.set_aggregate_version(1);
  auto* p = event.mutable_client_registered();
  p->set_client_id(client_id);
  p->set_zone_id(zone_id);
  p->set_personnummer_hmac(hmac);
  p->set_personnummer_sealed(*std::move(sealed));
  v1::Client client;
  ApplyEvent(event, &client);
  client.set_personnummer(personnummer);
  return Registration{{std::move(event)}, std::move(client)};
}

}  // namespace

absl::StatusOr<std::string> ChoiceApp::IssueDataKey(
    const std::string& client_id) {
  absl::StatusOr<PersonnummerVault::DataKey> key =
      vault_->IssueDataKey(client_id);
  if (!key.ok()) return key.status();
  v1::ChoiceKeyEvent event;
  event.set_event_id(NewUuid());
  *event.mutable_occurred_at() = ToProtoTime(clock_->Now());
  event.set_aggregate_id(client_id);
  *event.mutable_actor() = CurrentActor();
  *event.mutable_client_data_key_issued() = std::move(key->issued);
  // Not stored, or perhaps stored: either way no client is registered yet
  // (a key without its client is harmless), so a retry is safe.
  if (absl::Status s = publisher_->PublishKey(event); !s.ok()) {
    return NotStoredError(s, /*has_request_id=*/true);
  }
  if (absl::Status s = store_->ApplyDataKey(event); !s.ok()) {
    log::Warn("data key not applied; the projection will apply it",
              {{"client_id", client_id}, {"error", s}});
  }
  return std::move(key->key);
}

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
  return runner_.Run<v1::Client>(
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
        const std::string client_id = "cli-" + NewUuid();
        absl::StatusOr<std::string> data_key = IssueDataKey(client_id);
        if (!data_key.ok()) return data_key.status();
        return NewClient(client_id, request.zone_id(), hmac, *pnr, *data_key);
      });
}

}  // namespace lov::choice
