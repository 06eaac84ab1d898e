#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_LINES_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_LINES_H_

// The lines of a statement while it is being computed: amounts of the same
// key are summed (quantities and sources) and rounded once, per line, by
// LineAmount (statement.h). Shared by statement.cc, statement_totals.cc and
// compensation.cc.

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lov::settlement::internal {

inline constexpr int64_t kOne = 10000;  // multiplier 1x in basis points
inline constexpr int64_t kSecondsPerHour = 3600;
inline constexpr int64_t kMetresPerKm = 1000;

// Everything that makes two amounts one line; the order of the fields is
// the order of the lines: regular lines first, then adjustments by the
// period they correct.
struct LineKey {
  std::string adjusts_period;
  int kind = 0;
  std::string category_id;
  std::string zone_id;
  int band = 0;
  std::string rate_version;
  int64_t unit_rate_ore = 0;
  int64_t quantity_per_unit = 1;
  int64_t multiplier_bp = kOne;
  std::string note;           // e.g. the one-off payment's description
  std::string support_level;  // SUPPORT_LEVEL_DAY lines

  auto operator<=>(const LineKey&) const = default;
};

struct LineSum {
  int64_t quantity = 0;
  std::vector<std::string> sources;
};

using Lines = std::map<LineKey, LineSum>;

inline void AddToLine(Lines& lines, const LineKey& key, int64_t quantity,
                      std::string source) {
  LineSum& sum = lines[key];
  sum.quantity += quantity;
  sum.sources.push_back(std::move(source));
}

}  // namespace lov::settlement::internal

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_STATEMENT_LINES_H_
