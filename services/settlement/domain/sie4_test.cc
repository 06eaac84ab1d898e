#include "lov/settlement/domain/sie4.h"

#include <gtest/gtest.h>

#include "lov/settlement/tests/sie4_reader.h"

namespace lov::settlement {
namespace {

void AddLine(v1::Statement& s, v1::LineKind kind, const std::string& category,
             int64_t ore) {
  auto* l = s.add_lines();
  l->set_line_no(s.lines_size());
  l->set_kind(kind);
  l->set_category_id(category);
  l->set_amount_ore(ore);
  if (kind == v1::LINE_KIND_VAT) {
    s.set_vat_ore(s.vat_ore() + ore);
  } else {
    s.set_net_ore(s.net_ore() + ore);
  }
  s.set_total_ore(s.net_ore() + s.vat_ore());
}

v1::Statement Approved(const std::string& provider) {
  v1::Statement s;
  s.set_statement_id(provider + "/2026-11");
  s.set_provider_id(provider);
  s.set_period("2026-11");
  s.set_status(v1::STATEMENT_STATUS_APPROVED);
  return s;
}

// Hemtjänst 1000.00 + listing 250.50 (4610), service 100.00 (4620) with
// 25 % VAT 25.00 (2640), a one-off share 500.00 (default 4600): total
// 1875.50 to the supplier debt (2440).
v1::Statement Omsorg() {
  v1::Statement s = Approved("p-omsorg");
  AddLine(s, v1::LINE_KIND_PERFORMED_TIME, "hemtjanst", 100000);
  AddLine(s, v1::LINE_KIND_LISTING_FEE, "hemtjanst", 25050);
  AddLine(s, v1::LINE_KIND_PERFORMED_TIME, "service", 10000);
  AddLine(s, v1::LINE_KIND_VAT, "service", 2500);
  AddLine(s, v1::LINE_KIND_ONE_OFF, "", 50000);
  return s;
}

// A correction that takes back more than the month pays: -12.30 in total.
v1::Statement Negative() {
  v1::Statement s = Approved("p-borta");
  AddLine(s, v1::LINE_KIND_PERFORMED_TIME, "hemtjanst", -1230);
  return s;
}

SieBooks Books() {
  v1::BookkeepingChart chart;
  auto* a = chart.add_category_accounts();
  a->set_category_id("hemtjanst");
  a->set_account("4610");
  a = chart.add_category_accounts();
  a->set_category_id("service");
  a->set_account("4620");
  SieBooks books;
  books.municipality.set_name("Nacka kommun");
  books.municipality.set_organisation_number("212000-0167");
  books.chart = *ResolveChart(chart);
  books.generated_on = absl::CivilDay(2026, 12, 2);
  return books;
}

TEST(Sie4Test, OneBalancedVerificationPerStatementInPc8) {
  absl::StatusOr<std::string> file =
      MonthSie4("2026-11", Books(), {Omsorg(), Negative()});
  ASSERT_TRUE(file.ok()) << file.status();
  const std::string expected =
      "#FLAGGA 0\r\n"
      "#PROGRAM \"LOV settlement\" 1\r\n"
      "#FORMAT PC8\r\n"
      "#GEN 20261202\r\n"
      "#SIETYP 4\r\n"
      "#ORGNR 212000-0167\r\n"
      "#FNAMN \"Nacka kommun\"\r\n"
      "#RAR 0 20260101 20261231\r\n"
      "#VALUTA SEK\r\n"
      "#KONTO 2440 \"Leverant\x94rsskulder\"\r\n"
      "#KONTO 2640 \"Ing\x86"
      "ende moms\"\r\n"
      "#KONTO 4600 \"K\x94p av huvudverksamhet (LOV)\"\r\n"
      "#KONTO 4610 \"K\x94p av huvudverksamhet, hemtjanst\"\r\n"
      "#KONTO 4620 \"K\x94p av huvudverksamhet, service\"\r\n"
      // p-borta sorts before p-omsorg.
      "#VER \"LOV\" 1 20261130 \"Ers\x84ttning p-borta 2026-11\" 20261202\r\n"
      "{\r\n"
      "   #TRANS 4610 {} -12.30\r\n"
      "   #TRANS 2440 {} 12.30\r\n"
      "}\r\n"
      "#VER \"LOV\" 2 20261130 \"Ers\x84ttning p-omsorg 2026-11\" 20261202\r\n"
      "{\r\n"
      "   #TRANS 2640 {} 25.00\r\n"
      "   #TRANS 4600 {} 500.00\r\n"
      "   #TRANS 4610 {} 1250.50\r\n"
      "   #TRANS 4620 {} 100.00\r\n"
      "   #TRANS 2440 {} -1875.50\r\n"
      "}\r\n";
  EXPECT_EQ(*file, expected);
}

TEST(Sie4Test, TheStrictReaderParsesItAndTheTotalsMatch) {
  absl::StatusOr<std::string> file =
      MonthSie4("2026-11", Books(), {Omsorg(), Negative()});
  ASSERT_TRUE(file.ok()) << file.status();
  absl::StatusOr<testing::SieFile> read = testing::ReadSie4(*file);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->vers.size(), 2u);
  EXPECT_EQ(read->labels["#FNAMN"], std::vector<std::string>{"Nacka kommun"});
  EXPECT_EQ(read->accounts["2440"], "Leverantörsskulder");
  // The supplier debt is the sum of the statement totals, the VAT account
  // their VAT.
  EXPECT_EQ(read->AccountOre("2440"), -(187550 - 1230));
  EXPECT_EQ(read->AccountOre("2640"), 2500);
  EXPECT_EQ(read->AccountOre("4610"), 125050 - 1230);
}

// A credit month, February of settlement_credit_note_test.cc: a
// personal-care visit of January voided late (-558.00) and a service visit
// voided (-615.00, its 25 % VAT -153.75), against February's listing fee
// (+197.00). By hand: net -558.00 + 197.00 - 615.00 = -976.00, VAT -153.75,
// total -1129.75. Booked as a supplier's credit note (kreditfaktura): debit
// the supplier debt 2440 with 1129.75 (the municipality's claim on the
// provider, set off against its next payment), credit input VAT 2640 with
// 153.75 and the cost accounts with what was taken back, net per account:
// 4610 -558.00 + 197.00 = -361.00, 4620 -615.00.
v1::Statement CreditMonth() {
  v1::Statement s = Approved("p-kredit");
  AddLine(s, v1::LINE_KIND_PERFORMED_TIME, "hemtjanst", -55800);
  s.mutable_lines(0)->set_adjusts_period("2026-10");
  AddLine(s, v1::LINE_KIND_LISTING_FEE, "hemtjanst", 19700);
  AddLine(s, v1::LINE_KIND_PERFORMED_TIME, "service", -61500);
  s.mutable_lines(2)->set_adjusts_period("2026-10");
  AddLine(s, v1::LINE_KIND_VAT, "service", -15375);
  return s;
}

TEST(Sie4Test, ACreditMonthDebitsTheSupplierDebtAndCreditsCostAndVat) {
  const v1::Statement credit = CreditMonth();
  ASSERT_EQ(credit.net_ore(), -97600);
  ASSERT_EQ(credit.vat_ore(), -15375);
  ASSERT_EQ(credit.total_ore(), -112975);
  absl::StatusOr<std::string> file = MonthSie4("2026-11", Books(), {credit});
  ASSERT_TRUE(file.ok()) << file.status();
  // The rows of the verification, as written (SIE: positive is debit).
  const std::string expected_ver =
      "#VER \"LOV\" 1 20261130 \"Ers\x84ttning p-kredit 2026-11\" 20261202\r\n"
      "{\r\n"
      "   #TRANS 2640 {} -153.75\r\n"
      "   #TRANS 4610 {} -361.00\r\n"
      "   #TRANS 4620 {} -615.00\r\n"
      "   #TRANS 2440 {} 1129.75\r\n"
      "}\r\n";
  ASSERT_GE(file->size(), expected_ver.size());
  EXPECT_EQ(file->substr(file->size() - expected_ver.size()), expected_ver)
      << *file;

  // The strict reader parses it; the one verification balances, with
  // 1129.75 on the debit side (the claim) and the same on the credit side.
  absl::StatusOr<testing::SieFile> read = testing::ReadSie4(*file);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->vers.size(), 1u);
  EXPECT_EQ(read->DebitOre(), 112975);
  EXPECT_EQ(read->AccountOre("2440"), 112975);
  EXPECT_EQ(read->AccountOre("2640"), -15375);
  EXPECT_EQ(read->AccountOre("4610"), -36100);
  EXPECT_EQ(read->AccountOre("4620"), -61500);
  EXPECT_EQ(read->AccountOre("4600"), 0);  // no row on the default account

