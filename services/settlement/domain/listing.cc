#include "lov/settlement/domain/listing.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"

namespace lov::settlement {
namespace {

bool ParseRange(const std::string& from, const std::string& to,
                DayRange* range) {
  absl::StatusOr<absl::CivilDay> first = ParseDate(from);
  if (!first.ok()) return false;
  absl::CivilDay last = absl::CivilDay(9999, 12, 31);
  if (!to.empty()) {
    absl::StatusOr<absl::CivilDay> parsed = ParseDate(to);
    if (!parsed.ok()) return false;
    last = *parsed;
  }
  *range = {*first, last};
  return range->first <= range->last;
}

bool Clip(DayRange* range, absl::CivilMonth month) {
  const absl::CivilDay month_first(month);
  const absl::CivilDay month_last = absl::CivilDay(month + 1) - 1;
  range->first = std::max(range->first, month_first);
  range->last = std::min(range->last, month_last);
  return range->first <= range->last;
}

}  // namespace

std::vector<ClientDays> ListedDays(
    const std::vector<choice::v1::Assignment>& assignments,
    absl::CivilMonth month, v1::ListingRuleKind rule) {
  // (client, category) -> assignments' ranges in the month, with the zone.
  struct Collected {
    std::vector<std::pair<DayRange, std::string>> ranges;
  };
  std::map<std::pair<std::string, std::string>, Collected> by_client;
  for (const choice::v1::Assignment& a : assignments) {
    DayRange range;
    if (!ParseRange(a.valid_from(), a.valid_to(), &range)) continue;
    if (!Clip(&range, month)) continue;
    for (const std::string& category : a.category_ids()) {
      by_client[{a.client_id(), category}].ranges.push_back(
          {range, a.zone_id()});
    }
  }
  const absl::CivilDay fifteenth = absl::CivilDay(month) + 14;
  const int64_t days_in_month = DaysInMonth(month);
  std::vector<ClientDays> out;
  for (auto& [key, collected] : by_client) {
    auto& ranges = collected.ranges;
    std::sort(ranges.begin(), ranges.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first.first, a.first.last, a.second) <
             std::tie(b.first.first, b.first.last, b.second);
    });
    ClientDays listed;
    listed.client_id = key.first;
    listed.category_id = key.second;
    // Merge overlapping or adjacent ranges so no day counts twice.
    for (const auto& [range, zone] : ranges) {
      if (!listed.ranges.empty() &&
          range.first <= listed.ranges.back().last + 1) {
        listed.ranges.back().last =
            std::max(listed.ranges.back().last, range.last);
      } else {
        listed.ranges.push_back(range);
      }
      listed.zone_id = zone;
    }
    int64_t days = 0;
    bool on_fifteenth = false;
    for (const DayRange& r : listed.ranges) {
      days += (r.last - r.first) + 1;
      if (r.first <= fifteenth && fifteenth <= r.last) on_fifteenth = true;
    }
    if (rule == v1::LISTING_RULE_KIND_PROVIDER_ON_15TH) {
      days = on_fifteenth ? days_in_month : 0;
    }
    listed.days = days;
    if (listed.days > 0) out.push_back(std::move(listed));
  }
  return out;
}

std::vector<Grant> GrantsOf(const std::vector<choice::v1::Decision>& decisions,
                            const std::string& category_id) {
  std::vector<Grant> grants;
  for (const choice::v1::Decision& d : decisions) {
    DayRange range;
    if (!ParseRange(d.valid_from(), d.valid_to(), &range)) continue;
    for (const choice::v1::GrantedCategory& c : d.categories()) {
      if (c.category_id() == category_id) grants.push_back({range, &d, &c});
    }
  }
  // Latest valid_from last, so GrantOn finds it first.
  std::stable_sort(grants.begin(), grants.end(),
                   [](const Grant& a, const Grant& b) {
                     return a.range.first < b.range.first;
                   });
  return grants;
}

const Grant* GrantOn(const std::vector<Grant>& grants, absl::CivilDay day) {
  for (auto it = grants.rbegin(); it != grants.rend(); ++it) {
    if (it->range.first <= day && day <= it->range.last) return &*it;
  }
  return nullptr;
}

int64_t GrantedSecondsTimesDays(
    const ClientDays& listed,
    const std::vector<choice::v1::Decision>& decisions) {
  const std::vector<Grant> grants = GrantsOf(decisions, listed.category_id);
  int64_t total = 0;
  for (const DayRange& r : listed.ranges) {
    for (absl::CivilDay day = r.first; day <= r.last; ++day) {
      if (const Grant* g = GrantOn(grants, day)) {
        total += int64_t{g->granted->minutes_per_month()} * 60;
      }
    }
  }
  return total;
}

std::vector<std::string> DescribeDays(const ClientDays& listed) {
  std::vector<std::string> out;
  for (const DayRange& r : listed.ranges) {
    out.push_back(absl::StrCat(listed.client_id, ":", FormatDate(r.first), "..",
                               FormatDate(r.last)));
  }
  return out;
}

}  // namespace lov::settlement
