// Every version of the rates, in the order they take effect, a page at a
// time.
#include "lov/platform/paging.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/rate_book.h"

namespace lov::settlement {

absl::StatusOr<v1::ListRateTablesResponse> SettlementApp::ListRateTables(
    const v1::ListRateTablesRequest& request) {
  absl::StatusOr<PageRequest> page =
      ReadPageRequest(request.page_size(), request.page_token(),
                      ListQuery({"settlement.ListRateTables"}));
  if (!page.ok()) return page.status();
  absl::StatusOr<std::vector<v1::RateTable>> tables = store_->RateTables();
  if (!tables.ok()) return tables.status();
  v1::ListRateTablesResponse out;
  // One table per effective date: the date is the key.
  for (auto& t : TakePage(
           RateBook(*tables).All(), *page,
           [](const v1::RateTable& t) { return PageKey{t.effective_date()}; },
           out.mutable_next_page_token())) {
    *out.add_tables() = std::move(t);
  }
  return out;
}

}  // namespace lov::settlement
