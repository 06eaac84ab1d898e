#include "lov/settlement/domain/pain001.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace lov::settlement {
namespace {

Payee Payable(const std::string& provider, int64_t total_ore,
              const std::string& bankgiro, const std::string& plusgiro = "") {
  Payee p;
  p.statement.set_statement_id(provider + "/2026-11");
  p.statement.set_provider_id(provider);
  p.statement.set_period("2026-11");
  p.statement.set_status(v1::STATEMENT_STATUS_APPROVED);
  p.statement.set_total_ore(total_ore);
  p.statement.set_net_ore(total_ore);
  registry::v1::PaymentDetails d;
  d.set_bankgiro(bankgiro);
  d.set_plusgiro(plusgiro);
  d.set_f_tax(registry::v1::F_TAX_STATUS_APPROVED);
  p.details = d;
  p.name = "Omsorg & Co AB";
  return p;
}

PaymentOrder Order() {
  PaymentOrder o;
  o.payer.set_name("Nacka kommun");
  o.payer.set_organisation_number("212000-0167");
  o.payer.set_bankgiro("5050-1055");  // Luhn-valid
  o.execution_date = "2026-12-15";
  // 08:30 in Stockholm (CET, UTC+1).
  o.created_at = absl::FromCivil(absl::CivilSecond(2026, 12, 2, 7, 30, 0),
                                 absl::UTCTimeZone());
  return o;
}

TEST(Pain001Test, OneTransferPerPayableStatementToItsGiroNumber) {
  std::vector<Payee> payees = {Payable("p-b", 187550, "5402-9681"),
                               Payable("p-a", 10005, "", "41 06 06-8")};
  absl::StatusOr<PaymentFile> f = MonthPain001("2026-11", Order(), payees);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->total_ore, 197555);
  EXPECT_EQ(f->paid_statement_ids,
            (std::vector<std::string>{"p-a/2026-11", "p-b/2026-11"}));
  EXPECT_TRUE(f->not_payable.empty());
  const std::string expected =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\">\n"
      "  <CstmrCdtTrfInitn>\n"
      "    <GrpHdr>\n"
      "      <MsgId>LOV-2026-11-20261202083000</MsgId>\n"
      "      <CreDtTm>2026-12-02T08:30:00</CreDtTm>\n"
      "      <NbOfTxs>2</NbOfTxs>\n"
      "      <CtrlSum>1975.55</CtrlSum>\n"
      "      <InitgPty><Nm>Nacka kommun</Nm><Id><OrgId><Othr><Id>2120000167"
      "</Id></Othr></OrgId></Id></InitgPty>\n"
      "    </GrpHdr>\n"
      "    <PmtInf>\n"
      "      <PmtInfId>LOV-2026-11-20261202083000-1</PmtInfId>\n"
      "      <PmtMtd>TRF</PmtMtd>\n"
      "      <NbOfTxs>2</NbOfTxs>\n"
      "      <CtrlSum>1975.55</CtrlSum>\n"
      "      <PmtTpInf><SvcLvl><Cd>NURG</Cd></SvcLvl></PmtTpInf>\n"
      "      <ReqdExctnDt>2026-12-15</ReqdExctnDt>\n"
      "      <Dbtr><Nm>Nacka kommun</Nm><Id><OrgId><Othr><Id>2120000167</Id>"
      "</Othr></OrgId></Id></Dbtr>\n"
      "      <DbtrAcct><Id><Othr><Id>50501055</Id><SchmeNm><Prtry>BGNR</Prtry>"
      "</SchmeNm></Othr></Id><Ccy>SEK</Ccy></DbtrAcct>\n"
      "      <DbtrAgt><FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr>"
      "</FinInstnId></DbtrAgt>\n"
      "      <CdtTrfTxInf>\n"
      "        <PmtId><InstrId>1</InstrId><EndToEndId>p-a/2026-11</EndToEndId>"
      "</PmtId>\n"
      "        <Amt><InstdAmt Ccy=\"SEK\">100.05</InstdAmt></Amt>\n"
      "        <CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>SESBA</Cd>"
      "</ClrSysId><MmbId>9960</MmbId></ClrSysMmbId></FinInstnId></CdtrAgt>\n"
      "        <Cdtr><Nm>Omsorg &amp; Co AB</Nm></Cdtr>\n"
      "        <CdtrAcct><Id><Othr><Id>4106068</Id><SchmeNm><Cd>BBAN</Cd>"
      "</SchmeNm></Othr></Id></CdtrAcct>\n"
      "        <RmtInf><Ustrd>Ersättning LOV 2026-11 p-a/2026-11</Ustrd>"
      "</RmtInf>\n"
      "      </CdtTrfTxInf>\n"
      "      <CdtTrfTxInf>\n"
      "        <PmtId><InstrId>2</InstrId><EndToEndId>p-b/2026-11</EndToEndId>"
      "</PmtId>\n"
      "        <Amt><InstdAmt Ccy=\"SEK\">1875.50</InstdAmt></Amt>\n"
      "        <CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>SESBA</Cd>"
      "</ClrSysId><MmbId>9900</MmbId></ClrSysMmbId></FinInstnId></CdtrAgt>\n"
      "        <Cdtr><Nm>Omsorg &amp; Co AB</Nm></Cdtr>\n"
      "        <CdtrAcct><Id><Othr><Id>54029681</Id><SchmeNm><Prtry>BGNR"
      "</Prtry></SchmeNm></Othr></Id></CdtrAcct>\n"
      "        <RmtInf><Ustrd>Ersättning LOV 2026-11 p-b/2026-11</Ustrd>"
      "</RmtInf>\n"
      "      </CdtTrfTxInf>\n"
      "    </PmtInf>\n"
      "  </CstmrCdtTrfInitn>\n"
      "</Document>\n";
  EXPECT_EQ(f->xml, expected);
}

