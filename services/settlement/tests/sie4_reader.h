#ifndef LOV_SERVICES_SETTLEMENT_TESTS_SIE4_READER_H_
#define LOV_SERVICES_SETTLEMENT_TESTS_SIE4_READER_H_

// A strict SIE 4 reader for tests, written from the SIE format's
// specification (SIE 4B) independently of domain/sie4.cc: it checks the
// grammar (CRLF lines; "#LABEL field..." with quoted, {object list} and bare
// fields; "{" and "}" around a verification's #TRANS rows), the labels a
// typ 4 file must have, that every #TRANS account is declared by #KONTO,
// amounts with at most two decimals, and that every verification balances.
// Only the Swedish letters of code page 437 are decoded; any other byte
// above 0x7F is refused.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace lov::settlement::testing {

struct SieTrans {
  std::string account;
  int64_t ore = 0;
};

struct SieVer {
  std::string series;
  std::string number;
  std::string date;
  std::string text;
  std::vector<SieTrans> trans;
};

struct SieFile {
  std::map<std::string, std::vector<std::string>> labels;  // first line each
  std::map<std::string, std::string> accounts;             // #KONTO
  std::vector<SieVer> vers;
  int64_t DebitOre() const {
    int64_t sum = 0;
    for (const SieVer& v : vers) {
      for (const SieTrans& t : v.trans) sum += t.ore > 0 ? t.ore : 0;
    }
    return sum;
  }
  // The sum of the rows on `account` over every verification.
  int64_t AccountOre(const std::string& account) const {
    int64_t sum = 0;
    for (const SieVer& v : vers) {
      for (const SieTrans& t : v.trans) sum += t.account == account ? t.ore : 0;
    }
    return sum;
  }
};

namespace sie_internal {

inline absl::StatusOr<std::string> DecodePc8(const std::string& bytes) {
  static const std::map<unsigned char, std::string> kSwedish = {
      {0x86, "å"}, {0x84, "ä"}, {0x94, "ö"}, {0x8F, "Å"},
      {0x8E, "Ä"}, {0x99, "Ö"}, {0x82, "é"}, {0x81, "ü"}};
  std::string out;
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    auto it = kSwedish.find(c);
    if (it == kSwedish.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("byte 0x", absl::Hex(c), " is not a PC8 letter"));
    }
    out += it->second;
  }
  return out;
}

inline absl::StatusOr<std::vector<std::string>> Fields(const std::string& l) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < l.size()) {
    if (l[i] == ' ' || l[i] == '\t') {
      ++i;
      continue;
    }
    std::string field;
    if (l[i] == '"') {
      ++i;
      bool closed = false;
      while (i < l.size()) {
        if (l[i] == '\\' && i + 1 < l.size()) {
          field += l[i + 1];
          i += 2;
        } else if (l[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          field += l[i++];
        }
      }
      if (!closed) return absl::InvalidArgumentError("unclosed quote: " + l);
    } else if (l[i] == '{') {
      const size_t end = l.find('}', i);
      if (end == std::string::npos) {
        return absl::InvalidArgumentError("unclosed object list: " + l);
      }
      field = l.substr(i, end - i + 1);
      i = end + 1;
    } else {
      while (i < l.size() && l[i] != ' ' && l[i] != '\t') field += l[i++];
    }
    out.push_back(field);
  }
  return out;
}

inline bool IsDate(const std::string& s) {
  return s.size() == 8 && absl::c_all_of(s, absl::ascii_isdigit);
}

inline absl::StatusOr<int64_t> Ore(const std::string& amount) {
  std::vector<std::string> parts = absl::StrSplit(amount, '.');
  int64_t whole = 0;
  const bool negative = !amount.empty() && amount[0] == '-';
  if (parts.size() > 2 || !absl::SimpleAtoi(parts[0], &whole) ||
      (parts.size() == 2 && (parts[1].empty() || parts[1].size() > 2 ||
                             !absl::c_all_of(parts[1], absl::ascii_isdigit)))) {
    return absl::InvalidArgumentError("bad amount: " + amount);
  }
  int64_t cents = 0;
  if (parts.size() == 2) {
    cents = std::stoll(parts[1]) * (parts[1].size() == 1 ? 10 : 1);
  }
  return whole * 100 + (negative ? -cents : cents);
}

}  // namespace sie_internal

