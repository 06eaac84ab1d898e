#ifndef LOV_SERVICES_AUDIT_APP_AUDIT_APP_H_
#define LOV_SERVICES_AUDIT_APP_AUDIT_APP_H_

#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lov/audit/ports.h"
#include "lov/audit/v1/audit_service.pb.h"
#include "lov/platform/kafka.h"

namespace lov::audit {

// The audit log's use cases, one file each: app/queries/<use case>.cc for
// the auditors' reads, app/reactions/<use case>.cc for the records the
// other services write. The service writes no events of its own; its reads
// are audited by the platform like every other call.
class AuditApp {
 public:
  explicit AuditApp(AuditStore* store) : store_(store) {}

  absl::StatusOr<v1::ListAccessResponse> ListClientAccess(
      const v1::ListClientAccessRequest& request);
  absl::StatusOr<v1::ListAccessResponse> ListActorAccess(
      const v1::ListActorAccessRequest& request);

  absl::Status RecordAccess(const CloudEvent& event);

 private:
  // The window and paging both queries share (their fields of the same
  // names).
  struct PageQuery {
    const google::protobuf::Timestamp* from = nullptr;  // nullptr: unset
    const google::protobuf::Timestamp* to = nullptr;
    int32_t page_size = 0;
    std::string page_token;
  };
  template <typename Request>
  static PageQuery PageQueryOf(const Request& request) {
    return {request.has_from_time() ? &request.from_time() : nullptr,
            request.has_to_time() ? &request.to_time() : nullptr,
            request.page_size(), request.page_token()};
  }

  // One page of `index` for `key`, the request's field `field`.
  absl::StatusOr<v1::ListAccessResponse> ListAccess(AccessIndex index,
                                                    absl::string_view field,
                                                    const std::string& key,
                                                    const PageQuery& query);

  AuditStore* store_;
};

}  // namespace lov::audit

#endif  // LOV_SERVICES_AUDIT_APP_AUDIT_APP_H_
