// Phase 6 and the end: the rate table, the month-end run (every provider
// previewed, approved as a batch by a second finance user), late
// corrections for next month, then the summary with its money checks.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/identity_numbers.h"
#include "lov/platform/money.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {
namespace {

// The demo municipality as the owner of the books and the payer of the
// month (docs/settlement.md, "The demo's finance files").
constexpr char kTownOrganisationNumber[] = "212000-0142";
constexpr char kTownBankgiro[] = "5050-1055";
constexpr char kTownPeppolId[] = "0007:2120000142";

set::FinanceParty TownAsFinanceParty() {
  set::FinanceParty town;
  town.set_name(Norrtalje().name());
  town.set_organisation_number(kTownOrganisationNumber);
  town.set_bankgiro(kTownBankgiro);
  return town;
}

// Its chart of accounts: personal care, service and day activities on their
// own BAS cost accounts, the rest on the defaults (4600, VAT 2640, supplier
// debt 2440).
set::BookkeepingChart TownChart() {
  set::BookkeepingChart chart;
  auto* care = chart.add_category_accounts();
  care->set_category_id("home-help-personal-care");
  care->set_account("4610");
  auto* service = chart.add_category_accounts();
  service->set_category_id("home-help-service");
  service->set_account("4620");
  auto* day_activities = chart.add_category_accounts();
  day_activities->set_category_id(kDayActivity);
  day_activities->set_account("4630");
  return chart;
}

// A valid 8-digit bankgiro number of the k-th provider, "NNNN-NNNN".
std::string DemoBankgiro(size_t k) {
  const std::string seven = absl::StrFormat("54%05d", 1000 + 37 * k);
  return absl::StrCat(seven.substr(0, 4), "-", seven.substr(4),
                      LuhnCheckDigit(seven));
}

std::string Digits(const std::string& text) {
  std::string out;
  for (char c : text)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

bool IsPrivate(const std::string& provider_id) {
  for (const ProviderSpec& p : Providers()) {
    if (ProviderId(p.org) == provider_id)
      return p.kind == reg::PROVIDER_KIND_PRIVATE;
  }
  return false;
}

}  // namespace

void Simulation::Settle() {
  std::cerr << "[6/7] Settlement: rate table, preview, approval, late "
               "corrections\n";
  SetPaymentDetails();
  AddRateTable();
  SetListingRule();
  ApproveStatements();
  WriteFinanceFiles();
  const int corrected = CorrectSomeVisits();
  std::cerr << "  " << statements_.size()
            << " statements approved in one month-end run; " << corrected
            << " late corrections will be adjustments in "
            << absl::FormatCivilTime(settings_.month + 1) << "\n";
}

// The rulebook (rulebook.cc), in force from a year before the month, so it
// covers the month.
void Simulation::AddRateTable() {
  set::AddRateTableRequest request;
  *request.mutable_table() =
      DemoRateTable(absl::CivilDay(settings_.month - 12));
  set::RateTable out;
  grpc::Status st = Retry([&] {
    return settlement_->AddRateTable(sign_in_.As(auth::v1::ROLE_FINANCE).get(),
                                     request, &out);
  });
  // Added by an earlier run against the same services: fine.
  if (st.error_code() != grpc::StatusCode::ALREADY_EXISTS)
    Must(st, "rate table");
}

// A client who changes provider mid-month is paid per day to each.
void Simulation::SetListingRule() {
  set::SetListingRuleRequest rule;
  rule.mutable_rule()->set_kind(set::LISTING_RULE_KIND_PRO_RATA_DAYS);
  set::ListingRule out;
  Must(Retry([&] {
         return settlement_->SetListingRule(
             sign_in_.As(auth::v1::ROLE_FINANCE).get(), rule, &out);
       }),
       "listing rule");
}

// The municipality's month-end run: once settlement has every accepted
// visit, one finance user prepares the run over all providers and another
// approves it as a batch (four eyes), each statement bound to the digest of
// its preview.
void Simulation::ApproveStatements() {
  const std::string period = absl::FormatCivilTime(settings_.month);
  for (const ProviderSpec& p : Providers()) {
    const std::string id = ProviderId(p.org);
    set::PreviewStatementRequest q;
    q.set_provider_id(id);
    q.set_period(period);
    set::Statement preview;
    // Settlement follows the visit events; wait until it has them all.
    bool caught_up = WaitFor(
        [&] {
          preview.Clear();
          return settlement_
                     ->PreviewStatement(
                         sign_in_.As(auth::v1::ROLE_FINANCE).get(), q, &preview)
                     .ok() &&
                 preview.performed_seconds() >= performed_seconds_[id];
        },
        180);
    if (!caught_up) {
      Die(absl::StrCat("settlement has ", preview.performed_seconds(), " s of ",
                       id, "'s performed time, expected ",
                       performed_seconds_[id]));
    }
  }
  set::PreviewMonthRequest prepare;
  prepare.set_period(period);
  prepare.set_prepared_by("finance-preparer@norrtalje.example");
  set::MonthRun run;
  Must(Retry([&] {
         return settlement_->PreviewMonth(
             sign_in_.AsStaff(auth::v1::ROLE_FINANCE, "finance-preparer").get(),
             prepare, &run);
       }),
       "month-end run preview");
  set::ApproveMonthRequest a;
  // The same for every attempt: a retry after a lost answer, or a second
  // run with the same seed, gets the first approval.
  a.set_request_id(RequestId("approve-month"));
  a.set_period(period);
  a.set_expected_run_digest(run.run_digest());
  a.set_approved_by("controller@norrtalje.example");
  set::MonthRunApproval approval;
  Must(Retry([&] {
         return settlement_->ApproveMonth(
             sign_in_.As(auth::v1::ROLE_FINANCE).get(), a, &approval);
       }),
       "month-end run approval");
  for (const auto& refused : approval.refused()) {
    Die(absl::StrCat("the month-end run refused ", refused.provider_id(), ": ",
                     refused.problem()));
  }
  for (const auto& approved : approval.approved()) {
    set::GetStatementRequest g;
    g.set_provider_id(approved.provider_id());
    g.set_period(period);
    set::Statement statement;
    Must(Retry([&] {
           return settlement_->GetStatement(
               sign_in_.As(auth::v1::ROLE_FINANCE).get(), g, &statement);
         }),
         "approved statement");
    statements_[approved.provider_id()] = statement;
  }
  // A provider with nothing in the month is not in the run; its empty
  // statement is approved on its own, so every provider's month is locked.
  for (const ProviderSpec& p : Providers()) {
    const std::string id = ProviderId(p.org);
    if (statements_.count(id)) continue;
    set::PreviewStatementRequest q;
    q.set_provider_id(id);
    q.set_period(period);
    set::Statement preview;
    Must(Retry([&] {
           return settlement_->PreviewStatement(
               sign_in_.As(auth::v1::ROLE_FINANCE).get(), q, &preview);
         }),
         "preview");
    set::ApproveStatementRequest single;
    single.set_request_id(RequestId("approve-" + id));
    single.set_provider_id(id);
    single.set_period(period);
    single.set_expected_digest(preview.digest());
    single.set_approved_by("controller@norrtalje.example");
    Must(Retry([&] {
           return settlement_->ApproveStatement(
               sign_in_.As(auth::v1::ROLE_FINANCE).get(), single,
               &statements_[id]);
         }),
         "approve");
  }
  month_run_summary_ = WriteMonthRunSummary(approval, run);
}

// A text file finance can file with the month: the run, who prepared and
// who approved it, each provider's approved total.
std::string Simulation::WriteMonthRunSummary(
    const set::MonthRunApproval& approval, const set::MonthRun& run) {
  if (settings_.run_dir.empty()) return "";
  const std::string dir = settings_.run_dir + "/month-end";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path =
      absl::StrCat(dir, "/month-end-", approval.period(), ".txt");
  std::ofstream out(path);
  out << "Month-end run " << approval.period() << " (" << Norrtalje().name()
      << ")\n"
      << "run digest   " << approval.run_digest() << "\n"
      << "prepared by  " << run.prepared_by() << " at "
      << absl::FormatTime(absl::RFC3339_sec, FromProtoTime(run.prepared_at()),
                          absl::UTCTimeZone())
      << "\n"
      << "approved by  " << approval.approved_by() << " at "
      << absl::FormatTime(absl::RFC3339_sec,
                          FromProtoTime(approval.approved_at()),
                          absl::UTCTimeZone())
      << "\n\n"
      << absl::StrFormat("%-24s %-10s %16s\n", "Provider", "Outcome",
                         "Total (SEK)");
  for (const auto& p : approval.approved()) {
    out << absl::StrFormat(
        "%-24s %-10s %16s\n", p.provider_id(), "approved",
        Money::FromOre(p.current_total_ore()).ToDecimalString());
  }
  for (const auto& p : approval.refused()) {
    out << absl::StrFormat("%-24s %-10s %16s  %s\n", p.provider_id(), "refused",
                           "", p.problem());
  }
  out << absl::StrFormat(
      "%-24s %-10s %16s\n", "Total approved", "",
      Money::FromOre(approval.approved_total_ore()).ToDecimalString());
  out << "run total (previews) "
      << Money::FromOre(run.total_ore()).ToDecimalString() << " SEK\n";
  if (!out) {
    std::cerr << "  could not write the month-end run summary to " << path
              << "\n";
    return "";
  }
  return path;
}

void Simulation::SetPaymentDetails() {
  const std::vector<ProviderSpec>& providers = Providers();
  for (size_t k = 0; k < providers.size(); ++k) {
    if (providers[k].kind != reg::PROVIDER_KIND_PRIVATE) continue;
    const std::string id = ProviderId(providers[k].org);
    reg::SetPaymentDetailsRequest r;
    r.set_request_id(RequestId("payment-details-" + id));
    r.set_provider_id(id);
    r.set_bankgiro(DemoBankgiro(k));
    r.set_vat_number(absl::StrCat("SE", Digits(providers[k].org), "01"));
    r.set_f_tax(reg::F_TAX_STATUS_APPROVED);
    r.set_f_tax_checked_on(FormatDate(first_day_ - 10));
    reg::Provider out;
    Must(Retry([&] {
           return registry_->SetPaymentDetails(
               sign_in_.As(auth::v1::ROLE_FINANCE).get(), r, &out);
         }),
         absl::StrCat("payment details of ", id));
  }
}

// The approved month as finance files beside the run's summary: SIE 4 for
// the books, pain.001 for the bank, the client fee basis, and each private
// provider's Peppol self-billed invoice.
void Simulation::WriteFinanceFiles() {
  if (settings_.run_dir.empty()) return;
  const std::string dir = settings_.run_dir + "/month-end";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string period = absl::FormatCivilTime(settings_.month);
  // The town's finance settings, stored once as rulebook data
  // (SetFinanceSettings): the exports below name neither the municipality,
  // its chart nor the Peppol buyer.
  set::SetFinanceSettingsRequest settings;
  *settings.mutable_settings()->mutable_municipality() = TownAsFinanceParty();
  *settings.mutable_settings()->mutable_chart() = TownChart();
  settings.mutable_settings()->mutable_buyer()->set_peppol_id(kTownPeppolId);
  settings.mutable_settings()->mutable_buyer()->set_reference("LOV-HEMTJANST");
  set::FinanceSettings stored;
  Must(Retry([&] {
         return settlement_->SetFinanceSettings(
             sign_in_.As(auth::v1::ROLE_FINANCE).get(), settings, &stored);
       }),
       "the town's finance settings");
  const auto write = [&](const std::string& name, const std::string& content) {
    const std::string path = absl::StrCat(dir, "/", name);
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) {
      std::cerr << "  could not write " << path << "\n";
      return;
    }
    finance_files_.push_back(path);
  };
  for (set::MonthFileKind kind :
       {set::MONTH_FILE_KIND_SIE4, set::MONTH_FILE_KIND_PAIN001,
        set::MONTH_FILE_KIND_FEE_BASIS}) {
    set::ExportMonthRequest r;
    r.set_period(period);
    r.set_kind(kind);
    r.set_execution_date(FormatDate(absl::CivilDay(settings_.month + 1) + 24));
    set::ExportMonthResponse file;
    // The payment details reach settlement as registry events: wait until
    // every private provider is payable.
    const bool payable = WaitFor(
        [&] {
          file.Clear();
          if (!settlement_
                   ->ExportMonth(sign_in_.As(auth::v1::ROLE_FINANCE).get(), r,
                                 &file)
                   .ok())
            return false;
          // A private provider with nothing to pay stays out of the file.
          for (const auto& n : file.not_payable())
            if (IsPrivate(n.provider_id()) && n.total_ore() > 0) return false;
          return true;
        },
        120);
    if (!payable) {
      std::cerr << "  " << set::MonthFileKind_Name(kind)
                << ": not written, settlement did not export it in time\n";
      continue;
    }
    for (const auto& n : file.not_payable()) {
      std::cerr << "  not in the payment file: " << n.provider_id() << " ("
                << n.reason() << ")\n";
    }
    if (!file.no_file_reason().empty()) {
      // Nothing to pay this month (every statement owed): no pain.001, and
      // the month-end goes on; the notice names the owed statements.
      std::string notice = file.no_file_reason() + "\n";
      for (const auto& n : file.not_payable()) {
        absl::StrAppend(&notice, n.statement_id(), " ",
                        Money::FromOre(n.total_ore()).ToDecimalString(),
                        " SEK: ", n.reason(), "\n");
      }
      std::cerr << "  " << file.no_file_reason() << "\n";
      write(absl::StrCat("lov-", period, "-no-payment-file.txt"), notice);
      continue;
    }
    write(file.file_name(), file.content());
  }
  for (const auto& [id, statement] : statements_) {
    if (!IsPrivate(id) || statement.total_ore() <= 0) continue;
    set::ExportStatementRequest r;
    r.set_provider_id(id);
    r.set_period(period);
    r.set_format(set::EXPORT_FORMAT_PEPPOL_BIS3);  // the stored buyer
    set::ExportStatementResponse invoice;
    grpc::Status st = Retry([&] {
      return settlement_->ExportStatement(
          sign_in_.As(auth::v1::ROLE_FINANCE).get(), r, &invoice);
    });
    if (!st.ok()) {
      std::cerr << "  Peppol invoice of " << id
                << " not written: " << st.error_message() << "\n";
      continue;
    }
    write(invoice.file_name(), invoice.content());
  }
  std::cerr << "  " << finance_files_.size() << " finance files in " << dir
            << "\n";
}

