// A month that pays less than nothing, through the settlement service:
// January approved, then two of its visits voided late, so February holds
// only their reversals and a listing fee. February's Peppol export is a
// self-billed credit note that the official OpenPEPPOL rules
// (deploy/validators/peppol-validate.sh: the UBL 2.1 schema, the CEN
// EN 16931 and the Peppol self-billing credit note schematrons) accept with
// no errors, and refuse once broken; the month's pain.001 lists February's
// statement as owed, not paid.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/str_replace.h"
#include "lov/settlement/domain/test_peppol_totals.h"
#include "lov/settlement/tests/peppol_validation.h"
#include "lov/settlement/tests/settlement_test_support.h"
#include "lov/settlement/tests/sie4_reader.h"
#include "test_sign_in.h"

namespace lov::settlement {
namespace {

namespace v1 = ::lov::settlement::v1;
using ::lov::testing::Eventually;

using test_support::Validate;
using test_support::Validation;
using testing::PeppolAmount;
using testing::PeppolTaxTotal;
using testing::Sek;

class SettlementCreditNoteTest : public test_support::SettlementFixture {
 protected:
  // prv-a as the registry publishes it with its payment details; the
  // in-house provider paid to a bankgiro too, so that February has a
  // payable statement beside the owed one.
  void PublishPaymentDetails() {
    registry::v1::Provider a;
    a.set_provider_id("prv-a");
    a.set_kind(registry::v1::PROVIDER_KIND_PRIVATE);
    a.set_name("Omsorgshuset AB");
    a.set_organisation_number("556554-1645");
    a.mutable_contact()->set_address("Storgatan 1, 761 30 Norrtälje");
    registry::v1::PaymentDetails* d = a.mutable_payment_details();
    d->set_bankgiro("5050-1055");
    d->set_vat_number("SE556554164501");
    d->set_f_tax(registry::v1::F_TAX_STATUS_APPROVED);
    d->set_f_tax_checked_on("2024-01-02");
    d->set_peppol_participant_id("0007:5565541645");
    PublishPaymentDetailsOf(a);
    registry::v1::Provider egen;
    egen.set_provider_id("prv-egen");
    egen.set_kind(registry::v1::PROVIDER_KIND_IN_HOUSE);
    egen.set_name("Kommunens hemtjänst");
    registry::v1::PaymentDetails* e = egen.mutable_payment_details();
    e->set_bankgiro("5402-9681");
    e->set_f_tax(registry::v1::F_TAX_STATUS_APPROVED);
    e->set_f_tax_checked_on("2024-01-02");
    PublishPaymentDetailsOf(egen);
  }

  // The visits service voids `v` after January was approved: the reversal
  // is booked in February.
  void PublishLateVoid(const visits::v1::Visit& v) {
    auto e = test_support::Envelope<visits::v1::VisitEvent>(v.visit_id());
    visits::v1::VisitVoided* voided = e.mutable_visit_voided();
    *voided->mutable_previous() = v;
    voided->set_reason("reported by mistake");
    voided->set_period("2024-02");
    voided->set_adjusts_period("2024-01");
    PublishUpstream("lov.visits.events.v1", "/lov/visits", e);
  }

  grpc::Status ExportPeppol(const std::string& period,
                            v1::ExportStatementResponse* out) {
    v1::ExportStatementRequest r;
    r.set_provider_id("prv-a");
    r.set_period(period);
    r.set_format(v1::EXPORT_FORMAT_PEPPOL_BIS3);
    v1::PeppolBuyer* b = r.mutable_buyer();
    b->set_name("Norrtälje kommun");
    b->set_organisation_number("212000-0142");
    b->set_peppol_id("0007:2120000142");
    b->set_reference("LOV-HEMTJANST");
    return Call(&v1::SettlementService::Stub::ExportStatement, r, out);
  }

  void ApproveCurrent(const std::string& provider, const std::string& period) {
    v1::Statement approved;
    grpc::Status s = Approve(Preview(provider, period), &approved);
    ASSERT_TRUE(s.ok()) << provider << " " << period << ": "
                        << s.error_message();
  }

