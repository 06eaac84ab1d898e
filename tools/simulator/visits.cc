// Phase 5: a month of visits per client, as the providers' time-reporting
// systems report them (with some bad reports and some sent twice), streamed
// to the visits service.
#include <algorithm>
#include <iostream>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {

void Simulation::ReportVisits() {
  std::cerr << "[5/7] Visits: time-reporting systems upload the month\n";
  AwaitAssignmentsInVisits();
  UploadVisits(MonthOfVisits(settings_.seed, settings_.month, clients_));
  std::cerr << "  " << accepted_ << " accepted (" << with_exceptions_
            << " with exceptions to review), " << RejectedCount()
            << " rejected, " << duplicates_
            << " duplicates answered with their first outcome; " << resent_
            << " resent, " << given_up_ << " given up\n";
}

// The visits service learns the assignments from the choice events: waits
// until it knows the last client's.
void Simulation::AwaitAssignmentsInVisits() {
  const SimClient* last = nullptr;
  for (const auto& c : clients_)
    if (!c.provider_id.empty()) last = &c;
  if (!last) return;
  bool known = WaitFor(
      [&] {
        vis::GetClientContextRequest q;
        q.set_client_id(last->client_id);
        vis::GetClientContextResponse resp;
        return visits_
                   ->GetClientContext(
                       sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), q, &resp)
                   .ok() &&
               resp.assignments_size() > 0;
      },
      120);
  if (!known)
    Die("the visits service did not learn the assignments from the choice "
        "events");
}

// Each provider's system streams its own reports (its token is good for its
// own visits only); the outcomes are counted as they come back.
void Simulation::UploadVisits(const std::vector<vis::VisitReport>& reports) {
  std::map<std::string, std::vector<vis::VisitReport>> by_provider;
  for (const auto& r : reports) by_provider[r.provider_id()].push_back(r);
  size_t uploaded = 0;
  for (const auto& [provider_id, own] : by_provider) {
    UploadProviderVisits(provider_id, own, reports.size(), &uploaded);
  }
  // In the reports' order, not the answers' (resends change that): the
  // late corrections pick from it.
  std::sort(accepted_performed_.begin(), accepted_performed_.end(),
            [](const vis::VisitReport& a, const vis::VisitReport& b) {
              return std::tie(a.provider_id(), a.report_id()) <
                     std::tie(b.provider_id(), b.report_id());
            });
}

// Streams the reports, resending those answered "send again" and those a
// broken stream left unanswered, and counts each final outcome as it comes.
void Simulation::UploadProviderVisits(
    const std::string& provider_id,
    const std::vector<vis::VisitReport>& reports, size_t total,
    size_t* uploaded) {
  // The reports sent twice on purpose: every one after the first.
  std::vector<bool> repeat(reports.size());
  std::set<std::string> seen;
  for (size_t i = 0; i < reports.size(); ++i)
    repeat[i] = !seen.insert(reports[i].report_id()).second;
  auto counts = upload::UploadWithResend(
      [&] { return VisitsChannel(); },
      [&](grpc::ClientContext* call) {
        sign_in_.Sign(call, auth::v1::ROLE_PROVIDER, provider_id);
      },
      reports, settings_.upload,
      [&](size_t i, const vis::ReportOutcome& outcome) {
        if (!repeat[i]) ack_log_->Write(outcome);
        CountOutcome(outcome, reports[i], repeat[i]);
        const size_t n = ++*uploaded;
        if (n % 5000 == 0 || n == total)
          Progress("visits", static_cast<int>(n), static_cast<int>(total));
      });
  if (!counts.ok()) {
    Must(grpc::Status(static_cast<grpc::StatusCode>(counts.status().code()),
                      std::string(counts.status().message())),
         "visit upload for " + provider_id);
  }
  resent_ += counts->resent;
  given_up_ += counts->given_up;
}

// A report's final outcome: a repeat is answered with the first outcome and
// not counted again; a report given up counts nowhere here.
void Simulation::CountOutcome(const vis::ReportOutcome& o,
                              const vis::VisitReport& r, bool repeat) {
  if (!upload::Decides(o)) return;
  if (repeat) {
    ++duplicates_;
    return;
  }
  if (o.outcome() == vis::OUTCOME_REJECTED) {
    ++rejected_[vis::ReasonCode_Name(o.reason_code())];
    return;
  }
  ++accepted_;
  if (o.outcome() == vis::OUTCOME_ACCEPTED_WITH_EXCEPTIONS) ++with_exceptions_;
  accepted_visits_.push_back({r, o.outcome()});
  if (r.status() != vis::VISIT_STATUS_PERFORMED) return;
  performed_seconds_[r.provider_id()] +=
      absl::ToInt64Seconds(FromProtoTime(r.end()) - FromProtoTime(r.start()));
  accepted_performed_.push_back(r);
}

int64_t Simulation::RejectedCount() const {
  int64_t rejected = 0;
  for (const auto& [reason, count] : rejected_) rejected += count;
  return rejected;
}

}  // namespace lov::sim
