#include "lov/platform/identity_numbers.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace lov {
namespace {

// Check digits below were worked out by hand: weights 2,1,2,1,... from the
// left over the nine digits before the check digit, digit sums of products,
// check = (10 - sum % 10) % 10. For 1212121212: nine products of 2, sum 18,
// check 2. For 8112189876: 7+1+2+2+2+8+9+8+5 = 44, check 6.

TEST(LuhnTest, CheckDigitCompletesAValidNumber) {
  // 7992739871: the textbook example's check digit is 3 (by hand: from the
  // right 1*2=2, 7, 8*2=16->7, 9, 3*2=6, 7, 2*2=4, 9, 9*2=18->9, 7: sum 67).
  EXPECT_EQ(LuhnCheckDigit("7992739871"), 3);
  // 811218987: 8*2=16->7, 1, 1*2=2, 2, 1*2=2, 8, 9*2=18->9, 8, 7*2=14->5:
  // sum 44, check digit 6 (8112189876 above is valid).
  EXPECT_EQ(LuhnCheckDigit("811218987"), 6);
  EXPECT_EQ(LuhnCheckDigit(""), 0);
  EXPECT_EQ(LuhnCheckDigit("81-12"), -1);
}

TEST(LuhnTest, ValidAndInvalid) {
  EXPECT_TRUE(LuhnValid("79927398713"));  // The textbook example.
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_TRUE(LuhnValid("1212121212"));
  EXPECT_TRUE(LuhnValid("8112189876"));
  EXPECT_FALSE(LuhnValid("8112189875"));
  EXPECT_TRUE(LuhnValid("0"));
  EXPECT_TRUE(LuhnValid("18"));
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("81121-89876"));
  EXPECT_FALSE(LuhnValid("12a"));
}

TEST(PersonnummerTest, AcceptsTheTwelveDigitForms) {
  EXPECT_EQ(NormalizePersonnummer("19121212-1212").value(), "191212121212");
  EXPECT_EQ(NormalizePersonnummer("191212121212").value(), "191212121212");
  EXPECT_EQ(NormalizePersonnummer("19121212+1212").value(), "191212121212");
  EXPECT_EQ(NormalizePersonnummer("19811218-9876").value(), "198112189876");
  // Leap day: 000229123 gives 0+0+0+2+4+9+2+2+6 = 25, check 5.
  EXPECT_EQ(NormalizePersonnummer("20000229-1235").value(), "200002291235");
}

TEST(PersonnummerTest, AcceptsCoordinationNumbers) {
  // Samordningsnummer for 3 October 1970: day 03 + 60 = 63.
  // 701063239 gives 5+0+2+0+3+3+4+3+9 = 29, check 1.
  EXPECT_EQ(NormalizePersonnummer("19701063-2391").value(), "197010632391");
}

// Every error says what is wrong and never repeats the number.
void ExpectRejected(std::string_view input, std::string_view reason) {
  const absl::StatusOr<std::string> result = NormalizePersonnummer(input);
  ASSERT_FALSE(result.ok()) << "input accepted";
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(result.status().message());
  EXPECT_NE(message.find(reason), std::string::npos) << message;
  if (!input.empty()) {
    EXPECT_EQ(message.find(input), std::string::npos) << message;
  }
  // Not even the last four digits or the birth date.
  if (input.size() >= 4) {
    EXPECT_EQ(message.find(input.substr(input.size() - 4)), std::string::npos)
        << message;
  }
  if (input.size() >= 8) {
    EXPECT_EQ(message.find(input.substr(2, 6)), std::string::npos) << message;
  }
}

TEST(PersonnummerTest, RejectsWrongCheckDigit) {
  ExpectRejected("19121212-1213", "check digit");
  ExpectRejected("198112189875", "check digit");
}

TEST(PersonnummerTest, RejectsDatesThatDoNotExist) {
  // 1900 was not a leap year; 000229-1235 passes Luhn, so only the date fails.
  ExpectRejected("19000229-1235", "date");
  ExpectRejected("19811318-9876", "date");
  ExpectRejected("19811200-9876", "date");
  ExpectRejected("19810431-9876", "date");
  ExpectRejected("19811292-9876", "date");  // Coordination day 32.
}

TEST(PersonnummerTest, RejectsWrongLength) {
  ExpectRejected("8112189876", "12 digits");  // No century.
  ExpectRejected("811218-9876", "12 digits");
  ExpectRejected("19811218-98765", "12 digits");
  ExpectRejected("1981121898", "12 digits");
  ExpectRejected("", "12 digits");
  ExpectRejected("19811218 9876", "12 digits");
}

