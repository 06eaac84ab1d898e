// lovctl settlement export-month: the month's finance files (SIE 4,
// pain.001, client fee basis) of the approved statements.
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli.h"
#include "lov/platform/money.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::settlement::v1;

absl::Status ParseKind(const std::string& kind, v1::ExportMonthRequest& r) {
  if (kind == "sie4") {
    r.set_kind(v1::MONTH_FILE_KIND_SIE4);
  } else if (kind == "pain001") {
    r.set_kind(v1::MONTH_FILE_KIND_PAIN001);
  } else if (kind == "fee-basis") {
    r.set_kind(v1::MONTH_FILE_KIND_FEE_BASIS);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--kind: '", kind, "' is not sie4, pain001 or fee-basis"));
  }
  return absl::OkStatus();
}

// "--accounts personal-care=4610,service=4620".
absl::Status ParseAccounts(const std::string& text, v1::BookkeepingChart& c) {
  for (absl::string_view pair : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::vector<std::string> kv = absl::StrSplit(pair, '=');
    if (kv.size() != 2 || kv[0].empty() || kv[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--accounts: '", pair, "' is not CATEGORY=ACCOUNT"));
    }
    v1::CategoryAccount* a = c.add_category_accounts();
    a->set_category_id(kv[0]);
    a->set_account(kv[1]);
  }
  return absl::OkStatus();
}

absl::Status ExportMonth(Context& ctx, Args& args) {
  v1::ExportMonthRequest r;
  r.set_period(args.Required("period"));
  const std::string kind = args.Required("kind");
  r.mutable_municipality()->set_name(args.Get("name"));
  r.mutable_municipality()->set_organisation_number(args.Get("org-number"));
  r.mutable_municipality()->set_bankgiro(args.Get("bankgiro"));
  r.mutable_municipality()->set_plusgiro(args.Get("plusgiro"));
  r.mutable_municipality()->set_bic(args.Get("bic"));
  r.set_execution_date(args.Get("execution-date"));
  v1::BookkeepingChart& chart = *r.mutable_chart();
  chart.set_default_cost_account(args.Get("cost-account"));
  chart.set_vat_account(args.Get("vat-account"));
  chart.set_supplier_debt_account(args.Get("debt-account"));
  const std::string accounts = args.Get("accounts");
  // Without these flags the stored finance settings are used; with any of
  // them, the flags override the stored municipality or chart.
  if (r.municipality().ByteSizeLong() == 0) r.clear_municipality();
  if (r.chart().ByteSizeLong() == 0 && accounts.empty()) r.clear_chart();
  const std::string out_file = args.Get("out");
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (absl::Status s = ParseKind(kind, r); !s.ok()) return s;
  if (!accounts.empty()) {
    if (absl::Status s = ParseAccounts(accounts, *r.mutable_chart()); !s.ok()) {
      return s;
    }
  }
  auto stub = v1::SettlementService::NewStub(ctx.Channel("settlement"));
  v1::ExportMonthResponse resp;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->ExportMonth(c.get(), r, &resp), "export-month");
      !s.ok()) {
    return s;
  }
  // The file alone on stdout without --out; the summary then on stderr.
  std::ostream& summary = out_file.empty() ? std::cerr : *ctx.out;
  if (!resp.no_file_reason().empty()) {
    // A month with nothing to pay: no file is written, not even an empty
    // one, and that is no error (the month-end run goes on).
    summary << resp.no_file_reason() << "\n";
  } else if (out_file.empty()) {
    *ctx.out << resp.content();
  } else {
    std::ofstream f(out_file, std::ios::binary);
    f << resp.content();
    if (!f) {
      return absl::InternalError(
          absl::StrCat("--out: cannot write ", out_file));
    }
    summary << "wrote " << out_file << " (" << resp.content().size()
            << " bytes, " << resp.content_type() << ")\n";
  }
  summary << resp.statement_ids_size() << " statement(s), total "
          << Money::FromOre(resp.total_ore()).ToDecimalString() << " kr\n";
  for (const v1::NotPayable& n : resp.not_payable()) {
    summary << "not payable: " << n.statement_id() << " ("
            << Money::FromOre(n.total_ore()).ToDecimalString()
            << " kr): " << n.reason() << "\n";
  }
  for (const std::string& p : resp.not_approved_provider_ids()) {
    summary << "not approved, not in the file: " << p << "\n";
  }
  return absl::OkStatus();
}

const Registrar registrar({
    {"settlement", "export-month",
     "the month's finance files: SIE 4, pain.001 payments, client fee basis",
     "  --period YYYY-MM  --kind sie4|pain001|fee-basis  [--out FILE]\n"
     "  --execution-date YYYY-MM-DD  (pain001)\n"
     "  the municipality and chart are the finance settings' (settlement "
     "finance-settings set);\n"
     "  these flags override them for this file:\n"
     "  [--name NAME  --org-number NNNNNN-NNNN]  [--bankgiro NUMBER | "
     "--plusgiro NUMBER]  [--bic BIC]\n"
     "  [--accounts CATEGORY=ACCOUNT,...]  [--cost-account ACCOUNT]  "
     "[--vat-account ACCOUNT]\n"
     "  [--debt-account ACCOUNT]  (sie4; defaults 4600, 2640, 2440)",
     ExportMonth},
});

}  // namespace
}  // namespace lov::cli
