#include "granted.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lov/platform/identity_numbers.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::choice::v1;

// A support level is a code of the municipality's rulebook (e.g. niva-2),
// checked as choice checks it, so a typo is refused before anything is sent.
absl::Status CheckSupportLevel(absl::string_view part,
                               const std::string& category,
                               const std::string& level) {
  constexpr size_t kMaxLength = 40;
  if (level.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--granted: '", std::string(part),
                     "' has an empty support level (leave out the last ':' "
                     "when none is decided)"));
  }
  const bool code =
      level.size() <= kMaxLength &&
      std::all_of(level.begin(), level.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
               c == '_' || c == '.';
      });
  if (!code) {
    return absl::InvalidArgumentError(
        absl::StrCat("--granted: the support level of '", category,
                     "' must be a code of at most ", kMaxLength,
                     " ASCII letters, digits, '-', '_' and '.' (e.g. niva-2)"));
  }
  if (ContainsPersonnummer(level)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--granted: the support level of '", category,
                     "' must not contain a personal identity number"));
  }
  return absl::OkStatus();
}

// "home-help-service:600,daglig-verksamhet:1200:niva-2": minutes per month
// and, optionally, the support level decided in the category.
}  // namespace

absl::Status ParseGranted(const std::string& text, v1::Decision* d) {
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::vector<std::string> fields = absl::StrSplit(part, ':');
    int minutes = 0;
    if (fields.size() < 2 || fields.size() > 3 ||
        !absl::SimpleAtoi(fields[1], &minutes)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--granted: '", std::string(part),
                       "' is not CATEGORY:MINUTES_PER_MONTH[:SUPPORT_LEVEL]"));
    }
    auto* c = d->add_categories();
    c->set_category_id(fields[0]);
    c->set_minutes_per_month(minutes);
    if (fields.size() == 3) {
      if (absl::Status s = CheckSupportLevel(part, fields[0], fields[2]);
          !s.ok()) {
        return s;
      }
      c->set_support_level(fields[2]);
    }
  }
  return absl::OkStatus();
}

}  // namespace lov::cli
