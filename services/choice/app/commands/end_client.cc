// A client's care ends for good (deceased, or moved away from the
// municipality): every assignment ends on the last day served and open
// re-choice cases are withdrawn.
#include "lov/choice/app/choice_app.h"
#include "lov/choice/domain/client_state.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

// The last day served, from a request that names why the care ends.
absl::StatusOr<absl::CivilDay> LastDayOf(const v1::EndClientRequest& request,
                                         absl::CivilDay today) {
  if (request.reason() != v1::END_REASON_CLIENT_DECEASED &&
      request.reason() != v1::END_REASON_MOVED_AWAY) {
    return absl::InvalidArgumentError(
        "reason: must be CLIENT_DECEASED or MOVED_AWAY (a decision "
        "that ends is changed with ChangeDecision)");
  }
  if (request.last_day().empty()) {
    return absl::InvalidArgumentError("last_day: is required");
  }
  return DateOr("last_day", request.last_day(), today);
}

v1::ChoiceEvent ClientEnded(const v1::Client& c, v1::EndReason reason,
                            const std::string& last_day) {
  v1::ChoiceEvent end;
  auto* p = end.mutable_client_ended();
  p->set_client_id(c.client_id());
  p->set_reason(reason);
  p->set_effective_date(last_day);
  return end;
}

}  // namespace

absl::StatusOr<v1::Client> ChoiceApp::EndClient(
    const v1::EndClientRequest& request) {
  return ChangeClient(
      request, request.request_id(), request.client_id(),
      [&](const v1::Client& c, const ChoiceContext& ctx, ClientPlan* plan) {
        if (absl::Status s = RequireActive(c); !s.ok()) return s;
        absl::StatusOr<absl::CivilDay> last = LastDayOf(request, ctx.today);
        if (!last.ok()) return last.status();
        const std::string last_text = FormatDate(*last);
        for (const v1::Assignment* a :
             AssignmentsFrom(c, FormatDate(*last + 1))) {
          plan->events.push_back(
              EndAssignment(*a, last_text, request.reason()));
        }
        for (const auto& rc : c.cases()) {
          if (rc.status() != v1::CASE_STATUS_OPEN) continue;
          plan->events.push_back(
              CaseClosed(c.client_id(), rc.case_id(), "withdrawn"));
        }
        plan->events.push_back(ClientEnded(c, request.reason(), last_text));
        return absl::OkStatus();
      });
}

}  // namespace lov::choice
