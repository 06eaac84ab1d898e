// lovctl settlement finance-settings set|show: the municipality's finance
// settings (who it is in the finance files, the account it pays from, its
// chart of accounts, its Peppol id as buyer), stored by settlement as
// versioned rulebook data and used by export-month and statement export.
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "cli.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::settlement::v1;

absl::StatusOr<v1::FinanceSettings> ReadSettings(const std::string& file) {
  std::ifstream in(file);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("--file: cannot read ", file));
  }
  std::stringstream text;
  text << in.rdbuf();
  v1::FinanceSettings settings;
  auto parsed =
      google::protobuf::util::JsonStringToMessage(text.str(), &settings);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--file: ", file, " is not lov.settlement.v1.FinanceSettings in JSON: ",
        std::string(parsed.message())));
  }
  return settings;
}

void SettingsText(std::ostream& out, const v1::FinanceSettings& s) {
  const v1::FinanceParty& m = s.municipality();
  out << "finance settings version " << s.version() << ", set by "
      << s.changed_by() << "\n"
      << "municipality  " << m.name() << " (" << m.organisation_number()
      << ")\n"
      << "pays from     "
      << (m.bankgiro().empty() ? "plusgiro " + m.plusgiro()
                               : "bankgiro " + m.bankgiro())
      << (m.bic().empty() ? "" : ", bank " + m.bic()) << "\n";
  const v1::BookkeepingChart& c = s.chart();
  out << "accounts      cost " << c.default_cost_account() << ", VAT "
      << c.vat_account() << ", supplier debt " << c.supplier_debt_account();
  for (const v1::CategoryAccount& a : c.category_accounts()) {
    out << ", " << a.category_id() << " " << a.account();
  }
  out << "\n"
      << "peppol buyer  "
      << (s.buyer().peppol_id().empty() ? "(none)" : s.buyer().peppol_id())
      << (s.buyer().reference().empty()
              ? ""
              : ", reference " + s.buyer().reference())
      << "\n";
}

absl::Status FinanceSettings(Context& ctx, Args& args) {
  const std::string action = args.Required("action");
  const std::string file = args.Get("file");
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = v1::SettlementService::NewStub(ctx.Channel("settlement"));
  v1::FinanceSettings out;
  auto c = ctx.Call();
  if (action == "set") {
    if (file.empty()) {
      return absl::InvalidArgumentError(
          "--file: required for set (JSON of lov.settlement.v1."
          "FinanceSettings)");
    }
    absl::StatusOr<v1::FinanceSettings> settings = ReadSettings(file);
    if (!settings.ok()) return settings.status();
    v1::SetFinanceSettingsRequest r;
    *r.mutable_settings() = *std::move(settings);
    if (absl::Status s = FromGrpc(stub->SetFinanceSettings(c.get(), r, &out),
                                  "finance-settings set");
        !s.ok()) {
      return s;
    }
  } else if (action == "show") {
    if (absl::Status s = FromGrpc(stub->GetFinanceSettings(c.get(), {}, &out),
                                  "finance-settings show");
        !s.ok()) {
      return s;
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("action: '", action, "' is not set or show"));
  }
  Print(ctx, out, [&](std::ostream& o) { SettingsText(o, out); });
  return absl::OkStatus();
}

const Registrar registrar({
    {"settlement", "finance-settings",
     "the municipality's finance settings: name, organisation number, "
     "bankgiro or plusgiro, chart of accounts, Peppol id",
     "  --action set|show (or as the first word)\n"
     "  --file PATH  set: JSON of lov.settlement.v1.FinanceSettings "
     "(docs/settlement.md)",
     FinanceSettings, "action"},
});

}  // namespace
}  // namespace lov::cli