  // With an ordinary month of another provider the debt account nets the
  // two: 1875.50 owed to p-omsorg less 1129.75 claimed from p-kredit.
  file = MonthSie4("2026-11", Books(), {Omsorg(), credit});
  ASSERT_TRUE(file.ok()) << file.status();
  read = testing::ReadSie4(*file);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->vers.size(), 2u);
  EXPECT_EQ(read->AccountOre("2440"), -187550 + 112975);
  EXPECT_EQ(read->AccountOre("2640"), 2500 - 15375);
}

TEST(Sie4Test, TheReaderRejectsAnUnbalancedVerification) {
  absl::StatusOr<std::string> file = MonthSie4("2026-11", Books(), {Omsorg()});
  ASSERT_TRUE(file.ok()) << file.status();
  std::string broken = *file;
  const size_t at = broken.find("-1875.50");
  ASSERT_NE(at, std::string::npos);
  broken.replace(at, 8, "-1875.51");
  EXPECT_FALSE(testing::ReadSie4(broken).ok());
  EXPECT_FALSE(testing::ReadSie4(file->substr(0, file->size() - 3)).ok());
}

TEST(Sie4Test, StatementsWithoutAmountsGiveNoVerification) {
  v1::Statement empty = Approved("p-tom");
  absl::StatusOr<std::string> file = MonthSie4("2026-11", Books(), {empty});
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->find("#VER"), std::string::npos);
  EXPECT_TRUE(testing::ReadSie4(*file).ok());
}

