// What the demo month pays beyond hours, on both sides: what an approved
// statement's lines pay for travel by the km and for day activities by
// support level, and what the simulator counts they must pay from the
// visits it saw accepted and the decisions it registered.
#include <string_view>

#include "simulator.h"

namespace lov::sim {

Extras ExtrasPaid(const set::Statement& statement) {
  Extras paid;
  for (const set::StatementLine& l : statement.lines()) {
    if (!l.adjusts_period().empty()) continue;
    if (l.kind() == set::LINE_KIND_TRAVEL_DISTANCE) {
      paid.travel_metres += l.quantity();
    }
    if (l.kind() == set::LINE_KIND_SUPPORT_LEVEL_DAY) {
      // Settlement describes the line "..., level <code>".
      constexpr std::string_view kLevel = ", level ";
      const size_t at = l.description().rfind(kLevel);
      const std::string level =
          at == std::string::npos ? "?"
                                  : l.description().substr(at + kLevel.size());
      paid.level_days[level] += l.quantity();
    }
  }
  return paid;
}

Extras ExtrasExpected(const std::string& provider_id,
                      const std::vector<vis::VisitReport>& accepted_performed,
                      const std::vector<SimClient>& clients,
                      absl::CivilMonth month) {
  Extras expected;
  std::map<std::string, const SimClient*> by_id;
  for (const SimClient& c : clients) by_id[c.client_id] = &c;
  for (const vis::VisitReport& r : accepted_performed) {
    if (r.provider_id() != provider_id) continue;
    auto c = by_id.find(r.client_id());
    if (c != by_id.end() && SparseZone(c->second->zone)) {
      expected.travel_metres += r.travel_metres();
    }
  }
  const int64_t days = absl::CivilDay(month + 1) - absl::CivilDay(month);
  for (const SimClient& c : clients) {
    if (c.provider_id != provider_id || c.day_activity_minutes == 0) continue;
    expected.level_days[c.support_level] += days;
  }
  return expected;
}

}  // namespace lov::sim
