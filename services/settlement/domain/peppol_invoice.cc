#include "lov/settlement/domain/peppol_invoice.h"

#include <cctype>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "lov/platform/money.h"
#include "lov/platform/text.h"
#include "lov/settlement/domain/checked_sum.h"
#include "lov/settlement/domain/period.h"
#include "lov/settlement/domain/xml_text.h"

namespace lov::settlement {
namespace {

constexpr char kCustomization[] =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:"
    "selfbilling:3.0";
constexpr char kProfile[] = "urn:fdc:peppol.eu:2017:poacc:selfbilling:01:1.0";
constexpr char kSelfBilled[] = "389";        // UNTDID 1001: self-billed invoice
constexpr char kSelfBilledCredit[] = "261";  // self-billed credit note
constexpr char kExemptCode[] = "VATEX-EU-132-1G";
constexpr char kExemptText[] =
    "Exempt from VAT: social care (omsorg), Directive 2006/112/EC "
    "Art. 132(1)(g)";

std::string Sek(int64_t ore) { return Money::FromOre(ore).ToDecimalString(); }

std::string Amount(const char* element, int64_t ore) {
  return absl::StrCat("<cbc:", element, " currencyID=\"SEK\">", Sek(ore),
                      "</cbc:", element, ">");
}

std::string Percent(int64_t bp) {
  return absl::StrFormat("%d.%02d", bp / 100, bp % 100);
}

// "<cbc:Name>text</cbc:Name>", nothing for empty text (Peppol refuses
// empty elements).
std::string Element(const char* name, const std::string& text) {
  if (text.empty()) return "";
  return absl::StrCat("<cbc:", name, ">", XmlText(text), "</cbc:", name, ">");
}

// A statement's id as a document id: "prv-a/2024-01" -> "prv-a-2024-01".
std::string InvoiceId(std::string statement_id) {
  for (char& c : statement_id) {
    if (c == '/') c = '-';
  }
  return statement_id;
}

std::string Digits(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

bool LuhnOk(const std::string& digits) {
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 == 0;
}

// A legal entity's organisation number as its 10 digits; "" if `text` is
// not one (a personnummer's third digit is 0 or 1, and is refused).
std::string OrganisationDigits(const std::string& text) {
  const std::string digits = Digits(text);
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-') return "";
  }
  if (digits.size() != 10 || digits[2] < '2' || !LuhnOk(digits)) return "";
  return digits;
}

struct Endpoint {
  std::string scheme;
  std::string id;
};

absl::StatusOr<Endpoint> ParsePeppolId(std::string text,
                                       const std::string& field) {
  constexpr char kPrefix[] = "iso6523-actorid-upis::";
  if (text.rfind(kPrefix, 0) == 0) text = text.substr(sizeof(kPrefix) - 1);
  const size_t colon = text.find(':');
  Endpoint e;
  if (colon == 4) {
    e.scheme = text.substr(0, 4);
    e.id = text.substr(5);
  }
  bool ok = Digits(e.scheme).size() == 4 && !e.id.empty() && e.id.size() <= 50;
  for (char c : e.id) {
    if (std::isspace(static_cast<unsigned char>(c))) ok = false;
  }
  if (ok && e.scheme == "0007" && OrganisationDigits(e.id).empty()) ok = false;
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(field,
                     ": a Peppol participant id \"ICD:identifier\" is "
                     "required, e.g. \"0007:2120000142\" (ICD 0007: a "
                     "Swedish organisation number with its check digit)"));
  }
  return e;
}

std::string EndpointXml(const Endpoint& e) {
  return absl::StrCat("<cbc:EndpointID schemeID=\"", XmlText(e.scheme), "\">",
                      XmlText(e.id), "</cbc:EndpointID>");
}

std::string AddressXml(const std::string& street, const std::string& city,
                       const std::string& zone) {
  return absl::StrCat(
      "<cac:PostalAddress>", Element("StreetName", street),
      Element("CityName", city), Element("PostalZone", zone),
      "<cac:Country><cbc:IdentificationCode>SE</cbc:IdentificationCode>"
      "</cac:Country></cac:PostalAddress>");
}

std::string TaxSchemeXml(const std::string& company_id, const char* scheme) {
  return absl::StrCat("<cac:PartyTaxScheme>", Element("CompanyID", company_id),
                      "<cac:TaxScheme><cbc:ID>", scheme,
                      "</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>");
}

