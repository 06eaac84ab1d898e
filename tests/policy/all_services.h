#ifndef LOV_TESTS_POLICY_ALL_SERVICES_H_
#define LOV_TESTS_POLICY_ALL_SERVICES_H_

// Every gRPC service of the platform, named once for the tests that walk
// them all (access policies, input limits): a new service is added here.

#include <google/protobuf/descriptor.h>

#include <vector>

#include "lov/audit/v1/audit_service.grpc.pb.h"
#include "lov/choice/v1/choice.grpc.pb.h"
#include "lov/followup/v1/followup.grpc.pb.h"
#include "lov/registry/v1/registry.grpc.pb.h"
#include "lov/settlement/v1/settlement.grpc.pb.h"
#include "lov/visits/v1/visits.grpc.pb.h"

namespace lov::testing {

inline std::vector<const google::protobuf::ServiceDescriptor*> AllServices() {
  // Through a request type of each file, so its descriptors are linked in.
  return {
      registry::v1::GetProviderRequest::descriptor()->file()->service(0),
      choice::v1::GetClientRequest::descriptor()->file()->service(0),
      visits::v1::GetVisitRequest::descriptor()->file()->service(0),
      settlement::v1::GetStatementRequest::descriptor()->file()->service(0),
      audit::v1::ListClientAccessRequest::descriptor()->file()->service(0),
      followup::v1::ListComplaintsRequest::descriptor()->file()->service(0)};
}

}  // namespace lov::testing

#endif  // LOV_TESTS_POLICY_ALL_SERVICES_H_