TEST(Pain001Test, ListsTheNotPayableWithTheReason) {
  Payee no_details = Payable("p-c", 5000, "5402-9681");
  no_details.details.reset();
  Payee gross = Payable("p-d", 5000, "5402-9681");
  gross.details->set_f_tax(registry::v1::F_TAX_STATUS_NOT_APPROVED);
  gross.details->set_must_not_pay_gross(true);
  Payee zero = Payable("p-e", 0, "5402-9681");
  std::vector<Payee> payees = {Payable("p-a", 10000, "5402-9681"), no_details,
                               gross, zero};
  absl::StatusOr<PaymentFile> f = MonthPain001("2026-11", Order(), payees);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->total_ore, 10000);
  ASSERT_EQ(f->not_payable.size(), 3u);
  EXPECT_EQ(f->not_payable[0].provider_id(), "p-c");
  EXPECT_EQ(f->not_payable[0].reason(), "no payment details in the registry");
  EXPECT_EQ(f->not_payable[1].provider_id(), "p-d");
  EXPECT_NE(f->not_payable[1].reason().find("must not be paid gross"),
            std::string::npos);
  EXPECT_EQ(f->not_payable[1].total_ore(), 5000);
  EXPECT_EQ(f->not_payable[2].reason(), "total is not positive");
  EXPECT_NE(f->xml.find("<NbOfTxs>1</NbOfTxs>"), std::string::npos);
  EXPECT_EQ(f->xml.find("p-d/2026-11"), std::string::npos);

  EXPECT_EQ(MonthPain001("2026-11", Order(), {gross}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Pain001Test, RefusesABadPayerOrDateAndForeignStatements) {
  PaymentOrder o = Order();
  o.payer.set_bankgiro("5050-1056");  // check digit off by one
  EXPECT_NE(MonthPain001("2026-11", o, {Payable("p-a", 1, "5402-9681")})
                .status()
                .message()
                .find("municipality.bankgiro"),
            std::string::npos);
  o = Order();
  o.execution_date = "2026-12-32";
  EXPECT_NE(MonthPain001("2026-11", o, {Payable("p-a", 1, "5402-9681")})
                .status()
                .message()
                .find("execution_date"),
            std::string::npos);
  o = Order();
  o.payer.set_bic("SWED");
  EXPECT_NE(MonthPain001("2026-11", o, {Payable("p-a", 1, "5402-9681")})
                .status()
                .message()
                .find("municipality.bic"),
            std::string::npos);
  EXPECT_EQ(MonthPain001("2026-10", Order(), {Payable("p-a", 1, "5402-9681")})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

// A month of late voids leaves a provider owing the municipality: its
// statement (-1129.75) is listed, never a transfer, and the control sum is
// the payable statement's alone (1000.00). Negative comes first, even
// without payment details.
TEST(Pain001Test, ANegativeStatementIsListedAsOwedNotPaid) {
  Payee owes = Payable("p-a", -112975, "5402-9681");
  Payee owes_without_details = Payable("p-c", -1, "5402-9681");
  owes_without_details.details.reset();
  absl::StatusOr<PaymentFile> f = MonthPain001(
      "2026-11", Order(),
      {owes, Payable("p-b", 100000, "5402-9681"), owes_without_details});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->total_ore, 100000);
  ASSERT_EQ(f->paid_statement_ids.size(), 1u);
  EXPECT_EQ(f->paid_statement_ids[0], "p-b/2026-11");
  ASSERT_EQ(f->not_payable.size(), 2u);
  EXPECT_EQ(f->not_payable[0].statement_id(), "p-a/2026-11");
  EXPECT_EQ(f->not_payable[0].total_ore(), -112975);
  EXPECT_EQ(f->not_payable[0].reason().rfind("total is negative: the "
                                             "provider owes the municipality",
                                             0),
            0u)
      << f->not_payable[0].reason();
  EXPECT_EQ(f->not_payable[1].statement_id(), "p-c/2026-11");
  EXPECT_EQ(f->not_payable[1].reason(), f->not_payable[0].reason());
  EXPECT_EQ(f->xml.find("p-a/2026-11"), std::string::npos);
  EXPECT_EQ(f->xml.find("1129.75"), std::string::npos);
  EXPECT_NE(f->xml.find("<CtrlSum>1000.00</CtrlSum>"), std::string::npos);
  EXPECT_NE(f->xml.find("<NbOfTxs>1</NbOfTxs>"), std::string::npos);
}

// A month in which every provider owes the municipality (late voids of an
// approved month) or has nothing: nothing to pay, so no file (a pain.001
// needs a transfer) and no error either; the notice names each owed
// statement and their sum, by hand 1129.75 + 25.50 = 1155.25 kr.
TEST(Pain001Test, AMonthWhereEveryStatementIsOwedHasNoFileButANotice) {
  Payee owes_without_details = Payable("p-b", -2550, "5402-9681");
  owes_without_details.details.reset();
  absl::StatusOr<PaymentFile> f =
      MonthPain001("2026-11", Order(),
                   {Payable("p-z", 0, "5402-9681"), owes_without_details,
                    Payable("p-a", -112975, "5402-9681")});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->xml.empty()) << f->xml;
  EXPECT_TRUE(f->paid_statement_ids.empty());
  EXPECT_EQ(f->total_ore, 0);
  EXPECT_EQ(f->no_file_reason,
            "no payment file for 2026-11: nothing to pay (a pain.001 needs at "
            "least one transfer); 2 statement(s) owed to the municipality, "
            "1155.25 kr in total, to set off against later payments: "
            "p-a/2026-11 owes 1129.75 kr, p-b/2026-11 owes 25.50 kr; 1 "
            "statement(s) with a zero total");
  ASSERT_EQ(f->not_payable.size(), 3u);
  EXPECT_EQ(f->not_payable[0].statement_id(), "p-a/2026-11");
  EXPECT_EQ(f->not_payable[0].total_ore(), -112975);
  EXPECT_EQ(f->not_payable[1].statement_id(), "p-b/2026-11");
  EXPECT_EQ(f->not_payable[1].total_ore(), -2550);
  EXPECT_EQ(f->not_payable[2].statement_id(), "p-z/2026-11");
  EXPECT_EQ(f->not_payable[2].reason(), "total is not positive");

  // Twelve owed statements: the notice names ten and counts the rest; the
  // sum is of all twelve (12 x 1.00 kr).
  std::vector<Payee> many;
  for (int i = 10; i < 22; ++i) {
    many.push_back(Payable(absl::StrCat("p-", i), -100, "5402-9681"));
  }
  f = MonthPain001("2026-11", Order(), many);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_NE(f->no_file_reason.find("12 statement(s) owed to the "
                                   "municipality, 12.00 kr in total"),
            std::string::npos)
      << f->no_file_reason;
  EXPECT_NE(f->no_file_reason.find("p-19/2026-11 owes 1.00 kr and 2 more"),
            std::string::npos)
      << f->no_file_reason;
  EXPECT_EQ(f->no_file_reason.find("p-20/"), std::string::npos);
  EXPECT_EQ(f->not_payable.size(), 12u);
}

// Nothing payable while a statement with money to pay is held back, or no
// statement at all: the month is not done, FAILED_PRECONDITION naming what
// is held back; never a notice that there is nothing to pay.
TEST(Pain001Test, NothingPayableWhileAPaymentIsHeldBackIsRefused) {
  Payee no_details = Payable("p-d", 5000, "5402-9681");
  no_details.details.reset();
  absl::StatusOr<PaymentFile> f = MonthPain001(
      "2026-11", Order(), {Payable("p-a", -112975, "5402-9681"), no_details});
  EXPECT_EQ(f.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(f.status().message().find(
                "held back: p-d/2026-11 (no payment details in the registry)"),
            std::string::npos)
      << f.status();
  EXPECT_EQ(MonthPain001("2026-11", Order(), {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// Payable statements whose sum leaves int64 öre: refused, naming the file.
TEST(Pain001Test, AControlSumPastInt64IsRefused) {
  const int64_t half = int64_t{1} << 62;
  absl::StatusOr<PaymentFile> f = MonthPain001(
      "2026-11", Order(),
      {Payable("p-a", half, "5402-9681"), Payable("p-b", half, "5402-9681")});
  EXPECT_EQ(f.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(f.status().message().find("payment file of 2026-11: control sum"),
            std::string::npos)
      << f.status();
}

TEST(Pain001Test, LongNamesAreCutToTheSchemaLimitByCharacters) {
  Payee p = Payable("p-a", 100, "5402-9681");
  p.name = std::string(69, 'x') + "åå";
  absl::StatusOr<PaymentFile> f = MonthPain001("2026-11", Order(), {p});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_NE(f->xml.find("<Nm>" + std::string(69, 'x') + "å</Nm>"),
            std::string::npos);
}

}  // namespace
}  // namespace lov::settlement
