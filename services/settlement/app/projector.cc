#include "lov/settlement/app/projector.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lov/settlement/adapters/kafka_settlement_publisher.h"
#include "lov/settlement/domain/statement_sources.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/text.h"

namespace lov::settlement {
namespace {

template <typename Event>
absl::Status Parse(const CloudEvent& ce, Event* event) {
  return FromCloudEvent(ce, event);
}

bool OnTopic(const std::string& topic, const char* base) {
  return absl::EndsWith(AsAbsl(topic), AsAbsl(base));
}

}  // namespace

absl::Status Projector::Apply(const CloudEvent& ce) {
  if (OnTopic(ce.topic, kVisitsTopic)) {
    visits::v1::VisitEvent e;
    if (absl::Status s = Parse(ce, &e); !s.ok()) return s;
    return ApplyVisitEvent(e);
  }
  if (OnTopic(ce.topic, kChoiceTopic)) {
    choice::v1::ChoiceEvent e;
    if (absl::Status s = Parse(ce, &e); !s.ok()) return s;
    return ApplyChoiceEvent(e);
  }
  if (OnTopic(ce.topic, kRegistryTopic)) {
    registry::v1::RegistryEvent e;
    if (absl::Status s = Parse(ce, &e); !s.ok()) return s;
    return ApplyRegistryEvent(e);
  }
  if (OnTopic(ce.topic, kSettlementTopic)) {
    v1::SettlementEvent e;
    if (absl::Status s = Parse(ce, &e); !s.ok()) return s;
    return ApplySettlementEvent(e);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("event ", ce.id, " from unexpected topic ", ce.topic));
}

absl::Status Projector::ApplyVisitEvent(const visits::v1::VisitEvent& event) {
  const visits::v1::Visit* current = nullptr;
  const visits::v1::Visit* previous = nullptr;
  std::string period, adjusts;
  switch (event.payload_case()) {
    case visits::v1::VisitEvent::kVisitAccepted:
      current = &event.visit_accepted().visit();
      period = current->period();
      break;
    case visits::v1::VisitEvent::kVisitCorrected:
      current = &event.visit_corrected().visit();
      previous = &event.visit_corrected().previous();
      period = current->period();
      adjusts = event.visit_corrected().adjusts_period();
      break;
    case visits::v1::VisitEvent::kVisitVoided:
      previous = &event.visit_voided().previous();
      period = event.visit_voided().period();
      adjusts = event.visit_voided().adjusts_period();
      break;
    default:
      return absl::OkStatus();  // rejected reports are never paid
  }
  const visits::v1::Visit& any = current ? *current : *previous;
  if (any.provider_id().empty() || any.visit_id().empty() || period.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "visit event ", event.event_id(),
        ": visit_id, provider_id and period are required to settle it"));
  }
  // The period the visit was in before this event.
  const std::string& home = previous ? previous->period() : period;
  // Seen again (a replay over existing state, a redelivery after a rebuild):
  // it is already in the visits, and in any statement approved since.
  absl::StatusOr<bool> applied =
      store_->VisitEventApplied(any.provider_id(), home, event.event_id());
  if (!applied.ok()) return applied.status();
  if (*applied) return absl::OkStatus();
  if (current != nullptr) {
    // Topics replay in no fixed order across each other: the approval may
    // come first. What the approved statement already pays is no adjustment.
    absl::StatusOr<bool> paid = PaidByApprovedStatement(*current);
    if (!paid.ok()) return paid.status();
    if (*paid) adjusts.clear();
  }
  if (adjusts.empty()) {
    // The visits service may not have seen our approval yet.
    absl::StatusOr<bool> locked = store_->IsApproved(any.provider_id(), home);
    if (!locked.ok()) return locked.status();
    if (*locked) {
      absl::StatusOr<bool> paid = current ? PaidByApprovedStatement(*current)
                                          : absl::StatusOr<bool>(false);
      if (!paid.ok()) return paid.status();
      if (!*paid) adjusts = home;
    }
  }
  if (!adjusts.empty()) {
    visits::v1::VisitEvent kept = event;
    if (kept.has_visit_accepted()) {
      // A late report for a locked period: an adjustment with nothing to
      // take back.
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
    return store_->PutAdjustment(any.provider_id(), kept);
  }
  if (previous != nullptr &&
      (current == nullptr || previous->period() != current->period())) {
    if (absl::Status s = store_->RemoveVisit(
            previous->provider_id(), previous->period(), previous->visit_id());
        !s.ok()) {
      return s;
    }
  }
  if (current != nullptr) {
    if (absl::Status s = store_->PutVisit(*current); !s.ok()) return s;
  }
  return store_->MarkVisitEventApplied(any.provider_id(), home,
                                       event.event_id());
}