std::string LegalEntityXml(const std::string& name, const std::string& org) {
  std::string out =
      absl::StrCat("<cac:PartyLegalEntity>", Element("RegistrationName", name));
  if (!org.empty()) {
    absl::StrAppend(&out, "<cbc:CompanyID schemeID=\"0007\">", org,
                    "</cbc:CompanyID>");
  }
  return out + "</cac:PartyLegalEntity>";
}

absl::StatusOr<std::string> SellerXml(const PeppolInvoiceInput& in) {
  const registry::v1::Provider& p = in.seller;
  const std::string& id = p.provider_id();
  if (p.name().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("provider ", id,
                     " has no name from the registry: the invoice's "
                     "seller must be named"));
  }
  const std::string org = OrganisationDigits(p.organisation_number());
  Endpoint endpoint;
  if (!in.payment.peppol_participant_id().empty()) {
    absl::StatusOr<Endpoint> e = ParsePeppolId(
        in.payment.peppol_participant_id(), "payment_details.peppol_id");
    if (!e.ok()) return e.status();
    endpoint = *e;
  } else if (!org.empty()) {
    endpoint = {"0007", org};
  } else {
    // A sole trader's organisation number, and a Peppol id made of it,
    // embed the owner's personnummer and are kept nowhere; a Peppol id of
    // another scheme (a GLN, 0088) is kept and used above. Peppol has no
    // other address (e-mail, EM, is not in the Peppol EAS list).
    return absl::FailedPreconditionError(absl::StrCat(
        "provider ", id,
        " has no usable Peppol participant id (a sole trader's organisation "
        "number and an id made of it are withheld): the invoice needs the "
        "seller's electronic address (PEPPOL-EN16931-R020); register one "
        "that is not made of the personnummer, e.g. its GLN as "
        "0088:NNNNNNNNNNNNN (lovctl provider payment-details "
        "--peppol-id), or send this statement by other means"));
  }
  const bool f_tax = in.payment.f_tax() == registry::v1::F_TAX_STATUS_APPROVED;
  if (in.payment.vat_number().empty() && !f_tax) {
    return absl::FailedPreconditionError(absl::StrCat(
        "provider ", id,
        " has neither a VAT number nor approved F-tax in its payment "
        "details: a Peppol invoice must state one (BR-S-02, BR-E-02)"));
  }
  std::string out = absl::StrCat(
      "<cac:AccountingSupplierParty><cac:Party>", EndpointXml(endpoint),
      "<cac:PartyIdentification>", Element("ID", id),
      "</cac:PartyIdentification><cac:PartyName>", Element("Name", p.name()),
      "</cac:PartyName>", AddressXml(p.contact().address(), "", ""));
  if (!in.payment.vat_number().empty()) {
    absl::StrAppend(&out, TaxSchemeXml(in.payment.vat_number(), "VAT"));
  }
  if (f_tax) absl::StrAppend(&out, TaxSchemeXml("Godkänd för F-skatt", "TAX"));
  absl::StrAppend(&out, LegalEntityXml(p.name(), org),
                  "</cac:Party></cac:AccountingSupplierParty>");
  return out;
}

absl::StatusOr<std::string> BuyerXml(const v1::PeppolBuyer& b) {
  if (b.name().empty()) {
    return absl::InvalidArgumentError(
        "buyer.name: the municipality's name is required");
  }
  std::string org;
  if (!b.organisation_number().empty()) {
    org = OrganisationDigits(b.organisation_number());
    if (org.empty()) {
      return absl::InvalidArgumentError(
          "buyer.organisation_number: a Swedish organisation number "
          "\"NNNNNN-NNNN\" with a valid check digit is required");
    }
  }
  absl::StatusOr<Endpoint> endpoint =
      ParsePeppolId(b.peppol_id(), "buyer.peppol_id");
  if (!endpoint.ok()) return endpoint.status();
  return absl::StrCat("<cac:AccountingCustomerParty><cac:Party>",
                      EndpointXml(*endpoint), "<cac:PartyName>",
                      Element("Name", b.name()), "</cac:PartyName>",
                      AddressXml(b.street(), b.city(), b.postal_zone()),
                      LegalEntityXml(b.name(), org),
                      "</cac:Party></cac:AccountingCustomerParty>");
}

