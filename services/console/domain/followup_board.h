// The follow-up part of the console's read model (issue 19): what is
// overdue today (complaints without an answer, serious lex Sarah reports
// not yet at IVO, action plans not received) and each provider's staff
// continuity, folded from lov.followup.events.v1. Pure: no Kafka or HTTP.
//
// The follow-up service computes every deadline and puts it in the record
// its events carry (reply_due_date, ivo_due_date, action_plan_due_date);
// the board only compares it with today's Stockholm date: a deadline ends
// with its date, so a record is overdue from the next day on, as in
// docs/followup.md. Continuity comes from ProviderIndicatorsPublished (the
// service's own figures, never recomputed here). No client data is kept:
// counts and record ids only.
#ifndef LOV_CONSOLE_DOMAIN_FOLLOWUP_BOARD_H_
#define LOV_CONSOLE_DOMAIN_FOLLOWUP_BOARD_H_

#include <functional>
#include <map>
#include <string>

#include "lov/followup/v1/events.pb.h"
#include "nlohmann/json.hpp"

namespace lov::console {

class FollowupBoard {
 public:
  // Events are applied once each; an older version of a record than the
  // one held is ignored.
  void Apply(const followup::v1::FollowupEvent& event);

  // The "followup" part of the dashboard as of `today` ("YYYY-MM-DD",
  // Stockholm); `provider_name` gives a provider's name as the registry
  // has it.
  nlohmann::json Snapshot(const std::string& today,
                          const std::function<std::string(const std::string&)>&
                              provider_name) const;

 private:
  struct Complaint {
    std::string provider_id, reply_due_date;
    bool answered = false;
    int64_t version = 0;
  };
  struct Deviation {
    std::string provider_id, ivo_due_date;
    bool at_ivo = false;
    int64_t version = 0;
  };
  std::map<std::string, Complaint> complaints_;               // by complaint id
  std::map<std::string, Deviation> deviations_;               // by deviation id
  std::map<std::string, followup::v1::FollowUp> follow_ups_;  // by id
  // The latest all-zones indicators of each provider.
  std::map<std::string, followup::v1::ProviderIndicators> indicators_;
};

}  // namespace lov::console

#endif  // LOV_CONSOLE_DOMAIN_FOLLOWUP_BOARD_H_
