// lovctl rates ... / statement ... / settlement month ... / followup /
// oneoff: the settlement API.
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli.h"
#include "lov/platform/money.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"
#include "pages.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::settlement::v1;

std::unique_ptr<v1::SettlementService::Stub> Settlement(Context& ctx) {
  return v1::SettlementService::NewStub(ctx.Channel("settlement"));
}

std::string Kr(int64_t ore) {
  return Money::FromOre(ore).ToDecimalString() + " kr";
}

void StatementTable(std::ostream& out, const v1::Statement& s) {
  out << "statement " << s.statement_id() << " ("
      << (s.status() == v1::STATEMENT_STATUS_APPROVED ? "approved" : "preview")
      << "), digest " << s.digest() << "\n";
  Table t({"#", "LINE", "CATEGORY", "ZONE", "QUANTITY", "RATE", "AMOUNT"});
  for (const auto& l : s.lines()) {
    t.Add({std::to_string(l.line_no()), l.description(), l.category_id(),
           l.zone_id(), std::to_string(l.quantity()),
           Money::FromOre(l.unit_rate_ore()).ToDecimalString(),
           Money::FromOre(l.amount_ore()).ToDecimalString()});
  }
  t.Write(out);
  out << "net " << Kr(s.net_ore()) << ", VAT " << Kr(s.vat_ore()) << ", total "
      << Kr(s.total_ore()) << "; "
      << absl::StrFormat("%.1f", s.performed_seconds() / 3600.0)
      << " hours performed\n";
}

absl::Status StatementCall(
    Context& ctx, const std::string& what,
    const std::function<grpc::Status(v1::SettlementService::Stub&,
                                     grpc::ClientContext*, v1::Statement*)>&
        call) {
  auto stub = Settlement(ctx);
  v1::Statement s;
  auto c = ctx.Call();
  if (absl::Status st = FromGrpc(call(*stub, c.get(), &s), what); !st.ok())
    return st;
  Print(ctx, s, [&](std::ostream& out) { StatementTable(out, s); });
  return absl::OkStatus();
}

absl::Status AddRates(Context& ctx, Args& args) {
  std::string file = args.Required("file");
  if (absl::Status s = args.Check(); !s.ok()) return s;
  std::ifstream in(file);
  if (!in)
    return absl::NotFoundError(absl::StrCat("--file: cannot read ", file));
  std::stringstream text;
  text << in.rdbuf();
  v1::AddRateTableRequest r;
  auto parsed = google::protobuf::util::JsonStringToMessage(text.str(),
                                                            r.mutable_table());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--file: ", file,
        " is not a RateTable in JSON: ", std::string(parsed.message())));
  }
  auto stub = Settlement(ctx);
  v1::RateTable out;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->AddRateTable(c.get(), r, &out), "rates add");
      !s.ok())
    return s;
  Print(ctx, out, [&](std::ostream& o) {
    o << "rate table from " << out.effective_date() << " added ("
      << out.categories_size() << " categories)\n";
  });
  return absl::OkStatus();
}

// The category's private rate: the day band's per hour or visit, or the
// price of its unit (day, half day, treatment, support-level day).
std::string RateText(const v1::RateTable& table, const v1::CategoryRate& cat) {
  const auto price = [](int64_t ore, const char* unit) {
    return absl::StrCat(Money::FromOre(ore).ToDecimalString(), unit);
  };
  switch (cat.model()) {
    case v1::PAYMENT_MODEL_PER_PARTICIPATION_DAY:
      return price(cat.unit_price().private_ore(), "/day");
    case v1::PAYMENT_MODEL_PER_HALF_DAY:
      return price(cat.unit_price().private_ore(), "/half day");
    case v1::PAYMENT_MODEL_PER_TREATMENT:
      return price(cat.unit_price().private_ore(), "/treatment");
    case v1::PAYMENT_MODEL_PER_DAY_BY_SUPPORT_LEVEL:
      // No default level: each client's decided level is paid.
      if (cat.support_level().empty()) {
        return absl::StrCat("by decided level (", table.support_levels_size(),
                            " levels)");
      }
      for (const auto& l : table.support_levels()) {
        if (l.level() == cat.support_level()) {
          return price(l.per_day().private_ore(),
                       absl::StrCat("/day (", l.level(), ")").c_str());
        }
      }
      return cat.support_level();
    default:
      break;
  }
  int64_t day = 0;
  for (const auto& b : cat.band_rates()) {
    if (b.band() == v1::BAND_DAY) day = b.private_ore();
  }
  return Money::FromOre(day).ToDecimalString();
}

