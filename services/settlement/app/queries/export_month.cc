// The month's finance files for the municipality (ExportMonth): the SIE 4
// file for the books, the pain.001 payment file and the client fee basis,
// each made of the month's approved statements of every provider.
#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/checked_sum.h"
#include "lov/settlement/domain/fee_basis.h"
#include "lov/settlement/domain/pain001.h"
#include "lov/settlement/domain/period.h"
#include "lov/settlement/domain/sie4.h"

namespace lov::settlement {
namespace {

// The municipality and chart a month file is made with: the stored finance
// settings (SetFinanceSettings), each overridden by the request's when the
// request gives one.
struct MonthFinance {
  v1::FinanceParty municipality;
  v1::BookkeepingChart chart;
};

absl::StatusOr<MonthFinance> FinanceFor(SettlementStore* store,
                                        const v1::ExportMonthRequest& request) {
  absl::StatusOr<std::optional<v1::FinanceSettings>> stored =
      store->GetFinanceSettings();
  if (!stored.ok()) return stored.status();
  MonthFinance f;
  if (request.has_municipality()) {
    f.municipality = request.municipality();
  } else if (stored->has_value()) {
    f.municipality = (*stored)->municipality();
  } else if (request.kind() != v1::MONTH_FILE_KIND_FEE_BASIS) {
    return absl::FailedPreconditionError(
        "municipality: no finance settings are stored and the request gives "
        "none; set them with SetFinanceSettings (lovctl settlement "
        "finance-settings set --file FILE)");
  }
  if (request.has_chart()) {
    f.chart = request.chart();
  } else if (stored->has_value()) {
    f.chart = (*stored)->chart();
  }
  return f;
}

absl::StatusOr<std::string> Sie4File(const v1::ExportMonthRequest& request,
                                     const MonthFinance& finance,
                                     absl::CivilDay today,
                                     const std::vector<v1::Statement>& month) {
  absl::StatusOr<v1::BookkeepingChart> chart = ResolveChart(finance.chart);
  if (!chart.ok()) return chart.status();
  SieBooks books{finance.municipality, *std::move(chart), today};
  return MonthSie4(request.period(), books, month);
}

absl::Status PaymentFileInto(SettlementStore* store,
                             const v1::ExportMonthRequest& request,
                             const MonthFinance& finance, absl::Time now,
                             const std::vector<v1::Statement>& month,
                             v1::ExportMonthResponse& out) {
  std::vector<Payee> payees;
  for (const v1::Statement& s : month) {
    Payee& p = payees.emplace_back();
    p.statement = s;
    absl::StatusOr<ProviderFinance> payee =
        store->ProviderFinanceOf(s.provider_id());
    if (!payee.ok()) return payee.status();
    p.details = std::move(payee->payment);
    if (payee->party.has_value()) p.name = payee->party->name();
  }
  PaymentOrder order{finance.municipality, request.execution_date(), now};
  absl::StatusOr<PaymentFile> file =
      MonthPain001(request.period(), order, payees);
  if (!file.ok()) return file.status();
  if (file->no_file_reason.empty()) {
    out.set_file_name(absl::StrCat("lov-", request.period(), "-pain001.xml"));
    out.set_content_type("application/xml");
    out.set_content(std::move(file->xml));
  }
  out.set_no_file_reason(std::move(file->no_file_reason));
  out.clear_statement_ids();
  for (const std::string& id : file->paid_statement_ids) {
    out.add_statement_ids(id);
  }
  out.set_total_ore(file->total_ore);
  for (v1::NotPayable& n : file->not_payable) {
    *out.add_not_payable() = std::move(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> FeeBasisFile(
    SettlementStore* store, const std::vector<v1::Statement>& month) {
  std::vector<v1::ClientFeeBasis> bases;
  for (const v1::Statement& s : month) {
    // An approved month's visits are the versions its statement paid
    // (the projection puts them back on approval: month_inputs.h).
    absl::StatusOr<std::vector<visits::v1::Visit>> visits =
        store->Visits(s.provider_id(), s.period());
    if (!visits.ok()) return visits.status();
    absl::StatusOr<v1::ClientFeeBasis> basis =
        FeeBasisOf(s.statement_id(), s.provider_id(), s.period(), *visits);
    if (!basis.ok()) return basis.status();
    bases.push_back(*std::move(basis));
  }
  return FeeBasisCsv(bases);
}

}  // namespace

absl::StatusOr<v1::ExportMonthResponse> SettlementApp::ExportMonth(
    const v1::ExportMonthRequest& request) {
  absl::StatusOr<absl::CivilMonth> period = ParsePeriod(request.period());
  if (!period.ok()) return period.status();
  if (request.kind() != v1::MONTH_FILE_KIND_SIE4 &&
      request.kind() != v1::MONTH_FILE_KIND_PAIN001 &&
      request.kind() != v1::MONTH_FILE_KIND_FEE_BASIS) {
    return absl::InvalidArgumentError(
        "kind: SIE4, PAIN001 or FEE_BASIS is required");
  }
  absl::StatusOr<MonthFinance> finance = FinanceFor(store_, request);
  if (!finance.ok()) return finance.status();
  if (request.kind() == v1::MONTH_FILE_KIND_SIE4 ||
      request.kind() == v1::MONTH_FILE_KIND_PAIN001) {
    if (absl::Status s =
            ValidateFinanceParty(finance->municipality, "municipality");
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<std::vector<std::string>> providers = store_->Providers();
  if (!providers.ok()) return providers.status();
  v1::ExportMonthResponse out;
  std::vector<v1::Statement> month;
  for (const std::string& provider : *providers) {
    absl::StatusOr<std::optional<v1::Statement>> approved =
        store_->Approved(provider, request.period());
    if (!approved.ok()) return approved.status();
    if (approved->has_value()) {
      out.add_statement_ids((*approved)->statement_id());
      int64_t total = out.total_ore();
      if (absl::Status s = AddOre(
              (*approved)->total_ore(), &total,
              absl::StrCat("month ", request.period(), ": approved total"));
          !s.ok()) {
        return s;
      }
      out.set_total_ore(total);
      month.push_back(**std::move(approved));
      continue;
    }
    absl::StatusOr<v1::Statement> preview = Current(provider, request.period());
    if (absl::IsNotFound(preview.status())) continue;  // not in the registry
    if (!preview.ok()) return preview.status();
    if (preview->lines_size() > 0 || preview->performed_seconds() > 0) {
      out.add_not_approved_provider_ids(provider);
    }
  }
  const absl::Time now = clock_->Now();
  const std::string base = absl::StrCat("lov-", request.period());
  switch (request.kind()) {
    case v1::MONTH_FILE_KIND_SIE4: {
      absl::StatusOr<std::string> file =
          Sie4File(request, *finance, StockholmDate(now), month);
      if (!file.ok()) return file.status();
      out.set_file_name(base + ".se");
      out.set_content_type("text/plain; charset=IBM437");
      out.set_content(*std::move(file));
      break;
    }
    case v1::MONTH_FILE_KIND_PAIN001:
      if (absl::Status s =
              PaymentFileInto(store_, request, *finance, now, month, out);
          !s.ok()) {
        return s;
      }
      break;
    default: {  // FEE_BASIS
      absl::StatusOr<std::string> file = FeeBasisFile(store_, month);
      if (!file.ok()) return file.status();
      out.set_file_name(base + "-fee-basis.csv");
      out.set_content_type("text/csv; charset=utf-8");
      out.set_content(*std::move(file));
    }
  }
  return out;
}

}  // namespace lov::settlement
