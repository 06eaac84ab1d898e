// The month-end on the command line: `lovctl settlement month preview |
// status | approve` and `lovctl settlement export-month` as processes
// against the four running services. One finance user prepares the run,
// the same user may not approve it (four eyes), a second one does; then
// the month's SIE 4, pain.001 and fee basis files are written and their
// totals equal the approved statement's. And the same files from the
// finance settings stored with `settlement finance-settings set`.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "absl/algorithm/container.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "lovctl_test_fixture.h"
#include "test_stack.h"

namespace lov {
namespace {

using Role = ::lov::auth::v1::Role;
using ::lov::testing::Eventually;
using ::lov::testing::RunResult;

constexpr char kPreparer[] = "SE2321000016-test-preparer";
constexpr char kController[] = "SE2321000016-test-controller";

// Who runs a command by default: the registry officer the registry, a
// provider's system its visits, finance the money, a case officer the rest.
Role RoleOf(const std::string& group) {
  static const std::map<std::string, Role> kByGroup = {
      {"provider", auth::v1::ROLE_REGISTRY_OFFICER},
      {"municipality", auth::v1::ROLE_REGISTRY_OFFICER},
      {"rates", auth::v1::ROLE_FINANCE},
      {"settlement", auth::v1::ROLE_FINANCE},
      {"visit", auth::v1::ROLE_PROVIDER}};
  auto found = kByGroup.find(group);
  return found == kByGroup.end() ? auth::v1::ROLE_CASE_OFFICER : found->second;
}

class LovctlMonthTest : public ::lov::testing::LovctlTest {
 protected:
  void SetUp() override {
    StartServices({"registry", "choice", "visits", "settlement"});
    WriteFile("setup.json", kSetup);
    WriteFile("rates.json", kRates);
  }

  // Signed in in the role of the command's group (RoleOf), a provider as
  // Attendo, unless the test gives a token.
  Role DefaultRole(const std::vector<std::string>& args) const override {
    return RoleOf(args[0]);
  }

  std::string Finance(const std::string& subject) const {
    return Token(auth::v1::ROLE_FINANCE, "", subject);
  }

  // March 2025: Attendo's client has two day hours (2 x 450.00 kr); the
  // in-house unit has nothing in the month.
  void AttendoHasAMarch() {
    TwoApprovedProviders();
    Ok({"policy", "set", "--allocation", "in-house", "--rechoice",
        "notice-days:14", "--request-id", "p1"},
       Token(auth::v1::ROLE_REGISTRY_OFFICER));
    ASSERT_TRUE(Eventually([&] {
      return Has(Lovctl({"zone", "health", "--as-of", "2025-01-01"}).output,
                 "centrum");
    }));
    std::string out = Ok({"client", "register", "--personnummer-stdin",
                          "--zone", "centrum", "--request-id", "c1"},
                         "", "19400101-1230\n");
    const std::string client = Capture(out, "client (cli-[0-9a-f-]+)");
    ASSERT_FALSE(client.empty()) << out;
    client_ = client;
    Ok({"client", "decision", "--id", client, "--decision", "bb-d1", "--from",
        "2025-01-01", "--granted", "home-help-service:600", "--request-id",
        "d1"});
    out = Ok({"client", "eligible", "--id", client, "--as-of", "2025-01-01"});
    const std::string seed = Capture(out, "seed ([0-9]+)");
    Ok({"client", "choose", "--id", client, "--provider", kAttendo,
        "--effective-date", "2025-01-01", "--seed", seed, "--request-id",
        "ch1"});
    ASSERT_TRUE(Eventually([&] {
      return Has(Lovctl({"visit", "report", "--provider", kAttendo,
                         "--report-id", "v1", "--client", client, "--category",
                         "home-help-service", "--staff", "s-1", "--start",
                         "2025-03-04T10:00", "--end", "2025-03-04T12:00"})
                     .output,
                 "accepted");
    }));
    Ok({"rates", "add", "--file", dir_ + "/rates.json"});
    ASSERT_TRUE(Eventually([&] {
      return Has(Lovctl({"statement", "preview", "--provider", kAttendo,
                         "--period", "2025-03"},
                        Finance(kPreparer))
                     .output,
                 "total 900.00 kr");
    }));
  }

