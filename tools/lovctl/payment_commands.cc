// lovctl provider payment-details: what finance pays and invoices a
// provider by (the registry's SetPaymentDetails).
#include "absl/strings/str_cat.h"
#include "cli.h"
#include "lov/registry/v1/registry.grpc.pb.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::registry::v1;

absl::StatusOr<v1::FTaxStatus> ParseFTax(const std::string& text) {
  if (text == "approved") return v1::F_TAX_STATUS_APPROVED;
  if (text == "not-approved") return v1::F_TAX_STATUS_NOT_APPROVED;
  return absl::InvalidArgumentError(
      absl::StrCat("--f-tax: '", text, "' is not approved or not-approved"));
}

// A sole trader's VAT number and Peppol id are withheld by the registry
// (they embed the owner's personnummer).
std::string Shown(const std::string& value, bool withheld) {
  if (withheld) return "given, withheld (sole trader)";
  return value.empty() ? "-" : value;
}

void PaymentTable(std::ostream& out, const v1::Provider& p) {
  const v1::PaymentDetails& d = p.payment_details();
  out << p.name() << " (" << p.provider_id() << ") payment details\n";
  Table t({"WHAT", "VALUE"});
  if (!d.bankgiro().empty()) t.Add({"bankgiro", d.bankgiro()});
  if (!d.plusgiro().empty()) t.Add({"plusgiro", d.plusgiro()});
  t.Add({"VAT number", Shown(d.vat_number(), d.vat_number_withheld())});
  t.Add({"F-tax",
         absl::StrCat(d.f_tax() == v1::F_TAX_STATUS_APPROVED ? "approved"
                                                             : "not approved",
                      " (checked ", d.f_tax_checked_on(), ")")});
  t.Add({"pay gross",
         d.must_not_pay_gross() ? "NO: withhold preliminary tax" : "yes"});
  t.Add({"Peppol id",
         Shown(d.peppol_participant_id(), d.peppol_participant_id_withheld())});
  t.Write(out);
}

absl::Status SetPaymentDetails(Context& ctx, Args& args) {
  v1::SetPaymentDetailsRequest req;
  req.set_request_id(RequestId(args));
  req.set_provider_id(args.Required("id"));
  req.set_bankgiro(args.Get("bankgiro"));
  req.set_plusgiro(args.Get("plusgiro"));
  req.set_vat_number(args.Get("vat-number"));
  absl::StatusOr<v1::FTaxStatus> f_tax = ParseFTax(args.Required("f-tax"));
  req.set_f_tax_checked_on(args.Required("f-tax-checked-on"));
  req.set_peppol_participant_id(args.Get("peppol-id"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (!f_tax.ok()) return f_tax.status();
  req.set_f_tax(*f_tax);
  auto stub = v1::RegistryService::NewStub(ctx.Channel("registry"));
  v1::Provider p;
  auto c = ctx.Call();
  if (absl::Status s = FromGrpc(stub->SetPaymentDetails(c.get(), req, &p),
                                "payment-details");
      !s.ok()) {
    return s;
  }
  Print(ctx, p, [&](std::ostream& out) { PaymentTable(out, p); });
  return absl::OkStatus();
}

const Registrar registrar({
    {"provider", "payment-details",
     "set the bankgiro or plusgiro, VAT number, F-tax and Peppol id "
     "(registry officer or finance)",
     "  --id PROVIDER_ID\n"
     "  --bankgiro NNNN-NNNN | --plusgiro NNNNNNN-N  where to pay (one)\n"
     "  --vat-number SENNNNNNNNNN01  VAT registration number (optional)\n"
     "  --f-tax approved|not-approved  F-skatt as checked\n"
     "  --f-tax-checked-on YYYY-MM-DD  the day it was checked\n"
     "  --peppol-id 0007:NNNNNNNNNN|0088:GLN  Peppol participant id (optional)",
     SetPaymentDetails},
});

}  // namespace
}  // namespace lov::cli
