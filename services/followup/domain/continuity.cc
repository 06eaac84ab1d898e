#include "lov/followup/domain/continuity.h"

#include <algorithm>
#include <set>

#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {
namespace {

// One population's counts: per client, the visits that count for
// continuity and the staff met in them.
struct Tally {
  std::map<std::string, int> counted_visits;
  std::map<std::string, std::set<std::string>> staff;
  int visits = 0;
  int visits_with_exceptions = 0;

  ContinuityResult Result(std::string provider_id) const {
    ContinuityResult r;
    r.provider_id = std::move(provider_id);
    r.visits = visits;
    r.visits_with_exceptions = visits_with_exceptions;
    std::vector<int> counts;
    for (const auto& [client, n] : counted_visits) {
      if (n < kContinuityMinVisits) continue;
      auto met_staff = staff.find(client);
      const int met = met_staff == staff.end()
                          ? 0
                          : static_cast<int>(met_staff->second.size());
      counts.push_back(met);
      ++r.distribution[met];
    }
    r.clients = static_cast<int>(counts.size());
    r.median_staff = Median(std::move(counts));
    return r;
  }
};

bool InDayHours(absl::Time start) {
  const int hour = ToStockholm(start).hour();
  return hour >= kContinuityFirstHour && hour < kContinuityEndHour;
}

}  // namespace

VisitFact FactOf(const visits::v1::Visit& visit, bool has_exceptions) {
  VisitFact f;
  f.provider_id = visit.provider_id();
  f.client_id = visit.client_id();
  if (!visit.staff_id().empty()) f.staff_ids.push_back(visit.staff_id());
  if (visit.double_staffing() && !visit.second_staff_id().empty()) {
    f.staff_ids.push_back(visit.second_staff_id());
  }
  f.start = FromProtoTime(visit.start());
  f.performed = visit.status() == visits::v1::VISIT_STATUS_PERFORMED ||
                visit.status() == visits::v1::VISIT_STATUS_UNSPECIFIED;
  f.has_exceptions = has_exceptions;
  return f;
}

double Median(std::vector<int> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  if (values.size() % 2 == 1) return values[mid];
  return (values[mid - 1] + values[mid]) / 2.0;
}

std::vector<ContinuityResult> Continuity(const std::vector<VisitFact>& visits,
                                         absl::CivilDay from) {
  const absl::Time start = StartOfDay(from);
  const absl::Time end = StartOfDay(from + kContinuityDays);
  Tally all;
  std::map<std::string, Tally> by_provider;
  for (const VisitFact& v : visits) {
    if (v.start < start || v.start >= end) continue;
    Tally& own = by_provider[v.provider_id];
    for (Tally* t : {&all, &own}) {
      ++t->visits;
      if (v.has_exceptions) ++t->visits_with_exceptions;
    }
    if (!v.performed || !InDayHours(v.start)) continue;
    ++all.counted_visits[v.client_id];
    ++own.counted_visits[v.client_id];
    for (const std::string& s : v.staff_ids) {
      // Staff ids are the provider's own: qualified by it municipality-wide.
      all.staff[v.client_id].insert(v.provider_id + "/" + s);
      own.staff[v.client_id].insert(s);
    }
  }
  std::vector<ContinuityResult> out = {all.Result("")};
  for (const auto& [provider, tally] : by_provider) {
    out.push_back(tally.Result(provider));
  }
  return out;
}

}  // namespace lov::followup
