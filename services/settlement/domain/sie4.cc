#include "lov/settlement/domain/sie4.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/money.h"
#include "lov/settlement/domain/period.h"

namespace lov::settlement {
namespace {

// Code page 437 from 0x80 to 0xFF, as Unicode code points.
constexpr std::array<char32_t, 128> kCp437High = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA,
    0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6,
    0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC,
    0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA,
    0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC,
    0x00A1, 0x00AB, 0x00BB, 0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561,
    0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B,
    0x2510, 0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567, 0x2568,
    0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518,
    0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580, 0x03B1, 0x00DF, 0x0393,
    0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4,
    0x221E, 0x03C6, 0x03B5, 0x2229, 0x2261, 0x00B1, 0x2265, 0x2264, 0x2320,
    0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2,
    0x25A0, 0x00A0};

char Cp437Byte(char32_t code_point) {
  if (code_point < 0x80) return static_cast<char>(code_point);
  for (size_t i = 0; i < kCp437High.size(); ++i) {
    if (kCp437High[i] == code_point) return static_cast<char>(0x80 + i);
  }
  return '?';
}

bool IsAccount(const std::string& account) {
  return account.size() == 4 && absl::c_all_of(account, absl::ascii_isdigit) &&
         account[0] != '0';
}

absl::Status CheckAccount(const std::string& field,
                          const std::string& account) {
  if (IsAccount(account)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": \"", account, "\" is not a 4-digit account (1000-9999)"));
}

// A field of a SIE line: quoted, with '"' and '\' escaped and control
// characters dropped.
std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Day(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

std::string Kronor(int64_t ore) {
  return Money::FromOre(ore).ToDecimalString();
}

// The amounts of one statement's verification, by account.
struct Verification {
  std::map<std::string, int64_t> debit;  // cost and VAT accounts
  int64_t total = 0;
};

absl::StatusOr<Verification> Book(
    const v1::Statement& s, const std::string& period,
    const std::map<std::string, std::string>& accounts,
    const v1::BookkeepingChart& chart) {
  if (s.status() != v1::STATEMENT_STATUS_APPROVED || s.period() != period) {
    return absl::FailedPreconditionError(
        absl::StrCat("statement ", s.statement_id(), ": not an approved ",
                     "statement of ", period));
  }
  Verification v;
  int64_t net = 0;
  int64_t vat = 0;
  for (const v1::StatementLine& line : s.lines()) {
    if (line.kind() == v1::LINE_KIND_VAT) {
      vat += line.amount_ore();
      v.debit[chart.vat_account()] += line.amount_ore();
      continue;
    }
    net += line.amount_ore();
    auto it = accounts.find(line.category_id());
    v.debit[it == accounts.end() ? chart.default_cost_account() : it->second] +=
        line.amount_ore();
  }
  if (net != s.net_ore() || vat != s.vat_ore() || net + vat != s.total_ore()) {
    return absl::FailedPreconditionError(
        absl::StrCat("statement ", s.statement_id(), ": lines give net ", net,
                     " and VAT ", vat, " öre, the statement says ", s.net_ore(),
                     " and ", s.vat_ore(), " (total ", s.total_ore(), ")"));
  }
  v.total = s.total_ore();
  return v;
}

}  // namespace

absl::StatusOr<v1::BookkeepingChart> ResolveChart(
    const v1::BookkeepingChart& chart) {
  v1::BookkeepingChart out = chart;
  if (out.default_cost_account().empty()) {
    out.set_default_cost_account(kDefaultCostAccount);
  }
  if (out.vat_account().empty()) out.set_vat_account(kDefaultVatAccount);
  if (out.supplier_debt_account().empty()) {
    out.set_supplier_debt_account(kDefaultSupplierDebtAccount);
  }
  std::set<std::string> cost = {out.default_cost_account()};
  if (absl::Status s = CheckAccount("chart.default_cost_account",
                                    out.default_cost_account());
      !s.ok()) {
    return s;
  }
  std::set<std::string> categories;
  for (int i = 0; i < out.category_accounts_size(); ++i) {
    const v1::CategoryAccount& c = out.category_accounts(i);
    const std::string field = absl::StrCat("chart.category_accounts[", i, "]");
    if (c.category_id().empty()) {
      return absl::InvalidArgumentError(field + ".category_id: required");
    }
    if (!categories.insert(c.category_id()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".category_id: ", c.category_id(), " is named twice"));
    }
    if (absl::Status s = CheckAccount(field + ".account", c.account());
        !s.ok()) {
      return s;
    }
    cost.insert(c.account());
  }
  for (const auto& [field, account] :
       {std::pair<std::string, std::string>{"chart.vat_account",
                                            out.vat_account()},
        {"chart.supplier_debt_account", out.supplier_debt_account()}}) {
    if (absl::Status s = CheckAccount(field, account); !s.ok()) return s;
    if (cost.contains(account)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": ", account, " is also a cost account of the chart"));
    }
  }
  if (out.vat_account() == out.supplier_debt_account()) {
    return absl::InvalidArgumentError(
        "chart.supplier_debt_account: must differ from chart.vat_account");
  }
  return out;
}

