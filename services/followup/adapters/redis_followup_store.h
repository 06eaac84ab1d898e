#ifndef LOV_SERVICES_FOLLOWUP_ADAPTERS_REDIS_FOLLOWUP_STORE_H_
#define LOV_SERVICES_FOLLOWUP_ADAPTERS_REDIS_FOLLOWUP_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "lov/followup/ports.h"
#include "lov/platform/projection.h"
#include "lov/platform/redis.h"

namespace lov::followup {

// The follow-up service's serving state in Redis, all under "<prefix>:"
// (default "lov:followup"):
//   complaint:<id>, deviation:<id>, follow_up:<id>
//                           hash {version, data = the record}
//   complaints, deviations, follow_ups
//                           sets of their ids
//   visit:<visit id>        hash {version, data = the fact as a
//                           lov.visits.v1.Visit ("" once voided),
//                           exceptions = "1" or "0"}
//   visits_by_start         sorted set of visit ids, by start (Unix s)
//   assignment:<id>         hash {version (the choice event's), data = a
//                           lov.choice.v1.Assignment with client, provider,
//                           zone and dates only}
//   assignments             set of assignment ids
//   survey_year:<year>      hash {version} of aggregate "survey-<year>"
//   survey:<provider id>    hash {<year> = lov.followup.v1.SurveyResult}
//   survey_providers        set of provider ids with a survey result
//   published:<provider id> hash {version of aggregate "ind-<provider id>",
//                           z:<zone id> = the ProviderIndicators last
//                           published ("z:" for the all-zones row)}
//   published_providers     set of provider ids published
//   sanctions:<follow-up id> hash {v:<sanction id> = the registry
//                           provider's version, s:<sanction id> = the
//                           lov.followup.v1.FindingSanction}
//   sanctioned_follow_ups   set of follow-up ids with a sanction
//   request:<request id>    "<fingerprint> <aggregate id>"
//   lock:<aggregate id>     command lease
//   ready                   set once the state is built (see Projection)
class RedisFollowupStore : public FollowupStore,
                           public VisitFactStore,
                           public IndicatorStore,
                           public SanctionLinkStore {
 public:
  // With `collect`, the writes are added there instead of being made (the
  // state projection's batches, see state_projection.h); reads still go to
  // Redis.
  explicit RedisFollowupStore(RedisClient* redis,
                              std::string prefix = "lov:followup",
                              RedisWriteBatch* collect = nullptr)
      : redis_(redis), prefix_(std::move(prefix)), collect_(collect) {}

  absl::StatusOr<std::optional<v1::Complaint>> GetComplaint(
      const std::string& complaint_id) override;
  absl::StatusOr<std::vector<v1::Complaint>> ListComplaints() override;
  absl::StatusOr<std::optional<v1::Deviation>> GetDeviation(
      const std::string& deviation_id) override;
  absl::StatusOr<std::vector<v1::Deviation>> ListDeviations() override;
  absl::StatusOr<std::optional<v1::FollowUp>> GetFollowUp(
      const std::string& follow_up_id) override;
  absl::StatusOr<std::vector<v1::FollowUp>> ListFollowUps() override;
  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& request_id) override;
  absl::Status Apply(const v1::FollowupEvent& event) override;
  absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string& aggregate_id) override;

  absl::Status Keep(const std::string& visit_id, int64_t version,
                    const VisitFact& fact) override;
  absl::Status Drop(const std::string& visit_id, int64_t version) override;
  absl::StatusOr<std::vector<VisitFact>> StartingIn(
      const Interval& span) override;

  absl::Status KeepAssignment(const Listing& listing,
                              const std::string& assignment_id,
                              int64_t version) override;
  absl::StatusOr<std::vector<Listing>> ListListings() override;
  absl::StatusOr<std::map<std::string, v1::SurveyResult>> LatestSurveys()
      override;
  absl::StatusOr<int64_t> SurveyVersion(int year) override;
  absl::StatusOr<Published> GetPublished(
      const std::string& provider_id) override;

  absl::Status KeepSanction(const std::string& follow_up_id,
                            const v1::FindingSanction& sanction,
                            int64_t version) override;
  absl::StatusOr<std::map<std::string, std::vector<v1::FindingSanction>>>
  SanctionsByFollowUp() override;

  std::string ReadyKey() const { return prefix_ + ":ready"; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string Key(const std::string& suffix) const {
    return prefix_ + ":" + suffix;
  }
  // Every record of one kind ("complaint" kept under "complaints").
  template <typename Record>
  absl::StatusOr<std::vector<Record>> ListAll(const std::string& kind);
  // The records kept as fields of hash "<hash>:<id>" for every id in set
  // `set` (one pipeline), by id: each field whose name starts with
  // `field_prefix`, in the hash's field order; `what` names a corrupt one.
  template <typename Record>
  absl::StatusOr<std::map<std::string, std::vector<Record>>> FieldRecords(
      const std::string& set, const std::string& hash,
      absl::string_view field_prefix, absl::string_view what);
  absl::Status SetVisit(const std::string& visit_id, int64_t version,
                        const std::string& data, bool exceptions,
                        int64_t start);

  // The survey and published-indicator events (not records by id).
  absl::Status ApplyIndicatorEvent(const v1::FollowupEvent& event);

  // Every write: one script call, made now or added to collect_.
  absl::Status Write(const char* script, const std::vector<std::string>& keys,
                     const std::vector<std::string>& args);

  RedisClient* redis_;
  std::string prefix_;
  RedisWriteBatch* collect_ = nullptr;
};

}  // namespace lov::followup

#endif  // LOV_SERVICES_FOLLOWUP_ADAPTERS_REDIS_FOLLOWUP_STORE_H_
