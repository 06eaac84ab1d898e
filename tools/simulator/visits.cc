// Phase 5: a month of visits per client, as the providers' time-reporting
// systems report them (with some bad reports and some sent twice), streamed
// to the visits service.
#include <algorithm>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {

void Simulation::ReportVisits() {
  std::cerr << "[5/6] Visits: time-reporting systems upload the month\n";
  AwaitAssignmentsInVisits();
  UploadVisits(GenerateVisits());
  std::cerr << "  " << accepted_ << " accepted (" << with_exceptions_
            << " with exceptions to review), " << RejectedCount()
            << " rejected, " << duplicates_
            << " duplicates answered with their first outcome\n";
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
                   ->GetClientContext(sign_in_.As(Role::kCaseOfficer).get(), q,
                                      &resp)
                   .ok() &&
               resp.assignments_size() > 0;
      },
      120);
  if (!known)
    Die("the visits service did not learn the assignments from the choice "
        "events");
}

std::vector<vis::VisitReport> Simulation::GenerateVisits() {
  std::vector<vis::VisitReport> out;
  for (size_t i = 0; i < clients_.size(); ++i) {
    const SimClient& c = clients_[i];
    if (c.provider_id.empty()) continue;
    AddClientVisits(i, "home-help-service", c.service_minutes, &out);
    AddClientVisits(i, "home-help-personal-care", c.care_minutes, &out);
  }
  AddBadReports(&out);
  return out;
}

// The client's visits in one category, spread evenly over the month.
void Simulation::AddClientVisits(size_t i, const std::string& category,
                                 int granted_minutes,
                                 std::vector<vis::VisitReport>* out) {
  if (granted_minutes == 0) return;
  const SimClient& c = clients_[i];
  const bool service = category == "home-help-service";
  const int days = static_cast<int>(last_day_ - first_day_) + 1;
  const int visit_minutes = service ? 60 : 30;
  // About 82% of granted time is performed (Stockholm, 2014).
  const int visits = std::max(1, granted_minutes * 82 / 100 / visit_minutes);
  for (int v = 0; v < visits; ++v) {
    const absl::CivilDay day =
        first_day_ + static_cast<int>((v * days) / visits);
    // Morning, lunch, afternoon or evening slot; the minute spreads them.
    static const int kSlots[] = {7 * 60 + 30, 11 * 60 + 30, 14 * 60, 19 * 60};
    const int slot = service ? 9 * 60 + 30 : kSlots[v % 4];
    const int minute = slot + static_cast<int>(i % 90);
    const int length = visit_minutes - 5 + static_cast<int>(rng_() % 15);
    vis::VisitReport r;
    r.set_report_id(absl::StrCat(absl::FormatCivilTime(settings_.month), "-", i,
                                 "-", service ? "s" : "c", v));
    r.set_provider_id(c.provider_id);
    r.set_client_id(c.client_id);
    r.set_category_id(category);
    // One staff member per client and slot: nobody is in two places.
    r.set_staff_id(absl::StrCat("stf-", c.provider_id.substr(4, 6), "-", i, "-",
                                service ? 9 : v % 4));
    const absl::Time start =
        FromStockholm(absl::CivilSecond(day) + minute * 60);
    *r.mutable_start() = ToProtoTime(start);
    *r.mutable_end() = ToProtoTime(start + absl::Minutes(length));
    r.set_evidence(rng_() % 20 == 0 ? vis::EVIDENCE_MANUAL
                                    : vis::EVIDENCE_NFC_TAG);
    r.set_status(vis::VISIT_STATUS_PERFORMED);
    if (!service && rng_() % 20 == 0) {
      r.set_double_staffing(true);
      r.set_second_staff_id(r.staff_id() + "-b");
    }
    if (rng_() % 50 == 0) {  // missed visit: client not at home
      r.set_status(vis::VISIT_STATUS_CLIENT_ABSENT);
      r.set_status_reason("client not at home");
    }
    out->push_back(std::move(r));
  }
}

// Some bad reports, as real systems send them, and a few sent twice.
void Simulation::AddBadReports(std::vector<vis::VisitReport>* out) const {
  const size_t good = out->size();
  for (size_t k = 0; k < good / 200; ++k) {
    vis::VisitReport bad = (*out)[(k * 7919) % good];
    bad.set_report_id(absl::StrCat(bad.report_id(), "-bad", k));
    const SimClient& other = clients_[(k * 31 + 1) % clients_.size()];
    switch (k % 3) {
      case 0:  // end before start
        *bad.mutable_end() = bad.start();
        break;
      case 1:  // a client the provider does not serve
        if (other.provider_id == bad.provider_id()) continue;
        bad.set_client_id(other.client_id);
        bad.set_staff_id(bad.staff_id() + "-x");
        break;
      case 2:  // no staff id
        bad.clear_staff_id();
        break;
    }
    out->push_back(std::move(bad));
  }
  for (size_t k = 0; k < good / 500; ++k)
    out->push_back((*out)[(k * 104729) % good]);
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
}

// Streams the reports while a second thread writes them, and counts each
// outcome as it comes back.
void Simulation::UploadProviderVisits(
    const std::string& provider_id,
    const std::vector<vis::VisitReport>& reports, size_t total,
    size_t* uploaded) {
  grpc::ClientContext ctx;
  sign_in_.Sign(&ctx, Role::kProvider, provider_id);
  auto stream = visits_->UploadVisits(&ctx);
  std::thread writer([&] {
    for (const auto& r : reports) {
      vis::UploadVisitsRequest req;
      *req.mutable_report() = r;
      if (!stream->Write(req)) break;
    }
    stream->WritesDone();
  });
  // Outcomes name the visit "<provider>/<report id>".
  std::map<std::string, const vis::VisitReport*> by_id;
  for (const auto& r : reports)
    by_id[r.provider_id() + "/" + r.report_id()] = &r;
  vis::UploadVisitsResponse resp;
  while (stream->Read(&resp)) {
    CountOutcome(resp.outcome(), by_id);
    const size_t n = ++*uploaded;
    if (n % 5000 == 0 || n == total)
      Progress("visits", static_cast<int>(n), static_cast<int>(total));
  }
  writer.join();
  Must(stream->Finish(), "visit upload for " + provider_id);
}

void Simulation::CountOutcome(
    const vis::ReportOutcome& o,
    const std::map<std::string, const vis::VisitReport*>& by_id) {
  if (o.replayed()) {
    ++duplicates_;
    return;
  }
  if (o.outcome() == vis::OUTCOME_REJECTED) {
    ++rejected_[vis::ReasonCode_Name(o.reason_code())];
    return;
  }
  ++accepted_;
  if (o.outcome() == vis::OUTCOME_ACCEPTED_WITH_EXCEPTIONS) ++with_exceptions_;
  auto found = by_id.find(o.visit_id());
  if (found == by_id.end()) return;
  const vis::VisitReport& r = *found->second;
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