TEST(PersonnummerTest, RejectsNonDigits) {
  ExpectRejected("19811218-98X6", "only digits");
  ExpectRejected("1981121X9876", "only digits");
}

TEST(OrganisationsnummerTest, AcceptsTheUsualForms) {
  // 556036-0793: 1+5+3+0+6+6+0+7+9 = 37, check 3.
  EXPECT_EQ(NormalizeOrganisationsnummer("556036-0793").value(), "556036-0793");
  EXPECT_EQ(NormalizeOrganisationsnummer("5560360793").value(), "556036-0793");
  EXPECT_EQ(NormalizeOrganisationsnummer("165560360793").value(),
            "556036-0793");
  EXPECT_EQ(NormalizeOrganisationsnummer("16556036-0793").value(),
            "556036-0793");
  // AB Volvo, 556012-5790: 1+5+3+0+2+2+1+7+9 = 30, check 0.
  EXPECT_EQ(NormalizeOrganisationsnummer("556012-5790").value(), "556012-5790");
  // Stockholms stad, 212000-0142: 4+1+4+0+0+0+0+1+8 = 18, check 2.
  EXPECT_EQ(NormalizeOrganisationsnummer("2120000142").value(), "212000-0142");
}

TEST(OrganisationsnummerTest, RejectsWrongCheckDigitNamingTheNumber) {
  const absl::StatusOr<std::string> result =
      NormalizeOrganisationsnummer("556036-0794");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("556036-0794"), std::string::npos)
      << result.status();
  EXPECT_NE(result.status().message().find("check digit"), std::string::npos)
      << result.status();
}

TEST(OrganisationsnummerTest, DoesNotEchoWhatMayBeAPersonnummer) {
  // A sole trader's number is a personnummer (third digit 0 or 1).
  const absl::StatusOr<std::string> result =
      NormalizeOrganisationsnummer("811218-9877");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("check digit"), std::string::npos);
  EXPECT_EQ(result.status().message().find("811218"), std::string::npos)
      << result.status();
  // A personnummer typed into the wrong field is not echoed either.
  const absl::StatusOr<std::string> misplaced =
      NormalizeOrganisationsnummer("19811218-9876");
  ASSERT_FALSE(misplaced.ok());
  EXPECT_EQ(misplaced.status().message().find("9876"), std::string::npos)
      << misplaced.status();
}

TEST(OrganisationsnummerTest, RejectsMalformedInput) {
  for (const char* bad :
       {"", "556036-079", "55603607931", "556036+0793", "556036 0793",
        "abcdef-ghij", "175560360793", "55603-60793"}) {
    const absl::StatusOr<std::string> result =
        NormalizeOrganisationsnummer(bad);
    ASSERT_FALSE(result.ok()) << "input: \"" << bad << "\"";
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(result.status().message().find("NNNNNN-NNNN"), std::string::npos)
        << result.status();
  }
}

}  // namespace
}  // namespace lov