absl::Status ListRates(Context& ctx, Args& args) {
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Settlement(ctx);
  v1::ListRateTablesResponse resp;
  if (absl::Status s = AllPages(
          ctx, v1::ListRateTablesRequest(),
          [&](grpc::ClientContext* c, const auto& q, auto* page) {
            return stub->ListRateTables(c, q, page);
          },
          "rates list", &resp);
      !s.ok())
    return s;
  Print(ctx, resp, [&](std::ostream& out) {
    Table t({"FROM", "CATEGORY", "MODEL", "RATE (PRIVATE)", "VAT", "BANDS"});
    for (const auto& table : resp.tables()) {
      // Band rules as data, or the fixed order of the band definition.
      std::string bands = "holiday > weekend > night > evening > day";
      if (table.has_band_rules()) {
        const auto& rules = table.band_rules();
        bands = absl::StrCat(rules.windows_size(), " windows");
        if (rules.precedence_size() > 0) {
          absl::StrAppend(&bands, ", ",
                          absl::AsciiStrToLower(
                              v1::Band_Name(rules.precedence(0)).substr(5)),
                          " first");
        }
      }
      if (table.area_types_size() > 0) {
        absl::StrAppend(&bands, "; ", table.area_types_size(), " area types");
      }
      for (const auto& cat : table.categories()) {
        t.Add({table.effective_date(), cat.category_id(),
               v1::PaymentModel_Name(cat.model()).substr(14),
               RateText(table, cat),
               absl::StrFormat("%d %%", cat.vat_basis_points() / 100), bands});
      }
    }
    t.Write(out);
  });
  return absl::OkStatus();
}

absl::Status ListingRule(Context& ctx, Args& args) {
  std::string rule = args.Required("rule");
  if (absl::Status s = args.Check(); !s.ok()) return s;
  v1::SetListingRuleRequest r;
  if (rule == "pro-rata")
    r.mutable_rule()->set_kind(v1::LISTING_RULE_KIND_PRO_RATA_DAYS);
  else if (rule == "provider-on-15th")
    r.mutable_rule()->set_kind(v1::LISTING_RULE_KIND_PROVIDER_ON_15TH);
  else
    return absl::InvalidArgumentError(absl::StrCat(
        "--rule: '", rule, "' is not pro-rata or provider-on-15th"));
  auto stub = Settlement(ctx);
  v1::ListingRule out;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->SetListingRule(c.get(), r, &out), "listing-rule");
      !s.ok())
    return s;
  Print(ctx, out,
        [&](std::ostream& o) { o << "listing rule set: " << rule << "\n"; });
  return absl::OkStatus();
}

