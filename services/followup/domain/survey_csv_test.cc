// The survey CSV: a good file, and each error naming its line and column.
#include "lov/followup/domain/survey_csv.h"

#include <gtest/gtest.h>

namespace lov::followup {
namespace {

constexpr char kHeader[] =
    "year;provider_id;respondents;overall_satisfied_per_mille\n";

std::string ErrorOf(const std::string& csv, int year = 2025) {
  absl::StatusOr<std::vector<SurveyRow>> rows = ParseSurveyCsv(csv, year, 2026);
  EXPECT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(rows.status().message());
}

TEST(SurveyCsvTest, ReadsEveryRow) {
  absl::StatusOr<std::vector<SurveyRow>> rows =
      ParseSurveyCsv("\xEF\xBB\xBF" + std::string(kHeader) +
                         "2025;prv-5565541645;84;912\r\n\n2025;prv-home;0;0\n"
                         "2025;prv.x_1; 130 ;1000\n",
                     2025, 2026);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].provider_id, "prv-5565541645");
  EXPECT_EQ((*rows)[0].result.year(), 2025);
  EXPECT_EQ((*rows)[0].result.respondents(), 84);
  EXPECT_EQ((*rows)[0].result.overall_satisfied_per_mille(), 912);
  EXPECT_EQ((*rows)[1].result.respondents(), 0);
  EXPECT_EQ((*rows)[2].provider_id, "prv.x_1");
  EXPECT_EQ((*rows)[2].result.respondents(), 130);
  EXPECT_EQ((*rows)[2].result.overall_satisfied_per_mille(), 1000);
}

TEST(SurveyCsvTest, ErrorsNameLineColumnAndLimit) {
  EXPECT_EQ(ErrorOf(""),
            "csv: empty; the first line must be "
            "'year;provider_id;respondents;overall_satisfied_per_mille'");
  EXPECT_EQ(ErrorOf("year,provider_id\n2025,p\n"),
            "csv line 1: the header must be "
            "'year;provider_id;respondents;overall_satisfied_per_mille'");
  EXPECT_EQ(ErrorOf(kHeader), "csv: no rows after the header");
  const std::string h = kHeader;
  EXPECT_EQ(ErrorOf(h + "2025;p;1\n"), "csv line 2: 3 columns, expected 4");
  EXPECT_EQ(ErrorOf(h + "2024;p;1;1\n"),
            "csv line 2, column 1 (year): 2024 differs from the request's "
            "year 2025");
  EXPECT_EQ(ErrorOf(h + "2025;p q;1;1\n"),
            "csv line 2, column 2 (provider_id): 'p q' is not a provider id "
            "(1..64 letters, digits, '-', '_' or '.')");
  EXPECT_EQ(ErrorOf(h + "2025;p;1;1\n2025;p;2;2\n"),
            "csv line 3, column 2 (provider_id): 'p' already on line 2");
  EXPECT_EQ(ErrorOf(h + "2025;p;-1;1\n"),
            "csv line 2, column 3 (respondents): '-1' is not a whole number");
  EXPECT_EQ(ErrorOf(h + "2025;p;12.5;1\n"),
            "csv line 2, column 3 (respondents): '12.5' is not a whole "
            "number");
  EXPECT_EQ(ErrorOf(h + "2025;p;1;1001\n"),
            "csv line 2, column 4 (overall_satisfied_per_mille): 1001 is "
            "outside 0..1000");
  EXPECT_EQ(ErrorOf(h + "2025;p;1;1\n", 2006),
            "year: 2006 is outside 2007..2026");
  EXPECT_EQ(ErrorOf(h + "2027;p;1;1\n", 2027),
            "year: 2027 is outside 2007..2026");
}

TEST(SurveyCsvTest, APersonnummerIsRefusedWithoutBeingEchoed) {
  const std::string message =
      ErrorOf(std::string(kHeader) + "2025;191212121212;1;1\n");
  EXPECT_EQ(message,
            "csv line 2: holds what looks like a personnummer; the survey "
            "file has provider ids and counts only");
}

TEST(SurveyCsvTest, AtMostTheRowLimit) {
  std::string csv = kHeader;
  for (int i = 0; i <= kSurveyMaxRows; ++i) {
    csv += "2025;p" + std::to_string(i) + ";1;1\n";
  }
  EXPECT_EQ(ErrorOf(csv), "csv line 2002: more than 2000 rows");
}

}  // namespace
}  // namespace lov::followup