TEST(Sie4Test, RefusesPreviewsOtherPeriodsAndLinesThatDoNotAddUp) {
  v1::Statement preview = Omsorg();
  preview.set_status(v1::STATEMENT_STATUS_PREVIEW);
  EXPECT_EQ(MonthSie4("2026-11", Books(), {preview}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(MonthSie4("2026-10", Books(), {Omsorg()}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::Statement off = Omsorg();
  off.set_total_ore(off.total_ore() + 1);
  absl::Status s = MonthSie4("2026-11", Books(), {off}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("p-omsorg/2026-11"), std::string::npos);
}

TEST(Sie4Test, TheChartTakesDefaultsAndIsValidated) {
  absl::StatusOr<v1::BookkeepingChart> chart =
      ResolveChart(v1::BookkeepingChart());
  ASSERT_TRUE(chart.ok()) << chart.status();
  EXPECT_EQ(chart->default_cost_account(), "4600");
  EXPECT_EQ(chart->vat_account(), "2640");
  EXPECT_EQ(chart->supplier_debt_account(), "2440");

  v1::BookkeepingChart bad;
  bad.set_vat_account("264");
  EXPECT_NE(ResolveChart(bad).status().message().find("chart.vat_account"),
            std::string::npos);
  bad = v1::BookkeepingChart();
  bad.set_supplier_debt_account("4600");
  EXPECT_NE(ResolveChart(bad).status().message().find(
                "chart.supplier_debt_account: 4600 is also a cost account"),
            std::string::npos);
  bad = v1::BookkeepingChart();
  for (int i = 0; i < 2; ++i) {
    auto* a = bad.add_category_accounts();
    a->set_category_id("hemtjanst");
    a->set_account("4610");
  }
  EXPECT_NE(ResolveChart(bad).status().message().find(
                "chart.category_accounts[1].category_id: hemtjanst is named "
                "twice"),
            std::string::npos);
  bad = v1::BookkeepingChart();
  bad.add_category_accounts()->set_category_id("x");
  EXPECT_NE(ResolveChart(bad).status().message().find(
                "chart.category_accounts[0].account"),
            std::string::npos);
}

TEST(Sie4Test, TheMunicipalityNeedsANameAndAnOrganisationNumber) {
  SieBooks books = Books();
  books.municipality.set_organisation_number("2120000167");
  EXPECT_NE(MonthSie4("2026-11", books, {})
                .status()
                .message()
                .find("municipality.organisation_number"),
            std::string::npos);
  books = Books();
  books.municipality.set_name(" ");
  EXPECT_NE(MonthSie4("2026-11", books, {})
                .status()
                .message()
                .find("municipality.name: required"),
            std::string::npos);
}

TEST(Sie4Test, Cp437HasTheSwedishLettersAndMarksTheRest) {
  EXPECT_EQ(Cp437("åäöÅÄÖé"), "\x86\x84\x94\x8F\x8E\x99\x82");
  EXPECT_EQ(Cp437("a€b"), "a?b");
  EXPECT_EQ(Cp437("x\xC3"), "x?");    // cut off
  EXPECT_EQ(Cp437("\xFFz"), "?z");    // not UTF-8
  EXPECT_EQ(Cp437("\xC3(z"), "?(z");  // lead without continuation
}

}  // namespace
}  // namespace lov::settlement
