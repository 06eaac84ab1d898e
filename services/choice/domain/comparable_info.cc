#include "lov/choice/domain/comparable_info.h"

#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lov/platform/stockholm_time.h"

namespace lov::choice {
namespace {

// The languages with both an ISO 639-1 and an ISO 639-3 code that a
// Swedish municipality's providers list most: Swedish, the national
// minority languages that have one (Finnish, Northern Sami, Yiddish) and
// the largest immigrant languages. Meänkieli (fit), Romani (rom) and the
// other Sami languages (sma, smj, smn, sms) have a three-letter code only.
constexpr std::array<std::pair<std::string_view, std::string_view>, 14>
    kTwoToThree = {{{"sv", "swe"},
                    {"fi", "fin"},
                    {"se", "sme"},
                    {"yi", "yid"},
                    {"en", "eng"},
                    {"ar", "ara"},
                    {"fa", "fas"},
                    {"so", "som"},
                    {"ti", "tir"},
                    {"pl", "pol"},
                    {"bs", "bos"},
                    {"tr", "tur"},
                    {"es", "spa"},
                    {"de", "deu"}}};

// The Sami languages, which "smi" stands for together.
constexpr std::array<std::string_view, 7> kSami = {"se",  "sme", "sma", "smj",
                                                   "smn", "sms", "smi"};

// The three-letter code of `code` where it has one, else `code`.
std::string_view Canonical(std::string_view code) {
  for (const auto& [two, three] : kTwoToThree) {
    if (code == two) return three;
  }
  return code;
}

bool IsSami(std::string_view code) {
  for (std::string_view s : kSami) {
    if (code == s) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::string> NormalizeLanguage(const std::string& code) {
  if (code.empty()) return std::string();
  bool letters = code.size() == 2 || code.size() == 3;
  for (char c : code) letters = letters && absl::ascii_isalpha(c);
  if (!letters) {
    return absl::InvalidArgumentError(absl::StrCat(
        "language: '", code.substr(0, 8),
        "' is no ISO 639-1 or 639-3 code (two or three letters, e.g. fi, "
        "fit, sme)"));
  }
  return absl::AsciiStrToLower(code);
}

bool OffersLanguage(const registry::v1::Profile& profile,
                    const std::string& language) {
  const std::string_view wanted = Canonical(language);
  for (const std::string& entry : profile.languages()) {
    const std::string offered = absl::AsciiStrToLower(entry);
    if (Canonical(offered) == wanted) return true;
    if (language == "smi" && IsSami(offered)) return true;
  }
  return false;
}

std::optional<fu::ProviderIndicators> IndicatorsToShow(
    const IndicatorRows& rows) {
  if (rows.zone) return rows.zone;
  return rows.all_zones;
}

bool Supersedes(const fu::ProviderIndicators& incoming,
                const fu::ProviderIndicators& stored) {
  // "YYYY-MM-DD" dates order as text.
  return incoming.as_of() >= stored.as_of();
}

absl::Status CheckIndicators(const fu::ProviderIndicators& indicators) {
  if (indicators.provider_id().empty()) {
    return absl::InvalidArgumentError(
        "indicators.provider_id: empty; a row names its provider");
  }
  if (!ParseDate(indicators.as_of()).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("indicators.as_of: '", indicators.as_of().substr(0, 16),
                     "' is no date YYYY-MM-DD"));
  }
  return absl::OkStatus();
}

}  // namespace lov::choice
