#ifndef LOV_SERVICES_VISITS_APP_VISITS_APP_H_
#define LOV_SERVICES_VISITS_APP_VISITS_APP_H_

#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lov/platform/clock.h"
#include "lov/platform/command_runner.h"
#include "lov/platform/config.h"
#include "lov/platform/identity_numbers.h"
#include "lov/visits/ports.h"
#include "lov/visits/v1/visits.pb.h"

namespace lov::visits {

// The service's own settings (flags or LOV_ environment variables).
struct VisitsSettings {
  int upload_batch_size = 500;  // reports verified and published together
  // How long a rejected report stays listed and recognised (a resend after
  // that is judged again).
  absl::Duration rejected_retention = kDefaultRejectedRetention;
  // How many of a provider's rejected reports are kept at most (the
  // newest; an older one evicted is as one expired).
  int64_t rejected_per_provider = kDefaultRejectedPerProvider;
  // Whether the rebuild records batches of visits new to Redis with plain
  // commands instead of the record script (--replay-plain; off only to
  // compare, docs/performance.md).
  bool replay_plain = true;
  Limits limits;

  static VisitsSettings Read(Config& config);
};

// Adds the wall time since `since` to one step of an upload batch's
// ingestion (lov_visits_ingest_seconds_total{phase}; the steps are timed in
// ingest.cc and, for the audit record and the whole batch, at the API edge):
// where an upload's time goes (performance.md, "Ingestion, seventh round").
void CountIngestPhase(const char* phase, absl::Time since);

// The visits use cases, one file each: app/commands/<use case>.cc for
// writes, app/queries/<use case>.cc for reads, app/orphans.cc for the
// reservations of instances that died.
//
// Staff commands (correct, void, review) go through the platform's
// CommandRunner: lock the visit, check the request id, decide, publish,
// apply.
//
// Reports (app/commands/ingest.cc) come in batches and keep a protocol of
// their own: verify each against its context (pure rules), reserve its id
// and its slots in one atomic step (first writer wins, overlaps are
// caught), publish the events (durable in Kafka before anything is
// answered), then record the outcomes. A retry finds the recorded outcome.
// A reservation whose owner died before recording is resolved from Kafka
// itself: once the projection has read the own topic up to its end, a
// still-pending reservation was never published and is dropped, so the
// retry decides afresh; otherwise the projection recorded the outcome and
// the retry gets it.
class VisitsApp {
 public:
  // `topic_end` and `rejected_end`: the ends of the own events topic and of
  // the rejected reports' topic.
  VisitsApp(VisitStore* store, EventPublisher* publisher, TopicEnd* topic_end,
            TopicEnd* rejected_end, const Clock* clock, Limits limits,
            std::string instance_id);

  // One outcome per report, in order. A report that could not be handled
  // now has error_code set (nothing was decided for it).
  std::vector<v1::ReportOutcome> Ingest(
      const std::vector<v1::VisitReport>& reports);

  // The batches of one upload stream, more than one in flight: the next
  // batch is verified and reserved (PrepareIngest) while the one before it
  // is published and recorded (FinishIngest). Its verification counts the
  // month's performed time of the stream's earlier batches that are
  // reserved and not yet recorded, so the rules see every earlier report
  // of the stream; the slots of those are in Redis from their reservation.
  // A batch whose predecessor did not end as it was counted (an event not
  // durable, a report decided only in a later pass) drops its reservations
  // and is verified again. A stream's PrepareIngest calls come one after
  // the other; FinishIngest waits for the stream's earlier batches to
  // finish, so answers stay in report order.
  class IngestStream {
   public:
    IngestStream() = default;
    IngestStream(const IngestStream&) = delete;
    IngestStream& operator=(const IngestStream&) = delete;

   private:
    friend class VisitsApp;
    // Minutes counted by the batches before `ticket` (state_mu_ held).
    std::map<std::string, int64_t> CountedBefore(int64_t ticket) const;

    // Held while a batch reads its contexts with the minutes in flight,
    // and while a batch is recorded and its minutes leave the count, so a
    // verification sees each earlier report once: in Redis or in flight.
    std::mutex state_mu_;
    // Per batch: accepted minutes reserved and not yet recorded, by
    // client, category and month.
    std::map<int64_t, std::map<std::string, int64_t>> in_flight_;

