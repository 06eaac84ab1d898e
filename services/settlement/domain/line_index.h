#ifndef LOV_SERVICES_SETTLEMENT_DOMAIN_LINE_INDEX_H_
#define LOV_SERVICES_SETTLEMENT_DOMAIN_LINE_INDEX_H_

// A hash index in front of a statement's Lines (statement_lines.h): pricing
// a month adds millions of visit pieces to a few hundred lines, and finding
// a line by hash is cheaper than walking the ordered map's string
// comparisons each time. The lines stay in the map (its order is the
// statement's); the index only remembers where each key's sum is (map
// nodes do not move), so lines added to the map directly are still found.

#include <functional>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "lov/settlement/domain/statement_lines.h"

namespace lov::settlement::internal {

struct LineKeyHash {
  size_t operator()(const LineKey& k) const {
    // Equality is LineKey's own; a field left out here only costs a
    // collision.
    return absl::Hash<std::tuple<const std::string&, int, const std::string&,
                                 const std::string&, int, int64_t, int64_t,
                                 int64_t, const std::string&>>{}(
        std::tie(k.adjusts_period, k.kind, k.category_id, k.zone_id, k.band,
                 k.unit_rate_ore, k.quantity_per_unit, k.multiplier_bp,
                 k.note));
  }
};

class LineIndex {
 public:
  explicit LineIndex(Lines& lines) : lines_(lines) {}

  // AddToLine(lines, key, quantity, source), the line found by hash.
  void Add(const LineKey& key, int64_t quantity, const std::string& source) {
    auto [it, added] = index_.try_emplace(key, nullptr);
    if (added) it->second = &lines_[key];
    it->second->quantity += quantity;
    it->second->sources.push_back(source);
  }

  Lines& lines() { return lines_; }

 private:
  Lines& lines_;
  absl::flat_hash_map<LineKey, LineSum*, LineKeyHash> index_;
};

}  // namespace lov::settlement::internal

#endif  // LOV_SERVICES_SETTLEMENT_DOMAIN_LINE_INDEX_H_
