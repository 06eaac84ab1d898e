#include "lov/settlement/domain/finance_settings.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "lov/platform/identity_numbers.h"
#include "lov/settlement/domain/sie4.h"

namespace lov::settlement {
namespace {

absl::Status Invalid(const std::string& field, const std::string& rule) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", rule));
}

// The digits of `text` if it has only digits, spaces and hyphens; else "".
std::string Digits(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      out += c;
    } else if (c != ' ' && c != '-') {
      return "";
    }
  }
  return out;
}

absl::Status NormalizeAccount(v1::FinanceParty& m) {
  const bool bg = !m.bankgiro().empty();
  const bool pg = !m.plusgiro().empty();
  if (bg == pg) {
    return Invalid("municipality.bankgiro",
                   bg ? "give a bankgiro or a plusgiro, not both"
                      : "required (or municipality.plusgiro): the account "
                        "payments are made from");
  }
  if (bg) {
    const std::string d = Digits(m.bankgiro());
    if (d.size() < 7 || d.size() > 8 || !LuhnValid(d)) {
      return Invalid("municipality.bankgiro",
                     absl::StrCat("\"", m.bankgiro(),
                                  "\" is not a bankgiro number (7-8 digits, "
                                  "the last the check digit)"));
    }
    m.set_bankgiro(
        absl::StrCat(d.substr(0, d.size() - 4), "-", d.substr(d.size() - 4)));
    return absl::OkStatus();
  }
  const std::string d = Digits(m.plusgiro());
  if (d.size() < 2 || d.size() > 8 || !LuhnValid(d)) {
    return Invalid("municipality.plusgiro",
                   absl::StrCat("\"", m.plusgiro(),
                                "\" is not a plusgiro number (2-8 digits, "
                                "the last the check digit)"));
  }
  m.set_plusgiro(
      absl::StrCat(d.substr(0, d.size() - 1), "-", d.substr(d.size() - 1)));
  return absl::OkStatus();
}

absl::Status NormalizeMunicipality(v1::FinanceParty& m) {
  m.set_name(std::string(absl::StripAsciiWhitespace(m.name())));
  if (m.name().empty()) return Invalid("municipality.name", "required");
  if (m.name().size() > 70) {
    return Invalid("municipality.name", "at most 70 characters");
  }
  // Only a legal person's number is echoed; a personnummer-shaped one is
  // refused without it (NormalizeOrganisationsnummer's errors never show
  // a personnummer).
  absl::StatusOr<std::string> org =
      NormalizeOrganisationsnummer(m.organisation_number());
  if (!org.ok()) {
    return Invalid("municipality.organisation_number",
                   std::string(org.status().message()));
  }
  if ((*org)[2] < '2') {
    return Invalid("municipality.organisation_number",
                   "not a legal person's organisation number (its third "
                   "digit must be 2 or more)");
  }
  m.set_organisation_number(*org);
  if (absl::Status s = NormalizeAccount(m); !s.ok()) return s;
  if (!m.bic().empty() && m.bic().size() != 8 && m.bic().size() != 11) {
    return Invalid(
        "municipality.bic",
        absl::StrCat("\"", m.bic(), "\" is not a BIC (8 or 11 characters)"));
  }
  return absl::OkStatus();
}

absl::Status CheckBuyer(const v1::FinanceParty& m, v1::PeppolBuyer& b) {
  b.set_name(m.name());
  b.set_organisation_number(m.organisation_number());
  if (b.peppol_id().empty()) return absl::OkStatus();
  const std::string& id = b.peppol_id();
  const size_t colon = id.find(':');
  const std::string scheme = id.substr(0, colon);
  const std::string rest =
      colon == std::string::npos ? "" : id.substr(colon + 1);
  bool ok = colon == 4 && Digits(scheme).size() == 4 && !rest.empty() &&
            rest.size() <= 50 && rest.find(' ') == std::string::npos;
  if (ok && scheme == "0007") {
    const std::string d = Digits(rest);
    ok = d.size() == 10 && d[2] >= '2' && LuhnValid(d);
  }
  if (!ok) {
    return Invalid("buyer.peppol_id",
                   "a Peppol participant id \"ICD:identifier\" is required, "
                   "e.g. \"0007:2120000142\" (ICD 0007: a Swedish "
                   "organisation number with its check digit)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::FinanceSettings> NormalizeFinanceSettings(
    const v1::FinanceSettings& settings) {
  v1::FinanceSettings out = settings;
  out.clear_version();
  out.clear_changed_at();
  out.clear_changed_by();
  if (absl::Status s = NormalizeMunicipality(*out.mutable_municipality());
      !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::BookkeepingChart> chart = ResolveChart(out.chart());
  if (!chart.ok()) return chart.status();
  *out.mutable_chart() = *std::move(chart);
  if (absl::Status s = CheckBuyer(out.municipality(), *out.mutable_buyer());
      !s.ok()) {
    return s;
  }
  return out;
}

bool SameFinanceSettings(const v1::FinanceSettings& a,
                         const v1::FinanceSettings& b) {
  v1::FinanceSettings x = a;
  v1::FinanceSettings y = b;
  for (v1::FinanceSettings* s : {&x, &y}) {
    s->clear_version();
    s->clear_changed_at();
    s->clear_changed_by();
  }
  return google::protobuf::util::MessageDifferencer::Equals(x, y);
}

}  // namespace lov::settlement