inline absl::StatusOr<SieFile> ReadSie4(const std::string& bytes) {
  using namespace sie_internal;
  absl::StatusOr<std::string> text = DecodePc8(bytes);
  if (!text.ok()) return text.status();
  if (text->size() < 2 || text->substr(text->size() - 2) != "\r\n") {
    return absl::InvalidArgumentError("the file does not end with CRLF");
  }
  std::vector<std::string> lines =
      absl::StrSplit(text->substr(0, text->size() - 2), "\r\n");
  static const std::set<std::string> kKnown = {
      "#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN",   "#SIETYP", "#ORGNR",
      "#FNAMN",  "#RAR",     "#VALUTA", "#KONTO", "#VER"};
  SieFile file;
  SieVer* open = nullptr;
  bool in_block = false;
  for (size_t n = 0; n < lines.size(); ++n) {
    const std::string& line = lines[n];
    const std::string where = absl::StrCat("line ", n + 1, ": ");
    if (line.find('\n') != std::string::npos ||
        line.find('\r') != std::string::npos) {
      return absl::InvalidArgumentError(where + "a bare CR or LF");
    }
    if (line == "{") {
      if (open == nullptr || in_block) {
        return absl::InvalidArgumentError(where + "'{' not after #VER");
      }
      in_block = true;
      continue;
    }
    if (line == "}") {
      if (!in_block) return absl::InvalidArgumentError(where + "stray '}'");
      int64_t sum = 0;
      for (const SieTrans& t : open->trans) sum += t.ore;
      if (sum != 0 || open->trans.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, "verification ", open->number,
                         " does not balance (", sum, " öre) or is empty"));
      }
      in_block = false;
      open = nullptr;
      continue;
    }
    absl::StatusOr<std::vector<std::string>> f = Fields(line);
    if (!f.ok()) return f.status();
    if (f->empty() || (*f)[0].empty() || (*f)[0][0] != '#') {
      return absl::InvalidArgumentError(where + "not a label line: " + line);
    }
    const std::string label = (*f)[0];
    if (in_block) {
      if (label != "#TRANS" || f->size() != 4 || (*f)[2].front() != '{') {
        return absl::InvalidArgumentError(where + "bad #TRANS row: " + line);
      }
      if (!file.accounts.contains((*f)[1])) {
        return absl::InvalidArgumentError(where + "account " + (*f)[1] +
                                          " has no #KONTO");
      }
      absl::StatusOr<int64_t> ore = Ore((*f)[3]);
      if (!ore.ok()) return ore.status();
      open->trans.push_back({(*f)[1], *ore});
      continue;
    }
    if (open != nullptr) {
      return absl::InvalidArgumentError(where + "#VER without '{'");
    }
    if (!kKnown.contains(label)) {
      return absl::InvalidArgumentError(where + "unknown label " + label);
    }
    if (n == 0 && label != "#FLAGGA") {
      return absl::InvalidArgumentError("the first line is not #FLAGGA");
    }
    if (label == "#KONTO") {
      if (f->size() != 3 || file.accounts.contains((*f)[1])) {
        return absl::InvalidArgumentError(where + "bad #KONTO: " + line);
      }
      file.accounts[(*f)[1]] = (*f)[2];
    } else if (label == "#VER") {
      if (f->size() < 5 || f->size() > 6 || !IsDate((*f)[3]) ||
          (f->size() == 6 && !IsDate((*f)[5]))) {
        return absl::InvalidArgumentError(where + "bad #VER: " + line);
      }
      file.vers.push_back({(*f)[1], (*f)[2], (*f)[3], (*f)[4], {}});
      open = &file.vers.back();
    } else {
      if (file.labels.contains(label)) {
        return absl::InvalidArgumentError(where + "repeated " + label);
      }
      file.labels[label] = std::vector<std::string>(f->begin() + 1, f->end());
    }
  }
  if (open != nullptr) return absl::InvalidArgumentError("unclosed #VER");
  for (const char* need : {"#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN", "#SIETYP",
                           "#ORGNR", "#FNAMN", "#RAR"}) {
    if (!file.labels.contains(need)) {
      return absl::InvalidArgumentError(absl::StrCat("missing ", need));
    }
  }
  if (file.labels["#FORMAT"] != std::vector<std::string>{"PC8"} ||
      file.labels["#SIETYP"] != std::vector<std::string>{"4"} ||
      file.labels["#GEN"].empty() || !IsDate(file.labels["#GEN"][0]) ||
      file.labels["#RAR"].size() != 3 || !IsDate(file.labels["#RAR"][1]) ||
      !IsDate(file.labels["#RAR"][2])) {
    return absl::InvalidArgumentError("bad #FORMAT, #SIETYP, #GEN or #RAR");
  }
  for (const SieVer& v : file.vers) {
    if (v.date < file.labels["#RAR"][1] || v.date > file.labels["#RAR"][2]) {
      return absl::InvalidArgumentError("verification " + v.number +
                                        " is outside the fiscal year");
    }
  }
  return file;
}

}  // namespace lov::settlement::testing

#endif  // LOV_SERVICES_SETTLEMENT_TESTS_SIE4_READER_H_