  // January (282,520 öre, settlement_service_test.cc) settled and
  // approved, then both of its visits of Wednesday and Thursday voided
  // late, which makes prv-a's February negative (worked by hand below).
  void ApprovedJanuaryThenTwoVisitsVoided() {
    ConfigureRates();
    PublishRegistry();
    PublishPaymentDetails();
    PublishAssignment();
    const test_support::JanuaryVisits january = PublishJanuaryVisits();
    ASSERT_TRUE(Eventually([&] {
      grpc::Status s;
      v1::Statement st = Get("prv-a", "2024-01", &s);
      return s.ok() && st.total_ore() == 282520;
    })) << service_->Log();
    ApproveCurrent("prv-a", "2024-01");
    PublishLateVoid(january.care_r1);
    PublishLateVoid(test_support::Visit("prv-a", "r2", "service",
                                        "2024-01-18T08:00:00Z",
                                        "2024-01-18T09:30:00Z", "city"));
  }
};

TEST_F(SettlementCreditNoteTest, ANegativeMonthIsAValidSelfBilledCreditNote) {
  // Both January visits of Wednesday and Thursday were never made: r1,
  // personal care 17:30-18:30 (258.00 by day + 300.00 evening), and r2,
  // 1.5 h of service at 410.00 = 615.00 with 25 % VAT 153.75. February's
  // only payment is the listing fee of client-1's whole month, 197.00.
  // Net -558.00 - 615.00 + 197.00 = -976.00; VAT -153.75; total -1129.75.
  ApprovedJanuaryThenTwoVisitsVoided();
  if (HasFatalFailure()) return;
  // The in-house provider's February: Mon 5 Feb 09:00-10:00 by day, 485.00.
  visits::v1::Visit e2 = test_support::Visit("prv-egen", "e2", "personal-care",
                                             "2024-02-05T08:00:00Z",
                                             "2024-02-05T09:00:00Z", "city");
  e2.set_period("2024-02");
  PublishAccepted(e2);
  ASSERT_TRUE(Eventually([&] {
    grpc::Status sa, se;
    v1::Statement a = Get("prv-a", "2024-02", &sa);
    v1::Statement e = Get("prv-egen", "2024-02", &se);
    return sa.ok() && se.ok() && a.total_ore() == -112975 &&
           e.total_ore() == 48500;
  })) << Get("prv-a", "2024-02").DebugString()
      << service_->Log();
  v1::Statement february = Get("prv-a", "2024-02");
  EXPECT_EQ(february.net_ore(), -97600);
  EXPECT_EQ(february.vat_ore(), -15375);
  ApproveCurrent("prv-a", "2024-02");
  ApproveCurrent("prv-egen", "2024-02");

  v1::ExportStatementResponse file;
  ASSERT_TRUE(Eventually([&] { return ExportPeppol("2024-02", &file).ok(); }))
      << ExportPeppol("2024-02", &file).error_message();
  const std::string& xml = file.content();
  EXPECT_NE(xml.find("<CreditNote xmlns=\"urn:oasis:names:specification:ubl:"
                     "schema:xsd:CreditNote-2\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<cbc:CreditNoteTypeCode>261</cbc:CreditNoteTypeCode>"),
            std::string::npos);
  EXPECT_NE(xml.find("<cac:BillingReference><cac:InvoiceDocumentReference>"
                     "<cbc:ID>prv-a-2024-01</cbc:ID>"),
            std::string::npos);
  // The statement's totals, negated, to the öre.
  EXPECT_NE(xml.find(PeppolAmount("TaxExclusiveAmount", Sek(97600))),
            std::string::npos);
  EXPECT_NE(xml.find(PeppolTaxTotal(Sek(15375))), std::string::npos);
  EXPECT_NE(xml.find(PeppolAmount("PayableAmount", Sek(112975))),
            std::string::npos);
  EXPECT_EQ(xml.find("<cac:PaymentMeans>"), std::string::npos);

  const Validation valid = Validate(xml, "peppol-credit-note");
  std::cout << "official Peppol validation (warnings listed):\n"
            << valid.output;
  EXPECT_EQ(valid.exit_code, 0) << valid.output << "\n" << xml;
  EXPECT_NE(valid.output.find("creditnote-self-billing"), std::string::npos)
      << valid.output;
  EXPECT_NE(valid.output.find(" 0 errors, "), std::string::npos)
      << valid.output;
  EXPECT_EQ(valid.output.find("ERROR "), std::string::npos) << valid.output;

  // The same rules refuse a broken credit note: an amount due that is not
  // the total (BR-CO-16), and the ordinary credit note's type code where a
  // self-billed one is required.
  const std::string wrong_total =
      absl::StrReplaceAll(xml, {{PeppolAmount("PayableAmount", Sek(112975)),
                                 PeppolAmount("PayableAmount", Sek(112976))}});
  ASSERT_NE(wrong_total, xml);
  const Validation refused = Validate(wrong_total, "peppol-credit-broken");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("ERROR BR-CO-16"), std::string::npos)
      << refused.output;
  const std::string wrong_type = absl::StrReplaceAll(
      xml, {{"<cbc:CreditNoteTypeCode>261", "<cbc:CreditNoteTypeCode>381"}});
  const Validation not_self_billed = Validate(wrong_type, "peppol-credit-381");
  EXPECT_EQ(not_self_billed.exit_code, 1) << not_self_billed.output;

