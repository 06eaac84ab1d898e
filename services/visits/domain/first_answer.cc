#include "lov/visits/domain/first_answer.h"

#include "lov/platform/proto_util.h"

namespace lov::visits {

bool SupersedesRejection(const v1::VisitEvent& rejection,
                         const v1::VisitEvent& incoming) {
  if (!rejection.has_visit_rejected()) return false;
  if (incoming.has_visit_accepted()) return incoming.aggregate_version() == 1;
  if (!incoming.has_visit_rejected()) return false;
  return FromProtoTime(incoming.occurred_at()) >
         FromProtoTime(rejection.occurred_at());
}

}  // namespace lov::visits