absl::Status ValidateFinanceParty(const v1::FinanceParty& party,
                                  std::string_view what) {
  if (absl::StripAsciiWhitespace(party.name()).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), ".name: required"));
  }
  const std::string& org = party.organisation_number();
  const bool ok = org.size() == 11 && org[6] == '-' &&
                  absl::c_all_of(org.substr(0, 6), absl::ascii_isdigit) &&
                  absl::c_all_of(org.substr(7), absl::ascii_isdigit);
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), ".organisation_number: \"", org,
                     "\" is not an organisation number NNNNNN-NNNN"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> MonthSie4(
    const std::string& period, const SieBooks& books,
    const std::vector<v1::Statement>& statements) {
  absl::StatusOr<absl::CivilMonth> month = ParsePeriod(period);
  if (!month.ok()) return month.status();
  if (absl::Status s = ValidateFinanceParty(books.municipality, "municipality");
      !s.ok()) {
    return s;
  }
  const v1::BookkeepingChart& chart = books.chart;
  std::map<std::string, std::string> accounts;  // category -> account
  std::map<std::string, std::string> names;     // account -> name
  names[chart.default_cost_account()] = "Köp av huvudverksamhet (LOV)";
  for (const v1::CategoryAccount& c : chart.category_accounts()) {
    accounts[c.category_id()] = c.account();
    names.try_emplace(
        c.account(), absl::StrCat("Köp av huvudverksamhet, ", c.category_id()));
  }
  names[chart.vat_account()] = "Ingående moms";
  names[chart.supplier_debt_account()] = "Leverantörsskulder";

  std::vector<const v1::Statement*> sorted;
  for (const v1::Statement& s : statements) sorted.push_back(&s);
  absl::c_sort(sorted, [](const v1::Statement* a, const v1::Statement* b) {
    return a->statement_id() < b->statement_id();
  });
  const absl::CivilDay last_day = absl::CivilDay(*month + 1) - 1;
  std::string vers;
  int number = 0;
  for (const v1::Statement* s : sorted) {
    absl::StatusOr<Verification> v = Book(*s, period, accounts, chart);
    if (!v.ok()) return v.status();
    std::string rows;
    for (const auto& [account, ore] : v->debit) {
      if (ore == 0) continue;
      absl::StrAppend(&rows, "   #TRANS ", account, " {} ", Kronor(ore),
                      "\r\n");
    }
    if (v->total != 0) {
      absl::StrAppend(&rows, "   #TRANS ", chart.supplier_debt_account(),
                      " {} ", Kronor(-v->total), "\r\n");
    }
    if (rows.empty()) continue;
    absl::StrAppend(
        &vers, "#VER \"LOV\" ", ++number, " ", Day(last_day), " ",
        Quoted(absl::StrCat("Ersättning ", s->provider_id(), " ", period)), " ",
        Day(books.generated_on), "\r\n{\r\n", rows, "}\r\n");
  }

  std::string out;
  absl::StrAppend(&out, "#FLAGGA 0\r\n", "#PROGRAM \"LOV settlement\" 1\r\n",
                  "#FORMAT PC8\r\n", "#GEN ", Day(books.generated_on),
                  "\r\n#SIETYP 4\r\n", "#ORGNR ",
                  books.municipality.organisation_number(), "\r\n#FNAMN ",
                  Quoted(books.municipality.name()), "\r\n");
  absl::StrAppend(&out, "#RAR 0 ", Day(absl::CivilDay(month->year(), 1, 1)),
                  " ", Day(absl::CivilDay(month->year(), 12, 31)), "\r\n");
  absl::StrAppend(&out, "#VALUTA SEK\r\n");
  for (const auto& [account, name] : names) {
    absl::StrAppend(&out, "#KONTO ", account, " ", Quoted(name), "\r\n");
  }
  absl::StrAppend(&out, vers);
  return Cp437(out);
}

std::string Cp437(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  size_t i = 0;
  while (i < utf8.size()) {
    const unsigned char lead = static_cast<unsigned char>(utf8[i]);
    int extra = 0;
    char32_t cp = 0;
    if (lead < 0x80) {
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1;
      cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2;
      cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3;
      cp = lead & 0x07;
    } else {
      out += '?';
      ++i;
      continue;
    }
    bool valid = true;
    size_t j = 1;
    for (; valid && j <= static_cast<size_t>(extra); ++j) {
      if (i + j >= utf8.size()) {
        valid = false;
        break;
      }
      const unsigned char c = static_cast<unsigned char>(utf8[i + j]);
      if ((c & 0xC0) != 0x80) {
        valid = false;
        break;
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!valid) {
      out += '?';
      i += j;  // skip the lead and the continuation bytes read
      continue;
    }
    out += Cp437Byte(cp);
    i += 1 + extra;
  }
  return out;
}

}  // namespace lov::settlement
