#include "lov/settlement/domain/support_level_days.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/domain/compensation.h"

namespace lov::settlement {
namespace {

// Where a day's level came from, for the errors.
std::string Origin(const Grant* grant) {
  return grant != nullptr
             ? absl::StrCat("decision ", grant->decision->decision_id())
             : std::string("the category's default in the rate table");
}

absl::Status NoLevel(const ClientDays& assigned, const v1::RateTable& table,
                     const Grant* grant, absl::CivilDay day) {
  return absl::FailedPreconditionError(absl::StrCat(
      "client ", assigned.client_id, " has no support level in category '",
      assigned.category_id, "' on ", FormatDate(day), ": ",
      grant != nullptr
          ? absl::StrCat("decision ", grant->decision->decision_id(),
                         " names none")
          : std::string("no decision grants the category then"),
      ", and the rate table from ", table.effective_date(),
      " gives the category no default (categories[].support_level)"));
}

absl::Status NoRate(const ClientDays& assigned, const v1::RateTable& table,
                    const std::string& level, const Grant* grant,
                    absl::CivilDay day) {
  std::vector<std::string> known;
  for (const v1::SupportLevelRate& l : table.support_levels()) {
    known.push_back(l.level());
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "client ", assigned.client_id, " has support level '", level,
      "' in category '", assigned.category_id, "' from ", FormatDate(day), " (",
      Origin(grant), "), and the rate table from ", table.effective_date(),
      " has no day rate for it (support_levels: ",
      known.empty() ? "none" : absl::StrJoin(known, ", "),
      "); add the level in a new rate table version or correct the "
      "decision"));
}

}  // namespace

absl::StatusOr<std::vector<SupportLevelDays>> DaysBySupportLevel(
    const ClientDays& assigned,
    const std::vector<choice::v1::Decision>& decisions,
    const v1::CategoryRate& rate, const v1::RateTable& table, bool in_house) {
  const std::vector<Grant> grants = GrantsOf(decisions, assigned.category_id);
  std::map<std::string, SupportLevelDays> by_level;
  for (const DayRange& r : assigned.ranges) {
    for (absl::CivilDay day = r.first; day <= r.last; ++day) {
      const Grant* grant = GrantOn(grants, day);
      std::string level =
          grant != nullptr ? grant->granted->support_level() : "";
      const Grant* origin = level.empty() ? nullptr : grant;
      if (level.empty()) level = rate.support_level();
      if (level.empty()) return NoLevel(assigned, table, grant, day);
      auto [it, added] = by_level.try_emplace(level);
      SupportLevelDays& at = it->second;
      if (added) {
        const v1::SupportLevelRate* found = nullptr;
        for (const v1::SupportLevelRate& l : table.support_levels()) {
          if (l.level() == level) found = &l;
        }
        if (found == nullptr) {
          return NoRate(assigned, table, level, origin, day);
        }
        at.level = level;
        at.per_day_ore = UnitPriceOre(found->per_day(), in_house);
        at.days.client_id = assigned.client_id;
        at.days.category_id = assigned.category_id;
        at.days.zone_id = assigned.zone_id;
      }
      std::vector<DayRange>& ranges = at.days.ranges;
      if (!ranges.empty() && ranges.back().last + 1 == day) {
        ranges.back().last = day;
      } else {
        ranges.push_back({day, day});
      }
      ++at.days.days;
    }
  }
  std::vector<SupportLevelDays> out;
  for (auto& [level, days] : by_level) out.push_back(std::move(days));
  return out;
}

}  // namespace lov::settlement
