// The registry officer or finance sets a provider's payment details
// (bankgiro or plusgiro, VAT number, F-tax, Peppol id), for finance.
// A sole trader's VAT number and Peppol id embed the owner's personnummer:
// they are checked and then kept nowhere, not even in the request's
// fingerprint (docs/security.md, "Payment details").
#include "lov/platform/secret_key.h"
#include "lov/registry/app/registry_app.h"
#include "lov/registry/domain/payment_details.h"

namespace lov::registry {

absl::StatusOr<v1::Provider> RegistryApp::SetPaymentDetails(
    const v1::SetPaymentDetailsRequest& r) {
  // The fingerprint travels in the event; a plain hash of a number that
  // embeds a personnummer would be reversed by trying them all.
  v1::SetPaymentDetailsRequest fingerprinted = r;
  for (std::string* number : {fingerprinted.mutable_vat_number(),
                              fingerprinted.mutable_peppol_participant_id()}) {
    if (!number->empty()) *number = HmacSha256Hex(provider_id_key_, *number);
  }
  const OrgNumberPseudonym pseudonym = [this](const std::string& org) {
    return HmacSha256Hex(provider_id_key_, org);
  };
  return ChangeProvider(
      fingerprinted, r.request_id(), r.provider_id(),
      [&](const v1::Municipality&, const v1::Provider& p) {
        return registry::SetPaymentDetails(p, r, Today(), pseudonym);
      },
      [](const v1::Provider& before, const v1::Provider& after,
         v1::RegistryEvent* e) {
        auto* changed = e->mutable_payment_details_changed();
        *changed->mutable_provider() = after;
        if (before.has_payment_details()) {
          *changed->mutable_previous() = before.payment_details();
        }
        *changed->mutable_current() = after.payment_details();
      });
}

}  // namespace lov::registry
