// A client found by personnummer (through its keyed hash), for the case
// officer who has the number in front of them.
#include "lov/choice/app/choice_app.h"

namespace lov::choice {

absl::StatusOr<v1::Client> ChoiceApp::FindClient(
    const v1::FindClientRequest& request) {
  absl::StatusOr<std::string> pnr = PersonnummerField(request.personnummer());
  if (!pnr.ok()) return pnr.status();
  absl::StatusOr<std::optional<std::string>> id =
      store_->FindClientByHmac(key_.Hmac(*pnr));
  if (!id.ok()) return id.status();
  if (!id->has_value()) {
    return absl::NotFoundError("personnummer: no client with this number");
  }
  absl::StatusOr<std::optional<v1::Client>> c = store_->GetClient(**id);
  if (!c.ok()) return c.status();
  if (!c->has_value()) {
    return absl::NotFoundError("personnummer: no client with this number");
  }
  // Not decrypted (its data key shredded, or not applied yet): the caller
  // has the number in front of them, so the answer shows it, but it is not
  // stored again (that would undo an erasure).
  if ((*c)->personnummer().empty()) (*c)->set_personnummer(*pnr);
  return **c;
}

}  // namespace lov::choice