// Late corrections: a few visits turn out shorter than reported. Returns
// how many the visits service took.
int Simulation::CorrectSomeVisits() {
  int corrected = 0;
  for (size_t k = 0; k < accepted_performed_.size() && corrected < 10;
       k += accepted_performed_.size() / 10 + 1) {
    const vis::VisitReport& r = accepted_performed_[k];
    vis::CorrectVisitRequest c;
    c.set_request_id(RequestId("correct-" + r.report_id()));
    c.set_provider_id(r.provider_id());
    c.set_report_id(r.report_id());
    *c.mutable_corrected() = r;
    *c.mutable_corrected()->mutable_end() =
        ToProtoTime(FromProtoTime(r.end()) - absl::Minutes(10));
    c.set_reason("NFC end tag registered late; staff left 10 minutes earlier");
    vis::CorrectVisitResponse resp;
    if (!Retry([&] {
           return visits_->CorrectVisit(
               sign_in_.As(auth::v1::ROLE_PROVIDER, r.provider_id()).get(), c,
               &resp);
         }).ok())
      continue;
    ++corrected;
    // The corrected version is the one the indicators count: its
    // exceptions are the correction's answer.
    for (AcceptedVisit& v : accepted_visits_) {
      if (v.report.provider_id() != r.provider_id() ||
          v.report.report_id() != r.report_id())
        continue;
      v.report = c.corrected();
      v.outcome = resp.exceptions().empty()
                      ? vis::OUTCOME_ACCEPTED
                      : vis::OUTCOME_ACCEPTED_WITH_EXCEPTIONS;
    }
  }
  return corrected;
}

