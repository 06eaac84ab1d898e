// A provider leaves a zone (notice given, contract terminated): each client
// it would still serve there on its leaving day gets a re-choice case
// (omvalsärende) with a deadline; a client already asked is not asked
// twice.
#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"
#include "lov/choice/domain/rechoice_rules.h"
#include "lov/platform/log.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

// Served by the provider in the zone on its leaving day, and not yet asked
// to choose again.
bool Affected(const v1::Client& c, const Departure& departure,
              const std::string& zone_id) {
  if (c.status() == v1::CLIENT_STATUS_ENDED) return false;
  bool affected = false;
  for (const v1::Assignment* a : AssignmentsFrom(c, departure.leaving_date)) {
    affected |=
        a->provider_id() == departure.provider_id && a->zone_id() == zone_id;
  }
  for (const auto& rc : c.cases()) {
    if (rc.status() == v1::CASE_STATUS_OPEN &&
        rc.provider_id() == departure.provider_id) {
      return false;
    }
  }
  return affected;
}

}  // namespace

absl::Status ChoiceApp::OpenCasesForDeparture(const reg::RegistryEvent& event,
                                              const Departure& departure,
                                              const std::string& zone_id) {
  absl::StatusOr<absl::CivilDay> leaving = ParseDate(departure.leaving_date);
  if (!leaving.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaving date: ", leaving.status().message()));
  }
  absl::StatusOr<std::vector<std::string>> holders =
      store_->SlotHolders(departure.provider_id, zone_id, *leaving);
  if (!holders.ok()) return holders.status();
  const std::string case_id =
      absl::StrCat("rc-", event.event_id().substr(0, 8), "-", zone_id);
  for (const auto& client_id : *holders) {
    const v1::AllocateNonChoiceRequest key =
        ServiceRequest(absl::StrCat("departure:", event.event_id(), ":",
                                    zone_id, ":", client_id),
                       client_id);
    absl::StatusOr<v1::Client> done = ChangeClient(
        key, key.request_id(), client_id,
        [&](const v1::Client& c, const ChoiceContext& ctx, ClientPlan* plan) {
          if (!Affected(c, departure, zone_id)) return absl::OkStatus();
          plan->events.push_back(CaseOpened(
              c.client_id(),
              {.case_id = case_id,
               .provider_id = departure.provider_id,
               .zone_id = zone_id,
               .deadline = FormatDate(RechoiceDeadline(
                   *leaving, ctx.policy.rechoice_deadline_lead_days(),
                   ctx.today)),
               .effective_date = departure.leaving_date,
               .cause = departure.cause}));
          return absl::OkStatus();
        });
    if (!done.ok()) return done.status();
  }
  log::Info("re-choice cases opened for a departing provider",
            {{"provider_id", departure.provider_id},
             {"zone_id", zone_id},
             {"leaving_date", departure.leaving_date},
             {"clients", static_cast<int64_t>(holders->size())}});
  return absl::OkStatus();
}

}  // namespace lov::choice
