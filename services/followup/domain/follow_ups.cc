#include "lov/followup/domain/follow_ups.h"

#include "absl/strings/str_cat.h"
#include "lov/followup/domain/calendar.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

absl::StatusOr<v1::FollowUp> PlanFollowUp(
    const v1::PlanFollowUpRequest& request, const std::string& follow_up_id) {
  if (request.provider_id().empty()) {
    return absl::InvalidArgumentError("provider_id: is required");
  }
  absl::StatusOr<absl::CivilDay> planned =
      DateField("planned_date", request.planned_date(), std::nullopt);
  if (!planned.ok()) return planned.status();
  v1::FollowUp f;
  f.set_follow_up_id(follow_up_id);
  f.set_provider_id(request.provider_id());
  f.set_planned_date(FormatDate(*planned));
  f.set_status(v1::FOLLOW_UP_STATUS_PLANNED);
  f.set_version(1);
  return f;
}

absl::StatusOr<v1::FollowUp> CompleteFollowUp(
    v1::FollowUp follow_up, const v1::CompleteFollowUpRequest& request,
    absl::CivilDay today) {
  if (follow_up.status() != v1::FOLLOW_UP_STATUS_PLANNED) {
    return absl::FailedPreconditionError(
        absl::StrCat("follow_up_id: ", follow_up.follow_up_id(),
                     " is already done (", follow_up.done_date(), ")"));
  }
  absl::StatusOr<absl::CivilDay> done =
      PastDateField("done_date", request.done_date(), today);
  if (!done.ok()) return done.status();
  for (int i = 0; i < request.findings_size(); ++i) {
    const v1::FindingInput& in = request.findings(i);
    const std::string field = absl::StrCat("findings[", i, "]");
    if (in.summary().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".summary: is required"));
    }
    if (absl::Status s = RefusePersonnummer(field + ".summary", in.summary());
        !s.ok()) {
      return s;
    }
    v1::Finding* f = follow_up.add_findings();
    f->set_finding_id(absl::StrCat(follow_up.follow_up_id(), "/f", i + 1));
    f->set_summary(in.summary());
    if (!in.requires_action_plan()) {
      if (!in.action_plan_due_date().empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ".action_plan_due_date: only with requires_action_plan"));
      }
      continue;
    }
    absl::StatusOr<absl::CivilDay> due =
        DateField(field + ".action_plan_due_date", in.action_plan_due_date(),
                  std::nullopt);
    if (!due.ok()) return due.status();
    if (*due <= *done) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".action_plan_due_date: ", FormatDate(*due),
                       " must be after done_date (", FormatDate(*done), ")"));
    }
    f->set_requires_action_plan(true);
    f->set_action_plan_due_date(FormatDate(*due));
  }
  follow_up.set_status(v1::FOLLOW_UP_STATUS_DONE);
  follow_up.set_done_date(FormatDate(*done));
  follow_up.set_version(follow_up.version() + 1);
  return follow_up;
}

absl::StatusOr<v1::FollowUp> RecordActionPlan(
    v1::FollowUp follow_up, const v1::RecordActionPlanRequest& request,
    absl::CivilDay today) {
  v1::Finding* finding = nullptr;
  for (v1::Finding& f : *follow_up.mutable_findings()) {
    if (f.finding_id() == request.finding_id()) finding = &f;
  }
  if (finding == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("finding_id: follow-up ", follow_up.follow_up_id(),
                     " has no finding '", request.finding_id(), "'"));
  }
  if (!finding->requires_action_plan()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "finding_id: ", finding->finding_id(), " requires no action plan"));
  }
  if (!finding->action_plan_received_date().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "finding_id: the action plan of ", finding->finding_id(),
        " was already received on ", finding->action_plan_received_date()));
  }
  absl::StatusOr<absl::CivilDay> received =
      PastDateField("received_date", request.received_date(), today);
  if (!received.ok()) return received.status();
  if (FormatDate(*received) < follow_up.done_date()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "received_date: ", FormatDate(*received),
        " is before the follow-up was done (", follow_up.done_date(), ")"));
  }
  finding->set_action_plan_received_date(FormatDate(*received));
  follow_up.set_version(follow_up.version() + 1);
  return follow_up;
}

}  // namespace lov::followup
