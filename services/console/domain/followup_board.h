// The follow-up part of the console's read model (issue 19): what is
// overdue today (complaints without an answer, serious lex Sarah reports
// not yet at IVO, action plans not received) and each provider's staff
// continuity, folded from lov.followup.events.v1. Pure: no Kafka or HTTP.
//
// The follow-up service computes every deadline and puts it in the record
// its events carry (reply_due_date, ivo_due_date, action_plan_due_date);
// whether a record is overdue today is the service's own published rule
// (lov/followup/contract/overdue.h), so the board always agrees with the
// service's lists. Continuity comes from ProviderIndicatorsPublished (the
// service's own figures, never recomputed here). No client data is kept:
// the records are held without their client ids.
#ifndef LOV_CONSOLE_DOMAIN_FOLLOWUP_BOARD_H_
#define LOV_CONSOLE_DOMAIN_FOLLOWUP_BOARD_H_

#include <functional>
#include <map>
#include <string>

#include "absl/time/civil_time.h"
#include "lov/followup/v1/events.pb.h"
#include "nlohmann/json.hpp"

namespace lov::console {

class FollowupBoard {
 public:
  // Events are applied once each; an older version of a record than the
  // one held is ignored.
  void Apply(const followup::v1::FollowupEvent& event);

  // The "followup" part of the dashboard as of `today` (Stockholm);
  // `provider_name` gives a provider's name as the registry has it.
  nlohmann::json Snapshot(absl::CivilDay today,
                          const std::function<std::string(const std::string&)>&
                              provider_name) const;

 private:
  // By record id, each without its client id.
  std::map<std::string, followup::v1::Complaint> complaints_;
  std::map<std::string, followup::v1::Deviation> deviations_;
  std::map<std::string, followup::v1::FollowUp> follow_ups_;
  // The latest all-zones indicators of each provider.
  std::map<std::string, followup::v1::ProviderIndicators> indicators_;
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_DOMAIN_FOLLOWUP_BOARD_H_
