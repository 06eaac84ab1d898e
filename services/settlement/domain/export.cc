#include "lov/settlement/domain/export.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lov/platform/money.h"
#include "nlohmann/json.hpp"

namespace lov::settlement {
namespace {

std::string Kronor(int64_t ore) {
  return Money::FromOre(ore).ToDecimalString();
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n;") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Short(const std::string& enum_name, size_t prefix) {
  return enum_name.size() > prefix ? enum_name.substr(prefix) : enum_name;
}

std::string KindName(v1::LineKind kind) {
  return Short(v1::LineKind_Name(kind), 10);  // "LINE_KIND_"
}

std::string BandName(v1::Band band) {
  return band == v1::BAND_UNSPECIFIED ? "" : Short(v1::Band_Name(band), 5);
}

}  // namespace

std::string StatementCsv(const v1::Statement& s) {
  std::string out =
      "statement_id,provider_id,period,status,line_no,kind,category_id,"
      "zone_id,band,rate_version,adjusts_period,unit_rate_ore,quantity,"
      "quantity_per_unit,multiplier_bp,amount_ore,amount_sek,description,"
      "sources\r\n";
  const std::string status =
      s.status() == v1::STATEMENT_STATUS_APPROVED ? "APPROVED" : "PREVIEW";
  for (const v1::StatementLine& l : s.lines()) {
    std::vector<std::string> sources(l.sources().begin(), l.sources().end());
    absl::StrAppend(
        &out, CsvField(s.statement_id()), ",", CsvField(s.provider_id()), ",",
        s.period(), ",", status, ",", l.line_no(), ",", KindName(l.kind()), ",",
        CsvField(l.category_id()), ",", CsvField(l.zone_id()), ",",
        BandName(l.band()), ",", l.rate_version(), ",", l.adjusts_period(), ",",
        l.unit_rate_ore(), ",", l.quantity(), ",", l.quantity_per_unit(), ",",
        l.multiplier_bp(), ",", l.amount_ore(), ",", Kronor(l.amount_ore()),
        ",", CsvField(l.description()), ",",
        CsvField(absl::StrJoin(sources, ";")), "\r\n");
  }
  return out;
}

std::string StatementJson(const v1::Statement& s) {
  // Ordered: the keys stay in the order a reader of the file expects.
  using Json = nlohmann::ordered_json;
  Json lines = Json::array();
  for (const v1::StatementLine& l : s.lines()) {
    lines.push_back(
        {{"line_no", l.line_no()},
         {"kind", KindName(l.kind())},
         {"category_id", l.category_id()},
         {"zone_id", l.zone_id()},
         {"band", BandName(l.band())},
         {"rate_version", l.rate_version()},
         {"adjusts_period", l.adjusts_period()},
         {"unit_rate_ore", l.unit_rate_ore()},
         {"quantity", l.quantity()},
         {"quantity_per_unit", l.quantity_per_unit()},
         {"multiplier_bp", l.multiplier_bp()},
         {"amount_ore", l.amount_ore()},
         {"amount_sek", Kronor(l.amount_ore())},
         {"description", l.description()},
         {"sources", Json(std::vector<std::string>(l.sources().begin(),
                                                   l.sources().end()))}});
  }
  Json out = {
      {"statement_id", s.statement_id()},
      {"provider_id", s.provider_id()},
      {"period", s.period()},
      {"status",
       s.status() == v1::STATEMENT_STATUS_APPROVED ? "APPROVED" : "PREVIEW"},
      {"in_house", s.in_house()},
      {"digest", s.digest()},
      {"currency", "SEK"},
      {"net_ore", s.net_ore()},
      {"vat_ore", s.vat_ore()},
      {"total_ore", s.total_ore()},
      {"net_sek", Kronor(s.net_ore())},
      {"vat_sek", Kronor(s.vat_ore())},
      {"total_sek", Kronor(s.total_ore())},
      {"performed_seconds", s.performed_seconds()},
      {"lines", std::move(lines)}};
  // Compact, UTF-8 as it is; a byte that is not UTF-8 becomes U+FFFD rather
  // than an exception.
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace lov::settlement
