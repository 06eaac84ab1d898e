// The batch reads and writes of the projector on a store with no round
// trips to save (the tests' fakes): one call each.
#include "lov/settlement/batch_ports.h"

namespace lov::settlement {
namespace {

class OneCallEachStore : public ProjectionBatchStore {
 public:
  explicit OneCallEachStore(SettlementStore* store) : store_(store) {}

  absl::StatusOr<std::vector<VisitEventFacts>> VisitEventFactsOf(
      const std::vector<VisitEventQuestion>& questions) override {
    std::vector<VisitEventFacts> out;
    out.reserve(questions.size());
    for (const VisitEventQuestion& q : questions) {
      VisitEventFacts f;
      absl::StatusOr<bool> applied =
          store_->VisitEventApplied(q.provider_id, q.home, q.event_id);
      if (!applied.ok()) return applied.status();
      f.applied = *applied;
      absl::StatusOr<SettlementStore::InputLookup> inputs =
          store_->ApprovedInputs(q.provider_id, q.home, {q.visit_id});
      if (!inputs.ok()) return inputs.status();
      f.inputs = *std::move(inputs);
      absl::StatusOr<bool> home = store_->IsApproved(q.provider_id, q.home);
      if (!home.ok()) return home.status();
      f.home_approved = *home;
      if (!q.current_period.empty()) {
        absl::StatusOr<bool> current =
            store_->IsApproved(q.provider_id, q.current_period);
        if (!current.ok()) return current.status();
        f.current_approved = *current;
      }
      out.push_back(std::move(f));
    }
    return out;
  }

  absl::StatusOr<std::vector<bool>> InputsRecorded(
      const std::vector<std::pair<std::string, std::string>>& months) override {
    std::vector<bool> out;
    for (const auto& [provider, period] : months) {
      absl::StatusOr<SettlementStore::InputLookup> inputs =
          store_->ApprovedInputs(provider, period, {});
      if (!inputs.ok()) return inputs.status();
      out.push_back(inputs->recorded);
    }
    return out;
  }

  absl::Status ApplyWrites(const std::vector<StoreWrite>& writes) override {
    for (const StoreWrite& w : writes) {
      if (std::holds_alternative<store_write::MarkVisitEventApplied>(w)) {
        continue;
      }
      if (absl::Status s = std::visit(*this, w); !s.ok()) return s;
    }
    for (const StoreWrite& w : writes) {
      if (!std::holds_alternative<store_write::MarkVisitEventApplied>(w)) {
        continue;
      }
      if (absl::Status s = std::visit(*this, w); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status operator()(const store_write::PutVisit& w) {
    return store_->PutVisit(w.visit);
  }
  absl::Status operator()(const store_write::RemoveVisit& w) {
    return store_->RemoveVisit(w.provider_id, w.period, w.visit_id);
  }
  absl::Status operator()(const store_write::PutAdjustment& w) {
    return store_->PutAdjustment(w.provider_id, w.event);
  }
  absl::Status operator()(const store_write::LogVisitEvent& w) {
    return store_->LogVisitEvent(w.provider_id, w.period, w.event);
  }
  absl::Status operator()(const store_write::MarkVisitEventApplied& w) {
    return store_->MarkVisitEventApplied(w.provider_id, w.period, w.event_id);
  }
  absl::Status operator()(const store_write::PutAssignment& w) {
    return store_->PutAssignment(w.assignment);
  }
  absl::Status operator()(const store_write::PutDecision& w) {
    return store_->PutDecision(w.client_id, w.decision);
  }

 private:
  SettlementStore* store_;
};

}  // namespace

std::unique_ptr<ProjectionBatchStore> OneCallEach(SettlementStore* store) {
  return std::make_unique<OneCallEachStore>(store);
}

}  // namespace lov::settlement
