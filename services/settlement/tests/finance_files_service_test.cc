// The month's finance files through the running service: January settled
// and approved for both providers, then ExportMonth gives an SIE 4 file that
// the strict reader parses and that balances, a pain.001 that the ISO 20022
// schema (pinned, from deploy/install.sh) accepts, and the client fee
// basis; the totals in each equal the approved statements'.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lov/settlement/domain/fee_basis.h"
#include "lov/settlement/domain/test_peppol_totals.h"
#include "lov/settlement/tests/peppol_validation.h"
#include "lov/settlement/tests/settlement_test_support.h"
#include "lov/settlement/tests/sie4_reader.h"
#include "lov/settlement/v1/events.pb.h"

namespace lov::settlement {
namespace {

namespace v1 = ::lov::settlement::v1;
using ::lov::testing::Eventually;

class FinanceFilesTest : public test_support::SettlementFixture {
 protected:
  // prv-a is paid to bankgiro 5402-9681 and invoiced through Peppol; the
  // in-house provider has no payment details.
  void PublishPaymentDetails() {
    registry::v1::Provider p;
    p.set_provider_id("prv-a");
    p.set_name("Omsorg Ankaret AB");
    p.set_kind(registry::v1::PROVIDER_KIND_PRIVATE);
    p.set_organisation_number("556554-1645");
    p.mutable_contact()->set_address("Storgatan 1, 761 30 Norrtälje");
    registry::v1::PaymentDetails* d = p.mutable_payment_details();
    d->set_vat_number("SE556554164501");
    d->set_peppol_participant_id("0007:5565541645");
    d->set_bankgiro("5402-9681");
    d->set_f_tax(registry::v1::F_TAX_STATUS_APPROVED);
    d->set_f_tax_checked_on("2024-01-02");
    PublishPaymentDetailsOf(p);
  }

  v1::ExportMonthRequest Request(v1::MonthFileKind kind) {
    v1::ExportMonthRequest req;
    req.set_period("2024-01");
    req.set_kind(kind);
    req.mutable_municipality()->set_name("Nacka kommun");
    req.mutable_municipality()->set_organisation_number("212000-0167");
    req.mutable_municipality()->set_bankgiro("5050-1055");
    req.set_execution_date("2024-02-26");
    auto* a = req.mutable_chart()->add_category_accounts();
    a->set_category_id("personal-care");
    a->set_account("4610");
    return req;
  }

  grpc::Status Export(const v1::ExportMonthRequest& req,
                      v1::ExportMonthResponse* out) {
    return Call(&v1::SettlementService::Stub::ExportMonth, req, out);
  }

