#include "lov/settlement/app/reactions/changes.h"

namespace lov::settlement {

std::optional<VisitChange> ChangeOf(const visits::v1::VisitEvent& event) {
  VisitChange change;
  switch (event.payload_case()) {
    case visits::v1::VisitEvent::kVisitAccepted:
      change.current = &event.visit_accepted().visit();
      change.period = change.current->period();
      return change;
    case visits::v1::VisitEvent::kVisitCorrected:
      change.current = &event.visit_corrected().visit();
      change.previous = &event.visit_corrected().previous();
      change.period = change.current->period();
      change.adjusts = event.visit_corrected().adjusts_period();
      return change;
    case visits::v1::VisitEvent::kVisitVoided:
      change.previous = &event.visit_voided().previous();
      change.period = event.visit_voided().period();
      change.adjusts = event.visit_voided().adjusts_period();
      return change;
    default:
      return std::nullopt;
  }
}

visits::v1::VisitEvent AsAdjustment(visits::v1::VisitEvent kept,
                                    const std::string& adjusts) {
  if (kept.has_visit_accepted()) {
    // A late report for a locked period: an adjustment with nothing to take
    // back.
    visits::v1::VisitCorrected late;
    *late.mutable_visit() = kept.visit_accepted().visit();
    late.set_reason("reported after the period was approved");
    *kept.mutable_visit_corrected() = std::move(late);
  }
  if (kept.has_visit_corrected()) {
    kept.mutable_visit_corrected()->set_adjusts_period(adjusts);
  } else if (kept.has_visit_voided()) {
    kept.mutable_visit_voided()->set_adjusts_period(adjusts);
  }
  return kept;
}

void AddMoveWrites(const VisitChange& change, std::vector<StoreWrite>* writes) {
  if (LeavesPreviousPeriod(change)) {
    writes->push_back(store_write::RemoveVisit{change.previous->provider_id(),
                                               change.previous->period(),
                                               change.previous->visit_id()});
  }
  if (change.current != nullptr) {
    writes->push_back(store_write::PutVisit{*change.current});
  }
}

void AddChoiceWrites(const choice::v1::ChoiceEvent& event,
                     std::vector<StoreWrite>* writes) {
  switch (event.payload_case()) {
    case choice::v1::ChoiceEvent::kAssignmentStarted: {
      const auto& started = event.assignment_started();
      if (started.has_ended()) {
        writes->push_back(store_write::PutAssignment{started.ended()});
      }
      writes->push_back(store_write::PutAssignment{started.assignment()});
      return;
    }
    case choice::v1::ChoiceEvent::kAssignmentEnded:
      writes->push_back(
          store_write::PutAssignment{event.assignment_ended().assignment()});
      return;
    case choice::v1::ChoiceEvent::kDecisionRegistered:
      writes->push_back(
          store_write::PutDecision{event.decision_registered().client_id(),
                                   event.decision_registered().decision()});
      return;
    case choice::v1::ChoiceEvent::kDecisionChanged:
      writes->push_back(
          store_write::PutDecision{event.decision_changed().client_id(),
                                   event.decision_changed().decision()});
      return;
    case choice::v1::ChoiceEvent::kDecisionRevised: {
      const auto& revised = event.decision_revised();
      writes->push_back(
          store_write::PutDecision{revised.client_id(), revised.ended()});
      writes->push_back(
          store_write::PutDecision{revised.client_id(), revised.decision()});
      return;
    }
    default:
      return;
  }
}

}  // namespace lov::settlement