  // The month's payment file pays the in-house provider only and lists
  // prv-a's February as owed.
  v1::ExportMonthRequest month;
  month.set_period("2024-02");
  month.set_kind(v1::MONTH_FILE_KIND_PAIN001);
  month.mutable_municipality()->set_name("Norrtälje kommun");
  month.mutable_municipality()->set_organisation_number("212000-0142");
  month.mutable_municipality()->set_bankgiro("5050-1055");
  month.set_execution_date("2024-03-26");
  v1::ExportMonthResponse pain;
  grpc::Status s =
      Call(&v1::SettlementService::Stub::ExportMonth, month, &pain);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(pain.statement_ids_size(), 1);
  EXPECT_EQ(pain.statement_ids(0), "prv-egen/2024-02");
  EXPECT_EQ(pain.total_ore(), 48500);
  ASSERT_EQ(pain.not_payable_size(), 1);
  EXPECT_EQ(pain.not_payable(0).statement_id(), "prv-a/2024-02");
  EXPECT_EQ(pain.not_payable(0).total_ore(), -112975);
  EXPECT_NE(pain.not_payable(0).reason().find("total is negative"),
            std::string::npos)
      << pain.not_payable(0).reason();
  EXPECT_EQ(pain.content().find("prv-a/2024-02"), std::string::npos);
  EXPECT_NE(pain.content().find("<CtrlSum>485.00</CtrlSum>"), std::string::npos)
      << pain.content();
}

// A month in which the only provider with a statement owes the
// municipality, closed with the month-end run (prepared by one finance
// user, approved by another): the run succeeds, the SIE 4 file books the
// claim (the supplier debt debited with 1129.75) and balances, and pain.001
// is no file and no error but a notice naming the owed statement and its
// amount.
TEST_F(SettlementCreditNoteTest,
       AMonthEveryProviderOwesEndsWithoutAPaymentFile) {
  // February holds only prv-a's reversals and listing fee (worked by hand
  // above): -1129.75; the in-house provider has nothing in February.
  ApprovedJanuaryThenTwoVisitsVoided();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(Eventually([&] {
    grpc::Status s;
    return Get("prv-a", "2024-02", &s).total_ore() == -112975 && s.ok();
  })) << service_->Log();

  const auto as = [](const char* who) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(30));
    ::lov::testing::SignIn(ctx.get(), auth::v1::ROLE_FINANCE, "", who);
    return ctx;
  };
  v1::PreviewMonthRequest prepare;
  prepare.set_period("2024-02");
  v1::MonthRun run;
  grpc::Status s =
      stub_->PreviewMonth(as("SE2321000016-finance-a").get(), prepare, &run);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(run.providers_size(), 1) << run.DebugString();
  EXPECT_EQ(run.providers(0).total_ore(), -112975);
  v1::ApproveMonthRequest approve;
  approve.set_period("2024-02");
  approve.set_expected_run_digest(run.run_digest());
  approve.set_request_id(NewUuid());
  v1::MonthRunApproval approval;
  s = stub_->ApproveMonth(as("SE2321000016-finance-b").get(), approve,
                          &approval);
  ASSERT_TRUE(s.ok()) << s.error_message();

  v1::ExportMonthRequest month;
  month.set_period("2024-02");
  month.mutable_municipality()->set_name("Norrtälje kommun");
  month.mutable_municipality()->set_organisation_number("212000-0142");
  month.mutable_municipality()->set_bankgiro("5050-1055");
  month.set_execution_date("2024-03-26");
  month.set_kind(v1::MONTH_FILE_KIND_SIE4);
  v1::ExportMonthResponse sie;
  s = Call(&v1::SettlementService::Stub::ExportMonth, month, &sie);
  ASSERT_TRUE(s.ok()) << s.error_message();
  absl::StatusOr<testing::SieFile> books = testing::ReadSie4(sie.content());
  ASSERT_TRUE(books.ok()) << books.status() << "\n" << sie.content();
  ASSERT_EQ(books->vers.size(), 1u);
  EXPECT_EQ(books->AccountOre("2440"), 112975);  // debit: the claim
  EXPECT_EQ(books->AccountOre("2640"), -15375);  // input VAT taken back
  EXPECT_EQ(books->DebitOre(), 112975);

  month.set_kind(v1::MONTH_FILE_KIND_PAIN001);
  v1::ExportMonthResponse pain;
  s = Call(&v1::SettlementService::Stub::ExportMonth, month, &pain);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(pain.content().empty()) << pain.content();
  EXPECT_TRUE(pain.file_name().empty()) << pain.file_name();
  EXPECT_EQ(pain.statement_ids_size(), 0);
  EXPECT_EQ(pain.total_ore(), 0);
  EXPECT_NE(pain.no_file_reason().find("no payment file for 2024-02"),
            std::string::npos)
      << pain.no_file_reason();
  EXPECT_NE(pain.no_file_reason().find("prv-a/2024-02 owes 1129.75 kr"),
            std::string::npos)
      << pain.no_file_reason();
  ASSERT_EQ(pain.not_payable_size(), 1);
  EXPECT_EQ(pain.not_payable(0).statement_id(), "prv-a/2024-02");
  EXPECT_EQ(pain.not_payable(0).total_ore(), -112975);
}

}  // namespace
}  // namespace lov::settlement
