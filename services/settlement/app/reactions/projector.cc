#include "lov/settlement/app/reactions/projector.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/log.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/text.h"
#include "lov/platform/topics.h"
#include "lov/platform/trace_context.h"
#include "lov/settlement/app/reactions/changes.h"
#include "lov/settlement/domain/month_inputs.h"
#include "lov/settlement/domain/statement_sources.h"

namespace lov::settlement {
namespace {

template <typename Event>
absl::Status Parse(const CloudEvent& ce, Event* event) {
  return FromCloudEvent(ce, event);
}

bool OnTopic(const std::string& topic, const char* base) {
  return absl::EndsWith(AsAbsl(topic), AsAbsl(base));
}

// A prepared month-end run becomes its period's current run unless a later
// one is already there (the projection may apply it again after the
// command prepared the next); an approval already recorded for the same
// run digest is kept.
absl::Status ApplyMonthRunPrepared(SettlementStore* store,
                                   const v1::MonthRun& run) {
  absl::StatusOr<std::optional<v1::MonthRun>> current =
      store->GetMonthRun(run.period(), "");
  if (!current.ok()) return current.status();
  absl::StatusOr<std::optional<v1::MonthRun>> same =
      store->GetMonthRun(run.period(), run.run_digest());
  if (!same.ok()) return same.status();
  const bool latest =
      !current->has_value() || FromProtoTime(run.prepared_at()) >=
                                   FromProtoTime((*current)->prepared_at());
  v1::MonthRun kept = run;
  if (same->has_value() && (*same)->has_approval()) {
    *kept.mutable_approval() = (*same)->approval();
  }
  return store->PutMonthRun(kept, latest);
}

// The approval is kept with the run it approved (prepared before it, under
// the same key, so in order).
absl::Status ApplyMonthRunApproved(SettlementStore* store,
                                   const v1::MonthRunApproval& approval) {
  absl::StatusOr<std::optional<v1::MonthRun>> run =
      store->GetMonthRun(approval.period(), approval.run_digest());
  if (!run.ok()) return run.status();
  if (!run->has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("month run ", approval.run_digest(), " of ",
                     approval.period(), " was approved but never prepared"));
  }
  // The first approval stays (ApproveMonth refuses another for an approved
  // run; this keeps it so whatever reached the log first).
  if ((*run)->has_approval()) return absl::OkStatus();
  *(*run)->mutable_approval() = approval;
  return store->PutMonthRun(**run, /*latest=*/false);
}

// Moves the visit to the version and period the event gives it.
absl::Status MoveVisit(SettlementStore* store, const VisitChange& change) {
  const visits::v1::Visit* previous = change.previous;
  const visits::v1::Visit* current = change.current;
  if (LeavesPreviousPeriod(change)) {
    if (absl::Status s = store->RemoveVisit(
            previous->provider_id(), previous->period(), previous->visit_id());
        !s.ok()) {
      return s;
    }
  }
  if (current != nullptr) return store->PutVisit(*current);
  return absl::OkStatus();
}

}  // namespace

absl::Status Projector::Apply(const CloudEvent& ce) {
  if (OnTopic(ce.topic, topics::kVisitsEvents)) {
    visits::v1::VisitEvent e;
    if (absl::Status s = Parse(ce, &e); !s.ok()) return s;
    return ApplyVisitEvent(e);
  }
  if (OnTopic(ce.topic, topics::kChoiceEvents)) {
    choice::v1::ChoiceEvent e;
    if (absl::Status s = Parse(ce, &e); !s.ok()) return s;
    return ApplyChoiceEvent(e);
  }
  if (OnTopic(ce.topic, topics::kRegistryEvents)) {
    registry::v1::RegistryEvent e;
    if (absl::Status s = Parse(ce, &e); !s.ok()) return s;
    return ApplyRegistryEvent(e);
  }
  if (OnTopic(ce.topic, topics::kSettlementEvents)) {
    v1::SettlementEvent e;
    if (absl::Status s = Parse(ce, &e); !s.ok()) return s;
    return ApplySettlementEvent(e);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("event ", ce.id, " from unexpected topic ", ce.topic));
}

