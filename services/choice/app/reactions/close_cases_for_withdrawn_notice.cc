// A provider withdraws its notice: its clients' open re-choice cases for
// that leaving date (in that zone, or all) are closed as "withdrawn";
// nobody is allocated.
#include "absl/strings/str_cat.h"
#include "lov/choice/app/choice_app.h"
#include "lov/platform/log.h"

namespace lov::choice {

absl::Status ChoiceApp::CloseCasesForWithdrawnNotice(
    const reg::RegistryEvent& event) {
  const reg::NoticeWithdrawn& n = event.notice_withdrawn();
  const std::string& provider_id = n.provider().provider_id();
  absl::StatusOr<std::vector<std::string>> clients =
      store_->ClientsOf(provider_id);
  if (!clients.ok()) return clients.status();
  int64_t closed = 0;
  for (const auto& client_id : *clients) {
    const v1::AllocateNonChoiceRequest key = ServiceRequest(
        absl::StrCat("notice-withdrawn:", event.event_id(), ":", client_id),
        client_id);
    absl::StatusOr<v1::Client> done = ChangeClient(
        key, key.request_id(), client_id,
        [&](const v1::Client& c, const ChoiceContext&, ClientPlan* plan) {
          for (const auto& rc : c.cases()) {
            if (rc.status() != v1::CASE_STATUS_OPEN ||
                rc.provider_id() != provider_id ||
                rc.effective_date() != n.effective_date() ||
                (!n.zone_id().empty() && rc.zone_id() != n.zone_id())) {
              continue;
            }
            plan->events.push_back(
                CaseClosed(c.client_id(), rc.case_id(), "withdrawn"));
            ++closed;
          }
          return absl::OkStatus();
        });
    if (!done.ok()) return done.status();
  }
  log::Info("re-choice cases closed: the provider withdrew its notice",
            {{"provider_id", provider_id},
             {"zone_id", n.zone_id()},
             {"leaving_date", n.effective_date()},
             {"cases", closed}});
  return absl::OkStatus();
}

}  // namespace lov::choice
