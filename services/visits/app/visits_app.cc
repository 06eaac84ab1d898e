// What the visits use cases share: the service's settings, the write path's
// ports, the visit a staff command changes, and the checks of a request's
// fields.
#include "lov/visits/app/visits_app.h"

#include "absl/strings/str_cat.h"

namespace lov::visits {

VisitsSettings VisitsSettings::Read(Config& config) {
  VisitsSettings s;
  s.upload_batch_size =
      static_cast<int>(config.Int("upload-batch-size", 500, 1, 10000));
  s.rejected_retention = absl::Hours(
      24 * config.Int("rejected-retention-days",
                      topics::kDefaultRejectedRetentionDays, 1, 3650));
  s.rejected_per_provider = config.Int(
      "rejected-max-per-provider", kDefaultRejectedPerProvider, 1, 100000000);
  s.replay_plain = config.Bool("replay-plain", true);
  s.limits.max_length =
      absl::Minutes(config.Int("max-visit-minutes", 12 * 60, 1, 48 * 60));
  s.limits.far_over_granted_factor =
      static_cast<double>(
          config.Int("far-over-granted-percent", 150, 100, 10000)) /
      100.0;
  return s;
}

VisitsApp::VisitsApp(VisitStore* store, EventPublisher* publisher,
                     TopicEnd* topic_end, TopicEnd* rejected_end,
                     const Clock* clock, Limits limits, std::string instance_id)
    : store_(store),
      publisher_(publisher),
      topic_end_(topic_end),
      rejected_end_(rejected_end),
      clock_(clock),
      limits_(limits),
      instance_(std::move(instance_id)),
      runner_(
          {.lock =
               [store](const std::string& visit_id) {
                 return store->Lock(visit_id);
               },
           // The store keeps only the fingerprint of a request. It covers
           // the provider and report id, so a request that matches was on
           // the visit just locked, which each use case's replay knows.
           .find_request = [store](const std::string& request_id)
               -> absl::StatusOr<std::optional<RequestRecord>> {
             absl::StatusOr<std::optional<std::string>> fingerprint =
                 store->RequestFingerprint(request_id);
             if (!fingerprint.ok()) return fingerprint.status();
             if (!fingerprint->has_value()) {
               return std::optional<RequestRecord>();
             }
             return std::optional<RequestRecord>(
                 RequestRecord{.fingerprint = **fingerprint});
           },
           .publish =
               [publisher](const std::vector<v1::VisitEvent>& events) {
                 for (const absl::Status& s : publisher->PublishBatch(events)) {
                   if (!s.ok()) return s;
                 }
                 return absl::OkStatus();
               },
           .apply =
               [store](const v1::VisitEvent& event) {
                 return store->ApplyOwn({{&event}});
               }},
          clock) {}

absl::StatusOr<v1::Visit> VisitsApp::CurrentVisit(const std::string& visit_id,
                                                  VisitRecord* record) {
  absl::StatusOr<std::optional<VisitRecord>> rec = store_->GetVisit(visit_id);
  if (!rec.ok()) return rec.status();
  if (!rec->has_value()) {
    return absl::NotFoundError(absl::StrCat("report_id: no visit ", visit_id));
  }
  *record = **rec;
  if (!record->done) {
    return absl::UnavailableError(
        absl::StrCat("visit ", visit_id, " is still being recorded; retry"));
  }
  if (!record->current) {
    return absl::FailedPreconditionError(absl::StrCat(
        "visit ", visit_id, " was rejected; send a new report instead"));
  }
  if (record->voided) {
    return absl::FailedPreconditionError(
        absl::StrCat("visit ", visit_id, " is voided"));
  }
  return *record->current;
}

absl::Status VisitsApp::RequireFields(
    std::initializer_list<std::pair<const std::string*, const char*>> fields) {
  for (const auto& [value, field] : fields) {
    if (value->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
    }
  }
  return absl::OkStatus();
}

absl::Status VisitsApp::RequirePeriod(const std::string& period) {
  if (!IsPeriod(period)) {
    return absl::InvalidArgumentError("period: must be YYYY-MM");
  }
  return absl::OkStatus();
}

std::optional<v1::ExceptionEntry> VisitsApp::ExceptionEntryOf(
    const std::vector<v1::VisitEvent>& history) {
  std::optional<v1::ExceptionEntry> entry;
  for (const auto& e : history) {
    if (e.has_visit_accepted() || e.has_visit_corrected()) {
      entry.emplace();
      const bool accepted = e.has_visit_accepted();
      *entry->mutable_visit() =
          accepted ? e.visit_accepted().visit() : e.visit_corrected().visit();
      *entry->mutable_exceptions() = accepted
                                         ? e.visit_accepted().exceptions()
                                         : e.visit_corrected().exceptions();
    } else if (e.has_visit_voided()) {
      entry.reset();
    } else if (e.has_exceptions_reviewed() && entry &&
               e.exceptions_reviewed().visit_version() ==
                   entry->visit().version()) {
      *entry->mutable_review() = e.exceptions_reviewed();
    }
  }
  return entry;
}

}  // namespace lov::visits