absl::Status Projector::ApplyVisitEvent(const visits::v1::VisitEvent& event) {
  std::optional<VisitChange> change = ChangeOf(event);
  if (!change) return absl::OkStatus();  // rejected reports are never paid
  const visits::v1::Visit& any =
      change->current ? *change->current : *change->previous;
  if (any.provider_id().empty() || any.visit_id().empty() ||
      change->period.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "visit event ", event.event_id(),
        ": visit_id, provider_id and period are required to settle it"));
  }
  const std::string& provider = any.provider_id();
  // The period the visit was in before this event.
  const std::string home = HomeOf(event);
  // Seen again (a replay over existing state, a redelivery after a rebuild):
  // it is already in the visits, and in any statement approved since.
  absl::StatusOr<bool> applied =
      store_->VisitEventApplied(provider, home, event.event_id());
  if (!applied.ok()) return applied.status();
  if (*applied) return absl::OkStatus();
  // A change of an approved month is judged against what its statement was
  // computed from, whatever order the topics are read in.
  absl::StatusOr<SettlementStore::InputLookup> inputs =
      store_->ApprovedInputs(provider, home, {any.visit_id()});
  if (!inputs.ok()) return inputs.status();
  if (inputs->recorded) {
    if (!Counted(inputs->states, event, home)) {
      const std::string adjusts =
          change->adjusts.empty() ? home : change->adjusts;
      absl::Status s =
          store_->PutAdjustment(provider, AsAdjustment(event, adjusts));
      if (s.ok()) LogVisitApplied(event, provider, adjusts, true);
      return s;
    }
    if (absl::Status s = MoveVisit(store_, *change); !s.ok()) return s;
    absl::Status s =
        store_->MarkVisitEventApplied(provider, home, event.event_id());
    if (s.ok()) LogVisitApplied(event, provider, change->period, false);
    return s;
  }
  // Approvals written before inputs were recorded, and changes the visits
  // service saw after an approval this state does not have yet.
  absl::StatusOr<std::string> corrected =
      CorrectedPeriod(change->current, provider, change->adjusts, home);
  if (!corrected.ok()) return corrected.status();
  if (!corrected->empty()) {
    absl::Status s =
        store_->PutAdjustment(provider, AsAdjustment(event, *corrected));
    if (s.ok()) LogVisitApplied(event, provider, *corrected, true);
    return s;
  }
  // An ordinary change of an open month, logged before it is made so that
  // the month's approval can tell whether its statement counted it.
  if (absl::Status s = store_->LogVisitEvent(provider, home, event); !s.ok()) {
    return s;
  }
  if (absl::Status s = MoveVisit(store_, *change); !s.ok()) return s;
  if (absl::Status s =
          store_->MarkVisitEventApplied(provider, home, event.event_id());
      !s.ok()) {
    return s;
  }
  LogVisitApplied(event, provider, change->period, false);
  // The approval may have been applied meanwhile (the approving command, or
  // another replica): then this change is judged now.
  inputs = store_->ApprovedInputs(provider, home, {any.visit_id()});
  if (!inputs.ok()) return inputs.status();
  if (!inputs->recorded) return absl::OkStatus();
  return ReconcileMonth(provider, home, nullptr);
}

void Projector::LogVisitApplied(const visits::v1::VisitEvent& event,
                                const std::string& provider_id,
                                const std::string& period, bool adjustment) {
  std::optional<VisitChange> change = ChangeOf(event);
  if (!change) return;
  const visits::v1::Visit& any =
      change->current ? *change->current : *change->previous;
  log::Debug(adjustment ? "visit change kept as an adjustment of a month"
                        : "visit applied to its provider month",
             {{"visit_id", any.visit_id()},
              {"version", static_cast<int64_t>(any.version())},
              {"event_id", event.event_id()},
              {"provider_id", provider_id},
              {"period", period}});
}

