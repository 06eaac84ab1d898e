// Every version of the rates, in the order they take effect.
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/rate_book.h"

namespace lov::settlement {

absl::StatusOr<v1::ListRateTablesResponse> SettlementApp::ListRateTables(
    const v1::ListRateTablesRequest&) {
  absl::StatusOr<std::vector<v1::RateTable>> tables = store_->RateTables();
  if (!tables.ok()) return tables.status();
  v1::ListRateTablesResponse out;
  for (auto& t : RateBook(*tables).All()) *out.add_tables() = std::move(t);
  return out;
}

}  // namespace lov::settlement
