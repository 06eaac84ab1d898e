// A controller previews a provider's monthly statement (utbetalningsunderlag)
// before approving it; the preview is recorded with its digest and totals.
#include "lov/settlement/app/settlement_app.h"

namespace lov::settlement {

absl::StatusOr<v1::Statement> SettlementApp::PreviewStatement(
    const v1::PreviewStatementRequest& request) {
  absl::StatusOr<v1::Statement> statement =
      Current(request.provider_id(), request.period());
  if (!statement.ok()) return statement.status();
  // An approved period is returned as approved; nothing is recomputed.
  if (statement->status() == v1::STATEMENT_STATUS_APPROVED) return statement;
  absl::StatusOr<Event> event = NextEvent(statement->statement_id());
  if (!event.ok()) return event.status();
  v1::StatementPreviewed* p = event->mutable_statement_previewed();
  p->set_statement_id(statement->statement_id());
  p->set_provider_id(statement->provider_id());
  p->set_period(statement->period());
  p->set_total_ore(statement->total_ore());
  p->set_net_ore(statement->net_ore());
  p->set_vat_ore(statement->vat_ore());
  p->set_digest(statement->digest());
  p->set_line_count(statement->lines_size());
  // A preview only records what was shown, so it does not take the
  // statement's lock (an approval in progress never holds it up).
  std::vector<Event> events = {std::move(*event)};
  if (absl::Status s = runner_.Store(Command(), events); !s.ok()) return s;
  return statement;
}

}  // namespace lov::settlement
