#include "lov/settlement/domain/day_adjustments.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "absl/time/civil_time.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"

namespace lov::settlement {
namespace {

const visits::v1::Visit& AnyVersion(const Adjustment& a) {
  return a.current ? *a.current : *a.previous;
}

// Present at version k sorts before gone after k (month_inputs.h).
int64_t Ordinal(const Adjustment& a) {
  return a.current ? a.current->version() * 2 : a.previous->version() * 2 + 1;
}

absl::CivilDay DateOf(const visits::v1::Visit& v) {
  return StockholmDate(FromProtoTime(v.start()));
}

// The visits a period pays now, by visit id.
using PaidState = std::map<std::string, visits::v1::Visit>;

void Apply(const Adjustment& a, PaidState& state) {
  state.erase(AnyVersion(a).visit_id());
  if (a.current) state[a.current->visit_id()] = *a.current;
}

// The other performed visits of `a`'s client on `a`'s dates.
std::vector<visits::v1::Visit> OthersOnItsDays(const Adjustment& a,
                                               const PaidState& state) {
  std::set<std::string> clients;
  std::set<absl::CivilDay> dates;
  for (const auto* v : {&a.previous, &a.current}) {
    if (!*v) continue;
    clients.insert((*v)->client_id());
    dates.insert(DateOf(**v));
  }
  std::vector<visits::v1::Visit> out;
  for (const auto& [id, v] : state) {
    if (id == AnyVersion(a).visit_id() ||
        v.status() != visits::v1::VISIT_STATUS_PERFORMED ||
        !clients.count(v.client_id()) || !dates.count(DateOf(v))) {
      continue;
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace

void OrderAdjustments(std::vector<Adjustment>& adjustments) {
  std::stable_sort(adjustments.begin(), adjustments.end(),
                   [](const Adjustment& x, const Adjustment& y) {
                     return std::forward_as_tuple(x.adjusts_period, Ordinal(x),
                                                  x.adjustment_id) <
                            std::forward_as_tuple(y.adjusts_period, Ordinal(y),
                                                  y.adjustment_id);
                   });
}

void SetPaidBefore(const std::map<std::string, std::vector<visits::v1::Visit>>&
                       approved_visits,
                   std::vector<Adjustment> booked,
                   std::vector<Adjustment>& pending) {
  std::map<std::string, PaidState> paid;
  for (const auto& [period, visits] : approved_visits) {
    for (const auto& v : visits) paid[period][v.visit_id()] = v;
  }
  OrderAdjustments(booked);
  for (const Adjustment& a : booked) Apply(a, paid[a.adjusts_period]);
  for (Adjustment& a : pending) {
    PaidState& state = paid[a.adjusts_period];
    a.paid_before = OthersOnItsDays(a, state);
    Apply(a, state);
  }
}

}  // namespace lov::settlement