void Simulation::Summary() {
  const std::string period = absl::FormatCivilTime(settings_.month);
  std::cout << "\n=== " << Norrtalje().name() << ", " << period << " ===\n\n";
  const MoneyChecks checks = PrintStatements();
  PrintZoneHealth();
  PrintVisitsAndRechoice();
  const bool continuity_agrees = PrintFollowUp();
  std::cout << "Every statement's lines add up to its total: "
            << (checks.lines_add_up ? "yes" : "NO") << ".\n";
  std::cout << "Every accepted visit is paid exactly once (statement hours "
               "equal the accepted visits' hours): "
            << (checks.paid_once ? "yes" : "NO") << ".\n";
  std::cout << "Beyond hours: "
            << absl::StrFormat("%d.%03d", checks.extras.travel_metres / 1000,
                               checks.extras.travel_metres % 1000)
            << " km driven in the sparse zones paid per km; day activities "
               "paid per enrolled day by support level:";
  for (const auto& [level, days] : checks.extras.level_days)
    std::cout << " " << level << " " << days << " client-days";
  std::cout << ".\n";
  std::cout << "Every km driven in the sparse zones and every day at a "
               "decided support level is paid as reported and decided: "
            << (checks.extras_paid ? "yes" : "NO") << ".\n";
  std::cout << "Every visit report was decided (none given up): "
            << (given_up_ == 0 ? "yes" : "NO") << ".\n";
  if (!month_run_summary_.empty()) {
    std::cout << "Month-end run (prepared and approved by two finance users): "
              << month_run_summary_ << "\n";
  }
  if (!finance_files_.empty()) {
    std::cout << "Finance files of the month (SIE 4, pain.001, fee basis, "
                 "Peppol invoices) in "
              << settings_.run_dir << "/month-end/:";
    for (const std::string& f : finance_files_)
      std::cout << " " << std::filesystem::path(f).filename().string();
    std::cout << "\n";
  }
  if (!checks.lines_add_up || !checks.paid_once || !checks.extras_paid ||
      given_up_ > 0 || !continuity_agrees)
    std::exit(1);
}