  // Whether the visits service knows that Attendo's `period` is locked
  // (approved), so that a change of its visits becomes an adjustment.
  bool VisitsKnowLocked(const std::string& period) {
    auto visits = ::lov::visits::v1::VisitsService::NewStub(
        stack_.process("visits").Channel());
    ::lov::visits::v1::GetClientContextRequest r;
    r.set_client_id(client_);
    r.set_provider_id(kAttendo);
    ::lov::visits::v1::GetClientContextResponse context;
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return visits->GetClientContext(&c, r, &context).ok() &&
           absl::c_linear_search(context.locked_periods(), period);
  }

  // The month-end run of `period`: prepared by one finance user, approved
  // by another; returns what the approval printed.
  std::string RunMonth(const std::string& period) {
    std::string out = Ok({"settlement", "month", "preview", "--period", period},
                         Finance(kPreparer));
    const std::string run = Capture(out, "digest ([0-9a-f]+)");
    EXPECT_FALSE(run.empty()) << out;
    return Ok(
        {"settlement", "month", "approve", "--period", period, "--run", run},
        Finance(kController));
  }

  // Attendo's client of AttendoHasAMarch.
  std::string client_;
};

TEST_F(LovctlMonthTest, PreparedByOneApprovedByAnotherThenTheFinanceFiles) {
  AttendoHasAMarch();
  if (HasFatalFailure()) return;

  // Nothing approved yet: no payment file.
  RunResult early =
      Lovctl({"settlement", "export-month", "--period", "2025-03", "--kind",
              "pain001", "--name", "Testby kommun", "--org-number",
              "212000-0142", "--bankgiro", "5050-1055", "--execution-date",
              "2025-04-25", "--out", dir_ + "/early.xml"});
  EXPECT_NE(early.exit_code, 0) << early.output;

  std::string out =
      Ok({"settlement", "month", "preview", "--period", "2025-03"},
         Finance(kPreparer));
  EXPECT_TRUE(Has(out, "month-end run 2025-03")) << out;
  EXPECT_TRUE(Has(out, std::string("prepared by ") + kPreparer)) << out;
  EXPECT_TRUE(Has(out, kAttendo)) << out;
  EXPECT_TRUE(Has(out, "900.00")) << out;
  const std::string run = Capture(out, "digest ([0-9a-f]+)");
  ASSERT_FALSE(run.empty()) << out;

  out = Ok({"settlement", "month", "status", "--period", "2025-03"},
           Finance(kController));
  EXPECT_TRUE(Has(out, "digest " + run)) << out;
  EXPECT_TRUE(Has(out, "previewed")) << out;

  // Four eyes: whoever prepared the run may not approve it.
  RunResult self = Lovctl(
      {"settlement", "month", "approve", "--period", "2025-03", "--run", run},
      Finance(kPreparer));
  EXPECT_EQ(self.exit_code, 1) << self.output;
  EXPECT_TRUE(Has(self.output, "four eyes")) << self.output;
  EXPECT_FALSE(Has(Ok({"settlement", "month", "status", "--period", "2025-03"},
                      Finance(kController)),
                   "approved 900.00"));

  out = Ok(
      {"settlement", "month", "approve", "--period", "2025-03", "--run", run},
      Finance(kController));
  EXPECT_TRUE(Has(out, "1 approved (900.00 kr), 0 refused")) << out;
  EXPECT_TRUE(Has(out, std::string("by ") + kController)) << out;
  out = Ok({"settlement", "month", "status", "--period", "2025-03"},
           Finance(kPreparer));
  EXPECT_TRUE(Has(out, std::string("approved 900.00 kr by ") + kController))
      << out;

  // The finance files. SIE 4 and the fee basis at once; pain.001 once the
  // registry's payment details have reached settlement.
  out =
      Ok({"settlement", "export-month", "--period", "2025-03", "--kind", "sie4",
          "--name", "Testby kommun", "--org-number", "212000-0142",
          "--accounts", "home-help-service=4620", "--out", dir_ + "/month.se"});
  EXPECT_TRUE(Has(out, "wrote " + dir_ + "/month.se")) << out;
  EXPECT_TRUE(Has(out, "1 statement(s), total 900.00 kr")) << out;
  const std::string sie = ReadFile(dir_ + "/month.se");
  EXPECT_TRUE(Has(sie, "#ORGNR 212000-0142")) << sie;
  EXPECT_TRUE(Has(sie, "4620")) << sie;
  out = Ok({"settlement", "export-month", "--period", "2025-03", "--kind",
            "fee-basis", "--out", dir_ + "/fee-basis.csv"});
  EXPECT_TRUE(Has(out, "1 statement(s), total 900.00 kr")) << out;
  EXPECT_GT(std::filesystem::file_size(dir_ + "/fee-basis.csv"), 0u);

  Ok({"provider", "payment-details", "--id", kAttendo, "--bankgiro",
      "5402-9681", "--f-tax", "approved", "--f-tax-checked-on", "2025-01-02"});
  const std::vector<std::string> pain = {
      "settlement",       "export-month", "--period",   "2025-03",
      "--kind",           "pain001",      "--name",     "Testby kommun",
      "--org-number",     "212000-0142",  "--bankgiro", "5050-1055",
      "--execution-date", "2025-04-25",   "--out",      dir_ + "/pain001.xml"};
  ASSERT_TRUE(Eventually([&] {
    out = Lovctl(pain).output;
    return Has(out, "1 statement(s), total 900.00 kr") &&
           !Has(out, std::string("not payable: "));
  })) << out;
  const std::string xml = ReadFile(dir_ + "/pain001.xml");
  EXPECT_TRUE(Has(xml, "<CtrlSum>900.00</CtrlSum>")) << xml;
  EXPECT_TRUE(Has(xml, "54029681")) << xml;
}

// The municipality's finance settings stored once (`settlement
// finance-settings set|show`) and used by export-month and the Peppol
// export without repeating them; flags still override for one file.
TEST_F(LovctlMonthTest, StoredFinanceSettingsMakeTheMonthFiles) {
  WriteFile("finance.json", R"({
  "municipality": {"name": "Testby kommun", "organisationNumber": "2120000142",
                   "bankgiro": "50501055"},
  "chart": {"categoryAccounts": [{"categoryId": "home-help-service",
                                  "account": "4620"}]},
  "buyer": {"peppolId": "0007:2120000142", "reference": "LOV-TESTBY"}
})");
  WriteFile("bad-finance.json", R"({
  "municipality": {"name": "Testby kommun", "organisationNumber": "212000-0142",
                   "bankgiro": "5050-1056"}
})");
  // Nothing stored yet: show says how to set them.
  RunResult none = Lovctl({"settlement", "finance-settings", "show"});
  EXPECT_NE(none.exit_code, 0) << none.output;
  EXPECT_TRUE(Has(none.output, "finance-settings set")) << none.output;
  // A case officer may not set them; a bad bankgiro is refused by name.
  RunResult officer = Lovctl({"settlement", "finance-settings", "set", "--file",
                              dir_ + "/finance.json"},
                             Token(auth::v1::ROLE_CASE_OFFICER));
  EXPECT_NE(officer.exit_code, 0) << officer.output;
  EXPECT_TRUE(Has(officer.output, "PERMISSION_DENIED")) << officer.output;
  RunResult bad = Lovctl({"settlement", "finance-settings", "set", "--file",
                          dir_ + "/bad-finance.json"});
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  EXPECT_TRUE(Has(bad.output, "municipality.bankgiro")) << bad.output;

