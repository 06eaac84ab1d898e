#include "lov/settlement/domain/follow_up.h"

#include <map>
#include <tuple>

#include "lov/platform/money.h"

namespace lov::settlement {
namespace {

struct Figures {
  int64_t net = 0;
  int64_t seconds = 0;
};
using Table = std::map<std::pair<int, std::string>, Figures[2]>;

struct Totals {
  int64_t total = 0;
  int64_t private_seconds = 0;
  int64_t in_house_seconds = 0;
};

Totals Collect(const std::vector<v1::Statement>& statements, int side,
               Table& table) {
  Totals totals;
  for (const v1::Statement& s : statements) {
    Figures& p =
        table[{v1::FOLLOW_UP_DIMENSION_PROVIDER, s.provider_id()}][side];
    p.net += s.net_ore();
    p.seconds += s.performed_seconds();
    totals.total += s.net_ore();
    (s.in_house() ? totals.in_house_seconds : totals.private_seconds) +=
        s.performed_seconds();
    for (const v1::StatementLine& l : s.lines()) {
      if (l.kind() == v1::LINE_KIND_VAT) continue;
      const int64_t seconds =
          l.kind() == v1::LINE_KIND_PERFORMED_TIME && l.adjusts_period().empty()
              ? l.quantity()
              : 0;
      if (!l.zone_id().empty()) {
        Figures& z = table[{v1::FOLLOW_UP_DIMENSION_ZONE, l.zone_id()}][side];
        z.net += l.amount_ore();
        z.seconds += seconds;
      }
      if (!l.category_id().empty()) {
        Figures& c =
            table[{v1::FOLLOW_UP_DIMENSION_CATEGORY, l.category_id()}][side];
        c.net += l.amount_ore();
        c.seconds += seconds;
      }
    }
  }
  return totals;
}

// Private share of performed hours in basis points, rounded half up; 0
// when there is nothing to share (or the totals do not add up, which only
// corrupt stored statements can make happen).
int64_t ShareBp(int64_t private_seconds, int64_t in_house_seconds) {
  int64_t all = 0;
  if (__builtin_add_overflow(private_seconds, in_house_seconds, &all)) return 0;
  return Money::FromOre(10000)
      .MulDiv(private_seconds, all, Rounding::kHalfUp)
      .value_or(Money())
      .ore();
}

}  // namespace

v1::FollowUp BuildFollowUp(const std::string& period,
                           const std::string& year_earlier_period,
                           const std::vector<v1::Statement>& current,
                           const std::vector<v1::Statement>& year_earlier) {
  Table table;
  const Totals now = Collect(current, 0, table);
  const Totals before = Collect(year_earlier, 1, table);
  v1::FollowUp out;
  out.set_period(period);
  out.set_year_earlier_period(year_earlier_period);
  for (const auto& [key, figures] : table) {
    v1::FollowUpRow* row = out.add_rows();
    row->set_dimension(static_cast<v1::FollowUpDimension>(key.first));
    row->set_key(key.second);
    row->set_net_ore(figures[0].net);
    row->set_performed_seconds(figures[0].seconds);
    row->set_year_earlier_net_ore(figures[1].net);
    row->set_year_earlier_performed_seconds(figures[1].seconds);
  }
  out.set_total_ore(now.total);
  out.set_year_earlier_total_ore(before.total);
  out.set_private_seconds(now.private_seconds);
  out.set_in_house_seconds(now.in_house_seconds);
  out.set_private_share_bp(ShareBp(now.private_seconds, now.in_house_seconds));
  out.set_year_earlier_private_seconds(before.private_seconds);
  out.set_year_earlier_in_house_seconds(before.in_house_seconds);
  out.set_year_earlier_private_share_bp(
      ShareBp(before.private_seconds, before.in_house_seconds));
  return out;
}

}  // namespace lov::settlement
