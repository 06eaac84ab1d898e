// The registry's news: the choice service keeps its view of the providers,
// asks clients to choose again when their provider gives notice or its
// contract is terminated (closing those cases when the notice is
// withdrawn), and republishes zone health.
#include <optional>

#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"

namespace lov::choice {
namespace {

// The departure an event announces, if any.
std::optional<Departure> DepartureOf(const reg::RegistryEvent& event) {
  if (event.has_notice_given()) {
    const auto& n = event.notice_given();
    const std::string& leaving = n.effective_date();
    return Departure{
        .provider_id = n.provider().provider_id(),
        .zone_id = n.zone_id(),
        .leaving_date = leaving,
        .cause =
            n.zone_id().empty()
                ? absl::StrCat("provider leaves the choice system on ", leaving)
                : absl::StrCat("provider gave notice for zone ", n.zone_id(),
                               ": leaves on ", leaving)};
  }
  if (event.has_sanction_imposed() &&
      event.sanction_imposed().sanction().kind() ==
          reg::SANCTION_KIND_TERMINATION) {
    const auto& s = event.sanction_imposed();
    const std::string& leaving = s.sanction().effective_date();
    return Departure{
        .provider_id = s.provider().provider_id(),
        .leaving_date = leaving,
        .cause = absl::StrCat("provider's contract terminated from ", leaving,
                              ": ", s.sanction().reason())};
  }
  return std::nullopt;
}

}  // namespace

absl::Status ChoiceApp::OnRegistryEvent(const reg::RegistryEvent& event) {
  if (absl::Status s = store_->ApplyRegistry(event); !s.ok()) return s;
  if (event.has_notice_withdrawn()) {
    if (absl::Status s = CloseCasesForWithdrawnNotice(event); !s.ok()) {
      return s;
    }
    return RefreshZoneHealth({});
  }
  if (std::optional<Departure> departure = DepartureOf(event);
      departure.has_value() && !departure->provider_id.empty()) {
    absl::StatusOr<std::optional<reg::Municipality>> m =
        store_->GetMunicipality();
    if (!m.ok()) return m.status();
    std::vector<std::string> zones;
    if (!departure->zone_id.empty()) {
      zones.push_back(departure->zone_id);
    } else if (m->has_value()) {
      for (const auto& z : (*m)->zones()) zones.push_back(z.zone_id());
    }
    for (const auto& zone : zones) {
      if (absl::Status s = OpenCasesForDeparture(event, *departure, zone);
          !s.ok()) {
        return s;
      }
    }
  }
  return RefreshZoneHealth({});
}

}  // namespace lov::choice
