#include "lov/console/domain/neutrality_board.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lov/platform/stockholm_time.h"

namespace lov::console {
namespace {

using json = nlohmann::json;
namespace cv1 = ::lov::choice::v1;

json TestJson(const cv1::NeutralityTest& t) {
  return {{"verdict", VerdictName(t.verdict())},
          {"p_value", t.p_value()},
          {"chi_square", t.chi_square()},
          {"degrees_of_freedom", t.degrees_of_freedom()},
          {"trials", t.trials()}};
}

json EntryJson(const NeutralityEntry& e, const NeutralityNames& names) {
  json out = {{"zone_id", e.zone_id},
              {"zone", names.zone(e.zone_id)},
              {"category_id", e.category_id},
              {"category", names.category(e.category_id)},
              {"error", e.error},
              {"flagged", Flagged(e)}};
  if (!e.error.empty()) return out;
  struct Counts {
    int64_t shown = 0, allocated = 0;
    double shown_expected = 0, allocated_expected = 0;
  };
  std::map<std::string, Counts> by_provider;
  for (const cv1::NeutralityCount& c : e.report.shown_first()) {
    by_provider[c.provider_id()].shown = c.observed();
    by_provider[c.provider_id()].shown_expected = c.expected();
  }
  for (const cv1::NeutralityCount& c : e.report.allocated()) {
    by_provider[c.provider_id()].allocated = c.observed();
    by_provider[c.provider_id()].allocated_expected = c.expected();
  }
  json providers = json::array();
  for (const auto& [id, n] : by_provider) {
    providers.push_back({{"provider_id", id},
                         {"provider", names.provider(id)},
                         {"shown_first", n.shown},
                         {"shown_first_expected", n.shown_expected},
                         {"allocated", n.allocated},
                         {"allocated_expected", n.allocated_expected}});
  }
  out["alpha"] = e.report.alpha();
  out["providers"] = providers;
  out["lists"] = TestJson(e.report.shown_first_test());
  out["allocations"] = TestJson(e.report.allocation_test());
  return out;
}

}  // namespace

NeutralityPeriod NeutralityPeriodFor(absl::CivilDay today) {
  const absl::CivilMonth previous = absl::CivilMonth(today) - 1;
  return {absl::CivilDay(previous), today};
}

std::string VerdictName(cv1::NeutralityVerdict verdict) {
  switch (verdict) {
    case cv1::NEUTRALITY_VERDICT_CONSISTENT:
      return "consistent";
    case cv1::NEUTRALITY_VERDICT_DEVIATES:
      return "deviates";
    case cv1::NEUTRALITY_VERDICT_TOO_FEW:
      return "too few";
    default:
      return "unknown";
  }
}

bool Flagged(const NeutralityEntry& entry) {
  return entry.error.empty() && (entry.report.shown_first_test().verdict() ==
                                     cv1::NEUTRALITY_VERDICT_DEVIATES ||
                                 entry.report.allocation_test().verdict() ==
                                     cv1::NEUTRALITY_VERDICT_DEVIATES);
}

std::vector<NeutralityFlag> NeutralityFlags(const NeutralityBoard& board) {
  std::vector<NeutralityFlag> out;
  for (const NeutralityEntry& e : board.entries) {
    if (!e.error.empty()) continue;
    for (const auto& [test, result] :
         {std::pair{"lists", &e.report.shown_first_test()},
          std::pair{"allocations", &e.report.allocation_test()}}) {
      out.push_back({e.zone_id, e.category_id, test,
                     result->verdict() == cv1::NEUTRALITY_VERDICT_DEVIATES});
    }
  }
  return out;
}

json NeutralityJson(const NeutralityBoard& board,
                    const NeutralityNames& names) {
  json entries = json::array();
  json flagged = json::array();
  for (const NeutralityEntry& e : board.entries) {
    entries.push_back(EntryJson(e, names));
    if (Flagged(e)) {
      flagged.push_back(absl::StrCat(names.zone(e.zone_id), " / ",
                                     names.category(e.category_id)));
    }
  }
  return {{"from", FormatDate(board.period.from)},
          {"to", FormatDate(board.period.to)},
          {"checked_at", board.checked_at == absl::InfinitePast()
                             ? json(nullptr)
                             : json(FormatRfc3339Utc(board.checked_at))},
          {"entries", entries},
          {"flagged", flagged}};
}

}  // namespace lov::console
