// Bankgiro, plusgiro, VAT number and Peppol id, with check digits worked by
// hand: Luhn (mod 10) from the right, every second digit doubled and a
// two-digit product's digits added; valid when the sum ends in 0.
#include "lov/registry/domain/payment_numbers.h"

#include "gtest/gtest.h"
#include "status_matchers.h"

namespace lov::registry {
namespace {

using ::lov::testing::IsError;
constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;

TEST(BankgiroTest, EightDigitsWithAValidCheckDigit) {
  // 5050-1055: 5 + (5*2=10: 1) + 0 + (1*2=2) + 0 + (5*2=10: 1) + 0 +
  // (5*2=10: 1) = 10.
  EXPECT_EQ(NormalizeBankgiro("5050-1055").value(), "5050-1055");
  EXPECT_EQ(NormalizeBankgiro("50501055").value(), "5050-1055");
  EXPECT_EQ(NormalizeBankgiro(" 5050 1055 ").value(), "5050-1055");
}

TEST(BankgiroTest, SevenDigitsWithAValidCheckDigit) {
  // 900-8004: 4 + (0*2=0) + 0 + (8*2=16: 7) + 0 + (0*2=0) + 9 = 20.
  EXPECT_EQ(NormalizeBankgiro("900-8004").value(), "900-8004");
  EXPECT_EQ(NormalizeBankgiro("9008004").value(), "900-8004");
}

TEST(BankgiroTest, AWrongCheckDigitIsRefusedNamingIt) {
  // 5050-1056: 6 + 1 + 0 + 2 + 0 + 1 + 0 + 1 = 11.
  EXPECT_TRUE(IsError(NormalizeBankgiro("5050-1056").status(), kInvalid,
                      {"bankgiro number 5050-1056 has a wrong check digit"}));
  // 900-8005: 5 + 0 + 0 + 7 + 0 + 0 + 9 = 21.
  EXPECT_TRUE(IsError(NormalizeBankgiro("9008005").status(), kInvalid,
                      {"900-8005", "wrong check digit"}));
}

TEST(BankgiroTest, ALengthOrLayoutOutsideTheFormatIsRefused) {
  for (const char* bad :
       {"", "505-105", "123-456", "50501-0555", "5050-10555", "50501-055",
        "5050-1O55", "5050--1055", "BG5050-1055"}) {
    EXPECT_TRUE(IsError(NormalizeBankgiro(bad).status(), kInvalid,
                        {"a bankgiro number is 7 or 8 digits"}))
        << bad;
  }
}

TEST(PlusgiroTest, TwoToEightDigitsWithAValidCheckDigit) {
  // 90 08 00-4: the digits of 900-8004 above, sum 20.
  EXPECT_EQ(NormalizePlusgiro("90 08 00-4").value(), "900800-4");
  EXPECT_EQ(NormalizePlusgiro("9008004").value(), "900800-4");
  // 1-8: 8 + (1*2=2) = 10.
  EXPECT_EQ(NormalizePlusgiro("1-8").value(), "1-8");
  // 1234567-4: 4 + (7*2=14: 5) + 6 + (5*2=10: 1) + 4 + (3*2=6) + 2 +
  // (1*2=2) = 30.
  EXPECT_EQ(NormalizePlusgiro("12 34 56 7-4").value(), "1234567-4");
}

TEST(PlusgiroTest, AWrongCheckDigitIsRefusedNamingIt) {
  // 900800-5: 5 + 0 + 0 + 7 + 0 + 0 + 9 = 21.
  EXPECT_TRUE(IsError(NormalizePlusgiro("900800-5").status(), kInvalid,
                      {"plusgiro number 900800-5 has a wrong check digit"}));
  // 1234567-0: 0 + 5 + 6 + 1 + 4 + 6 + 2 + 2 = 26.
  EXPECT_TRUE(IsError(NormalizePlusgiro("12345670").status(), kInvalid,
                      {"wrong check digit"}));
}

TEST(PlusgiroTest, ALengthOrLayoutOutsideTheFormatIsRefused) {
  // One digit; nine digits; the hyphen not before the check digit.
  for (const char* bad :
       {"", "8", "-8", "12345678-9", "9008-004", "90080-04", "PG 900800-4"}) {
    EXPECT_TRUE(IsError(NormalizePlusgiro(bad).status(), kInvalid,
                        {"a plusgiro number is 2 to 8 digits"}))
        << bad;
  }
}

TEST(VatNumberTest, SeTheOrganisationNumberAnd01) {
  // 556554-1645: 5 + (4*2=8) + 6 + (1*2=2) + 4 + (5*2=10: 1) + 5 +
  // (6*2=12: 3) + 5 + (5*2=10: 1) = 40.
  OrgNumberBased vat = ParseSwedishVatNumber("SE556554164501").value();
  EXPECT_EQ(vat.normalized, "SE556554164501");
  EXPECT_EQ(vat.org_number, "556554-1645");
  EXPECT_EQ(ParseSwedishVatNumber("se 556554-1645 01").value().normalized,
            "SE556554164501");
  // Norrtälje kommun, 212000-0142: 2+(4*2=8)+1+0+0+0+0+(2*2=4)+1+(2*2=4)=20.
  EXPECT_EQ(ParseSwedishVatNumber("SE212000014201").value().org_number,
            "212000-0142");
}

TEST(VatNumberTest, ASoleTradersNumberIsReadButNeverEchoed) {
  // 811218-9876 (a personnummer; Luhn by hand in identity_numbers_test): 50.
  EXPECT_EQ(ParseSwedishVatNumber("SE811218987601").value().org_number,
            "811218-9876");
  // 811218-9875: 49.
  absl::Status bad = ParseSwedishVatNumber("SE811218987501").status();
  EXPECT_TRUE(IsError(bad, kInvalid,
                      {"organisation number in the VAT number has a wrong "
                       "check digit"}));
  EXPECT_EQ(bad.message().find("811218"), std::string_view::npos);
}

TEST(VatNumberTest, AWrongCheckDigitOrSuffixIsRefused) {
  // 556554-1646: 6 + 8 + 6 + 2 + 4 + 1 + 5 + 3 + 5 + 1 = 41.
  EXPECT_TRUE(IsError(ParseSwedishVatNumber("SE556554164601").status(),
                      kInvalid, {"wrong check digit"}));
  EXPECT_TRUE(IsError(ParseSwedishVatNumber("SE556554164502").status(),
                      kInvalid, {"does not end in 01"}));
  for (const char* bad : {"", "556554164501", "SE5565541645", "SE55655416450",
                          "SE5565541645011", "DK12345678", "SE55655416450A"}) {
    EXPECT_TRUE(IsError(ParseSwedishVatNumber(bad).status(), kInvalid,
                        {"a Swedish VAT number is SE, the 10-digit "
                         "organisation number and 01"}))
        << bad;
  }
}

TEST(PeppolIdTest, Scheme0007AndTheOrganisationNumber) {
  for (const char* id :
       {"0007:5565541645", "iso6523-actorid-upis::0007:5565541645",
        "ISO6523-ACTORID-UPIS::0007:5565541645"}) {
    OrgNumberBased p = ParsePeppolParticipantId(id).value();
    EXPECT_EQ(p.normalized, "0007:5565541645") << id;
    EXPECT_EQ(p.org_number, "556554-1645") << id;
  }
}

TEST(PeppolIdTest, AnotherSchemeAHyphenOrAWrongCheckDigitIsRefused) {
  // 0088 is a GLN (GS1), not an organisation number.
  EXPECT_TRUE(IsError(ParsePeppolParticipantId("0088:7300010000001").status(),
                      kInvalid, {"Peppol scheme 0088 is not taken", "0007"}));
  EXPECT_TRUE(IsError(ParsePeppolParticipantId("0007:556554-1645").status(),
                      kInvalid, {"10 digits", "no hyphen"}));
  EXPECT_TRUE(IsError(ParsePeppolParticipantId("0007:5565541646").status(),
                      kInvalid, {"wrong check digit"}));
  for (const char* bad : {"", "5565541645", ":5565541645"}) {
    EXPECT_TRUE(IsError(ParsePeppolParticipantId(bad).status(), kInvalid,
                        {"a Peppol participant id is 0007:"}))
        << bad;
  }
}

// A Peppol id made of the Swedish VAT number (scheme 9955) is refused, saying
// why: the official rules refuse the scheme as an endpoint (checked by hand
// with deploy/validators/peppol-validate.sh: BR-CL-25 and
// PEPPOL-EN16931-CL008 on EndpointID schemeID="9955"). The VAT number, a
// sole trader's personnummer inside, is not echoed.
TEST(PeppolIdTest, TheVatNumberSchemeIsRefusedAsTheOfficialRulesDo) {
  const absl::Status s =
      ParsePeppolParticipantId("9955:SE556554164501").status();
  EXPECT_TRUE(IsError(
      s, kInvalid, {"scheme 9955 (Swedish VAT number)", "BR-CL-25", "0007:"}))
      << s;
  EXPECT_EQ(s.message().find("SE556554164501"), std::string::npos) << s;
}

}  // namespace
}  // namespace lov::registry
