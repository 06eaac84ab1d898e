#include "lov/registry/domain/payment_details.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/domain/payment_numbers.h"

namespace lov::registry {
namespace {

absl::Status Invalid(const std::string& field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", why));
}

// The number embedded in a VAT number or Peppol id is the provider's own.
// Nothing here names the embedded number: it may be a personnummer.
absl::Status RequireOwnNumber(const v1::Provider& provider,
                              const std::string& field,
                              const OrgNumberBased& number,
                              const OrgNumberPseudonym& pseudonym) {
  const bool own = provider.organisation_number().empty()
                       ? ProviderIdFor(number.org_number, pseudonym) ==
                             provider.provider_id()
                       : number.org_number == provider.organisation_number();
  if (own) return absl::OkStatus();
  return Invalid(field,
                 absl::StrCat("the organisation number in it is not the one "
                              "of provider '",
                              provider.provider_id(), "'"));
}

// Parses an optional VAT number or Peppol id into `kept`, or, for a sole
// trader, only checks it and sets `withheld`.
absl::Status SetOrgNumberBased(
    const v1::Provider& provider, const std::string& field,
    const std::string& value,
    absl::StatusOr<OrgNumberBased> (*parse)(std::string_view),
    const OrgNumberPseudonym& pseudonym, std::string* kept, bool* withheld) {
  if (value.empty()) return absl::OkStatus();
  absl::StatusOr<OrgNumberBased> number = parse(value);
  if (!number.ok()) return Invalid(field, number.status().message());
  if (absl::Status s = RequireOwnNumber(provider, field, *number, pseudonym);
      !s.ok()) {
    return s;
  }
  if (provider.organisation_number().empty()) {
    *withheld = true;
  } else {
    *kept = number->normalized;
  }
  return absl::OkStatus();
}

absl::Status SetAccount(const v1::SetPaymentDetailsRequest& r,
                        v1::PaymentDetails* d) {
  if (!r.bankgiro().empty() && !r.plusgiro().empty()) {
    return Invalid("plusgiro",
                   "give a bankgiro or a plusgiro number, not both");
  }
  if (!r.bankgiro().empty()) {
    absl::StatusOr<std::string> bg = NormalizeBankgiro(r.bankgiro());
    if (!bg.ok()) return Invalid("bankgiro", bg.status().message());
    d->set_bankgiro(*bg);
  } else if (!r.plusgiro().empty()) {
    absl::StatusOr<std::string> pg = NormalizePlusgiro(r.plusgiro());
    if (!pg.ok()) return Invalid("plusgiro", pg.status().message());
    d->set_plusgiro(*pg);
  } else {
    return Invalid("bankgiro", "is required (or plusgiro): where to pay");
  }
  return absl::OkStatus();
}

absl::Status SetFTax(const v1::SetPaymentDetailsRequest& r,
                     absl::CivilDay today, v1::PaymentDetails* d) {
  if (r.f_tax() != v1::F_TAX_STATUS_APPROVED &&
      r.f_tax() != v1::F_TAX_STATUS_NOT_APPROVED) {
    return Invalid("f_tax", "is required: APPROVED or NOT_APPROVED");
  }
  if (r.f_tax_checked_on().empty()) {
    return Invalid("f_tax_checked_on",
                   "is required (YYYY-MM-DD, the day F-tax was checked)");
  }
  absl::StatusOr<absl::CivilDay> checked = ParseDate(r.f_tax_checked_on());
  if (!checked.ok()) {
    return Invalid("f_tax_checked_on", checked.status().message());
  }
  if (*checked > today) {
    return Invalid("f_tax_checked_on",
                   absl::StrCat(FormatDate(*checked), " is after today (",
                                FormatDate(today), ")"));
  }
  d->set_f_tax(r.f_tax());
  d->set_f_tax_checked_on(FormatDate(*checked));
  d->set_must_not_pay_gross(r.f_tax() != v1::F_TAX_STATUS_APPROVED);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Provider> SetPaymentDetails(
    v1::Provider provider, const v1::SetPaymentDetailsRequest& request,
    absl::CivilDay today, const OrgNumberPseudonym& pseudonym) {
  v1::PaymentDetails d;
  if (absl::Status s = SetAccount(request, &d); !s.ok()) return s;
  bool vat_withheld = false;
  if (absl::Status s = SetOrgNumberBased(
          provider, "vat_number", request.vat_number(), &ParseSwedishVatNumber,
          pseudonym, d.mutable_vat_number(), &vat_withheld);
      !s.ok()) {
    return s;
  }
  d.set_vat_number_withheld(vat_withheld);
  if (absl::Status s = SetFTax(request, today, &d); !s.ok()) return s;
  bool peppol_withheld = false;
  // A GLN (scheme 0088) is not made of the organisation number: kept as
  // given, also a sole trader's (its address for Peppol invoices).
  absl::StatusOr<std::string> gln =
      ParseGlnParticipantId(request.peppol_participant_id());
  if (gln.ok()) {
    d.set_peppol_participant_id(*gln);
  } else if (!absl::IsNotFound(gln.status())) {
    return Invalid("peppol_participant_id", gln.status().message());
  } else if (absl::Status s = SetOrgNumberBased(
                 provider, "peppol_participant_id",
                 request.peppol_participant_id(), &ParsePeppolParticipantId,
                 pseudonym, d.mutable_peppol_participant_id(),
                 &peppol_withheld);
             !s.ok()) {
    return s;
  }
  d.set_peppol_participant_id_withheld(peppol_withheld);
  *provider.mutable_payment_details() = std::move(d);
  return provider;
}

}  // namespace lov::registry
