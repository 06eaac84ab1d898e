#include "lov/settlement/domain/month_inputs.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace lov::settlement {
namespace {

constexpr absl::string_view kGone = ":gone";

const visits::v1::Visit* CurrentOf(const visits::v1::VisitEvent& e) {
  if (e.has_visit_accepted()) return &e.visit_accepted().visit();
  if (e.has_visit_corrected()) return &e.visit_corrected().visit();
  return nullptr;
}

const visits::v1::Visit* PreviousOf(const visits::v1::VisitEvent& e) {
  if (e.has_visit_corrected()) return &e.visit_corrected().previous();
  if (e.has_visit_voided()) return &e.visit_voided().previous();
  return nullptr;
}

const std::string& VisitIdOf(const visits::v1::VisitEvent& e) {
  const visits::v1::Visit* v = CurrentOf(e);
  return v != nullptr ? v->visit_id() : PreviousOf(e)->visit_id();
}

}  // namespace

std::vector<std::string> FormatMonthInputs(const MonthInputs& inputs) {
  std::vector<std::string> out;
  out.reserve(inputs.size());
  for (const auto& [id, state] : inputs) {
    out.push_back(
        absl::StrCat(id, "@", state.version, state.present ? "" : kGone));
  }
  return out;
}

absl::StatusOr<MonthInputs> ParseMonthInputs(
    const std::vector<std::string>& entries) {
  MonthInputs out;
  for (size_t i = 0; i < entries.size(); ++i) {
    absl::string_view entry = entries[i];
    VisitState state;
    state.present = !absl::ConsumeSuffix(&entry, kGone);
    const size_t at = entry.rfind('@');
    if (at == absl::string_view::npos || at == 0 ||
        !absl::SimpleAtoi(entry.substr(at + 1), &state.version) ||
        state.version < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "visit_versions[", i,
          "]: not \"<visit_id>@<version>\" or \"<visit_id>@<version>:gone\""));
    }
    out[std::string(entry.substr(0, at))] = state;
  }
  return out;
}

std::string HomeOf(const visits::v1::VisitEvent& event) {
  if (const visits::v1::Visit* previous = PreviousOf(event)) {
    return previous->period();
  }
  if (const visits::v1::Visit* current = CurrentOf(event)) {
    return current->period();
  }
  return "";
}

std::optional<VisitState> StateAfter(const visits::v1::VisitEvent& event,
                                     const std::string& home) {
  if (const visits::v1::Visit* current = CurrentOf(event)) {
    return VisitState{current->version(), current->period() == home};
  }
  if (const visits::v1::Visit* previous = PreviousOf(event)) {
    return VisitState{previous->version(), false};
  }
  return std::nullopt;
}

MonthInputs InputsOf(const std::vector<visits::v1::Visit>& visits,
                     const std::vector<visits::v1::VisitEvent>& month_events,
                     const std::string& period) {
  MonthInputs out;
  for (const visits::v1::Visit& v : visits) {
    out[v.visit_id()] = VisitState{v.version(), true};
  }
  std::set<std::string> present;
  for (const visits::v1::Visit& v : visits) present.insert(v.visit_id());
  for (const visits::v1::VisitEvent& e : month_events) {
    if (HomeOf(e) != period) continue;
    std::optional<VisitState> after = StateAfter(e, period);
    if (!after || after->present) continue;
    const std::string& id = VisitIdOf(e);
    if (present.count(id) > 0) continue;  // back in the month since
    auto [it, added] = out.emplace(id, *after);
    if (!added && it->second.Ordinal() < after->Ordinal()) it->second = *after;
  }
  return out;
}

bool Counted(const MonthInputs& inputs, const visits::v1::VisitEvent& event,
             const std::string& period) {
  std::optional<VisitState> after = StateAfter(event, period);
  if (!after) return true;  // pays nothing either way
  auto it = inputs.find(VisitIdOf(event));
  return it != inputs.end() && after->Ordinal() <= it->second.Ordinal();
}

Reconciliation Reconcile(
    const MonthInputs& inputs,
    const std::vector<visits::v1::VisitEvent>& month_events,
    const std::string& period) {
  Reconciliation out;
  std::vector<const visits::v1::VisitEvent*> uncounted;
  for (const visits::v1::VisitEvent& e : month_events) {
    if (HomeOf(e) != period || Counted(inputs, e, period)) continue;
    uncounted.push_back(&e);
  }
  std::sort(uncounted.begin(), uncounted.end(), [&](auto* a, auto* b) {
    return std::make_tuple(VisitIdOf(*a), StateAfter(*a, period)->Ordinal()) <
           std::make_tuple(VisitIdOf(*b), StateAfter(*b, period)->Ordinal());
  });
  std::set<std::string> affected;
  for (const visits::v1::VisitEvent* e : uncounted) {
    out.adjustments.push_back(*e);
    affected.insert(VisitIdOf(*e));
    const visits::v1::Visit* current = CurrentOf(*e);
    if (current != nullptr && current->period() != period) {
      out.remove_elsewhere.push_back(*current);
    }
  }
  for (const std::string& id : affected) {
    auto it = inputs.find(id);
    if (it == inputs.end() || !it->second.present) {
      out.remove.push_back(id);
      continue;
    }
    // The paid version: what a change of the month produced, or what an
    // uncounted change started from.
    const visits::v1::Visit* paid = nullptr;
    for (const visits::v1::VisitEvent& e : month_events) {
      for (const visits::v1::Visit* v : {CurrentOf(e), PreviousOf(e)}) {
        if (v != nullptr && v->visit_id() == id &&
            v->version() == it->second.version && v->period() == period) {
          paid = v;
        }
      }
    }
    if (paid == nullptr) {
      out.unresolved.push_back(absl::StrCat(id, "@", it->second.version));
    } else {
      out.restore.push_back(*paid);
    }
  }
  return out;
}

}  // namespace lov::settlement
