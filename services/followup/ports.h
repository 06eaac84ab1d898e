#ifndef LOV_SERVICES_FOLLOWUP_PORTS_H_
#define LOV_SERVICES_FOLLOWUP_PORTS_H_

// The small interfaces the follow-up service's application layer needs;
// adapters/ implements them on Redis and Kafka, tests on memory.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lov/followup/domain/continuity.h"
#include "lov/followup/domain/indicators.h"
#include "lov/followup/v1/events.pb.h"
#include "lov/followup/v1/followup.pb.h"
#include "lov/followup/v1/records.pb.h"
#include "lov/platform/requests.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

namespace v1 = ::lov::followup::v1;

// The service's own records, kept from its events.
class FollowupStore {
 public:
  virtual ~FollowupStore() = default;
  virtual absl::StatusOr<std::optional<v1::Complaint>> GetComplaint(
      const std::string& complaint_id) = 0;
  virtual absl::StatusOr<std::vector<v1::Complaint>> ListComplaints() = 0;
  virtual absl::StatusOr<std::optional<v1::Deviation>> GetDeviation(
      const std::string& deviation_id) = 0;
  virtual absl::StatusOr<std::vector<v1::Deviation>> ListDeviations() = 0;
  virtual absl::StatusOr<std::optional<v1::FollowUp>> GetFollowUp(
      const std::string& follow_up_id) = 0;
  virtual absl::StatusOr<std::vector<v1::FollowUp>> ListFollowUps() = 0;
  virtual absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) = 0;
  // Applies one event; idempotent: an event whose aggregate version is not
  // newer than the stored record's changes nothing.
  virtual absl::Status Apply(const v1::FollowupEvent& event) = 0;
  // Serialises commands on one aggregate, across replicas.
  virtual absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) = 0;
};

// The visits the indicators are computed from, kept from the visits
// service's events: each visit's current version, by visit id.
class VisitFactStore {
 public:
  virtual ~VisitFactStore() = default;
  // Keeps `fact` as version `version` of the visit; a version not newer
  // than the kept one changes nothing.
  virtual absl::Status Keep(const std::string& visit_id, int64_t version,
                            const VisitFact& fact) = 0;
  // The visit is voided at `version`: it counts no more.
  virtual absl::Status Drop(const std::string& visit_id, int64_t version) = 0;
  // The current visits that start within `span`.
  virtual absl::StatusOr<std::vector<VisitFact>> StartingIn(
      const Interval& span) = 0;
};

// What the indicators need besides visits and the service's own records:
// the choice service's assignments (client ids only), the imported survey
// results and the indicators last published. Survey results and published
// indicators change only by FollowupStore::Apply of their events.
class IndicatorStore {
 public:
  virtual ~IndicatorStore() = default;
  // Keeps `assignment` (by its id) as of the choice event's aggregate
  // version `version`; a version not newer than the kept one changes
  // nothing.
  virtual absl::Status KeepAssignment(const Listing& listing,
                                      const std::string& assignment_id,
                                      int64_t version) = 0;
  virtual absl::StatusOr<std::vector<Listing>> ListListings() = 0;
  // Each provider's latest imported survey year.
  virtual absl::StatusOr<std::map<std::string, v1::SurveyResult>>
  LatestSurveys() = 0;
  // The version of aggregate "survey-<year>" (0: never imported).
  virtual absl::StatusOr<int64_t> SurveyVersion(int year) = 0;
  // The indicators last published for the provider, by zone ("" first),
  // and the version of its aggregate "ind-<provider_id>" (0: none yet).
  struct Published {
    int64_t version = 0;
    std::map<std::string, v1::ProviderIndicators> by_zone;
  };
  virtual absl::StatusOr<Published> GetPublished(
      const std::string& provider_id) = 0;
};

// The registry's sanctions that name a finding, kept from the registry's
// events (lov.registry.v1): the sanction's ids, kind and dates only.
class SanctionLinkStore {
 public:
  virtual ~SanctionLinkStore() = default;
  // Keeps `sanction` under its follow-up as of the registry provider's
  // aggregate version `version`; a version not newer than the kept one
  // changes nothing.
  virtual absl::Status KeepSanction(const std::string& follow_up_id,
                                    const v1::FindingSanction& sanction,
                                    int64_t version) = 0;
  // Every kept sanction, by follow-up id.
  virtual absl::StatusOr<
      std::map<std::string, std::vector<v1::FindingSanction>>>
  SanctionsByFollowUp() = 0;
};

class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // Returns once the event is durably in Kafka.
  virtual absl::Status Publish(const v1::FollowupEvent& event) = 0;
};

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_PORTS_H_