  // The exit code of the JDK's XSD validation of `xml` (0: valid).
  int ValidatePain001(const std::string& xml, const std::string& name) {
    const char* tools = std::getenv("LOV_TOOLS_DIR");
    const std::string xsd =
        absl::StrCat(tools != nullptr ? tools : LOV_SOURCE_DIR "/.tools",
                     "/xsd/pain.001.001.03.xsd");
    if (!std::ifstream(xsd).good()) {
      ADD_FAILURE() << xsd << " is missing: run deploy/install.sh";
      return -1;
    }
    const std::string file =
        absl::StrCat(::testing::TempDir(), "/", ns_, "-", name, ".xml");
    std::ofstream(file, std::ios::binary) << xml;
    const std::string out = file + ".out";
    const std::string command = absl::StrCat(
        "java ", LOV_SOURCE_DIR, "/deploy/validators/XsdValidate.java ", xsd,
        " ", file, " >", out, " 2>&1");
    const int status = std::system(command.c_str());
    std::ifstream report(out);
    std::string line;
    while (std::getline(report, line)) std::cout << "  xsd: " << line << "\n";
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

int64_t CtrlSumOre(const std::string& xml) {
  const size_t at = xml.find("<CtrlSum>");
  const size_t end = xml.find("</CtrlSum>");
  if (at == std::string::npos || end == std::string::npos) return -1;
  std::string kronor = xml.substr(at + 9, end - at - 9);
  kronor.erase(kronor.find('.'), 1);
  int64_t ore = -1;
  return absl::SimpleAtoi(kronor, &ore) ? ore : -1;
}

TEST_F(FinanceFilesTest, AnApprovedMonthGivesValidSie4Pain001AndFeeBasis) {
  ConfigureRates();
  PublishRegistry();
  PublishAssignment();
  PublishJanuaryVisits();
  PublishPaymentDetails();
  ASSERT_TRUE(Eventually([&] {
    grpc::Status sa, se;
    v1::Statement a = Get("prv-a", "2024-01", &sa);
    v1::Statement e = Get("prv-egen", "2024-01", &se);
    return sa.ok() && se.ok() && a.performed_seconds() == 3600 + 5400 + 3600 &&
           a.lines_size() > 0 && e.performed_seconds() == 3600;
  })) << service_->Log();

  // Nothing approved yet: both are named as not approved, and there is
  // nothing to pay.
  v1::ExportMonthResponse early;
  ASSERT_TRUE(Export(Request(v1::MONTH_FILE_KIND_SIE4), &early).ok());
  EXPECT_EQ(early.statement_ids_size(), 0);
  EXPECT_EQ(early.not_approved_provider_ids_size(), 2);
  EXPECT_EQ(Export(Request(v1::MONTH_FILE_KIND_PAIN001), &early).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  v1::Statement a, egen;
  ASSERT_TRUE(Approve(Preview("prv-a", "2024-01"), &a).ok());
  ASSERT_TRUE(Approve(Preview("prv-egen", "2024-01"), &egen).ok());
  ASSERT_EQ(a.total_ore(), 282520);  // settlement_service_test.cc by hand

  // SIE 4: one balanced verification per statement; the supplier debt is
  // the sum of the totals, the VAT account the VAT.
  v1::ExportMonthResponse sie;
  grpc::Status s = Export(Request(v1::MONTH_FILE_KIND_SIE4), &sie);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(sie.file_name(), "lov-2024-01.se");
  EXPECT_EQ(sie.total_ore(), a.total_ore() + egen.total_ore());
  EXPECT_EQ(sie.not_approved_provider_ids_size(), 0);
  absl::StatusOr<testing::SieFile> books = testing::ReadSie4(sie.content());
  ASSERT_TRUE(books.ok()) << books.status() << "\n" << sie.content();
  EXPECT_EQ(books->vers.size(), 2u);
  EXPECT_EQ(books->labels["#ORGNR"], std::vector<std::string>{"212000-0167"});
  EXPECT_EQ(books->AccountOre("2440"), -(a.total_ore() + egen.total_ore()));
  EXPECT_EQ(books->AccountOre("2640"), a.vat_ore() + egen.vat_ore());
  EXPECT_EQ(books->DebitOre(), a.total_ore() + egen.total_ore());
  EXPECT_EQ(books->AccountOre("4610") + books->AccountOre("4600"),
            a.net_ore() + egen.net_ore());

  // pain.001: prv-a paid to its bankgiro, the in-house provider listed as
  // not payable; the schema accepts the file and rejects a broken one.
  v1::ExportMonthResponse pain;
  s = Export(Request(v1::MONTH_FILE_KIND_PAIN001), &pain);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(pain.statement_ids(0), "prv-a/2024-01");
  EXPECT_EQ(pain.total_ore(), a.total_ore());
  ASSERT_EQ(pain.not_payable_size(), 1);
  EXPECT_EQ(pain.not_payable(0).provider_id(), "prv-egen");
  EXPECT_EQ(pain.not_payable(0).reason(), "no payment details in the registry");
  EXPECT_EQ(CtrlSumOre(pain.content()), a.total_ore());
  EXPECT_NE(pain.content().find("<Nm>Omsorg Ankaret AB</Nm>"),
            std::string::npos);
  EXPECT_NE(pain.content().find("<Id>54029681</Id>"), std::string::npos);
  EXPECT_EQ(ValidatePain001(pain.content(), "pain001"), 0) << pain.content();
  std::string broken = pain.content();
  broken.replace(broken.find("<PmtMtd>TRF</PmtMtd>"), 20,
                 "<PmtMtd>CASH</PmtMtd>");
  EXPECT_EQ(ValidatePain001(broken, "pain001-broken"), 1)
      << "the schema check can fail";

  // The same month's Peppol invoice of prv-a passes the official rules, and
  // its amounts are the statement's, as the SIE and pain.001 files' are:
  // all three finance files of one month, valid and agreeing.
  v1::ExportStatementRequest inv;
  inv.set_provider_id("prv-a");
  inv.set_period("2024-01");
  inv.set_format(v1::EXPORT_FORMAT_PEPPOL_BIS3);
  v1::PeppolBuyer* buyer = inv.mutable_buyer();
  buyer->set_name("Nacka kommun");
  buyer->set_organisation_number("212000-0167");
  buyer->set_peppol_id("0007:2120000167");
  buyer->set_reference("LOV-HEMTJANST");
  buyer->set_street("Granitvägen 15");
  buyer->set_postal_zone("131 81");
  buyer->set_city("Nacka");
  v1::ExportStatementResponse invoice;
  ASSERT_TRUE(Eventually([&] {
    return Call(&v1::SettlementService::Stub::ExportStatement, inv, &invoice)
        .ok();
  })) << Call(&v1::SettlementService::Stub::ExportStatement, inv, &invoice)
             .error_message();
  EXPECT_NE(invoice.content().find(testing::PeppolAmount(
                "PayableAmount", testing::Sek(a.total_ore()))),
            std::string::npos)
      << invoice.content();
  EXPECT_NE(invoice.content().find(testing::PeppolAmount(
                "TaxExclusiveAmount", testing::Sek(a.net_ore()))),
            std::string::npos);
  const test_support::Validation peppol =
      test_support::Validate(invoice.content(), "finance-files-peppol");
  EXPECT_EQ(peppol.exit_code, 0) << peppol.output << "\n" << invoice.content();
  EXPECT_NE(peppol.output.find(" 0 errors, "), std::string::npos)
      << peppol.output;

  // The fee basis: client-1's performed hours per provider and category.
  v1::ExportMonthResponse fee;
  s = Export(Request(v1::MONTH_FILE_KIND_FEE_BASIS), &fee);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(fee.content(),
            "period,client_id,provider_id,category_id,performed_seconds,hours,"
            "visits\r\n"
            "2024-01,client-1,prv-a,personal-care,7200,2.00,2\r\n"
            "2024-01,client-1,prv-a,service,5400,1.50,1\r\n"
            "2024-01,client-1,prv-egen,personal-care,3600,1.00,1\r\n");

  // And in the FeeBasisRecorded parts before the approval, for subscribers
  // (the approval says how many; joined as a subscriber would).
  bool seen = false;
  std::vector<v1::FeeBasisRecorded> fee_parts;
  for (const CloudEvent& e : SettlementEventsKeyed("prv-a/2024-01")) {
    v1::SettlementEvent event;
    ASSERT_TRUE(event.ParseFromString(e.data));
    if (event.has_fee_basis_recorded()) {
      fee_parts.push_back(event.fee_basis_recorded());
    }
    if (!event.has_statement_approved()) continue;
    ASSERT_EQ(event.statement_approved().fee_basis_parts(),
              static_cast<int>(fee_parts.size()));
    EXPECT_FALSE(event.statement_approved().has_fee_basis());
    absl::StatusOr<v1::ClientFeeBasis> joined = JoinFeeBasis(fee_parts);
    ASSERT_TRUE(joined.ok()) << joined.status();
    const v1::ClientFeeBasis& basis = *joined;
    EXPECT_EQ(basis.performed_seconds(), a.performed_seconds());
    ASSERT_EQ(basis.clients_size(), 2);
    EXPECT_EQ(basis.clients(0).client_id(), "client-1");
    EXPECT_EQ(basis.clients(0).performed_seconds(), 7200);
    seen = true;
  }
  EXPECT_TRUE(seen) << "StatementApproved of prv-a/2024-01";
}

TEST_F(FinanceFilesTest, BadRequestsNameTheField) {
  v1::ExportMonthResponse out;
  v1::ExportMonthRequest req = Request(v1::MONTH_FILE_KIND_UNSPECIFIED);
  grpc::Status s = Export(req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("kind"), std::string::npos);
  req = Request(v1::MONTH_FILE_KIND_SIE4);
  req.mutable_chart()->set_vat_account("26400");
  s = Export(req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("chart.vat_account"), std::string::npos);
  req = Request(v1::MONTH_FILE_KIND_PAIN001);
  req.mutable_municipality()->clear_organisation_number();
  s = Export(req, &out);
  EXPECT_NE(s.error_message().find("municipality.organisation_number"),
            std::string::npos);
}

}  // namespace
}  // namespace lov::settlement