absl::Status Projector::ReconcileMonth(const std::string& provider_id,
                                       const std::string& period,
                                       const MonthInputs* known_inputs) {
  absl::StatusOr<std::vector<visits::v1::VisitEvent>> logged =
      store_->LoggedVisitEvents(provider_id, period);
  if (!logged.ok()) return logged.status();
  if (logged->empty()) return absl::OkStatus();
  MonthInputs inputs;
  if (known_inputs != nullptr) {
    inputs = *known_inputs;
  } else {
    std::set<std::string> ids;
    for (const auto& e : *logged) {
      std::optional<VisitChange> c = ChangeOf(e);
      if (c) ids.insert((c->current ? c->current : c->previous)->visit_id());
    }
    absl::StatusOr<SettlementStore::InputLookup> found = store_->ApprovedInputs(
        provider_id, period, std::vector<std::string>(ids.begin(), ids.end()));
    if (!found.ok()) return found.status();
    inputs = std::move(found->states);
  }
  const Reconciliation r = Reconcile(inputs, *logged, period);
  for (const visits::v1::VisitEvent& e : r.adjustments) {
    if (absl::Status s =
            store_->PutAdjustment(provider_id, AsAdjustment(e, period));
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            store_->UnmarkVisitEventApplied(provider_id, period, e.event_id());
        !s.ok()) {
      return s;
    }
  }
  for (const visits::v1::Visit& v : r.restore) {
    if (absl::Status s = store_->PutVisit(v); !s.ok()) return s;
  }
  for (const std::string& id : r.remove) {
    if (absl::Status s = store_->RemoveVisit(provider_id, period, id);
        !s.ok()) {
      return s;
    }
  }
  for (const visits::v1::Visit& moved : r.remove_elsewhere) {
    absl::StatusOr<std::vector<visits::v1::Visit>> there =
        store_->Visits(provider_id, moved.period());
    if (!there.ok()) return there.status();
    for (const visits::v1::Visit& v : *there) {
      if (v.visit_id() != moved.visit_id() || v.version() != moved.version()) {
        continue;
      }
      if (absl::Status s =
              store_->RemoveVisit(provider_id, moved.period(), v.visit_id());
          !s.ok()) {
        return s;
      }
    }
  }
  for (const std::string& paid : r.unresolved) {
    log::Warn(
        "approved version of a visit not found among the month's events",
        {{"visit", paid}, {"provider_id", provider_id}, {"period", period}});
  }
  if (!r.adjustments.empty()) {
    log::Info(
        "visit changes made after a statement was computed booked as "
        "adjustments",
        {{"provider_id", provider_id},
         {"period", period},
         {"changes", static_cast<int64_t>(r.adjustments.size())}});
  }
  return store_->DropVisitLog(provider_id, period);
}

