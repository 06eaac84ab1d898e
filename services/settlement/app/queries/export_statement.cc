// A provider's statement as a file for the finance system (CSV, JSON, or
// for an approved statement a Peppol BIS 3.0 self-billed invoice).
#include <optional>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/export.h"
#include "lov/settlement/domain/peppol_invoice.h"

namespace lov::settlement {

namespace {

// The approved statement as a Peppol self-billed invoice, with the
// provider's name, numbers and payment details from the registry's events.
absl::StatusOr<std::string> PeppolInvoice(
    SettlementStore* store, const v1::Statement& statement,
    const v1::ExportStatementRequest& request) {
  if (statement.status() != v1::STATEMENT_STATUS_APPROVED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "statement ", statement.statement_id(), " is ",
        v1::StatementStatus_Name(statement.status()),
        ": a Peppol invoice is made of an approved statement only"));
  }
  PeppolInvoiceInput in;
  in.statement = &statement;
  // The buyer: the request's when given (it overrides), else the stored
  // finance settings' (SetFinanceSettings).
  if (request.has_buyer()) {
    in.buyer = request.buyer();
  } else {
    absl::StatusOr<std::optional<v1::FinanceSettings>> settings =
        store->GetFinanceSettings();
    if (!settings.ok()) return settings.status();
    if (!settings->has_value() || (*settings)->buyer().peppol_id().empty()) {
      return absl::FailedPreconditionError(
          "buyer: the request gives none and the stored finance settings "
          "have no buyer.peppol_id; set them with SetFinanceSettings (lovctl "
          "settlement finance-settings set --file FILE) or give the buyer");
    }
    in.buyer = (*settings)->buyer();
  }
  absl::StatusOr<ProviderFinance> finance =
      store->ProviderFinanceOf(statement.provider_id());
  if (!finance.ok()) return finance.status();
  if (!finance->party.has_value() || !finance->payment.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "provider ", statement.provider_id(), " has no ",
        finance->party.has_value() ? "payment details" : "name and numbers",
        " from the registry yet: a Peppol invoice needs them (lovctl "
        "provider payment-details)"));
  }
  in.seller = *std::move(finance->party);
  in.payment = *std::move(finance->payment);
  in.issue_date = absl::FormatCivilTime(
      StockholmDate(FromProtoTime(statement.approved_at())));
  return PeppolInvoiceXml(in);
}

}  // namespace

absl::StatusOr<v1::ExportStatementResponse> SettlementApp::ExportStatement(
    const v1::ExportStatementRequest& request) {
  if (request.format() == v1::EXPORT_FORMAT_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "format: CSV, JSON or PEPPOL_BIS3 is required");
  }
  absl::StatusOr<v1::Statement> statement =
      Current(request.provider_id(), request.period());
  if (!statement.ok()) return statement.status();
  v1::ExportStatementResponse out;
  const std::string base =
      absl::StrCat("statement-", request.provider_id(), "-", request.period());
  if (request.format() == v1::EXPORT_FORMAT_PEPPOL_BIS3) {
    absl::StatusOr<std::string> xml =
        PeppolInvoice(store_, *statement, request);
    if (!xml.ok()) return xml.status();
    out.set_file_name(base + "-peppol.xml");
    out.set_content_type("application/xml");
    out.set_content(*std::move(xml));
  } else if (request.format() == v1::EXPORT_FORMAT_CSV) {
    out.set_file_name(base + ".csv");
    out.set_content_type("text/csv; charset=utf-8");
    out.set_content(StatementCsv(*statement));
  } else {
    out.set_file_name(base + ".json");
    out.set_content_type("application/json");
    out.set_content(StatementJson(*statement));
  }
  return out;
}

}  // namespace lov::settlement
