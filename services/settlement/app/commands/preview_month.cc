// Finance prepares the month-end run (månadskörning): every provider with
// activity or listing in the month is previewed at once, and the run (each
// preview's digest, who prepared it) is recorded by a MonthRunPrepared
// event, so it survives a rebuild and another finance user can review and
// approve it as a batch (app/commands/approve_month.cc).
#include "absl/strings/str_cat.h"
#include "lov/platform/actor.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/requests.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/period.h"

namespace lov::settlement {
namespace {

// Faults of the infrastructure fail the whole run; anything else is the
// provider's own problem (unknown to the registry, no rates for a
// category), named in the run.
bool ProviderProblem(const absl::Status& s) {
  return absl::IsNotFound(s) || absl::IsFailedPrecondition(s) ||
         absl::IsInvalidArgument(s) || absl::IsOutOfRange(s);
}

// What the run's digest covers: the period, the preparer and every
// provider's preview (or problem); not the time it was prepared.
std::string RunDigest(const v1::MonthRun& run) {
  v1::MonthRun basis;
  basis.set_period(run.period());
  basis.set_prepared_by(run.prepared_by());
  for (const auto& p : run.providers()) {
    v1::MonthRunProvider* b = basis.add_providers();
    b->set_provider_id(p.provider_id());
    b->set_digest(p.digest());
    b->set_problem(p.problem());
  }
  return Fingerprint(basis);
}

}  // namespace

absl::StatusOr<std::vector<SettlementApp::MonthStatement>>
SettlementApp::MonthStatements(const std::string& period) {
  absl::StatusOr<std::vector<std::string>> providers = store_->Providers();
  if (!providers.ok()) return providers.status();
  std::vector<MonthStatement> out;
  for (const std::string& provider : *providers) {
    absl::StatusOr<v1::Statement> s = Current(provider, period);
    if (s.ok()) {
      if (s->status() == v1::STATEMENT_STATUS_APPROVED || s->lines_size() > 0) {
        out.push_back({provider, *std::move(s)});
      }
      continue;
    }
    if (!ProviderProblem(s.status())) return s.status();
    if (absl::IsNotFound(s.status())) {
      // Unknown to the registry: a problem only if it worked this month.
      absl::StatusOr<std::vector<visits::v1::Visit>> visits =
          store_->Visits(provider, period);
      if (!visits.ok()) return visits.status();
      if (visits->empty()) continue;
    }
    out.push_back({provider, s.status()});
  }
  return out;
}

absl::StatusOr<v1::MonthRun> SettlementApp::PreviewMonth(
    const v1::PreviewMonthRequest& request) {
  absl::StatusOr<absl::CivilMonth> month = ParsePeriod(request.period());
  if (!month.ok()) return month.status();
  const std::string period = FormatPeriod(*month);
  if (absl::Status s = RefusePersonnummerIn(request, {"prepared_by"});
      !s.ok()) {
    return s;
  }
  const std::string prepared_by = AccountableName(request.prepared_by());
  if (prepared_by.empty()) {
    return absl::InvalidArgumentError(
        "prepared_by: is required without a credential (four eyes: the run "
        "names who prepared it)");
  }
  const std::string key = absl::StrCat(kMonthRunPrefix, period);
  return RunCommand<v1::MonthRun>(
      key, [&]() -> absl::StatusOr<Decided<v1::MonthRun>> {
        absl::StatusOr<std::vector<MonthStatement>> statements =
            MonthStatements(period);
        if (!statements.ok()) return statements.status();
        v1::MonthRun run;
        run.set_period(period);
        run.set_prepared_by(prepared_by);
        for (const MonthStatement& m : *statements) {
          v1::MonthRunProvider* p = run.add_providers();
          p->set_provider_id(m.provider_id);
          if (!m.statement.ok()) {
            p->set_problem(std::string(m.statement.status().message()));
            continue;
          }
          p->set_digest(m.statement->digest());
          p->set_net_ore(m.statement->net_ore());
          p->set_vat_ore(m.statement->vat_ore());
          p->set_total_ore(m.statement->total_ore());
          run.set_net_ore(run.net_ore() + p->net_ore());
          run.set_vat_ore(run.vat_ore() + p->vat_ore());
          run.set_total_ore(run.total_ore() + p->total_ore());
        }
        run.set_run_digest(RunDigest(run));
        absl::StatusOr<std::optional<v1::MonthRun>> current =
            store_->GetMonthRun(period, "");
        if (!current.ok()) return current.status();
        if (current->has_value() &&
            (*current)->run_digest() == run.run_digest()) {
          return Decided<v1::MonthRun>({}, **current);  // nothing changed
        }
        *run.mutable_prepared_at() = ToProtoTime(clock_->Now());
        absl::StatusOr<Event> event = NextEvent(key);
        if (!event.ok()) return event.status();
        *event->mutable_month_run_prepared()->mutable_run() = run;
        return Decided<v1::MonthRun>({*std::move(event)}, std::move(run));
      });
}

}  // namespace lov::settlement
