// The eligible list's comparable information: the language rule and which
// indicator row a provider shows.
#include "lov/choice/domain/comparable_info.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "absl/strings/match.h"

namespace lov::choice {
namespace {

registry::v1::Profile Speaks(std::initializer_list<const char*> languages) {
  registry::v1::Profile p;
  for (const char* l : languages) p.add_languages(l);
  return p;
}

fu::ProviderIndicators Row(const std::string& zone, const std::string& as_of,
                           double median_staff) {
  fu::ProviderIndicators r;
  r.set_provider_id("prv-5565541645");
  r.set_zone_id(zone);
  r.set_as_of(as_of);
  r.set_median_staff(median_staff);
  return r;
}

TEST(NormalizeLanguage, TakesTwoOrThreeLettersInLowerCase) {
  EXPECT_EQ(*NormalizeLanguage("fi"), "fi");
  EXPECT_EQ(*NormalizeLanguage("FIT"), "fit");
  EXPECT_EQ(*NormalizeLanguage("Sme"), "sme");
  EXPECT_EQ(*NormalizeLanguage(""), "");  // no filter
}

TEST(NormalizeLanguage, RefusesAnythingElseNamingTheField) {
  for (const char* bad : {"f", "finn", "f1", "fi ", "sv-FI", "ää"}) {
    absl::StatusOr<std::string> n = NormalizeLanguage(bad);
    ASSERT_FALSE(n.ok()) << bad;
    EXPECT_EQ(n.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(n.status().message(), "language: "))
        << n.status();
  }
}

TEST(OffersLanguage, MatchesTheSameCodeWithoutCase) {
  EXPECT_TRUE(OffersLanguage(Speaks({"sv", "FI"}), "fi"));
  EXPECT_TRUE(OffersLanguage(Speaks({"sv", "fit"}), "fit"));  // meänkieli
  EXPECT_FALSE(OffersLanguage(Speaks({"sv", "fi"}), "fit"));
  EXPECT_FALSE(OffersLanguage(Speaks({}), "sv"));
}

TEST(OffersLanguage, TwoAndThreeLetterCodesOfOneLanguageMatch) {
  EXPECT_TRUE(OffersLanguage(Speaks({"fin"}), "fi"));
  EXPECT_TRUE(OffersLanguage(Speaks({"fi"}), "fin"));
  EXPECT_TRUE(OffersLanguage(Speaks({"se"}), "sme"));  // Northern Sami
  EXPECT_FALSE(OffersLanguage(Speaks({"se"}), "sv"));  // se is no Swedish
  EXPECT_FALSE(OffersLanguage(Speaks({"swe"}), "fi"));
}

TEST(OffersLanguage, SmiStandsForEverySamiLanguage) {
  EXPECT_TRUE(OffersLanguage(Speaks({"sv", "sma"}), "smi"));  // Southern
  EXPECT_TRUE(OffersLanguage(Speaks({"se"}), "smi"));
  EXPECT_FALSE(OffersLanguage(Speaks({"sv", "fi"}), "smi"));
  // A provider offering "some Sami" is no answer to one named language.
  EXPECT_FALSE(OffersLanguage(Speaks({"smi"}), "sma"));
}

TEST(IndicatorsToShow, TheZoneRowBeforeTheAllZonesRow) {
  IndicatorRows both{Row("north", "2026-11-30", 7.5), Row("", "2026-12-01", 9)};
  ASSERT_TRUE(IndicatorsToShow(both).has_value());
  EXPECT_EQ(IndicatorsToShow(both)->zone_id(), "north");
  EXPECT_EQ(IndicatorsToShow(both)->median_staff(), 7.5);

  IndicatorRows all_only{std::nullopt, Row("", "2026-12-01", 9)};
  ASSERT_TRUE(IndicatorsToShow(all_only).has_value());
  EXPECT_EQ(IndicatorsToShow(all_only)->zone_id(), "");
  EXPECT_EQ(IndicatorsToShow(all_only)->median_staff(), 9);

  EXPECT_FALSE(IndicatorsToShow(IndicatorRows{}).has_value());
}

TEST(Supersedes, TheSameOrALaterDayReplacesAnEarlierDayDoesNot) {
  const fu::ProviderIndicators stored = Row("north", "2026-11-30", 7);
  EXPECT_TRUE(Supersedes(Row("north", "2026-12-01", 6), stored));
  EXPECT_TRUE(Supersedes(Row("north", "2026-11-30", 6), stored));
  EXPECT_FALSE(Supersedes(Row("north", "2026-11-29", 6), stored));
  // Across a year end, as dates and not as numbers of days in a month.
  EXPECT_TRUE(
      Supersedes(Row("north", "2027-01-01", 6), Row("north", "2026-12-31", 7)));
}

TEST(CheckIndicators, NamesTheFieldThatCannotBeKept) {
  fu::ProviderIndicators no_provider = Row("", "2026-12-01", 1);
  no_provider.clear_provider_id();
  EXPECT_TRUE(absl::StartsWith(CheckIndicators(no_provider).message(),
                               "indicators.provider_id"));
  EXPECT_TRUE(absl::StartsWith(
      CheckIndicators(Row("", "2026-13-01", 1)).message(), "indicators.as_of"));
  EXPECT_TRUE(CheckIndicators(Row("north", "2026-12-01", 1)).ok());
}

}  // namespace
}  // namespace lov::choice