absl::StatusOr<std::string> PaymentXml(const PeppolInvoiceInput& in) {
  std::string account;
  std::string branch;
  if (!in.payment.bankgiro().empty()) {
    account = Digits(in.payment.bankgiro());
    branch = "SE:BANKGIRO";
  } else if (!in.payment.plusgiro().empty()) {
    account = Digits(in.payment.plusgiro());
    branch = "SE:PLUSGIRO";
  } else {
    return absl::FailedPreconditionError(absl::StrCat(
        "provider ", in.seller.provider_id(),
        " has no bankgiro or plusgiro in its payment details: the invoice "
        "must say where it is paid"));
  }
  return absl::StrCat(
      "<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>",
      Element("PaymentID", in.statement->statement_id()),
      "<cac:PayeeFinancialAccount>", Element("ID", account),
      "<cac:FinancialInstitutionBranch>", Element("ID", branch),
      "</cac:FinancialInstitutionBranch></cac:PayeeFinancialAccount>"
      "</cac:PaymentMeans>");
}

std::string KindName(v1::LineKind kind) {
  const std::string& name = v1::LineKind_Name(kind);
  return name.size() > 10 ? name.substr(10) : name;  // "LINE_KIND_"
}

// What a line is made of, for the item description.
std::string LineDetail(const v1::StatementLine& l) {
  std::string out = absl::StrCat(
      KindName(l.kind()), " ", l.category_id().empty() ? "-" : l.category_id(),
      ": quantity ", l.quantity(), "/", l.quantity_per_unit(), " x ",
      Sek(l.unit_rate_ore()), " SEK x ", l.multiplier_bp(), " bp");
  if (!l.zone_id().empty()) absl::StrAppend(&out, ", zone ", l.zone_id());
  if (!l.adjusts_period().empty()) {
    absl::StrAppend(&out, ", adjusts ", l.adjusts_period());
  }
  return out;
}

// A line's VAT category: "S" at the rate of its category's VAT line, else
// "E" (0 bp).
struct VatCategory {
  std::string code;
  int64_t bp = 0;
};

std::string TaxCategoryXml(const char* element, const VatCategory& c,
                           bool with_reason) {
  std::string out =
      absl::StrCat("<cac:", element, "><cbc:ID>", c.code,
                   "</cbc:ID><cbc:Percent>", Percent(c.bp), "</cbc:Percent>");
  if (with_reason && c.code == "E") {
    absl::StrAppend(&out, "<cbc:TaxExemptionReasonCode>", kExemptCode,
                    "</cbc:TaxExemptionReasonCode>",
                    Element("TaxExemptionReason", kExemptText));
  }
  return absl::StrCat(out,
                      "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
                      "</cac:",
                      element, ">");
}

// The UBL document: an invoice, or for a negative statement a credit note,
// whose amounts are the statement's negated.
struct Document {
  const char* root;          // "Invoice" or "CreditNote"
  const char* type_element;  // "InvoiceTypeCode" or "CreditNoteTypeCode"
  const char* type_code;     // 389 or 261
  const char* line_element;  // "InvoiceLine" or "CreditNoteLine"
  const char* quantity;      // "InvoicedQuantity" or "CreditedQuantity"
  int64_t sign;              // what a statement amount is multiplied by
};

constexpr Document kInvoice{"Invoice",     "InvoiceTypeCode",  kSelfBilled,
                            "InvoiceLine", "InvoicedQuantity", 1};
constexpr Document kCreditNote{"CreditNote",       "CreditNoteTypeCode",
                               kSelfBilledCredit,  "CreditNoteLine",
                               "CreditedQuantity", -1};

std::string LineXml(const Document& doc, const v1::StatementLine& l,
                    const VatCategory& vat) {
  const int64_t amount = doc.sign * l.amount_ore();
  const bool negative = amount < 0;
  const int64_t price = negative ? -amount : amount;
  const std::string name =
      l.description().empty() ? KindName(l.kind()) : l.description();
  return absl::StrCat("<cac:", doc.line_element, "><cbc:ID>", l.line_no(),
                      "</cbc:ID>", "<cbc:", doc.quantity, " unitCode=\"C62\">",
                      negative ? "-1" : "1", "</cbc:", doc.quantity, ">",
                      Amount("LineExtensionAmount", amount), "<cac:Item>",
                      Element("Description", LineDetail(l)),
                      Element("Name", name),
                      TaxCategoryXml("ClassifiedTaxCategory", vat, false),
                      "</cac:Item><cac:Price>", Amount("PriceAmount", price),
                      "</cac:Price></cac:", doc.line_element, ">\n");
}

