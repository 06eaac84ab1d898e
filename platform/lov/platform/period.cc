#include "lov/platform/period.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/text.h"

namespace lov {

absl::StatusOr<absl::CivilMonth> ParsePeriod(std::string_view text,
                                             std::string_view field) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        AsAbsl(field), ": ", Quoted(text), " is not a month \"YYYY-MM\""));
  };
  if (text.size() != 7 || text[4] != '-') return bad();
  int year = 0, month = 0;
  for (int i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (text[i] < '0' || text[i] > '9') return bad();
    if (i < 4) {
      year = year * 10 + (text[i] - '0');
    } else {
      month = month * 10 + (text[i] - '0');
    }
  }
  if (month < 1 || month > 12 || year < 1970) return bad();
  return absl::CivilMonth(year, month);
}

std::string FormatPeriod(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

}  // namespace lov
