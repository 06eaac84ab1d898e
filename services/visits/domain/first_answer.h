#ifndef LOV_SERVICES_VISITS_DOMAIN_FIRST_ANSWER_H_
#define LOV_SERVICES_VISITS_DOMAIN_FIRST_ANSWER_H_

// Which first answer to a report id stands. A rejection is kept only for a
// while (--rejected-retention-days, and a provider's oldest beyond
// --rejected-max-per-provider are evicted); after that the same report id
// is decided afresh, so one visit id may have a rejection followed by an
// acceptance, or by a later rejection. Rejections and acceptances are on
// different topics (and older rejections on the events topic), so a rebuild
// may read them in any order: the answer that stands is decided from the
// events themselves.

#include "lov/visits/v1/events.pb.h"

namespace lov::visits {

// Whether `incoming`, an event of the same visit id as the stored
// `rejection` (a VisitRejected), replaces it as the visit's first answer:
// an acceptance always does (it was only decided because the rejection was
// gone); a rejection does when it was decided later (the earlier one was
// gone by then); a rejection decided at the same time or earlier, and any
// other event, does not.
bool SupersedesRejection(const v1::VisitEvent& rejection,
                         const v1::VisitEvent& incoming);

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_DOMAIN_FIRST_ANSWER_H_