absl::StatusOr<std::string> Projector::CorrectedPeriod(
    const visits::v1::Visit* current, const std::string& provider_id,
    std::string adjusts, const std::string& home) {
  if (current != nullptr) {
    // Topics replay in no fixed order across each other: the approval may
    // come first. What the approved statement already pays is no adjustment.
    absl::StatusOr<bool> paid = PaidByApprovedStatement(*current);
    if (!paid.ok()) return paid.status();
    if (*paid) adjusts.clear();
  }
  if (adjusts.empty()) {
    // The visits service may not have seen our approval yet.
    absl::StatusOr<bool> locked = store_->IsApproved(provider_id, home);
    if (!locked.ok()) return locked.status();
    if (*locked) {
      absl::StatusOr<bool> paid = current ? PaidByApprovedStatement(*current)
                                          : absl::StatusOr<bool>(false);
      if (!paid.ok()) return paid.status();
      if (!*paid) adjusts = home;
    }
  }
  return adjusts;
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
  std::vector<StoreWrite> writes;
  AddChoiceWrites(event, &writes);
  return batch_->ApplyWrites(writes);
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
  // Finance files name the provider and pay it (peppol_invoice.h): the
  // name and numbers and the payment details in one write.
  const registry::v1::PaymentDetails* details =
      event.has_payment_details_changed()
          ? &event.payment_details_changed().current()
          : nullptr;
  if (absl::Status s = store_->PutProviderParty(provider, details); !s.ok()) {
    return s;
  }
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
    case v1::SettlementEvent::kFinanceSettingsChanged:
      s = store_->PutFinanceSettings(
          event.finance_settings_changed().settings());
      break;
    case v1::SettlementEvent::kOneOffPaymentAllocated:
      s = store_->PutOneOff(event.one_off_payment_allocated().payment());
      break;
    case v1::SettlementEvent::kStatementSourcesRecorded:
      s = store_->PutSourcesPart(event.statement_sources_recorded());
      break;
    case v1::SettlementEvent::kStatementApproved:
      s = ApplyApproval(event.statement_approved());
      break;
    case v1::SettlementEvent::kMonthRunPrepared:
      s = ApplyMonthRunPrepared(store_, event.month_run_prepared().run());
      break;
    case v1::SettlementEvent::kMonthRunApproved:
      s = ApplyMonthRunApproved(store_, event.month_run_approved().approval());
      break;
    default:
      break;
  }
  if (!s.ok()) return s;
  if (s = store_->RecordRequest(event); !s.ok()) return s;
  return store_->SeenVersion(event.aggregate_id(), event.aggregate_version());
}

absl::Status Projector::ApplyApproval(const v1::StatementApproved& approved) {
  v1::Statement st = approved.statement();
  std::optional<MonthInputs> inputs;
  if (approved.visit_versions_recorded()) inputs.emplace();
  if (approved.source_parts() > 0) {
    absl::StatusOr<std::vector<v1::StatementSourcesRecorded>> parts =
        store_->SourcesParts(st.statement_id());
    if (!parts.ok()) return parts.status();
    if (approved.visit_versions_recorded()) {
      absl::StatusOr<MonthInputs> parsed =
          ParseMonthInputs(JoinVisitVersions(*parts));
      if (!parsed.ok()) return parsed.status();
      inputs = std::move(*parsed);
    }
    absl::StatusOr<v1::Statement> joined =
        JoinSources(std::move(st), std::move(*parts), approved.source_parts());
    if (!joined.ok()) return AlreadyApproved(approved, joined.status());
    st = std::move(*joined);
  }
  // The inputs first: a visit change that finds the month approved finds
  // them too.
  if (inputs) {
    if (absl::Status s =
            store_->PutApprovedInputs(st.provider_id(), st.period(), *inputs);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = store_->PutApproved(st); !s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    approved_sources_.erase(absl::StrCat(st.provider_id(), "/", st.period()));
  }
  absl::Status reconciled =
      inputs ? ReconcileMonth(st.provider_id(), st.period(), &*inputs)
             : store_->DropVisitLog(st.provider_id(), st.period());
  if (!reconciled.ok()) return reconciled;
  if (approved.source_parts() == 0) return absl::OkStatus();
  return store_->DropSourcesParts(st.statement_id());
}

absl::Status Projector::AlreadyApproved(const v1::StatementApproved& approved,
                                        const absl::Status& join_error) {
  absl::StatusOr<bool> stored =
      store_->IsApproved(approved.provider_id(), approved.period());
  if (!stored.ok()) return stored.status();
  if (!*stored) return join_error;
  // Parts of this approval put back after the first applier dropped them.
  return store_->DropSourcesParts(approved.statement_id());
}

}  // namespace lov::settlement