    std::mutex order_mu_;
    std::condition_variable finished_;
    std::set<int64_t> unfinished_;  // batches prepared and not finished
    int64_t next_ticket_ = 0;
    // How many batches ended other than counted by the ones after them.
    int64_t miscounted_ = 0;
  };
  // A batch verified and reserved (app/commands/ingest.cc).
  class PreparedIngest;
  struct PreparedDeleter {
    void operator()(PreparedIngest* p) const;
  };
  using Prepared = std::unique_ptr<PreparedIngest, PreparedDeleter>;
  // The first pass over `reports`, up to the reservations. `stream` (may be
  // null: no other batch in flight) outlives the batch.
  Prepared PrepareIngest(std::vector<v1::VisitReport> reports,
                         IngestStream* stream);
  // Publishes and records the prepared batch (further passes for reports
  // that waited), after the stream's earlier batches; the outcomes in
  // report order, as Ingest.
  std::vector<v1::ReportOutcome> FinishIngest(Prepared batch);

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
  // One report of an ingested batch, and one pass over the unanswered ones
  // (app/commands/ingest.cc).
  struct Item;
  class Round;
  template <typename Result>
  using VisitDecision = Decision<v1::VisitEvent, Result>;
  // A reservation and the instance that holds it.
  using Owned = std::pair<std::string, std::string>;  // visit id, owner

  // Waits until the projection has read the own topic to its current end,
  // then drops the given reservations if they are still pending.
  absl::Status ResolveOrphans(const std::vector<Owned>& orphans);
  // Whether `owner` no longer heartbeats; asked once per owner, `alive`
  // remembers the answers.
  absl::StatusOr<bool> OwnerGone(const std::string& owner,
                                 std::map<std::string, bool>& alive);

  // The visit a staff command changes, and its record: NotFound, still
  // being recorded (Unavailable), rejected or voided (FailedPrecondition).
  absl::StatusOr<v1::Visit> CurrentVisit(const std::string& visit_id,
                                         VisitRecord* record);
  // The corrected version's event and the answer, or the rule it breaks.
  absl::StatusOr<VisitDecision<v1::CorrectVisitResponse>> DecideCorrection(
      const std::string& visit_id, const v1::CorrectVisitRequest& request,
      const v1::VisitReport& corrected);
  // The visit's current version with its exceptions and review, and the
  // visit's record; what a review looks at.
  struct Reviewable {
    VisitRecord record;
    v1::Visit current;
    std::optional<v1::ExceptionEntry> entry;
  };
  absl::StatusOr<Reviewable> LoadReviewable(const std::string& visit_id);

  // A staff command's request id, provider and report id and `value` (its
  // reason, or who reviews) are present; the first missing one is named.
  template <typename Request>
  static absl::Status RequireVisitCommand(const Request& request,
                                          const std::string& value,
                                          const char* field) {
    if (absl::Status s = RequireRequestId(request.request_id()); !s.ok()) {
      return s;
    }
    if (absl::Status s = RequireFields({{&request.provider_id(), "provider_id"},
                                        {&request.report_id(), "report_id"},
                                        {&value, field}});
        !s.ok()) {
      return s;
    }
    return RefusePersonnummer(field, value);
  }
  // Each value is present; the first missing one is named.
  static absl::Status RequireFields(
      std::initializer_list<std::pair<const std::string*, const char*>> fields);
  static absl::Status RequirePeriod(const std::string& period);
  // One client's rows of performed against granted time, by category: the
  // time of every provider, or of `provider_id` only when it is set.
  static std::vector<v1::PerformedVsGranted> RowsOf(
      const std::string& client_id, const std::string& provider_id,
      const std::string& period, const ClientMonth& month);
  // The current version of a visit with its exceptions and their review,
  // from its history; nullopt when it was rejected or is voided.
  static std::optional<v1::ExceptionEntry> ExceptionEntryOf(
      const std::vector<v1::VisitEvent>& history);

  VisitStore* store_;
  EventPublisher* publisher_;
  TopicEnd* topic_end_;
  TopicEnd* rejected_end_;
  const Clock* clock_;
  Limits limits_;
  std::string instance_;
  CommandRunner<v1::VisitEvent> runner_;
};

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_APP_VISITS_APP_H_
