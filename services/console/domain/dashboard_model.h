// The console's read model: what operations staff follow about the market,
// the visits, the settlement and the follow-up, folded from the five
// services' events. Pure:
// no Kafka, Redis or HTTP; the app feeds it decoded events.
#ifndef LOV_CONSOLE_DOMAIN_DASHBOARD_MODEL_H_
#define LOV_CONSOLE_DOMAIN_DASHBOARD_MODEL_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/console/domain/followup_board.h"
#include "lov/followup/v1/events.pb.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/visits/v1/events.pb.h"
#include "nlohmann/json.hpp"

namespace lov::console {

// "2026-W47": the ISO 8601 week (Monday first; week 1 holds the year's
// first Thursday) of a calendar day.
std::string IsoWeek(absl::CivilDay day);

// Selectable providers in one zone and category, as the choice service last
// reported them (ZoneHealth).
struct ZoneChoice {
  std::string zone_id;
  std::string category_id;
  int selectable_providers = 0;
  bool no_real_choice = false;
};

class DashboardModel {
 public:
  // Events are applied once each (the caller deduplicates on the event id).
  void Apply(const registry::v1::RegistryEvent& event);
  void Apply(const choice::v1::ChoiceEvent& event);
  void Apply(const visits::v1::VisitEvent& event);
  void Apply(const settlement::v1::SettlementEvent& event);
  void Apply(const followup::v1::FollowupEvent& event) {
    followup_.Apply(event);
  }

  // Everything the dashboard shows, as of `now` (which decides "today" in
  // Stockholm, the current week and the ingestion-rate window).
  nlohmann::json Snapshot(absl::Time now) const;

  std::vector<ZoneChoice> ZoneChoices() const;

  // The registry's zones and categories (id, name), in its order.
  const std::vector<std::pair<std::string, std::string>>& zones() const {
    return zones_;
  }
  const std::vector<std::pair<std::string, std::string>>& categories() const {
    return categories_;
  }
  // Names as the registry has them; the id when it names none.
  std::string ProviderName(const std::string& id) const;
  std::string ZoneName(const std::string& id) const;
  std::string CategoryName(const std::string& id) const;

 private:
  struct ProviderView {
    std::string name;
    registry::v1::Provider provider;
  };
  struct AssignmentView {
    std::string client_id, provider_id, zone_id, valid_from, valid_to;
    std::vector<std::string> category_ids;
  };
  struct CaseView {
    std::string client_id, provider_id, zone_id, deadline, effective_date;
    bool closed = false;
    std::string outcome;
  };
  // An approved statement, or one previewed by a settlement of old that
  // published its previews (StatementPreviewed is no longer published: a
  // preview is a read). Statements not yet approved are shown from their
  // visits instead (Snapshot: "open" while the month runs, then "awaiting
  // approval").
  struct StatementView {
    std::string status;  // "previewed", "approved"
    int64_t total_ore = 0;
  };

  void AddPerformed(const visits::v1::Visit& visit, int sign);
  void CountVisit(const visits::v1::Visit& visit, int sign);
  void CountIngested(absl::Time at);

  // Registry.
  std::string municipality_name_;
  std::vector<std::pair<std::string, std::string>> zones_;       // id, name
  std::vector<std::pair<std::string, std::string>> categories_;  // id, name
  std::map<std::string, ProviderView> providers_;

  // Choice.
  std::map<std::pair<std::string, std::string>, ZoneChoice> zone_health_;
  std::map<std::string, AssignmentView> assignments_;
  std::map<int, int64_t> starts_by_reason_;  // AssignmentReason -> count
  std::map<std::string, int64_t> rechoices_by_week_;
  std::map<std::string, CaseView> cases_;  // by "<client id>/<case id>"
  // client -> category -> granted minutes per month (beviljad tid)
  std::map<std::string, std::map<std::string, int64_t>> granted_;

  // Visits.
  int64_t accepted_ = 0, accepted_with_exceptions_ = 0, rejected_ = 0,
          corrected_ = 0, voided_ = 0;
  std::map<std::string, int64_t> rejections_by_reason_;
  std::map<std::string, int64_t> exceptions_by_code_;
  std::map<int64_t, int64_t> ingested_per_minute_;  // unix minute -> reports
  // (provider, "YYYY-MM" Stockholm month of the start) -> performed minutes
  std::map<std::pair<std::string, std::string>, int64_t> performed_;

  // (provider, period of the visit) -> visits accepted and not voided: the
  // statements due.
  std::map<std::pair<std::string, std::string>, int64_t> visits_by_period_;

  // Settlement: (provider, period) -> statement.
  std::map<std::pair<std::string, std::string>, StatementView> statements_;
  // The month-end run of each period (the last prepared) and its approval.
  struct MonthRunView {
    std::string run_digest;
    int providers = 0;
    int64_t total_ore = 0;
    bool approved = false;
    int approved_count = 0, refused_count = 0;
    int64_t approved_total_ore = 0;
  };
  std::map<std::string, MonthRunView> month_runs_;  // by period
  int64_t adjustments_ = 0;

  // Follow-up: overdue items and continuity per provider.
  FollowupBoard followup_;
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_DOMAIN_DASHBOARD_MODEL_H_
