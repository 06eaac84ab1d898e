// Projector::ApplyBatch: runs of visit and choice events applied with one
// read of the facts they are judged on and one write, instead of several
// round trips per event. Each visit event is judged exactly as
// Projector::ApplyVisitEvent judges it: nothing a visit event writes is read
// by another (but the marks of events applied, kept here as well), and the
// approvals that change the facts are settlement events, applied one by one
// between two runs.
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/log.h"
#include "lov/platform/text.h"
#include "lov/platform/topics.h"
#include "lov/platform/trace_context.h"
#include "lov/settlement/app/reactions/changes.h"
#include "lov/settlement/app/reactions/projector.h"
#include "lov/settlement/domain/month_inputs.h"

namespace lov::settlement {

struct Projector::Batched {
  bool is_visit = false;
  visits::v1::VisitEvent visit;
  choice::v1::ChoiceEvent choice;
  std::string traceparent;  // the visit event's (ce_traceparent)
  std::string tracestate;   // and its ce_tracestate, passed on unchanged
};

namespace {

bool OnTopic(const std::string& topic, const char* base) {
  return absl::EndsWith(AsAbsl(topic), AsAbsl(base));
}

}  // namespace

absl::Status Projector::ApplyBatch(const std::vector<CloudEvent>& events) {
  std::vector<Batched> run;
  for (const CloudEvent& ce : events) {
    Batched b;
    if (OnTopic(ce.topic, topics::kVisitsEvents)) {
      b.is_visit = true;
      b.traceparent = ce.Header(kCloudEventTraceparentHeader);
      b.tracestate = ce.Header(kCloudEventTracestateHeader);
      if (absl::Status s = FromCloudEvent(ce, &b.visit); !s.ok()) return s;
      run.push_back(std::move(b));
      continue;
    }
    if (OnTopic(ce.topic, topics::kChoiceEvents)) {
      if (absl::Status s = FromCloudEvent(ce, &b.choice); !s.ok()) return s;
      run.push_back(std::move(b));
      continue;
    }
    // Registry and settlement events (approvals among them) one by one,
    // after the run before them.
    if (absl::Status s = ApplyRun(run); !s.ok()) return s;
    run.clear();
    if (absl::Status s = Apply(ce); !s.ok()) return s;
  }
  return ApplyRun(run);
}

absl::Status Projector::ApplyRun(const std::vector<Batched>& run) {
  // One question per visit event that pays something.
  std::vector<VisitEventQuestion> questions;
  for (const Batched& b : run) {
    if (!b.is_visit) continue;
    std::optional<VisitChange> change = ChangeOf(b.visit);
    if (!change) continue;
    const visits::v1::Visit& any =
        change->current ? *change->current : *change->previous;
    if (any.provider_id().empty() || any.visit_id().empty() ||
        change->period.empty()) {
      // The batch fails; one by one, this event is refused on its own.
      return absl::InvalidArgumentError(absl::StrCat(
          "visit event ", b.visit.event_id(),
          ": visit_id, provider_id and period are required to settle it"));
    }
    questions.push_back({any.provider_id(), HomeOf(b.visit), b.visit.event_id(),
                         any.visit_id(),
                         change->current ? change->current->period() : ""});
  }
  std::vector<VisitEventFacts> facts;
  if (!questions.empty()) {
    absl::StatusOr<std::vector<VisitEventFacts>> read =
        batch_->VisitEventFactsOf(questions);
    if (!read.ok()) return read.status();
    if (read->size() != questions.size()) {
      return absl::InternalError(
          absl::StrCat("batch read answered ", read->size(), " of ",
                       questions.size(), " visit events"));
    }
    facts = *std::move(read);
  }

  std::vector<StoreWrite> writes;
  // What each visit event was applied to, logged in its trace once written.
  struct Applied {
    const Batched* event;
    std::string provider, period;
    bool adjustment;
  };
  std::vector<Applied> applied;
  // Marked applied by this run: (provider, home, event id).
  std::set<std::tuple<std::string, std::string, std::string>> marked;
  // Months given ordinary changes, checked for an approval afterwards.
  std::set<std::pair<std::string, std::string>> changed_months;
  size_t next = 0;
  for (const Batched& b : run) {
    if (!b.is_visit) {
      AddChoiceWrites(b.choice, &writes);
      continue;
    }
    const visits::v1::VisitEvent& event = b.visit;
    std::optional<VisitChange> change = ChangeOf(event);
    if (!change) continue;  // rejected reports are never paid
    const VisitEventQuestion& q = questions[next];
    const VisitEventFacts& f = facts[next];
    ++next;
    const std::string& provider = q.provider_id;
    const std::string& home = q.home;
    auto mark = std::make_tuple(provider, home, event.event_id());
    // Seen again: already in the visits, and in any statement approved
    // since.
    if (f.applied || marked.count(mark) > 0) continue;
    if (f.inputs.recorded) {
      if (!Counted(f.inputs.states, event, home)) {
        const std::string adjusts =
            change->adjusts.empty() ? home : change->adjusts;
        writes.push_back(
            store_write::PutAdjustment{provider, AsAdjustment(event, adjusts)});
        applied.push_back({&b, provider, adjusts, true});
        continue;
      }
      AddMoveWrites(*change, &writes);
      writes.push_back(
          store_write::MarkVisitEventApplied{provider, home, event.event_id()});
      marked.insert(std::move(mark));
      applied.push_back({&b, provider, change->period, false});
      continue;
    }
    // CorrectedPeriod, on the facts read.
    std::string adjusts = change->adjusts;
    bool paid = false;
    if (change->current != nullptr && f.current_approved) {
      absl::StatusOr<bool> p = PaidByApprovedStatement(*change->current);
      if (!p.ok()) return p.status();
      paid = *p;
    }
    if (paid) adjusts.clear();
    if (adjusts.empty() && f.home_approved && !paid) adjusts = home;
    if (!adjusts.empty()) {
      writes.push_back(
          store_write::PutAdjustment{provider, AsAdjustment(event, adjusts)});
      applied.push_back({&b, provider, adjusts, true});
      continue;
    }
    // An ordinary change of an open month, logged before it is made.
    writes.push_back(store_write::LogVisitEvent{provider, home, event});
    AddMoveWrites(*change, &writes);
    writes.push_back(
        store_write::MarkVisitEventApplied{provider, home, event.event_id()});
    marked.insert(std::move(mark));
    changed_months.emplace(provider, home);
    applied.push_back({&b, provider, change->period, false});
  }
  if (!writes.empty()) {
    if (absl::Status s = batch_->ApplyWrites(writes); !s.ok()) return s;
  }
  for (const Applied& a : applied) {
    if (!log::Enabled(log::Level::kDebug)) break;
    ScopedTrace trace(ContinueTrace(a.event->traceparent, a.event->tracestate));
    LogVisitApplied(a.event->visit, a.provider, a.period, a.adjustment);
  }
  if (changed_months.empty()) return absl::OkStatus();
  // The approval may have been applied meanwhile (the approving command, or
  // another replica): then these changes are judged now.
  const std::vector<std::pair<std::string, std::string>> months(
      changed_months.begin(), changed_months.end());
  absl::StatusOr<std::vector<bool>> recorded = batch_->InputsRecorded(months);
  if (!recorded.ok()) return recorded.status();
  if (recorded->size() != months.size()) {
    return absl::InternalError(absl::StrCat("batch read answered ",
                                            recorded->size(), " of ",
                                            months.size(), " months"));
  }
  for (size_t i = 0; i < months.size(); ++i) {
    if (!(*recorded)[i]) continue;
    if (absl::Status s =
            ReconcileMonth(months[i].first, months[i].second, nullptr);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace lov::settlement
