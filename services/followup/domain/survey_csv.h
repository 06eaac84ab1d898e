#ifndef LOV_SERVICES_FOLLOWUP_DOMAIN_SURVEY_CSV_H_
#define LOV_SERVICES_FOLLOWUP_DOMAIN_SURVEY_CSV_H_

// The national user survey's results ("Vad tycker de äldre om
// äldreomsorgen?", Socialstyrelsen) as the municipality imports them, one
// provider a row (format: docs/followup.md, "Survey CSV"):
//
//   year;provider_id;respondents;overall_satisfied_per_mille
//   2025;prv-5565541645;84;912
//
// UTF-8 (a byte order mark is allowed), ';'-separated, "\n" or "\r\n" line
// ends, whole numbers only, blank lines ignored. Pure: errors are
// InvalidArgument naming the line and column (1-based) and the limit.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lov/followup/v1/records.pb.h"

namespace lov::followup {

namespace v1 = ::lov::followup::v1;

inline constexpr char kSurveyCsvHeader[] =
    "year;provider_id;respondents;overall_satisfied_per_mille";
inline constexpr int kSurveyMaxRows = 2000;
// The survey has run every year since 2007.
inline constexpr int kSurveyFirstYear = 2007;
inline constexpr int kSurveyMaxRespondents = 1000000;
inline constexpr int kProviderIdMaxLength = 64;

struct SurveyRow {
  std::string provider_id;
  v1::SurveyResult result;
};

// `year` must lie in [kSurveyFirstYear, current_year]; every row's year
// must equal it. A provider id is any id of 1..64 letters, digits, '-',
// '_' or '.' (the follow-up service does not know every provider; the
// registry's ids are of that form); one row per provider.
absl::StatusOr<std::vector<SurveyRow>> ParseSurveyCsv(absl::string_view csv,
                                                      int year,
                                                      int current_year);

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_DOMAIN_SURVEY_CSV_H_