// One line per provider (clients, hours, amount) and the total.
Simulation::MoneyChecks Simulation::PrintStatements() {
  std::cout << absl::StrFormat("%-42s %8s %10s %16s %s\n", "Provider",
                               "Clients", "Hours", "Amount (SEK)", "Lines");
  std::map<std::string, int> clients_per_provider;
  for (const auto& c : clients_) ++clients_per_provider[c.provider_id];
  int64_t grand_total = 0;
  MoneyChecks checks;
  for (const ProviderSpec& p : Providers()) {
    const std::string id = ProviderId(p.org);
    const set::Statement& s = statements_[id];
    int64_t sum = 0;
    for (const auto& l : s.lines()) sum += l.amount_ore();
    checks.lines_add_up &= sum == s.total_ore();
    // The statement's performed time is exactly the time of the visits
    // that were accepted: none missing, none counted twice.
    checks.paid_once &= s.performed_seconds() == performed_seconds_[id];
    // Travel by the km and day activities by level: what the simulator
    // reported and decided, no more, no less.
    const Extras paid = ExtrasPaid(s);
    checks.extras_paid &= paid == ExtrasExpected(id, accepted_performed_,
                                                 clients_, settings_.month);
    checks.extras.travel_metres += paid.travel_metres;
    for (const auto& [level, days] : paid.level_days)
      checks.extras.level_days[level] += days;
    grand_total += s.total_ore();
    std::cout << Pad(p.name, 42)
              << absl::StrFormat(
                     " %8d %10.1f %16s %s\n", clients_per_provider[id],
                     s.performed_seconds() / 3600.0,
                     Money::FromOre(s.total_ore()).ToDecimalString(),
                     sum == s.total_ore() ? "add up" : "DO NOT ADD UP");
  }
  std::cout << absl::StrFormat("%-42s %8s %10s %16s\n", "Total", "", "",
                               Money::FromOre(grand_total).ToDecimalString());
  return checks;
}

