#include "lov/registry/domain/history.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/platform/proto_util.h"

namespace lov::registry {
namespace {

std::string CapText(const v1::CapacityCap& cap) {
  if (!cap.capped()) return "no cap";
  std::string out = absl::StrCat(cap.max_clients(), " clients");
  if (cap.max_hours_per_month() > 0) {
    absl::StrAppend(&out, ", ", cap.max_hours_per_month(), " h/month");
  }
  return out;
}

const char* SanctionName(v1::SanctionKind kind) {
  switch (kind) {
    case v1::SANCTION_KIND_WARNING:
      return "warning";
    case v1::SANCTION_KIND_ACTION_PLAN:
      return "action plan demanded";
    case v1::SANCTION_KIND_SUSPENSION:
      return "suspension";
    case v1::SANCTION_KIND_TERMINATION:
      return "termination";
    default:
      return "sanction";
  }
}

// "payment details set: bankgiro 5050-1055, VAT SE556554164501, F-tax
// approved (checked 2025-03-03), Peppol 0007:5565541645". A sole trader's
// withheld numbers are only said to be there.
std::string PaymentText(const v1::PaymentDetails& d) {
  std::string s = "payment details set: ";
  if (!d.bankgiro().empty()) {
    absl::StrAppend(&s, "bankgiro ", d.bankgiro());
  } else {
    absl::StrAppend(&s, "plusgiro ", d.plusgiro());
  }
  if (d.vat_number_withheld()) {
    absl::StrAppend(&s, ", VAT registered (number withheld)");
  } else if (!d.vat_number().empty()) {
    absl::StrAppend(&s, ", VAT ", d.vat_number());
  }
  absl::StrAppend(&s,
                  d.f_tax() == v1::F_TAX_STATUS_APPROVED
                      ? ", F-tax approved"
                      : ", no F-tax: must not be paid gross",
                  " (checked ", d.f_tax_checked_on(), ")");
  if (d.peppol_participant_id_withheld()) {
    absl::StrAppend(&s, ", Peppol id withheld");
  } else if (!d.peppol_participant_id().empty()) {
    absl::StrAppend(&s, ", Peppol ", d.peppol_participant_id());
  }
  return s;
}

}  // namespace

v1::HistoryEntry DescribeEvent(const v1::RegistryEvent& e) {
  v1::HistoryEntry h;
  *h.mutable_at() = e.occurred_at();
  h.set_event_type(EventTypeOf(e));
  h.set_version(e.aggregate_version());
  h.set_request_id(e.request_id());
  std::string s;
  switch (e.payload_case()) {
    case v1::RegistryEvent::kProviderRegistered:
      s = absl::StrCat("registered ",
                       e.provider_registered().provider().name());
      // A sole trader's record has no number to show.
      if (const std::string& org =
              e.provider_registered().provider().organisation_number();
          !org.empty()) {
        absl::StrAppend(&s, " (", org, ")");
      }
      break;
    case v1::RegistryEvent::kProviderUpdated:
      s = "contact, profile or qualifications updated";
      break;
    case v1::RegistryEvent::kApplicationSubmitted: {
      const auto& p = e.application_submitted().provider();
      for (const auto& a : p.applications()) {
        if (a.application_id() == e.application_submitted().application_id()) {
          s = absl::StrCat("applied (", a.application_id(), ") for ",
                           absl::StrJoin(a.category_ids(), ", "), " in ",
                           absl::StrJoin(a.zone_ids(), ", "));
        }
      }
      break;
    }
    case v1::RegistryEvent::kApplicationApproved: {
      const auto& a = e.application_approved();
      s = absl::StrCat("approved (", a.application_id(), ") for ",
                       absl::StrJoin(a.category_ids(), ", "), " in ",
                       absl::StrJoin(a.zone_ids(), ", "), " from ",
                       a.effective_date());
      break;
    }
    case v1::RegistryEvent::kApplicationRejected:
      s = absl::StrCat("application ",
                       e.application_rejected().application_id(),
                       " rejected: ", e.application_rejected().reason());
      break;
    case v1::RegistryEvent::kCapacityChanged: {
      const auto& c = e.capacity_changed();
      s = absl::StrCat("capacity in ", c.zone_id(), " changed from ",
                       c.has_previous() ? CapText(c.previous()) : "no cap",
                       " to ", CapText(c.current()), " from ",
                       c.current().effective_date());
      break;
    }
    case v1::RegistryEvent::kIntakePauseChanged: {
      const auto& p = e.intake_pause_changed();
      s = absl::StrCat(
          p.paused() ? "intake paused" : "intake resumed",
          p.zone_id().empty() ? " in every zone" : " in " + p.zone_id(),
          p.reason().empty() ? "" : ": " + p.reason());
      break;
    }
    case v1::RegistryEvent::kNoticeGiven: {
      const auto& n = e.notice_given();
      s = absl::StrCat(
          "notice given to leave ",
          n.zone_id().empty() ? "the whole system" : "zone " + n.zone_id(),
          " on ", n.effective_date(),
          n.reason().empty() ? "" : ": " + n.reason());
      break;
    }
    case v1::RegistryEvent::kNoticeWithdrawn: {
      const auto& n = e.notice_withdrawn();
      s = absl::StrCat(
          "notice to leave ",
          n.zone_id().empty() ? "the whole system" : "zone " + n.zone_id(),
          " on ", n.effective_date(), " withdrawn",
          n.reason().empty() ? "" : ": " + n.reason());
      break;
    }
    case v1::RegistryEvent::kSanctionImposed: {
      const auto& sn = e.sanction_imposed().sanction();
      s = absl::StrCat(SanctionName(sn.kind()), " (", sn.sanction_id(),
                       "): ", sn.reason());
      if (!sn.deadline().empty())
        absl::StrAppend(&s, "; deadline ", sn.deadline());
      if (!sn.effective_date().empty()) {
        absl::StrAppend(&s, "; effective ", sn.effective_date());
      }
      break;
    }
    case v1::RegistryEvent::kSuspensionLifted:
      s = absl::StrCat("suspension ", e.suspension_lifted().sanction_id(),
                       " lifted: ", e.suspension_lifted().reason());
      break;
    case v1::RegistryEvent::kPaymentDetailsChanged:
      s = PaymentText(e.payment_details_changed().current());
      break;
    case v1::RegistryEvent::kMunicipalityConfigured:
      s = "municipality setup changed";
      break;
    default:
      s = "unknown change";
  }
  h.set_summary(s);
  return h;
}

}  // namespace lov::registry