  std::string out = Ok({"settlement", "finance-settings", "set", "--file",
                        dir_ + "/finance.json"},
                       Finance(kPreparer));
  EXPECT_TRUE(Has(out, "finance settings version 1")) << out;
  EXPECT_TRUE(Has(out, "Testby kommun (212000-0142)")) << out;
  EXPECT_TRUE(Has(out, "bankgiro 5050-1055")) << out;
  out = Ok({"settlement", "finance-settings", "show"}, Finance(kController));
  EXPECT_TRUE(Has(out, std::string("set by ") + kPreparer)) << out;
  EXPECT_TRUE(Has(out, "home-help-service 4620")) << out;
  EXPECT_TRUE(Has(out, "peppol buyer  0007:2120000142")) << out;

  AttendoHasAMarch();
  if (HasFatalFailure()) return;
  out = Ok({"settlement", "month", "preview", "--period", "2025-03"},
           Finance(kPreparer));
  const std::string run = Capture(out, "digest ([0-9a-f]+)");
  ASSERT_FALSE(run.empty()) << out;
  Ok({"settlement", "month", "approve", "--period", "2025-03", "--run", run},
     Finance(kController));

  // SIE 4 from the stored municipality and chart alone.
  out = Ok({"settlement", "export-month", "--period", "2025-03", "--kind",
            "sie4", "--out", dir_ + "/stored.se"});
  EXPECT_TRUE(Has(out, "1 statement(s), total 900.00 kr")) << out;
  std::string sie = ReadFile(dir_ + "/stored.se");
  EXPECT_TRUE(Has(sie, "#ORGNR 212000-0142")) << sie;
  EXPECT_TRUE(Has(sie, "#TRANS 4620 {} 900.00")) << sie;
  // A flag overrides the stored chart for this file only.
  Ok({"settlement", "export-month", "--period", "2025-03", "--kind", "sie4",
      "--accounts", "home-help-service=4630", "--out", dir_ + "/other.se"});
  EXPECT_TRUE(Has(ReadFile(dir_ + "/other.se"), "#TRANS 4630 {} 900.00"));

