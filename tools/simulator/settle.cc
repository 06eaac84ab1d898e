// Phase 6 and the end: the rate table, each provider's statement previewed
// and approved, late corrections for next month, then the summary with its
// money checks.
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/money.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {
namespace {

// Pads to `width` characters on screen (UTF-8: å, ä, ö are one character).
std::string Pad(const std::string& text, size_t width) {
  size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  return chars >= width ? text : text + std::string(width - chars, ' ');
}

// The rates of one category: the day rate (öre per hour) scaled per time
// band, the in-house unit 31 SEK less, a rural supplement.
void AddCategoryRates(set::RateTable& table, const char* category_id,
                      int64_t day_ore, int64_t vat_basis_points) {
  auto* rates = table.add_categories();
  rates->set_category_id(category_id);
  rates->set_model(set::PAYMENT_MODEL_PERFORMED_HOURS);
  for (auto [band, percent] :
       std::vector<std::pair<set::Band, int>>{{set::BAND_DAY, 100},
                                              {set::BAND_EVENING, 115},
                                              {set::BAND_NIGHT, 140},
                                              {set::BAND_WEEKEND, 125},
                                              {set::BAND_HOLIDAY, 150}}) {
    auto* band_rate = rates->add_band_rates();
    band_rate->set_band(band);
    band_rate->set_private_ore(day_ore * percent / 100);
    band_rate->set_in_house_ore((day_ore - 3100) * percent / 100);
  }
  auto* rural = rates->add_zone_supplements();
  rural->set_area(set::ZONE_AREA_RURAL);
  rural->set_basis_points(500);
  rates->set_double_staffing_basis_points(20000);
  rates->set_vat_basis_points(vat_basis_points);
}

}  // namespace

void Simulation::Settle() {
  std::cerr << "[6/6] Settlement: rate table, preview, approval, late "
               "corrections\n";
  AddRateTable();
  SetListingRule();
  ApproveStatements();
  const int corrected = CorrectSomeVisits();
  std::cerr << "  " << statements_.size() << " statements approved; "
            << corrected << " late corrections will be adjustments in "
            << absl::FormatCivilTime(settings_.month + 1) << "\n";
}

// In force from a year before the month, so it covers the month.
void Simulation::AddRateTable() {
  set::AddRateTableRequest request;
  auto* table = request.mutable_table();
  table->set_effective_date(FormatDate(absl::CivilDay(settings_.month - 12)));
  table->set_description("Norrtälje hemtjänst, ersättning per utförd timme");
  table->mutable_bands()->set_day_start_minute(7 * 60);
  table->mutable_bands()->set_evening_start_minute(19 * 60);
  table->mutable_bands()->set_night_start_minute(22 * 60);
  AddCategoryRates(*table, "home-help-service", 45000, 2500);
  AddCategoryRates(*table, "home-help-personal-care", 51600, 0);
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

// Approves each provider's statement once settlement has every accepted
// visit, with the digest of the preview the controller saw.
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
    set::ApproveStatementRequest a;
    // The same for every attempt at this statement: a retry after a lost
    // answer gets the first approval.
    a.set_request_id(RequestId("approve-" + id));
    a.set_provider_id(id);
    a.set_period(period);
    a.set_expected_digest(preview.digest());
    a.set_approved_by("controller@norrtalje.example");
    set::Statement approved;
    Must(Retry([&] {
           return settlement_->ApproveStatement(
               sign_in_.As(auth::v1::ROLE_FINANCE).get(), a, &approved);
         }),
         "approve");
    statements_[id] = approved;
  }
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
    if (Retry([&] {
          return visits_->CorrectVisit(
              sign_in_.As(auth::v1::ROLE_PROVIDER, r.provider_id()).get(), c,
              &resp);
        }).ok())
      ++corrected;
  }
  return corrected;
}

void Simulation::Summary() {
  const std::string period = absl::FormatCivilTime(settings_.month);
  std::cout << "\n=== " << Norrtalje().name() << ", " << period << " ===\n\n";
  const MoneyChecks checks = PrintStatements();
  PrintZoneHealth();
  PrintVisitsAndRechoice();
  std::cout << "Every statement's lines add up to its total: "
            << (checks.lines_add_up ? "yes" : "NO") << ".\n";
  std::cout << "Every accepted visit is paid exactly once (statement hours "
               "equal the accepted visits' hours): "
            << (checks.paid_once ? "yes" : "NO") << ".\n";
  std::cout << "Every visit report was decided (none given up): "
            << (given_up_ == 0 ? "yes" : "NO") << ".\n";
  if (!checks.lines_add_up || !checks.paid_once || given_up_ > 0) std::exit(1);
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
}

}  // namespace lov::sim