namespace lov {
namespace {

TEST(ContainsPersonnummerTest, FindsValidNumbersOnlyAsWholeRuns) {
  EXPECT_TRUE(ContainsPersonnummer("client-19121212-1212"));
  EXPECT_TRUE(ContainsPersonnummer("x191212121212y"));
  // Wrong check digit, impossible date, or part of a longer run: not one.
  EXPECT_FALSE(ContainsPersonnummer("client-19121212-1213"));
  EXPECT_FALSE(ContainsPersonnummer("sim-20241399-2026"));
  EXPECT_FALSE(ContainsPersonnummer("1191212121212"));
  EXPECT_FALSE(ContainsPersonnummer("report-2026-10-123"));
}

// Ten-digit forms, check digits by hand as above (weights 2,1,2,... over the
// nine digits before the check digit).
TEST(FindPersonnummerTest, FindsTheTenDigitForms) {
  EXPECT_TRUE(ContainsPersonnummer("121212-1212"));  // 1212121212: check 2.
  EXPECT_TRUE(ContainsPersonnummer("811218-9876"));  // Check 6 (above).
  EXPECT_TRUE(ContainsPersonnummer("811218+9876"));  // 100 years or older.
  EXPECT_TRUE(ContainsPersonnummer("8112189876"));
  // Samordningsnummer, 3 October 1970 (day 63): check 1 (above).
  EXPECT_TRUE(ContainsPersonnummer("701063-2391"));
  // 811261987: 7+1+2+2+(12->3)+1+9+8+5 = 38, check 2; day 61 is the 1st.
  EXPECT_TRUE(ContainsPersonnummer("811261-9872"));
  // Leap day without the century: 000229123, check 5 (above); 2000 had it.
  EXPECT_TRUE(ContainsPersonnummer("000229-1235"));
}

TEST(FindPersonnummerTest, NeedsARealDateAndTheCheckDigit) {
  EXPECT_FALSE(ContainsPersonnummer("811218-9875"));  // Check digit 6.
  // Each of these passes Luhn, so only the date fails:
  // 811318987: 7+1+2+3+2+8+9+8+5 = 45, check 5; month 13.
  EXPECT_FALSE(ContainsPersonnummer("811318-9875"));
  // 811200987: 7+1+2+2+0+0+9+8+5 = 34, check 6; day 00.
  EXPECT_FALSE(ContainsPersonnummer("811200-9876"));
  // 811232987: 7+1+2+2+6+2+9+8+5 = 42, check 8; day 32.
  EXPECT_FALSE(ContainsPersonnummer("811232-9878"));
  // 811292987: 7+1+2+2+(18->9)+2+9+8+5 = 45, check 5; coordination day 32.
  EXPECT_FALSE(ContainsPersonnummer("811292-9875"));
  // 810431987: 7+1+0+4+6+1+9+8+5 = 41, check 9; 31 April.
  EXPECT_FALSE(ContainsPersonnummer("810431-9879"));
}

TEST(FindPersonnummerTest, OrganisationNumbersAreNotPersonnummer) {
  // Legal persons: the "month" is 20 or more. All three pass Luhn (above).
  for (const char* org : {"556554-1645", "5565541645", "556036-0793",
                          "212000-0142", "16556036-0793", "165560360793"}) {
    EXPECT_FALSE(ContainsPersonnummer(org)) << org;
  }
  EXPECT_TRUE(IsLegalPersonNumber("556554-1645"));
  EXPECT_TRUE(IsLegalPersonNumber("212000-0142"));
  // A sole trader's number is the owner's personnummer.
  EXPECT_FALSE(IsLegalPersonNumber("811218-9876"));
  EXPECT_FALSE(IsLegalPersonNumber("811318-9875"));  // Not a date; not sure.
}

// The rule for runs of digits: a personnummer is a whole run, bounded by
// non-digits (or the ends), of 10 or 12 digits, or 6 or 8 digits, '-' or
// '+', then 4 digits.
TEST(FindPersonnummerTest, OnlyWholeRunsCount) {
  EXPECT_FALSE(ContainsPersonnummer("41212121212"));     // 11 digits.
  EXPECT_FALSE(ContainsPersonnummer("00461212121212"));  // 14 digits.
  EXPECT_FALSE(ContainsPersonnummer("1121212-1212"));    // 7 + 4.
  EXPECT_FALSE(ContainsPersonnummer("121212-12123"));    // 6 + 5.
  EXPECT_FALSE(ContainsPersonnummer("121212 1212"));     // A space.
  EXPECT_FALSE(ContainsPersonnummer("070-121 21 21"));   // A phone number.
  EXPECT_FALSE(ContainsPersonnummer("order 12121212121 shipped"));
  // Letters and punctuation bound a run like spaces do.
  EXPECT_TRUE(ContainsPersonnummer("pnr:1212121212"));
  EXPECT_TRUE(ContainsPersonnummer("staff-121212-1212-b"));
}

TEST(FindPersonnummerTest, ReportsWhereEachNumberIs) {
  EXPECT_EQ(FindPersonnummer("called 19121212-1212 today"),
            (std::vector<TextSpan>{{7, 13}}));
  EXPECT_EQ(FindPersonnummer("a 121212-1212 b 191212121212 c 556554-1645"),
            (std::vector<TextSpan>{{2, 11}, {16, 12}}));
  EXPECT_EQ(FindPersonnummer("701063-2391,8112189876"),
            (std::vector<TextSpan>{{0, 11}, {12, 10}}));
  EXPECT_TRUE(FindPersonnummer("").empty());
  EXPECT_TRUE(FindPersonnummer("report-2026-10-123").empty());
}

TEST(RefusePersonnummerTest, NamesTheFieldNotTheNumber) {
  EXPECT_TRUE(RefusePersonnummer("reason", "moved to 556554-1645").ok());
  const absl::Status s =
      RefusePersonnummer("reason", "client 121212-1212 moved");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "reason: must not contain a personal identity number");
}

}  // namespace
}  // namespace lov
