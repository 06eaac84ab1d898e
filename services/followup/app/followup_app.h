#ifndef LOV_SERVICES_FOLLOWUP_APP_FOLLOWUP_APP_H_
#define LOV_SERVICES_FOLLOWUP_APP_FOLLOWUP_APP_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "lov/followup/ports.h"
#include "lov/followup/v1/followup.pb.h"
#include "lov/platform/clock.h"
#include "lov/platform/command_runner.h"
#include "lov/platform/kafka.h"

namespace lov::followup {

// The follow-up service's use cases, one file each: app/commands/<use
// case>.cc for writes, app/queries/<use case>.cc for reads,
// app/reactions/<use case>.cc for the visits service's events. Every write
// goes through the platform's CommandRunner (lock, request id, decide,
// publish, apply).
class FollowupApp {
 public:
  // `indicators` is needed by the indicator use cases only (ListIndicators,
  // ImportSurveyResults, PublishIndicators, RecordAssignment); `sanctions`
  // by RecordSanction (without it ListFollowUps lists no sanctions).
  FollowupApp(FollowupStore* store, VisitFactStore* visits,
              EventPublisher* publisher, const Clock* clock,
              IndicatorStore* indicators = nullptr,
              SanctionLinkStore* sanctions = nullptr);

  absl::StatusOr<v1::Complaint> RegisterComplaint(
      const v1::RegisterComplaintRequest& request);
  absl::StatusOr<v1::Complaint> AdvanceComplaint(
      const v1::AdvanceComplaintRequest& request);
  absl::StatusOr<v1::Deviation> ReportDeviation(
      const v1::ReportDeviationRequest& request);
  absl::StatusOr<v1::Deviation> ReportToIvo(
      const v1::ReportToIvoRequest& request);
  absl::StatusOr<v1::FollowUp> PlanFollowUp(
      const v1::PlanFollowUpRequest& request);
  absl::StatusOr<v1::FollowUp> CompleteFollowUp(
      const v1::CompleteFollowUpRequest& request);
  absl::StatusOr<v1::FollowUp> RecordActionPlan(
      const v1::RecordActionPlanRequest& request);

  absl::StatusOr<v1::ListComplaintsResponse> ListComplaints(
      const v1::ListComplaintsRequest& request);
  absl::StatusOr<v1::ListDeviationsResponse> ListDeviations(
      const v1::ListDeviationsRequest& request);
  absl::StatusOr<v1::ListFollowUpsResponse> ListFollowUps(
      const v1::ListFollowUpsRequest& request);
  absl::StatusOr<v1::ListContinuityResponse> ListContinuity(
      const v1::ListContinuityRequest& request);
  absl::StatusOr<v1::ListIndicatorsResponse> ListIndicators(
      const v1::ListIndicatorsRequest& request);
  absl::StatusOr<v1::ImportSurveyResultsResponse> ImportSurveyResults(
      const v1::ImportSurveyResultsRequest& request);

  // Publishes ProviderIndicatorsPublished for every provider and zone
  // whose figures today differ from the ones last published: at most once
  // a Stockholm day per provider and zone, again the same day only when
  // its survey result changed (docs/followup.md). Returns how many rows
  // were published. Safe on several replicas at once.
  absl::StatusOr<int> PublishIndicators();

  // What is overdue today, for the alerts (lov_followup_overdue).
  struct OverdueCounts {
    int complaints = 0;
    int deviations = 0;    // lex Sarah reports not at IVO in time
    int action_plans = 0;  // findings whose plan was not received in time
  };
  absl::StatusOr<OverdueCounts> CountOverdue();

  // A visits service event (lov.visits.events.v1) into the visit facts.
  absl::Status RecordVisit(const CloudEvent& event);
  // A choice service event (lov.choice.events.v1): assignments into the
  // listings (client ids, providers, zones and dates only).
  absl::Status RecordAssignment(const CloudEvent& event);
  // A registry event (lov.registry.v1): a sanction imposed or lifted that
  // names a finding is kept for ListFollowUps; other events change nothing.
  absl::Status RecordSanction(const CloudEvent& event);

 private:
  template <typename Record>
  using Load = std::function<absl::StatusOr<std::optional<Record>>(
      const std::string& aggregate_id)>;
  // Decides the record after the command from the one before (nullopt for
  // a command that creates it).
  template <typename Record>
  using Decide = std::function<absl::StatusOr<Record>(
      const std::optional<Record>& current)>;
  // Puts the record into the event's payload.
  template <typename Record>
  using Fill =
      std::function<void(const Record& after, v1::FollowupEvent* event)>;

  // Every write: one event on aggregate `id`, the record after it. A
  // command that creates (`creates`) is refused if the record exists; any
  // other if it does not (NotFound naming `id_field`).
  template <typename Record>
  absl::StatusOr<Record> Write(const google::protobuf::Message& request,
                               const std::string& request_id,
                               const std::string& id_field,
                               const std::string& id, bool creates,
                               const Load<Record>& load,
                               const Decide<Record>& decide,
                               const Fill<Record>& fill) {
    if (absl::Status s = RequireRequestId(request_id); !s.ok()) return s;
    if (id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(id_field, ": is required"));
    }
    using Result = Decision<v1::FollowupEvent, Record>;
    return runner_.Run<Record>(
        Command::ByRequest(id, request, request_id), load,
        [&]() -> absl::StatusOr<Result> {
          absl::StatusOr<std::optional<Record>> current = load(id);
          if (!current.ok()) return current.status();
          if (creates && current->has_value()) {
            return absl::AlreadyExistsError(
                absl::StrCat(id_field, ": '", id, "' exists already"));
          }
          if (!creates && !current->has_value()) {
            return absl::NotFoundError(
                absl::StrCat(id_field, ": no record '", id, "'"));
          }
          absl::StatusOr<Record> after = decide(*current);
          if (!after.ok()) return after.status();
          v1::FollowupEvent event;
          event.set_aggregate_id(id);
          event.set_aggregate_version(after->version());
          fill(*after, &event);
          return Result{{std::move(event)}, *after};
        });
  }

  // The id of the record a create command makes, from its request id, so a
  // retry locks the same aggregate: "<prefix>-<name-based uuid>".
  static std::string IdFor(const std::string& prefix,
                           const std::string& request_id);
  absl::CivilDay Today() const;
  // `as_of` (empty: today) as a date, or InvalidArgument naming as_of.
  absl::StatusOr<absl::CivilDay> AsOf(const std::string& as_of) const;

  // Every provider's (and with `by_zone` each zone's) indicators as of
  // `as_of`, from the serving state.
  absl::StatusOr<std::vector<v1::ProviderIndicators>> IndicatorsAsOf(
      absl::CivilDay as_of, bool by_zone);
  // The IndicatorStore, or FailedPrecondition when not given.
  absl::StatusOr<IndicatorStore*> Indicators() const;

  FollowupStore* store_;
  VisitFactStore* visits_;
  IndicatorStore* indicators_;
  SanctionLinkStore* sanctions_;
  const Clock* clock_;
  CommandRunner<v1::FollowupEvent> runner_;
};

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_APP_FOLLOWUP_APP_H_