// A credit note names the invoices it corrects: each locked period its
// lines adjust, by the ID that period's invoice was given.
std::string BillingReferencesXml(const v1::Statement& st) {
  std::set<std::string> periods;
  for (const v1::StatementLine& l : st.lines()) {
    if (!l.adjusts_period().empty()) periods.insert(l.adjusts_period());
  }
  std::string out;
  for (const std::string& period : periods) {
    absl::StrAppend(
        &out, "<cac:BillingReference><cac:InvoiceDocumentReference>",
        Element("ID", InvoiceId(StatementId(st.provider_id(), period))),
        "</cac:InvoiceDocumentReference></cac:BillingReference>"
        "\n");
  }
  return out;
}

bool IsDate(const std::string& text) {
  absl::CivilDay day;
  return text.size() == 10 && absl::ParseCivilTime(text, &day);
}

}  // namespace

absl::StatusOr<std::string> PeppolInvoiceXml(const PeppolInvoiceInput& in) {
  const v1::Statement* st = in.statement;
  if (st == nullptr) return absl::InvalidArgumentError("statement: required");
  if (st->status() != v1::STATEMENT_STATUS_APPROVED) {
    return absl::FailedPreconditionError(
        absl::StrCat("statement ", st->statement_id(), " is ",
                     v1::StatementStatus_Name(st->status()),
                     ": only an approved statement is invoiced"));
  }
  absl::CivilMonth month;
  if (!absl::ParseCivilTime(st->period(), &month)) {
    return absl::InvalidArgumentError(
        absl::StrCat("statement period \"", st->period(), "\": YYYY-MM"));
  }
  if (!IsDate(in.issue_date)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "issue date \"", in.issue_date, "\": YYYY-MM-DD is required"));
  }
  // Each category's VAT rate and VAT, from the statement's VAT lines.
  std::map<std::string, const v1::StatementLine*> vat_lines;
  std::vector<const v1::StatementLine*> lines;
  for (const v1::StatementLine& l : st->lines()) {
    if (l.kind() == v1::LINE_KIND_VAT) {
      vat_lines[l.category_id()] = &l;
    } else {
      lines.push_back(&l);
    }
  }
  if (lines.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("statement ", st->statement_id(),
                     " has no lines: an invoice needs at least one (BR-16)"));
  }
  // A statement that pays less than nothing (late voids of approved
  // visits, say) is a credit note of the opposite amounts.
  const Document& doc = st->total_ore() < 0 ? kCreditNote : kInvoice;
  struct Breakdown {
    int64_t taxable = 0;
    int64_t tax = 0;
  };
  std::map<int64_t, Breakdown> standard;  // by rate, bp
  Breakdown exempt;
  bool any_exempt = false;
  std::vector<VatCategory> line_vat;  // of each of `lines`
  int64_t net = 0;
  const std::string what = absl::StrCat("statement ", st->statement_id());
  for (const v1::StatementLine* l : lines) {
    VatCategory vat{"E", 0};
    auto it = vat_lines.find(l->category_id());
    int64_t* taxable = &exempt.taxable;
    if (!l->category_id().empty() && it != vat_lines.end()) {
      vat = {"S", it->second->multiplier_bp()};
      taxable = &standard[vat.bp].taxable;
    } else {
      any_exempt = true;
    }
    if (absl::Status s = AddOre(l->amount_ore(), taxable,
                                absl::StrCat(what, ": taxable amount"));
        !s.ok()) {
      return s;
    }
    if (absl::Status s = AddOre(l->amount_ore(), &net,
                                absl::StrCat(what, ": net of its lines"));
        !s.ok()) {
      return s;
    }
    line_vat.push_back(vat);
  }
  int64_t tax_total = 0;
  for (const auto& [category, l] : vat_lines) {
    const std::string vat_what = absl::StrCat(what, ": VAT of its lines");
    if (absl::Status s = AddOre(l->amount_ore(),
                                &standard[l->multiplier_bp()].tax, vat_what);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = AddOre(l->amount_ore(), &tax_total, vat_what);
        !s.ok()) {
      return s;
    }
  }
  int64_t total = net;
  if (absl::Status s =
          AddOre(tax_total, &total, absl::StrCat(what, ": total of its lines"));
      !s.ok()) {
    return s;
  }
  if (doc.sign < 0) {
    // Negating the least int64 would overflow: refused, like any sum
    // outside int64 öre.
    std::vector<int64_t> amounts = {net, tax_total, total, exempt.taxable};
    for (const v1::StatementLine& l : st->lines()) {
      amounts.push_back(l.amount_ore());
    }
    for (const auto& [bp, b] : standard) {
      amounts.push_back(b.taxable);
      amounts.push_back(b.tax);
    }
    for (int64_t amount : amounts) {
      if (amount == std::numeric_limits<int64_t>::min()) {
        return absl::OutOfRangeError(absl::StrCat(
            what, ": ", amount, " öre cannot be credited in 64 bits"));
      }
    }
  }
  if (net != st->net_ore() || tax_total != st->vat_ore() ||
      total != st->total_ore()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "statement ", st->statement_id(), ": its lines (net ", net, ", VAT ",
        tax_total, " öre) do not add up to its totals (net ", st->net_ore(),
        ", VAT ", st->vat_ore(), ", total ", st->total_ore(), ")"));
  }
  std::string line_xml;
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::StrAppend(&line_xml, LineXml(doc, *lines[i], line_vat[i]));
  }
  absl::StatusOr<std::string> seller = SellerXml(in);
  if (!seller.ok()) return seller.status();
  absl::StatusOr<std::string> buyer = BuyerXml(in.buyer);
  if (!buyer.ok()) return buyer.status();
  // A credit note is not paid to the provider: the provider owes the
  // municipality, which sets it off against a later payment.
  absl::StatusOr<std::string> payment = std::string();
  if (doc.sign > 0) payment = PaymentXml(in);
  if (!payment.ok()) return payment.status();
  const char* terms = doc.sign > 0
                          ? "Paid by the municipality under the LOV agreement"
                          : "Owed by the provider to the municipality under "
                            "the LOV agreement, set off against a later "
                            "payment";

  const int64_t sign = doc.sign;
  std::string tax_xml =
      absl::StrCat("<cac:TaxTotal>", Amount("TaxAmount", sign * tax_total));
  auto subtotal = [&](const Breakdown& b, const VatCategory& c) {
    absl::StrAppend(&tax_xml, "<cac:TaxSubtotal>",
                    Amount("TaxableAmount", sign * b.taxable),
                    Amount("TaxAmount", sign * b.tax),
                    TaxCategoryXml("TaxCategory", c, true),
                    "</cac:TaxSubtotal>");
  };
  for (const auto& [bp, b] : standard) subtotal(b, {"S", bp});
  if (any_exempt) subtotal(exempt, {"E", 0});
  absl::StrAppend(&tax_xml, "</cac:TaxTotal>");

  const std::string first = absl::FormatCivilTime(absl::CivilDay(month));
  const std::string last = absl::FormatCivilTime(absl::CivilDay(month + 1) - 1);
  const std::string reference =
      in.buyer.reference().empty() ? st->statement_id() : in.buyer.reference();
  const std::string note =
      doc.sign > 0
          ? absl::StrCat(
                "Självfaktura (self-billed invoice): LOV home care "
                "statement ",
                st->statement_id())
          : absl::StrCat(
                "Självfakturerad kreditnota (self-billed credit "
                "note): LOV home care statement ",
                st->statement_id(), " pays ", Sek(st->total_ore()), " SEK");
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<", doc.root,
      " xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:", doc.root,
      "-2\" xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:"
      "CommonAggregateComponents-2\" xmlns:cbc=\"urn:oasis:names:"
      "specification:ubl:schema:xsd:CommonBasicComponents-2\">\n",
      "<cbc:CustomizationID>", kCustomization, "</cbc:CustomizationID>\n",
      "<cbc:ProfileID>", kProfile, "</cbc:ProfileID>\n",
      Element("ID", InvoiceId(st->statement_id())), "\n",
      Element("IssueDate", in.issue_date), "\n<cbc:", doc.type_element, ">",
      doc.type_code, "</cbc:", doc.type_element, ">\n", Element("Note", note),
      "\n<cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>\n",
      Element("BuyerReference", reference), "\n<cac:InvoicePeriod>",
      Element("StartDate", first), Element("EndDate", last),
      "</cac:InvoicePeriod>\n", doc.sign > 0 ? "" : BillingReferencesXml(*st),
      *seller, "\n", *buyer, "\n", *payment, payment->empty() ? "" : "\n",
      "<cac:PaymentTerms>", Element("Note", terms), "</cac:PaymentTerms>\n",
      tax_xml, "\n<cac:LegalMonetaryTotal>",
      Amount("LineExtensionAmount", sign * net),
      Amount("TaxExclusiveAmount", sign * net),
      Amount("TaxInclusiveAmount", sign * total),
      Amount("PayableAmount", sign * total), "</cac:LegalMonetaryTotal>\n",
      line_xml, "\n</", doc.root, ">\n");
}

}  // namespace lov::settlement