// Selectable providers per zone and category after the leaver has gone.
void Simulation::PrintZoneHealth() {
  std::cout << "\n"
            << absl::StrFormat("%-34s %-26s %11s %s\n", "Zone", "Category",
                               "Selectable", "");
  cho::GetZoneHealthRequest q;
  q.set_as_of(FormatDate(last_day_ + 61));
  cho::GetZoneHealthResponse health;
  if (!choice_
           ->GetZoneHealth(sign_in_.As(auth::v1::ROLE_OPERATOR).get(), q,
                           &health)
           .ok())
    return;
  std::map<std::string, std::string> names;
  const reg::Municipality town = Norrtalje();
  for (const auto& z : town.zones()) names[z.zone_id()] = z.name();
  for (const auto& z : health.zones()) {
    std::cout << Pad(names[z.zone_id()], 34)
              << absl::StrFormat(" %-26s %11d %s\n", z.category_id(),
                                 z.selectable_providers(),
                                 z.no_real_choice() ? "NO REAL CHOICE" : "");
  }
}

void Simulation::PrintVisitsAndRechoice() {
  std::cout << "\nVisits: " << accepted_ << " accepted, " << RejectedCount()
            << " rejected (";
  bool first = true;
  for (const auto& [reason, count] : rejected_) {
    // Without the enum's "REASON_CODE_" prefix.
    std::cout << (first ? "" : ", ") << reason.substr(12) << " " << count;
    first = false;
  }
  std::cout << "), " << duplicates_ << " duplicates not counted again; "
            << resent_ << " reports resent, " << given_up_ << " given up.\n";
  std::cout << "Provider leaving " << leaving_zone_ << ": " << rechose_
            << " clients re-chose, " << allocated_after_deadline_
            << " were allocated after the deadline.\n";
  std::cout << "Neutral lists shown: " << lists_shown_
            << " (first pages asked for, each counted by the neutrality "
               "audit).\n";
}

}  // namespace lov::sim
