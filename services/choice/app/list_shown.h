#ifndef LOV_SERVICES_CHOICE_APP_LIST_SHOWN_H_
#define LOV_SERVICES_CHOICE_APP_LIST_SHOWN_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lov/choice/ports.h"
#include "lov/platform/clock.h"

namespace lov::choice {

// What a first page of ListEligibleProviders showed, for the neutrality
// audit; nothing about the client.
struct ListShown {
  std::string zone_id;
  std::vector<std::string> category_ids;
  uint64_t seed = 0;
  std::string as_of;
  std::vector<std::string> shown_provider_ids;     // the first page, in order
  std::vector<std::string> eligible_provider_ids;  // all of them, by id
  bool reproduction = false;                       // the caller gave the seed
  std::string language;  // the language filter, normalised; empty: none
};

// The EligibleListShown event of `shown` under a fresh list id (its
// aggregate and Kafka key).
v1::ChoiceEvent ListShownEvent(const ListShown& shown, absl::Time now);

// Publishes it durably before the list is answered, as the read's audit
// record is: UNAVAILABLE ("not answered") when it could not be written.
absl::Status RecordListShown(EventPublisher& publisher, const Clock& clock,
                             const ListShown& shown);

}  // namespace lov::choice

#endif  // LOV_SERVICES_CHOICE_APP_LIST_SHOWN_H_
