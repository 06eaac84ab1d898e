#include "lov/settlement/domain/support_level_changes.h"

#include <compare>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "lov/platform/period.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/domain/listing.h"
#include "lov/settlement/domain/support_level_days.h"

namespace lov::settlement {
namespace {

using internal::LineKey;
using internal::Lines;

constexpr std::string_view kLevelMark = ", level ";

// The level a SUPPORT_LEVEL_DAY line pays: its support_level, or for a line
// approved before that field existed, from its description ("Days by
// support level (...), level niva-2[, ...]"): level codes hold no ',' and
// no space (GrantedCategory.support_level).
std::string LevelOf(const v1::StatementLine& line) {
  if (!line.support_level().empty()) return line.support_level();
  const std::string& text = line.description();
  size_t at = text.find(kLevelMark);
  if (at == std::string::npos) return "";
  at += kLevelMark.size();
  const size_t end = text.find_first_of(", ", at);
  return text.substr(at, end == std::string::npos ? end : end - at);
}

// What one client-day was paid at.
struct PaidAt {
  std::string level;
  int64_t per_day_ore = 0;
  std::string rate_version;
  auto operator<=>(const PaidAt&) const = default;
};

// A client's days in one category of one adjusted month and zone.
struct DaysKey {
  std::string period;
  std::string client_id;
  std::string category_id;
  std::string zone_id;
  auto operator<=>(const DaysKey&) const = default;
};

// Net count of each way a day was paid (+1 paid, -1 taken out).
using Paid = std::map<DaysKey, std::map<absl::CivilDay, std::map<PaidAt, int>>>;

// "[-]client_id:YYYY-MM-DD..YYYY-MM-DD" (DescribeDays).
bool ParseDays(std::string_view source, int* sign, std::string* client,
               DayRange* range) {
  *sign = 1;
  if (!source.empty() && source.front() == '-') {
    *sign = -1;
    source.remove_prefix(1);
  }
  const size_t colon = source.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view days = source.substr(colon + 1);
  const size_t dots = days.find("..");
  if (dots == std::string_view::npos) return false;
  absl::StatusOr<absl::CivilDay> first = ParseDate(days.substr(0, dots));
  absl::StatusOr<absl::CivilDay> last = ParseDate(days.substr(dots + 2));
  if (!first.ok() || !last.ok() || *last < *first) return false;
  *client = std::string(source.substr(0, colon));
  *range = {*first, *last};
  return true;
}

// The days each approved month paid by level, with the level adjustments
// approved since.
Paid PaidDays(const StatementInput& input) {
  std::set<std::string> months;
  const std::string period = FormatPeriod(input.period);
  for (const v1::Statement& s : input.approved_before) {
    if (s.period() < period) months.insert(s.period());
  }
  Paid paid;
  for (const v1::Statement& s : input.approved_before) {
    if (s.period() >= period) continue;
    for (const v1::StatementLine& line : s.lines()) {
      if (line.kind() != v1::LINE_KIND_SUPPORT_LEVEL_DAY) continue;
      const std::string& month =
          line.adjusts_period().empty() ? s.period() : line.adjusts_period();
      if (!months.contains(month)) continue;
      const PaidAt at{LevelOf(line), line.unit_rate_ore(), line.rate_version()};
      for (const std::string& source : line.sources()) {
        int sign = 1;
        DaysKey key{month, "", line.category_id(), line.zone_id()};
        DayRange range;
        if (!ParseDays(source, &sign, &key.client_id, &range)) continue;
        auto& days = paid[key];
        for (absl::CivilDay d = range.first; d <= range.last; ++d) {
          days[d][at] += sign;
        }
      }
    }
  }
  return paid;
}

// The decisions of a client (none if settlement knows of none).
const std::vector<choice::v1::Decision>& DecisionsOf(
    const StatementInput& input, const std::string& client_id) {
  static const std::vector<choice::v1::Decision> kNone;
  auto it = input.decisions_by_client.find(client_id);
  return it == input.decisions_by_client.end() ? kNone : it->second;
}

// The days of one line of the adjustment, by client.
using Moves =
    std::map<LineKey, std::map<std::string, std::vector<absl::CivilDay>>>;

// `days` (ascending) as the client's day ranges.
ClientDays AsClientDays(const DaysKey& key,
                        const std::vector<absl::CivilDay>& days) {
  ClientDays c{key.client_id, key.category_id, key.zone_id, {}, 0};
  for (absl::CivilDay d : days) {
    if (!c.ranges.empty() && c.ranges.back().last + 1 == d) {
      c.ranges.back().last = d;
    } else {
      c.ranges.push_back({d, d});
    }
    ++c.days;
  }
  return c;
}

LineKey LevelLine(const DaysKey& key, const std::string& rate_version,
                  int64_t per_day_ore, const std::string& level,
                  std::string note) {
  LineKey k;
  k.adjusts_period = key.period;
  k.kind = v1::LINE_KIND_SUPPORT_LEVEL_DAY;
  k.category_id = key.category_id;
  k.zone_id = key.zone_id;
  k.rate_version = rate_version;
  k.unit_rate_ore = per_day_ore;
  k.note = std::move(note);
  k.support_level = level;
  return k;
}

// One client's paid days of one month and category, compared with the
// levels decided now; the days whose level changed go to `taken_out` at
// what they were paid and to `paid_now` at the level now.
absl::Status CompareLevels(
    const StatementInput& input, const DaysKey& key,
    const std::map<absl::CivilDay, std::map<PaidAt, int>>& days,
    Moves& taken_out, Moves& paid_now) {
  std::map<absl::CivilDay, const PaidAt*> paid_at;
  std::vector<absl::CivilDay> paid_days;
  for (const auto& [day, ways] : days) {
    // Paid once, at one level; a day taken out again is not paid.
    const PaidAt* once = nullptr;
    int nonzero = 0;
    for (const auto& [at, n] : ways) {
      if (n == 0) continue;
      ++nonzero;
      if (n == 1) once = &at;
    }
    if (nonzero != 1 || once == nullptr) continue;
    paid_at[day] = once;
    paid_days.push_back(day);
  }
  if (paid_days.empty()) return absl::OkStatus();
  absl::StatusOr<absl::CivilMonth> month = ParsePeriod(key.period);
  if (!month.ok()) return absl::OkStatus();
  const v1::RateTable* table = input.rates->TableOn(absl::CivilDay(*month));
  if (table == nullptr) return absl::OkStatus();
  const v1::CategoryRate* rate = nullptr;
  for (const v1::CategoryRate& r : table->categories()) {
    if (r.category_id() == key.category_id &&
        r.model() == v1::PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL) {
      rate = &r;
    }
  }
  if (rate == nullptr) return absl::OkStatus();
  const std::vector<choice::v1::Decision>& decisions =
      DecisionsOf(input, key.client_id);
  absl::StatusOr<std::vector<SupportLevelDays>> now = DaysBySupportLevel(
      AsClientDays(key, paid_days), decisions, *rate, *table, input.in_house);
  if (!now.ok()) return now.status();
  const std::vector<Grant> grants = GrantsOf(decisions, key.category_id);
  for (const SupportLevelDays& l : *now) {
    for (const DayRange& r : l.days.ranges) {
      for (absl::CivilDay d = r.first; d <= r.last; ++d) {
        const PaidAt& was = *paid_at.at(d);
        if (was.level == l.level && was.per_day_ore == l.per_day_ore) continue;
        taken_out[LevelLine(key, was.rate_version, was.per_day_ore, was.level,
                            absl::StrCat("level ", was.level))][key.client_id]
            .push_back(d);
        const Grant* grant = GrantOn(grants, d);
        std::string note = absl::StrCat("level ", l.level);
        if (grant != nullptr && grant->granted->support_level() == l.level) {
          absl::StrAppend(&note, ", decision ", grant->decision->decision_id());
        }
        paid_now[LevelLine(key, table->effective_date(), l.per_day_ore, l.level,
                           std::move(note))][key.client_id]
            .push_back(d);
      }
    }
  }
  return absl::OkStatus();
}

// The moved days as lines: `sign` -1 takes them out ("-" sources).
void AddMoves(const Moves& moves, int sign, Lines& lines) {
  for (const auto& [key, clients] : moves) {
    internal::LineSum& sum = lines[key];
    for (const auto& [client, days] : clients) {
      DaysKey who{key.adjusts_period, client, key.category_id, key.zone_id};
      const ClientDays c = AsClientDays(who, days);
      sum.quantity += sign * c.days;
      for (const std::string& d : DescribeDays(c)) {
        sum.sources.push_back(sign < 0 ? absl::StrCat("-", d) : d);
      }
    }
  }
}

}  // namespace

absl::Status AddSupportLevelChanges(const StatementInput& input, Lines& lines) {
  if (input.approved_before.empty() || input.rates == nullptr) {
    return absl::OkStatus();
  }
  Moves taken_out;
  Moves paid_now;
  for (const auto& [key, days] : PaidDays(input)) {
    if (absl::Status s = CompareLevels(input, key, days, taken_out, paid_now);
        !s.ok()) {
      return s;
    }
  }
  AddMoves(taken_out, -1, lines);
  AddMoves(paid_now, 1, lines);
  return absl::OkStatus();
}

}  // namespace lov::settlement
