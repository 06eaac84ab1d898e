#ifndef LOV_SERVICES_REGISTRY_DOMAIN_PAYMENT_DETAILS_H_
#define LOV_SERVICES_REGISTRY_DOMAIN_PAYMENT_DETAILS_H_

// The rule of a provider's payment details (bankgiro or plusgiro, VAT
// number, F-tax, Peppol id): pure, as the rest of registry_rules.h.

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "lov/registry/domain/registry_rules.h"
#include "lov/registry/v1/registry.pb.h"

namespace lov::registry {

// Replaces the provider's payment details with the request's, validated.
// The VAT number and Peppol id must embed the provider's own organisation
// number; a sole trader's record keeps none, so there they are matched by
// the keyed provider id (`pseudonym`, as at registration) and then not kept
// (PaymentDetails' *_withheld flags): they embed the owner's personnummer.
// A provider without approved F-tax is marked must_not_pay_gross.
absl::StatusOr<v1::Provider> SetPaymentDetails(
    v1::Provider provider, const v1::SetPaymentDetailsRequest& request,
    absl::CivilDay today, const OrgNumberPseudonym& pseudonym);

}  // namespace lov::registry

#endif  // LOV_SERVICES_REGISTRY_DOMAIN_PAYMENT_DETAILS_H_