// --shares PROVIDER=VALUE,...: kronor for fixed amounts, whole numbers for
// a table of weights.
absl::Status AddGivenShares(const std::vector<std::string>& items,
                            v1::CreateOneOffPaymentRequest& r) {
  const bool fixed = r.rule() == v1::ONE_OFF_RULE_FIXED_AMOUNTS;
  if (items.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--shares: give PROVIDER=", fixed ? "SEK" : "WEIGHT",
                     ",... for --rule ", fixed ? "fixed" : "table"));
  }
  for (const std::string& item : items) {
    const size_t eq = item.rfind('=');
    const std::string value =
        eq == std::string::npos ? "" : item.substr(eq + 1);
    v1::OneOffShare* share = r.add_given_shares();
    share->set_provider_id(item.substr(0, eq));
    bool ok = eq != std::string::npos && eq > 0;
    if (ok && fixed) {
      absl::StatusOr<Money> amount = Money::Parse(value);
      ok = amount.ok();
      if (ok) share->set_amount_ore(amount->ore());
    } else if (ok) {
      int64_t weight = 0;
      ok = absl::SimpleAtoi(value, &weight);
      share->set_weight(weight);
    }
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--shares: '", item, "' is not PROVIDER=", fixed ? "SEK" : "WEIGHT"));
    }
  }
  return absl::OkStatus();
}

absl::Status OneOff(Context& ctx, Args& args) {
  v1::CreateOneOffPaymentRequest r;
  r.set_payment_id(args.Required("id"));
  r.set_description(args.Required("description"));
  std::string total = args.Required("total");
  const std::string rule = args.Get("rule", "hours");
  if (rule == "hours") {
    r.set_rule(v1::ONE_OFF_RULE_PERFORMED_HOURS);
  } else if (rule == "client-days") {
    r.set_rule(v1::ONE_OFF_RULE_LISTED_CLIENT_DAYS);
  } else if (rule == "fixed") {
    r.set_rule(v1::ONE_OFF_RULE_FIXED_AMOUNTS);
  } else if (rule == "table") {
    r.set_rule(v1::ONE_OFF_RULE_GIVEN_WEIGHTS);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "--rule: '", rule, "' is not hours, client-days, fixed or table"));
  }
  const bool given = r.rule() == v1::ONE_OFF_RULE_FIXED_AMOUNTS ||
                     r.rule() == v1::ONE_OFF_RULE_GIVEN_WEIGHTS;
  if (!given) r.set_basis_period(args.Required("basis-period"));
  const std::vector<std::string> shares =
      given ? args.List("shares") : std::vector<std::string>();
  r.set_paid_in_period(args.Required("paid-in"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  absl::StatusOr<Money> amount = Money::Parse(total);
  if (!amount.ok())
    return absl::InvalidArgumentError(
        absl::StrCat("--total: ", amount.status().message()));
  r.set_total_ore(amount->ore());
  if (given) {
    if (absl::Status s = AddGivenShares(shares, r); !s.ok()) return s;
  }
  auto stub = Settlement(ctx);
  v1::OneOffPayment out;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->CreateOneOffPayment(c.get(), r, &out), "oneoff");
      !s.ok())
    return s;
  Print(ctx, out, [&](std::ostream& o) {
    const char* basis = "WEIGHT";
    if (out.rule() == v1::ONE_OFF_RULE_PERFORMED_HOURS) basis = "SECONDS";
    if (out.rule() == v1::ONE_OFF_RULE_LISTED_CLIENT_DAYS) {
      basis = "CLIENT-DAYS";
    }
    if (out.rule() == v1::ONE_OFF_RULE_FIXED_AMOUNTS) basis = "GIVEN (ÖRE)";
    Table t({"PROVIDER", basis, "SHARE"});
    for (const auto& sh : out.shares()) {
      t.Add(
          {sh.provider_id(), std::to_string(sh.weight()), Kr(sh.amount_ore())});
    }
    t.Write(o);
  });
  return absl::OkStatus();
}

