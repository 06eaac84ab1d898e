#include "lov/followup/domain/survey_csv.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lov/platform/identity_numbers.h"

namespace lov::followup {
namespace {

constexpr const char* kColumns[] = {"year", "provider_id", "respondents",
                                    "overall_satisfied_per_mille"};

absl::Status At(int line, int column, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("csv line ", line, ", column ", column, " (",
                   kColumns[column - 1], "): ", what));
}

// A whole number in [min, max], digits only.
absl::StatusOr<int> Number(absl::string_view text, int min, int max, int line,
                           int column) {
  int n = 0;
  const bool digits =
      !text.empty() && text.size() <= 9 &&
      text.find_first_not_of("0123456789") == absl::string_view::npos;
  if (!digits || !absl::SimpleAtoi(text, &n)) {
    return At(line, column, absl::StrCat("'", text, "' is not a whole number"));
  }
  if (n < min || n > max) {
    return At(line, column, absl::StrCat(n, " is outside ", min, "..", max));
  }
  return n;
}

bool ProviderIdOk(absl::string_view id) {
  if (id.empty() || id.size() > kProviderIdMaxLength) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<SurveyRow>> ParseSurveyCsv(absl::string_view csv,
                                                      int year,
                                                      int current_year) {
  if (year < kSurveyFirstYear || year > current_year) {
    return absl::InvalidArgumentError(absl::StrCat(
        "year: ", year, " is outside ", kSurveyFirstYear, "..", current_year));
  }
  if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);
  std::vector<SurveyRow> rows;
  std::map<std::string, int> line_of;  // provider -> its line
  bool header = false;
  int line = 0;
  for (absl::string_view text : absl::StrSplit(csv, '\n')) {
    ++line;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (absl::StripAsciiWhitespace(text).empty()) continue;
    if (ContainsPersonnummer(std::string_view(text.data(), text.size()))) {
      // Never echoed: the line is named, not shown.
      return absl::InvalidArgumentError(absl::StrCat(
          "csv line ", line,
          ": holds what looks like a personnummer; the survey file has "
          "provider ids and counts only"));
    }
    std::vector<absl::string_view> cells = absl::StrSplit(text, ';');
    if (!header) {
      if (text != kSurveyCsvHeader) {
        return absl::InvalidArgumentError(absl::StrCat("csv line ", line,
                                                       ": the header must be '",
                                                       kSurveyCsvHeader, "'"));
      }
      header = true;
      continue;
    }
    if (cells.size() != 4) {
      return absl::InvalidArgumentError(absl::StrCat(
          "csv line ", line, ": ", cells.size(), " columns, expected 4"));
    }
    for (absl::string_view& c : cells) c = absl::StripAsciiWhitespace(c);
    absl::StatusOr<int> row_year = Number(cells[0], 0, 9999, line, 1);
    if (!row_year.ok()) return row_year.status();
    if (*row_year != year) {
      return At(
          line, 1,
          absl::StrCat(*row_year, " differs from the request's year ", year));
    }
    const std::string provider(cells[1]);
    if (!ProviderIdOk(provider)) {
      return At(line, 2,
                absl::StrCat("'", provider, "' is not a provider id (1..",
                             kProviderIdMaxLength,
                             " letters, digits, '-', '_' or '.')"));
    }
    auto [earlier, fresh] = line_of.emplace(provider, line);
    if (!fresh) {
      return At(
          line, 2,
          absl::StrCat("'", provider, "' already on line ", earlier->second));
    }
    absl::StatusOr<int> respondents =
        Number(cells[2], 0, kSurveyMaxRespondents, line, 3);
    if (!respondents.ok()) return respondents.status();
    absl::StatusOr<int> per_mille = Number(cells[3], 0, 1000, line, 4);
    if (!per_mille.ok()) return per_mille.status();
    if (static_cast<int>(rows.size()) == kSurveyMaxRows) {
      return absl::InvalidArgumentError(absl::StrCat(
          "csv line ", line, ": more than ", kSurveyMaxRows, " rows"));
    }
    SurveyRow row;
    row.provider_id = provider;
    row.result.set_year(year);
    row.result.set_respondents(*respondents);
    row.result.set_overall_satisfied_per_mille(*per_mille);
    rows.push_back(std::move(row));
  }
  if (!header) {
    return absl::InvalidArgumentError(absl::StrCat(
        "csv: empty; the first line must be '", kSurveyCsvHeader, "'"));
  }
  if (rows.empty()) {
    return absl::InvalidArgumentError("csv: no rows after the header");
  }
  return rows;
}

}  // namespace lov::followup