absl::StatusOr<bool> Projector::PaidByApprovedStatement(
    const visits::v1::Visit& visit) {
  const std::string key =
      absl::StrCat(visit.provider_id(), "/", visit.period());
  std::lock_guard<std::mutex> lock(mu_);
  auto it = approved_sources_.find(key);
  if (it == approved_sources_.end()) {
    absl::StatusOr<std::optional<v1::Statement>> approved =
        store_->Approved(visit.provider_id(), visit.period());
    if (!approved.ok()) return approved.status();
    if (!approved->has_value()) return false;  // not cached: may come later
    std::set<std::string> sources;
    for (const auto& line : (*approved)->lines()) {
      if (!line.adjusts_period().empty()) continue;  // adjustments are others'
      for (const auto& source : line.sources()) sources.insert(source);
    }
    it = approved_sources_.emplace(key, std::move(sources)).first;
  }
  return it->second.count(
             absl::StrCat(visit.visit_id(), "@", visit.version())) > 0;
}

absl::Status Projector::ApplyChoiceEvent(const choice::v1::ChoiceEvent& event) {
  switch (event.payload_case()) {
    case choice::v1::ChoiceEvent::kAssignmentStarted: {
      const auto& started = event.assignment_started();
      if (started.has_ended()) {
        if (absl::Status s = store_->PutAssignment(started.ended()); !s.ok()) {
          return s;
        }
      }
      return store_->PutAssignment(started.assignment());
    }
    case choice::v1::ChoiceEvent::kAssignmentEnded:
      return store_->PutAssignment(event.assignment_ended().assignment());
    case choice::v1::ChoiceEvent::kDecisionRegistered:
      return store_->PutDecision(event.decision_registered().client_id(),
                                 event.decision_registered().decision());
    case choice::v1::ChoiceEvent::kDecisionChanged:
      return store_->PutDecision(event.decision_changed().client_id(),
                                 event.decision_changed().decision());
    default:
      return absl::OkStatus();
  }
}

absl::Status Projector::ApplyRegistryEvent(
    const registry::v1::RegistryEvent& event) {
  if (event.has_municipality_configured()) {
    std::map<std::string, v1::ZoneArea> areas;
    for (const auto& z :
         event.municipality_configured().municipality().zones()) {
      areas[z.zone_id()] = z.area_type() == registry::v1::AREA_TYPE_RURAL
                               ? v1::ZONE_AREA_RURAL
                               : v1::ZONE_AREA_URBAN;
    }
    return store_->SetZoneAreas(areas);
  }
  // Every provider event carries the provider after the change.
  const auto* oneof = event.GetDescriptor()->FindOneofByName("payload");
  const auto* field =
      event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  if (field == nullptr) return absl::OkStatus();
  const google::protobuf::Message& payload =
      event.GetReflection()->GetMessage(event, field);
  const auto* provider_field =
      payload.GetDescriptor()->FindFieldByName("provider");
  if (provider_field == nullptr) return absl::OkStatus();
  const auto& provider = static_cast<const registry::v1::Provider&>(
      payload.GetReflection()->GetMessage(payload, provider_field));
  if (provider.provider_id().empty()) return absl::OkStatus();
  return store_->SetProviderKind(
      provider.provider_id(),
      provider.kind() == registry::v1::PROVIDER_KIND_IN_HOUSE);
}

absl::Status Projector::ApplySettlementEvent(const v1::SettlementEvent& event) {
  absl::Status s;
  switch (event.payload_case()) {
    case v1::SettlementEvent::kRateTableVersionAdded:
      s = store_->PutRateTable(event.rate_table_version_added().table());
      break;
    case v1::SettlementEvent::kListingRuleSet:
      s = store_->SetListingRule(event.listing_rule_set().rule());
      break;
    case v1::SettlementEvent::kOneOffPaymentAllocated:
      s = store_->PutOneOff(event.one_off_payment_allocated().payment());
      break;
    case v1::SettlementEvent::kStatementSourcesRecorded:
      s = store_->PutSourcesPart(event.statement_sources_recorded());
      break;
    case v1::SettlementEvent::kStatementApproved: {
      const v1::StatementApproved& approved = event.statement_approved();
      v1::Statement st = approved.statement();
      if (approved.source_parts() > 0) {
        absl::StatusOr<std::vector<v1::StatementSourcesRecorded>> parts =
            store_->SourcesParts(st.statement_id());
        if (!parts.ok()) return parts.status();
        absl::StatusOr<v1::Statement> joined = JoinSources(
            std::move(st), std::move(*parts), approved.source_parts());
        if (!joined.ok()) return joined.status();
        st = std::move(*joined);
      }
      s = store_->PutApproved(st);
      if (s.ok() && approved.source_parts() > 0) {
        s = store_->DropSourcesParts(st.statement_id());
      }
      std::lock_guard<std::mutex> lock(mu_);
      approved_sources_.erase(absl::StrCat(st.provider_id(), "/", st.period()));
      break;
    }
    default:
      break;
  }
  if (!s.ok()) return s;
  return store_->SeenVersion(event.aggregate_id(), event.aggregate_version());
}

}  // namespace lov::settlement
