#include "lov/settlement/domain/export.h"

#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "lov/settlement/domain/follow_up.h"

namespace lov::settlement {
namespace {

v1::Statement Sample() {
  v1::Statement s;
  s.set_statement_id("prv-a/2024-01");
  s.set_provider_id("prv-a");
  s.set_period("2024-01");
  s.set_status(v1::STATEMENT_STATUS_APPROVED);
  auto* l = s.add_lines();
  l->set_line_no(1);
  l->set_kind(v1::LINE_KIND_PERFORMED_TIME);
  l->set_category_id("service");
  l->set_zone_id("city");
  l->set_band(v1::BAND_DAY);
  l->set_unit_rate_ore(41000);
  l->set_quantity(3600);
  l->set_quantity_per_unit(3600);
  l->set_multiplier_bp(10000);
  l->set_amount_ore(41000);
  l->set_description("Performed time, \"DAY\"");
  l->add_sources("v1@1");
  l->add_sources("v2@1");
  auto* vat = s.add_lines();
  vat->set_line_no(2);
  vat->set_kind(v1::LINE_KIND_VAT);
  vat->set_category_id("service");
  vat->set_amount_ore(10250);
  s.set_net_ore(41000);
  s.set_vat_ore(10250);
  s.set_total_ore(51250);
  s.set_performed_seconds(3600);
  return s;
}

TEST(SettlementExportTest, CsvHasAHeaderAndOneQuotedRowPerLine) {
  std::string csv = StatementCsv(Sample());
  std::vector<std::string> rows =
      absl::StrSplit(csv, "\r\n", absl::SkipEmpty());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].rfind("statement_id,provider_id,period,status,", 0), 0u);
  EXPECT_EQ(rows[1],
            "prv-a/2024-01,prv-a,2024-01,APPROVED,1,PERFORMED_TIME,service,"
            "city,DAY,,,41000,3600,3600,10000,41000,410.00,"
            "\"Performed time, \"\"DAY\"\"\",\"v1@1;v2@1\"");
  EXPECT_NE(rows[2].find(",VAT,service,"), std::string::npos);
  EXPECT_NE(rows[2].find(",10250,102.50,"), std::string::npos);
}

TEST(SettlementExportTest, JsonCarriesTotalsInOreAndKronor) {
  std::string json = StatementJson(Sample());
  EXPECT_NE(json.find("\"total_ore\":51250"), std::string::npos);
  EXPECT_NE(json.find("\"total_sek\":\"512.50\""), std::string::npos);
  EXPECT_NE(json.find("\"description\":\"Performed time, \\\"DAY\\\"\""),
            std::string::npos);
  EXPECT_NE(json.find("\"sources\":[\"v1@1\",\"v2@1\"]"), std::string::npos);
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
}

// The whole file, written out by hand: keys in this order, compact, the
// amounts as integers and as kronor strings.
TEST(SettlementExportTest, JsonIsExactlyTheDocumentedShape) {
  EXPECT_EQ(StatementJson(Sample()),
            R"({"statement_id":"prv-a/2024-01","provider_id":"prv-a",)"
            R"("period":"2024-01","status":"APPROVED","in_house":false,)"
            R"("digest":"","currency":"SEK","net_ore":41000,"vat_ore":10250,)"
            R"("total_ore":51250,"net_sek":"410.00","vat_sek":"102.50",)"
            R"("total_sek":"512.50","performed_seconds":3600,"lines":[)"
            R"({"line_no":1,"kind":"PERFORMED_TIME","category_id":"service",)"
            R"("zone_id":"city","band":"DAY","rate_version":"",)"
            R"("adjusts_period":"","unit_rate_ore":41000,"quantity":3600,)"
            R"("quantity_per_unit":3600,"multiplier_bp":10000,)"
            R"("amount_ore":41000,"amount_sek":"410.00",)"
            R"("description":"Performed time, \"DAY\"",)"
            R"("sources":["v1@1","v2@1"]},)"
            R"({"line_no":2,"kind":"VAT","category_id":"service","zone_id":"",)"
            R"("band":"","rate_version":"","adjusts_period":"",)"
            R"("unit_rate_ore":0,"quantity":0,"quantity_per_unit":0,)"
            R"("multiplier_bp":0,"amount_ore":10250,"amount_sek":"102.50",)"
            R"("description":"","sources":[]}]})");
}

// Control characters are escaped, UTF-8 text stays as it is, and a byte
// that is not UTF-8 becomes U+FFFD instead of breaking the file.
TEST(SettlementExportTest, JsonEscapesControlsAndKeepsUtf8) {
  v1::Statement s = Sample();
  s.mutable_lines(0)->set_description("Kv\xc3\xa4ll\ttid\n\x01 \xff");
  const std::string json = StatementJson(s);
  EXPECT_NE(
      json.find(
          "\"description\":\"Kv\xc3\xa4ll\\ttid\\n\\u0001 \xef\xbf\xbd\""),
      std::string::npos)
      << json;
}

TEST(SettlementFollowUpTest, ComparesWithAYearEarlierAndSharesHoursByKind) {
  v1::Statement now = Sample();
  v1::Statement in_house = Sample();
  in_house.set_provider_id("prv-egen");
  in_house.set_in_house(true);
  in_house.set_net_ore(20000);
  in_house.set_performed_seconds(3 * 3600);
  v1::Statement before = Sample();
  before.set_net_ore(30000);
  v1::FollowUp f =
      BuildFollowUp("2024-01", "2023-01", {now, in_house}, {before});
  EXPECT_EQ(f.total_ore(), 61000);
  EXPECT_EQ(f.year_earlier_total_ore(), 30000);
  EXPECT_EQ(f.private_seconds(), 3600);
  EXPECT_EQ(f.in_house_seconds(), 3 * 3600);
  EXPECT_EQ(f.private_share_bp(), 2500);  // 1 h of 4
  EXPECT_EQ(f.year_earlier_private_share_bp(), 10000);
  bool found = false;
  for (const auto& row : f.rows()) {
    if (row.dimension() == v1::FOLLOW_UP_DIMENSION_PROVIDER &&
        row.key() == "prv-a") {
      found = true;
      EXPECT_EQ(row.net_ore(), 41000);
      EXPECT_EQ(row.year_earlier_net_ore(), 30000);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace lov::settlement
