#ifndef LOV_SERVICES_VISITS_APP_VISITS_APP_H_
#define LOV_SERVICES_VISITS_APP_VISITS_APP_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/platform/clock.h"
#include "lov/visits/v1/visits.pb.h"
#include "lov/visits/ports.h"

namespace lov::visits {

// The visits use cases. Ingesting a report: verify it against the context
// (pure rules), reserve its id and its slots in one atomic step (first
// writer wins, overlaps are caught), publish the event (durable in Kafka
// before anything is answered), then record the outcome. A retry finds the
// recorded outcome. A reservation whose owner died before recording is
// resolved from Kafka itself: once the projection has read the own topic up
// to its end, a still-pending reservation was never published and is
// dropped, so the retry decides afresh; otherwise the projection recorded
// the outcome and the retry gets it.
class VisitsApp {
 public:
  VisitsApp(VisitStore* store, EventPublisher* publisher, TopicEnd* topic_end,
            const Clock* clock, Limits limits, std::string instance_id)
      : store_(store),
        publisher_(publisher),
        topic_end_(topic_end),
        clock_(clock),
        limits_(limits),
        instance_(std::move(instance_id)) {}

  // One outcome per report, in order. A report that could not be handled
  // now has error_code set (nothing was decided for it).
  std::vector<v1::ReportOutcome> Ingest(
      const std::vector<v1::VisitReport>& reports);

  absl::StatusOr<v1::ReportOutcome> ReportVisit(
      const v1::ReportVisitRequest& request);
  absl::StatusOr<v1::CorrectVisitResponse> CorrectVisit(
      const v1::CorrectVisitRequest& request);
  absl::StatusOr<v1::VoidVisitResponse> VoidVisit(
      const v1::VoidVisitRequest& request);
  absl::StatusOr<v1::GetVisitResponse> GetVisit(
      const v1::GetVisitRequest& request);
  absl::StatusOr<v1::ListRejectedResponse> ListRejected(
      const v1::ListRejectedRequest& request);
  absl::StatusOr<v1::ListExceptionsResponse> ListExceptions(
      const v1::ListExceptionsRequest& request);
  absl::StatusOr<v1::ExceptionEntry> ReviewExceptions(
      const v1::ReviewExceptionsRequest& request);
  absl::StatusOr<v1::GetPerformedVsGrantedResponse> GetPerformedVsGranted(
      const v1::GetPerformedVsGrantedRequest& request);
  absl::StatusOr<v1::ListDeviationsResponse> ListDeviations(
      const v1::ListDeviationsRequest& request);
  absl::StatusOr<v1::GetClientContextResponse> GetClientContext(
      const v1::GetClientContextRequest& request);

  // Drops the reservations of dead instances that never reached Kafka
  // (run periodically, so they do not block slots for ever).
  absl::Status SweepOrphans();
  // Keeps this instance's reservations marked as alive.
  absl::Status Heartbeat();
  static constexpr absl::Duration kHeartbeatTtl = absl::Seconds(3);

  const std::string& instance_id() const { return instance_; }

 private:
  struct Item;
  void Round(std::vector<Item>& items, bool* waiting);
  // Waits until the projection has read the own topic to its current end,
  // then drops the given reservations if they are still pending.
  absl::Status ResolveOrphans(
      const std::vector<std::pair<std::string, std::string>>& orphans);
  v1::VisitEvent NewEvent(const std::string& aggregate_id, int64_t version,
                          const std::string& request_id,
                          const std::string& fingerprint) const;
  // A staff command on one visit: holds the visit's lease; `retry` when
  // the request id was handled before (ALREADY_EXISTS if for another
  // request).
  struct Command {
    std::string visit_id;
    std::string fingerprint;
    std::unique_ptr<Lease> lease;
    bool retry = false;
  };
  template <typename Request>
  absl::StatusOr<Command> BeginCommand(const Request& request);
  absl::StatusOr<v1::Visit> CurrentVisit(const std::string& provider_id,
                                         const std::string& report_id,
                                         VisitRecord* record);
  absl::Status PublishOne(const v1::VisitEvent& event);

  VisitStore* store_;
  EventPublisher* publisher_;
  TopicEnd* topic_end_;
  const Clock* clock_;
  Limits limits_;
  std::string instance_;
};

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_APP_VISITS_APP_H_
