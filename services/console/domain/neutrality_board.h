// The allocation-neutrality audit on the dashboard (issue 19, item 6): for a
// period, each zone and category's report as the choice service answers
// GetNeutralityReport (docs/choice.md, "Neutrality audit"): per provider how
// often it came first in the neutral lists and how many non-choice
// allocations it got, against what the rules give, and the chi-square
// test's verdict. The console never recomputes a figure or a verdict. Pure:
// no gRPC or HTTP.
#ifndef LOV_CONSOLE_DOMAIN_NEUTRALITY_BOARD_H_
#define LOV_CONSOLE_DOMAIN_NEUTRALITY_BOARD_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/choice/v1/choice.pb.h"
#include "nlohmann/json.hpp"

namespace lov::console {

// The period the panel shows: from the first day of the previous month to
// today (Stockholm dates, both included), so the month just ended stays in
// view in the first days of the next; at most 62 days.
struct NeutralityPeriod {
  absl::CivilDay from;
  absl::CivilDay to;
};
NeutralityPeriod NeutralityPeriodFor(absl::CivilDay today);

// One zone and category: choice's report, or why there is none.
struct NeutralityEntry {
  std::string zone_id;
  std::string category_id;
  std::string error;  // empty: `report` is choice's answer
  choice::v1::GetNeutralityReportResponse report;
};

struct NeutralityBoard {
  NeutralityPeriod period;
  absl::Time checked_at = absl::InfinitePast();  // never asked yet
  std::vector<NeutralityEntry> entries;          // by zone, then category
};

// "consistent", "deviates", "too few", "unknown".
std::string VerdictName(choice::v1::NeutralityVerdict verdict);

// True when either test of the entry says DEVIATES.
bool Flagged(const NeutralityEntry& entry);

// One test's verdict of one zone and category, as the metric
// lov_neutrality_deviation_flagged{zone, category, test} exports it.
struct NeutralityFlag {
  std::string zone_id;
  std::string category_id;
  std::string test;  // "lists" (shown first) or "allocations"
  bool deviates = false;
};

// Two flags per entry choice answered (lists, then allocations); none for
// an entry without an answer (its verdict is unknown, not fair).
std::vector<NeutralityFlag> NeutralityFlags(const NeutralityBoard& board);

// Names as the registry has them (the id when it names none).
struct NeutralityNames {
  std::function<std::string(const std::string&)> provider, zone, category;
};

// The "neutrality" part of the dashboard: {from, to, checked_at, entries:
// [{zone_id, zone, category_id, category, error, alpha, flagged, providers:
// [{provider_id, provider, shown_first, shown_first_expected, allocated,
// allocated_expected}] (every provider of either count, by id), lists and
// allocations: {verdict, p_value, chi_square, degrees_of_freedom, trials}}],
// flagged: ["<zone> / <category>", ...]}.
nlohmann::json NeutralityJson(const NeutralityBoard& board,
                              const NeutralityNames& names);

}  // namespace lov::console

#endif  // LOV_CONSOLE_DOMAIN_NEUTRALITY_BOARD_H_