  // pain.001 from the stored bankgiro, once Attendo's payment details are
  // in settlement.
  Ok({"provider", "payment-details", "--id", kAttendo, "--bankgiro",
      "5402-9681", "--f-tax", "approved", "--f-tax-checked-on", "2025-01-02",
      "--vat-number", "SE556554164501"});
  const std::vector<std::string> pain = {"settlement",
                                         "export-month",
                                         "--period",
                                         "2025-03",
                                         "--kind",
                                         "pain001",
                                         "--execution-date",
                                         "2025-04-25",
                                         "--out",
                                         dir_ + "/stored-pain001.xml"};
  ASSERT_TRUE(Eventually([&] {
    out = Lovctl(pain).output;
    return Has(out, "1 statement(s), total 900.00 kr") &&
           !Has(out, std::string("not payable: "));
  })) << out;
  const std::string xml = ReadFile(dir_ + "/stored-pain001.xml");
  EXPECT_TRUE(Has(xml, "<DbtrAcct><Id><Othr><Id>50501055</Id>")) << xml;
  EXPECT_TRUE(Has(xml, "<CtrlSum>900.00</CtrlSum>")) << xml;

  // The Peppol invoice names the stored buyer without buyer flags.
  out = Ok({"statement", "export", "--provider", kAttendo, "--period",
            "2025-03", "--format", "peppol", "--out", dir_ + "/peppol.xml"},
           Finance(kController));
  const std::string invoice = ReadFile(dir_ + "/peppol.xml");
  EXPECT_TRUE(Has(invoice, "<cac:AccountingCustomerParty>")) << invoice;
  EXPECT_TRUE(Has(invoice, "2120000142")) << invoice;
  EXPECT_TRUE(Has(invoice, "LOV-TESTBY")) << invoice;
}