absl::Status Preview(Context& ctx, Args& args) {
  v1::PreviewStatementRequest r;
  r.set_provider_id(args.Required("provider"));
  r.set_period(args.Required("period"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  return StatementCall(ctx, "preview", [&](auto& stub, auto* c, auto* out) {
    return stub.PreviewStatement(c, r, out);
  });
}

// The request id is told either way: after a lost answer or an unknown
// outcome the operator retries with it and gets the first approval.
absl::Status Approve(Context& ctx, Args& args) {
  v1::ApproveStatementRequest r;
  r.set_provider_id(args.Required("provider"));
  r.set_period(args.Required("period"));
  r.set_expected_digest(args.Required("digest"));
  r.set_approved_by(args.Get("by", "lovctl"));
  r.set_request_id(RequestId(args));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  absl::Status s =
      StatementCall(ctx, "approve", [&](auto& stub, auto* c, auto* out) {
        return stub.ApproveStatement(c, r, out);
      });
  if (!s.ok()) {
    return absl::Status(
        s.code(),
        absl::StrCat(s.message(), " (request id ", r.request_id(),
                     "; to retry: --request-id ", r.request_id(), ")"));
  }
  if (!ctx.json) *ctx.out << "request id " << r.request_id() << "\n";
  return absl::OkStatus();
}

absl::Status ShowStatement(Context& ctx, Args& args) {
  v1::GetStatementRequest r;
  r.set_provider_id(args.Required("provider"));
  r.set_period(args.Required("period"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  return StatementCall(ctx, "show", [&](auto& stub, auto* c, auto* out) {
    return stub.GetStatement(c, r, out);
  });
}

absl::Status Export(Context& ctx, Args& args) {
  v1::ExportStatementRequest r;
  r.set_provider_id(args.Required("provider"));
  r.set_period(args.Required("period"));
  std::string format = args.Get("format", "csv");
  std::string out_file = args.Get("out");
  // The buyer of a Peppol invoice: the municipality.
  v1::PeppolBuyer& b = *r.mutable_buyer();
  b.set_name(args.Get("buyer-name"));
  b.set_organisation_number(args.Get("buyer-org"));
  b.set_peppol_id(args.Get("buyer-peppol-id"));
  b.set_reference(args.Get("buyer-reference"));
  b.set_street(args.Get("buyer-street"));
  b.set_postal_zone(args.Get("buyer-postal-zone"));
  b.set_city(args.Get("buyer-city"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (format == "csv")
    r.set_format(v1::EXPORT_FORMAT_CSV);
  else if (format == "json")
    r.set_format(v1::EXPORT_FORMAT_JSON);
  else if (format == "peppol")
    r.set_format(v1::EXPORT_FORMAT_PEPPOL_BIS3);
  else
    return absl::InvalidArgumentError(absl::StrCat(
        "--format: '", format, "' is not csv or json, nor peppol"));
  // No buyer flag: the stored finance settings' buyer (SetFinanceSettings).
  const v1::PeppolBuyer no_buyer;
  if (format != "peppol" ||
      r.buyer().SerializeAsString() == no_buyer.SerializeAsString()) {
    r.clear_buyer();
  }
  auto stub = Settlement(ctx);
  v1::ExportStatementResponse resp;
  auto c = ctx.Call();
  if (absl::Status s =
          FromGrpc(stub->ExportStatement(c.get(), r, &resp), "export");
      !s.ok())
    return s;
  if (out_file.empty()) {
    *ctx.out << resp.content();
    return absl::OkStatus();
  }
  std::ofstream f(out_file, std::ios::binary);
  f << resp.content();
  if (!f)
    return absl::InternalError(absl::StrCat("--out: cannot write ", out_file));
  *ctx.out << "wrote " << out_file << " (" << resp.content().size()
           << " bytes, " << resp.content_type() << ")\n";
  return absl::OkStatus();
}

absl::Status FollowUp(Context& ctx, Args& args) {
  v1::GetFollowUpRequest r;
  r.set_period(args.Required("period"));
  r.set_provider_id(args.Get("provider"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Settlement(ctx);
  v1::FollowUp f;
  auto c = ctx.Call();
  if (absl::Status s = FromGrpc(stub->GetFollowUp(c.get(), r, &f), "followup");
      !s.ok())
    return s;
  Print(ctx, f, [&](std::ostream& out) {
    Table t({"BY", "KEY", f.period(), f.year_earlier_period(), "HOURS",
             "HOURS A YEAR EARLIER"});
    for (const auto& row : f.rows()) {
      t.Add({v1::FollowUpDimension_Name(row.dimension()).substr(20), row.key(),
             Kr(row.net_ore()), Kr(row.year_earlier_net_ore()),
             absl::StrFormat("%.1f", row.performed_seconds() / 3600.0),
             absl::StrFormat("%.1f",
                             row.year_earlier_performed_seconds() / 3600.0)});
    }
    t.Write(out);
    out << "total " << Kr(f.total_ore()) << " (a year earlier "
        << Kr(f.year_earlier_total_ore()) << "); private providers delivered "
        << absl::StrFormat("%.1f %%", f.private_share_bp() / 100.0)
        << " of the hours\n";
  });
  return absl::OkStatus();
}

const char* MonthRunStateName(v1::MonthRunState state) {
  switch (state) {
    case v1::MONTH_RUN_STATE_PREVIEWED:
      return "previewed";
    case v1::MONTH_RUN_STATE_APPROVED:
      return "approved";
    case v1::MONTH_RUN_STATE_CHANGED:
      return "changed since preview";
    case v1::MONTH_RUN_STATE_NOT_IN_RUN:
      return "not in the run";
    case v1::MONTH_RUN_STATE_UNPRICED:
      return "not previewed";
    default:
      return "";
  }
}

void MonthRunTable(std::ostream& out, const v1::MonthRun& run) {
  out << "month-end run " << run.period() << ", digest " << run.run_digest()
      << ", prepared by " << run.prepared_by() << "\n";
  Table t({"PROVIDER", "PREVIEWED", "STATE", "NOW", "PROBLEM"});
  for (const auto& p : run.providers()) {
    t.Add({p.provider_id(), p.digest().empty() ? "" : Kr(p.total_ore()),
           MonthRunStateName(p.state()),
           p.current_digest().empty() ? "" : Kr(p.current_total_ore()),
           p.problem()});
  }
  t.Write(out);
  out << "run total " << Kr(run.total_ore()) << " (net " << Kr(run.net_ore())
      << ", VAT " << Kr(run.vat_ore()) << ")";
  if (run.approved_total_ore() != 0 || run.has_approval()) {
    out << "; approved " << Kr(run.approved_total_ore());
  }
  if (run.has_approval()) out << " by " << run.approval().approved_by();
  out << "\n";
}

// `settlement month preview|status|approve --period YYYY-MM`: the month-end
// run over every provider. Approval names the run digest reviewed and is
// refused to whoever prepared the run (four eyes).
absl::Status Month(Context& ctx, Args& args) {
  const std::string action = args.Required("action");
  const std::string period = args.Required("period");
  const std::string run_digest = args.Get("run");
  const std::string by = args.Get("by", "");
  auto stub = Settlement(ctx);
  if (action == "approve") {
    v1::ApproveMonthRequest r;
    r.set_period(period);
    r.set_expected_run_digest(run_digest);
    r.set_approved_by(by);
    r.set_request_id(RequestId(args));
    if (absl::Status s = args.Check(); !s.ok()) return s;
    v1::MonthRunApproval out;
    auto c = ctx.Call();
    if (absl::Status s =
            FromGrpc(stub->ApproveMonth(c.get(), r, &out), "month approve");
        !s.ok()) {
      return absl::Status(s.code(),
                          absl::StrCat(s.message(), " (to retry: --request-id ",
                                       r.request_id(), ")"));
    }
    Print(ctx, out, [&](std::ostream& o) {
      Table t({"PROVIDER", "OUTCOME", "TOTAL", "WHY"});
      for (const auto& p : out.approved()) {
        t.Add({p.provider_id(), "approved", Kr(p.current_total_ore()), ""});
      }
      for (const auto& p : out.refused()) {
        t.Add({p.provider_id(), "refused", "", p.problem()});
      }
      t.Write(o);
      o << out.approved_size() << " approved (" << Kr(out.approved_total_ore())
        << "), " << out.refused_size() << " refused, by " << out.approved_by()
        << "; request id " << r.request_id() << "\n";
    });
    return absl::OkStatus();
  }
  if (action != "preview" && action != "status") {
    return absl::InvalidArgumentError(absl::StrCat(
        "action: '", action, "' is not preview, status or approve"));
  }
  if (absl::Status s = args.Check(); !s.ok()) return s;
  v1::MonthRun run;
  auto c = ctx.Call();
  grpc::Status g;
  if (action == "preview") {
    v1::PreviewMonthRequest r;
    r.set_period(period);
    r.set_prepared_by(by);
    g = stub->PreviewMonth(c.get(), r, &run);
  } else {
    v1::GetMonthRunRequest r;
    r.set_period(period);
    g = stub->GetMonthRun(c.get(), r, &run);
  }
  if (absl::Status s = FromGrpc(g, "month " + action); !s.ok()) return s;
  Print(ctx, run, [&](std::ostream& out) { MonthRunTable(out, run); });
  return absl::OkStatus();
}

const Registrar registrar({
    {"rates", "add",
     "add a rate table version (JSON file of lov.settlement.v1.RateTable)",
     "  --file PATH", AddRates},
    {"rates", "list", "every rate table version", "", ListRates},
    {"listing-rule", "set", "how mid-month changes share the listing fee",
     "  --rule pro-rata|provider-on-15th", ListingRule},
    {"oneoff", "create",
     "a one-off payment shared by hours, client-days, fixed amounts or a "
     "table",
     "  --id ID  --description TEXT  --total SEK  --paid-in YYYY-MM\n"
     "  [--rule hours|client-days]  --basis-period YYYY-MM  (default: "
     "hours)\n"
     "  --rule fixed --shares PROVIDER=SEK,...  (adding up to --total)\n"
     "  --rule table --shares PROVIDER=WEIGHT,...",
     OneOff},
    {"statement", "preview", "compute a provider's monthly statement",
     "  --provider PROVIDER_ID  --period YYYY-MM", Preview},
    {"statement", "approve",
     "approve the previewed statement (locks the month)",
     "  --provider PROVIDER_ID  --period YYYY-MM  --digest DIGEST (from "
     "preview)  [--by NAME]\n"
     "  [--request-id ID]  a new one is made and printed; retry with it",
     Approve},
    {"statement", "show", "a statement",
     "  --provider PROVIDER_ID  --period YYYY-MM", ShowStatement},
    {"statement", "export",
     "a statement as CSV or JSON for the finance system, or an approved one "
     "as a Peppol BIS 3.0 self-billed invoice",
     "  --provider PROVIDER_ID  --period YYYY-MM  [--format csv|json|peppol]  "
     "[--out FILE]\n"
     "  peppol: the buyer of the finance settings, or (overriding them)\n"
     "          --buyer-name NAME  --buyer-peppol-id 0007:NNNNNNNNNN  "
     "[--buyer-org NNNNNN-NNNN]\n"
     "          [--buyer-reference REF]  [--buyer-street S]  "
     "[--buyer-postal-zone Z]  [--buyer-city C]",
     Export},
    {"settlement", "month",
     "the month-end run: preview every provider, the status, approve the "
     "batch",
     "  --action preview|status|approve (or as the first word)  --period "
     "YYYY-MM\n"
     "  [--run DIGEST]  approve: the run digest reviewed (from preview or "
     "status)\n"
     "  [--by NAME]  only without sign-in; else the credential names you\n"
     "  [--request-id ID]  approve: a new one is made and printed; retry "
     "with it",
     Month, "action"},
    {"followup", "show",
     "totals by provider, zone and category against a year earlier",
     "  --period YYYY-MM  [--provider PROVIDER_ID]", FollowUp},
});

}  // namespace
}  // namespace lov::cli
