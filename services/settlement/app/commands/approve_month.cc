// Finance approves a prepared month-end run as a batch (attesterar
// månadskörningen): each provider's preview is approved exactly as a
// single approval would (ApproveStatement, digest-bound), a provider whose
// inputs changed since the preview is refused by name, and nobody approves
// a run they prepared themselves (four eyes). MonthRunApproved records
// which providers were approved and which refused.
#include "absl/strings/str_cat.h"
#include "lov/platform/actor.h"
#include "lov/platform/log.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/requests.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/checked_sum.h"
#include "lov/settlement/domain/period.h"

namespace lov::settlement {
namespace {

// Refusals that belong to one provider; anything else (the infrastructure)
// fails the batch, and a retry with the same request id goes on from there.
bool RefusedProvider(const absl::Status& s) {
  return absl::IsFailedPrecondition(s) || absl::IsInvalidArgument(s) ||
         absl::IsNotFound(s);
}

}  // namespace

absl::StatusOr<v1::MonthRunApproval> SettlementApp::ApproveMonth(
    const v1::ApproveMonthRequest& request) {
  absl::StatusOr<absl::CivilMonth> month = ParsePeriod(request.period());
  if (!month.ok()) return month.status();
  if (request.expected_run_digest().empty()) {
    return absl::InvalidArgumentError(
        "expected_run_digest: is required (the run_digest of the month-end "
        "run reviewed)");
  }
  if (absl::Status s = RequireRequestId(request.request_id()); !s.ok()) {
    return s;
  }
  if (absl::Status s = RefusePersonnummerIn(request, {"approved_by"});
      !s.ok()) {
    return s;
  }
  const std::string period = FormatPeriod(*month);
  // A retry answers the approval its own request made. When two replicas
  // raced and both published, the run keeps the first approval: the other
  // request's retry is not answered with it (it is decided again, and
  // refused naming the approval kept). An approval recorded before
  // approvals named their request has no request id and is answered.
  const auto replay = [&](const std::string&)
      -> absl::StatusOr<std::optional<v1::MonthRunApproval>> {
    absl::StatusOr<std::optional<v1::MonthRun>> run =
        store_->GetMonthRun(period, request.expected_run_digest());
    if (!run.ok()) return run.status();
    if (!run->has_value() || !(*run)->has_approval()) {
      return std::optional<v1::MonthRunApproval>();
    }
    const v1::MonthRunApproval& kept = (*run)->approval();
    if (!kept.request_id().empty() &&
        kept.request_id() != request.request_id()) {
      return std::optional<v1::MonthRunApproval>();
    }
    return std::optional<v1::MonthRunApproval>(kept);
  };
  // The statements are approved outside the run's lock (each under its
  // own), unless this is a retry: then the first outcome is answered.
  absl::StatusOr<std::optional<RequestRecord>> seen =
      store_->GetRequest(request.request_id());
  if (!seen.ok()) return seen.status();
  std::optional<absl::StatusOr<v1::MonthRunApproval>> outcome;
  if (!seen->has_value()) outcome = DecideMonthApproval(request, *month);
  if (outcome && !outcome->ok()) return outcome->status();
  const std::string key = absl::StrCat(kMonthRunPrefix, period);
  return runner_.Run<v1::MonthRunApproval>(
      Command::ByRequest(key, request, request.request_id()), replay,
      [&]() -> absl::StatusOr<Decided<v1::MonthRunApproval>> {
        // A run is approved once: another request for an approved run is
        // refused, so the run keeps the first approval and a retry of the
        // first request answers its own record, never a later one's.
        absl::StatusOr<std::optional<v1::MonthRun>> run =
            store_->GetMonthRun(period, request.expected_run_digest());
        if (!run.ok()) return run.status();
        if (run->has_value() && (*run)->has_approval()) {
          const v1::MonthRunApproval& first = (*run)->approval();
          return absl::FailedPreconditionError(absl::StrCat(
              "expected_run_digest: month-end run ",
              request.expected_run_digest(), " of ", period,
              " was already approved by ", first.approved_by(), " at ",
              FormatRfc3339Utc(FromProtoTime(first.approved_at())),
              " (another request_id); GetMonthRun shows that approval, and "
              "PreviewMonth prepares a new run for what it refused"));
        }
        if (!outcome) outcome = DecideMonthApproval(request, *month);
        if (!outcome->ok()) return outcome->status();
        absl::StatusOr<Event> event = NextEvent(key);
        if (!event.ok()) return event.status();
        *event->mutable_month_run_approved()->mutable_approval() = **outcome;
        log::Info("month run approved",
                  {{"period", period},
                   {"approved", (*outcome)->approved_size()},
                   {"refused", (*outcome)->refused_size()},
                   {"approved_total_ore", (*outcome)->approved_total_ore()}});
        return Decided<v1::MonthRunApproval>({*std::move(event)}, **outcome);
      });
}

absl::StatusOr<v1::MonthRunApproval> SettlementApp::DecideMonthApproval(
    const v1::ApproveMonthRequest& request, absl::CivilMonth month) {
  const std::string period = FormatPeriod(month);
  absl::StatusOr<std::optional<v1::MonthRun>> run =
      store_->GetMonthRun(period, "");
  if (!run.ok()) return run.status();
  if (!run->has_value() ||
      (*run)->run_digest() != request.expected_run_digest()) {
    return absl::FailedPreconditionError(
        absl::StrCat("expected_run_digest: ", request.expected_run_digest(),
                     " is not the current month-end run of ", period, " (",
                     run->has_value() ? (*run)->run_digest() : "none prepared",
                     "); review the current run and approve its digest"));
  }
  const std::string approver = AccountableName(request.approved_by());
  if (approver.empty()) {
    return absl::InvalidArgumentError(
        "approved_by: is required without a credential (four eyes: the "
        "approval names who approved)");
  }
  if (approver == (*run)->prepared_by()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "four eyes: ", approver, " prepared month-end run ",
        (*run)->run_digest(), " of ", period,
        " and may not approve it; another finance user must approve"));
  }
  if (clock_->Now() < MonthInterval(month).end) {
    return absl::FailedPreconditionError(absl::StrCat(
        "period: ", period,
        " has not ended yet; a month is approved after its last day"));
  }
  v1::MonthRunApproval out;
  out.set_period(period);
  out.set_run_digest((*run)->run_digest());
  out.set_approved_by(approver);
  out.set_request_id(request.request_id());
  for (const v1::MonthRunProvider& p : (*run)->providers()) {
    v1::MonthRunProvider result = p;
    if (!p.problem().empty()) {
      result.set_problem(
          absl::StrCat(p.provider_id(), ": was not previewed: ", p.problem()));
      *out.add_refused() = std::move(result);
      continue;
    }
    v1::ApproveStatementRequest single;
    single.set_provider_id(p.provider_id());
    single.set_period(period);
    single.set_expected_digest(p.digest());
    single.set_approved_by(request.approved_by());
    single.set_request_id(
        absl::StrCat(request.request_id(), "/", p.provider_id()));
    absl::StatusOr<v1::Statement> approved = ApproveStatement(single);
    if (!approved.ok() && !RefusedProvider(approved.status())) {
      return absl::Status(
          approved.status().code(),
          absl::StrCat(p.provider_id(), ": ", approved.status().message()));
    }
    if (!approved.ok()) {
      result.set_state(v1::MONTH_RUN_STATE_CHANGED);
      result.set_problem(
          absl::StrCat(p.provider_id(), ": ", approved.status().message()));
      *out.add_refused() = std::move(result);
      continue;
    }
    result.set_state(v1::MONTH_RUN_STATE_APPROVED);
    result.set_current_digest(approved->digest());
    result.set_current_total_ore(approved->total_ore());
    int64_t total = out.approved_total_ore();
    if (absl::Status s = AddOre(
            approved->total_ore(), &total,
            absl::StrCat("month-end run of ", period, ": approved total"));
        !s.ok()) {
      return s;
    }
    out.set_approved_total_ore(total);
    *out.add_approved() = std::move(result);
  }
  *out.mutable_approved_at() = ToProtoTime(clock_->Now());
  return out;
}

}  // namespace lov::settlement