// March approved, then its only visit voided: April holds only the
// reversal, -900.00 kr, so Attendo owes the municipality. April's
// month-end run closes; its SIE 4 file books the claim; the payment file
// is not written (a pain.001 needs a transfer) and that is no error: the
// command says why and names the owed statement and its amount.
TEST_F(LovctlMonthTest, AMonthEveryProviderOwesClosesWithoutAPaymentFile) {
  AttendoHasAMarch();
  if (HasFatalFailure()) return;
  RunMonth("2025-03");
  ASSERT_TRUE(Eventually([&] { return VisitsKnowLocked("2025-03"); }));
  std::string out =
      Ok({"visit", "void", "--provider", kAttendo, "--report-id", "v1",
          "--reason", "reported for the wrong client", "--request-id", "vv1"});
  EXPECT_TRUE(Has(out, "voided in 2025-04 (adjusts locked 2025-03)")) << out;
  ASSERT_TRUE(Eventually([&] {
    out = Lovctl({"statement", "preview", "--provider", kAttendo, "--period",
                  "2025-04"},
                 Finance(kPreparer))
              .output;
    return Has(out, "total -900.00 kr");
  })) << out;
  out = RunMonth("2025-04");
  EXPECT_TRUE(Has(out, "1 approved (-900.00 kr), 0 refused")) << out;

  out = Ok({"settlement", "export-month", "--period", "2025-04", "--kind",
            "sie4", "--name", "Testby kommun", "--org-number", "212000-0142",
            "--out", dir_ + "/april.se"});
  EXPECT_TRUE(Has(out, "1 statement(s), total -900.00 kr")) << out;
  const std::string sie = ReadFile(dir_ + "/april.se");
  EXPECT_TRUE(Has(sie, "#TRANS 4600 {} -900.00")) << sie;
  EXPECT_TRUE(Has(sie, "#TRANS 2440 {} 900.00")) << sie;

  RunResult pain =
      Lovctl({"settlement", "export-month", "--period", "2025-04", "--kind",
              "pain001", "--name", "Testby kommun", "--org-number",
              "212000-0142", "--bankgiro", "5050-1055", "--execution-date",
              "2025-05-26", "--out", dir_ + "/april.xml"});
  EXPECT_EQ(pain.exit_code, 0) << pain.output;
  EXPECT_TRUE(Has(pain.output,
                  "no payment file for 2025-04: nothing to pay (a pain.001 "
                  "needs at least one transfer); 1 statement(s) owed to the "
                  "municipality, 900.00 kr in total, to set off against later "
                  "payments: prv-5565541645/2025-04 owes 900.00 kr"))
      << pain.output;
  EXPECT_TRUE(Has(pain.output,
                  "not payable: prv-5565541645/2025-04 (-900.00 kr): total is "
                  "negative"))
      << pain.output;
  EXPECT_FALSE(Has(pain.output, "wrote ")) << pain.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/april.xml"));
}

TEST_F(LovctlMonthTest, WrongInputNamesTheFlag) {
  RunResult r = Lovctl({"settlement", "month", "close", "--period", "2025-03"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.output,
                  "action: 'close' is not preview, status or "
                  "approve"))
      << r.output;
  r = Lovctl(
      {"settlement", "export-month", "--period", "2025-03", "--kind", "xlsx"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.output,
                  "--kind: 'xlsx' is not sie4, pain001 or "
                  "fee-basis"))
      << r.output;
  r = Lovctl({"settlement", "finance-settings", "store"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.output, "action: 'store' is not set or show")) << r.output;
  r = Lovctl({"settlement", "finance-settings", "set"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Has(r.output, "--file: required for set")) << r.output;
}

}  // namespace
}  // namespace lov
