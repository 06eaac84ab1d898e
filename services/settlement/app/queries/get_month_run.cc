// The month-end run's status overview: per provider whether its preview is
// still what the inputs give (PREVIEWED), approved, changed since the
// preview, or new since the run was prepared; the run's and the approved
// totals.
#include <map>

#include "absl/strings/str_cat.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/period.h"

namespace lov::settlement {
namespace {

// Where `p` (as the run has it) stands now, given its current statement.
void SetState(v1::MonthRunProvider& p,
              const absl::StatusOr<v1::Statement>* now) {
  if (now == nullptr) {  // nothing to pay any more
    p.set_state(p.problem().empty() ? v1::MONTH_RUN_STATE_CHANGED
                                    : v1::MONTH_RUN_STATE_UNPRICED);
    return;
  }
  if (!now->ok()) {
    p.set_state(v1::MONTH_RUN_STATE_UNPRICED);
    p.set_problem(std::string(now->status().message()));
    return;
  }
  p.set_current_digest((*now)->digest());
  p.set_current_total_ore((*now)->total_ore());
  if ((*now)->status() == v1::STATEMENT_STATUS_APPROVED) {
    p.set_state(v1::MONTH_RUN_STATE_APPROVED);
  } else if (p.digest().empty() && p.problem().empty()) {
    p.set_state(v1::MONTH_RUN_STATE_NOT_IN_RUN);
  } else {
    p.set_state((*now)->digest() == p.digest() ? v1::MONTH_RUN_STATE_PREVIEWED
                                               : v1::MONTH_RUN_STATE_CHANGED);
  }
}

}  // namespace

absl::StatusOr<v1::MonthRun> SettlementApp::GetMonthRun(
    const v1::GetMonthRunRequest& request) {
  absl::StatusOr<absl::CivilMonth> month = ParsePeriod(request.period());
  if (!month.ok()) return month.status();
  const std::string period = FormatPeriod(*month);
  absl::StatusOr<std::optional<v1::MonthRun>> stored =
      store_->GetMonthRun(period, "");
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("period: no month-end run was prepared for ", period,
                     "; PreviewMonth prepares one"));
  }
  absl::StatusOr<std::vector<MonthStatement>> statements =
      MonthStatements(period);
  if (!statements.ok()) return statements.status();
  std::map<std::string, const absl::StatusOr<v1::Statement>*> now;
  for (const MonthStatement& m : *statements) {
    now[m.provider_id] = &m.statement;
  }
  v1::MonthRun run = **std::move(stored);
  std::map<std::string, v1::MonthRunProvider> by_id;
  for (const auto& p : run.providers()) by_id[p.provider_id()] = p;
  for (const auto& [id, statement] : now) {
    if (!by_id.count(id)) by_id[id].set_provider_id(id);
  }
  run.clear_providers();
  run.set_approved_total_ore(0);
  for (auto& [id, p] : by_id) {
    auto it = now.find(id);
    SetState(p, it == now.end() ? nullptr : it->second);
    if (p.state() == v1::MONTH_RUN_STATE_APPROVED) {
      run.set_approved_total_ore(run.approved_total_ore() +
                                 p.current_total_ore());
    }
    *run.add_providers() = std::move(p);
  }
  return run;
}

}  // namespace lov::settlement
