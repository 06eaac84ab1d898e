// A provider's statement as a file for the finance system (CSV or JSON).
#include "absl/strings/str_cat.h"
#include "lov/settlement/app/settlement_app.h"
#include "lov/settlement/domain/export.h"

namespace lov::settlement {

absl::StatusOr<v1::ExportStatementResponse> SettlementApp::ExportStatement(
    const v1::ExportStatementRequest& request) {
  if (request.format() == v1::EXPORT_FORMAT_UNSPECIFIED) {
    return absl::InvalidArgumentError("format: CSV or JSON is required");
  }
  absl::StatusOr<v1::Statement> statement =
      Current(request.provider_id(), request.period());
  if (!statement.ok()) return statement.status();
  v1::ExportStatementResponse out;
  const std::string base =
      absl::StrCat("statement-", request.provider_id(), "-", request.period());
  if (request.format() == v1::EXPORT_FORMAT_CSV) {
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
