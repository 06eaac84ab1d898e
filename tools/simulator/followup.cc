// Phase 7: the quality follow-up of the month (followup_story.cc makes it
// up) through the follow-up service, each record by the one who keeps it: a
// case officer registers complaints, a provider reports its own deviations
// and lex Sarah reports, the registry officer follows providers up and
// imports the user survey. Then the summary's follow-up part: the
// simulator's own counts of what is overdue and of staff continuity per
// provider, and whether the service counts continuity the same.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {

void Simulation::RecordFollowUp() {
  if (!followup_) {
    std::cerr << "[7/7] Follow-up: left out (no --followup)\n";
    return;
  }
  std::cerr << "[7/7] Follow-up: complaints, deviations and lex Sarah "
               "reports, follow-ups of providers, the user survey\n";
  const absl::CivilDay today = StockholmDate(absl::Now());
  today_ = FormatDate(today);
  const FollowUpContent content =
      MakeFollowUpContent(settings_.seed, settings_.month, today, clients_);
  for (size_t k = 0; k < content.complaints.size(); ++k)
    RecordComplaint(k, content.complaints[k]);
  for (size_t k = 0; k < content.deviations.size(); ++k)
    RecordDeviation(k, content.deviations[k]);
  for (size_t k = 0; k < content.follow_ups.size(); ++k)
    RecordFollowUpOf(k, content.follow_ups[k]);
  ImportSurvey(content);
  WriteIndicatorWindow(content);
  followup_counts_ = CountFollowUp(content, today);
  std::cerr << "  " << followup_counts_.complaints << " complaints, "
            << followup_counts_.deviations << " deviations, "
            << followup_counts_.follow_ups << " follow-ups planned ("
            << followup_counts_.done << " done), survey " << content.survey_year
            << "\n";
}

void Simulation::RecordComplaint(size_t k, const ComplaintStory& story) {
  fol::RegisterComplaintRequest r = story.registered;
  r.set_request_id(RequestId(absl::StrCat("complaint-", k)));
  fol::Complaint complaint;
  Must(Retry([&] {
         return followup_->RegisterComplaint(
             sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), r, &complaint);
       }),
       "register complaint");
  for (size_t s = 0; s < story.steps.size(); ++s) {
    fol::AdvanceComplaintRequest a;
    a.set_request_id(RequestId(absl::StrCat("complaint-", k, "-step-", s)));
    a.set_complaint_id(complaint.complaint_id());
    a.set_status(story.steps[s].first);
    a.set_date(story.steps[s].second);
    fol::Complaint advanced;
    Must(Retry([&] {
           return followup_->AdvanceComplaint(
               sign_in_.As(auth::v1::ROLE_CASE_OFFICER).get(), a, &advanced);
         }),
         "advance complaint");
  }
}

void Simulation::RecordDeviation(size_t k, const DeviationStory& story) {
  fol::ReportDeviationRequest r = story.reported;
  r.set_request_id(RequestId(absl::StrCat("deviation-", k)));
  const std::string provider = r.provider_id();
  fol::Deviation deviation;
  Must(Retry([&] {
         return followup_->ReportDeviation(
             sign_in_.As(auth::v1::ROLE_PROVIDER, provider).get(), r,
             &deviation);
       }),
       "report deviation");
  if (story.ivo_date.empty()) return;
  fol::ReportToIvoRequest ivo;
  ivo.set_request_id(RequestId(absl::StrCat("deviation-", k, "-ivo")));
  ivo.set_provider_id(provider);
  ivo.set_deviation_id(deviation.deviation_id());
  ivo.set_reported_date(story.ivo_date);
  Must(Retry([&] {
         return followup_->ReportToIvo(
             sign_in_.As(auth::v1::ROLE_PROVIDER, provider).get(), ivo,
             &deviation);
       }),
       "report to IVO");
}

void Simulation::RecordFollowUpOf(size_t k, const FollowUpStory& story) {
  fol::PlanFollowUpRequest plan = story.planned;
  plan.set_request_id(RequestId(absl::StrCat("follow-up-", k)));
  fol::FollowUp follow_up;
  auto as_officer = [&](auto call) {
    return Retry([&] {
      return call(sign_in_.As(auth::v1::ROLE_REGISTRY_OFFICER).get());
    });
  };
  Must(as_officer([&](grpc::ClientContext* c) {
         return followup_->PlanFollowUp(c, plan, &follow_up);
       }),
       "plan follow-up");
  if (story.done_date.empty()) return;
  fol::CompleteFollowUpRequest done;
  done.set_request_id(RequestId(absl::StrCat("follow-up-", k, "-done")));
  done.set_follow_up_id(follow_up.follow_up_id());
  done.set_done_date(story.done_date);
  for (const auto& f : story.findings) *done.add_findings() = f;
  Must(as_officer([&](grpc::ClientContext* c) {
         return followup_->CompleteFollowUp(c, done, &follow_up);
       }),
       "complete follow-up");
  for (const auto& [number, date] : story.plans_received) {
    fol::RecordActionPlanRequest plan_in;
    plan_in.set_request_id(
        RequestId(absl::StrCat("follow-up-", k, "-plan-", number)));
    plan_in.set_follow_up_id(follow_up.follow_up_id());
    plan_in.set_finding_id(follow_up.findings(number - 1).finding_id());
    plan_in.set_received_date(date);
    Must(as_officer([&](grpc::ClientContext* c) {
           return followup_->RecordActionPlan(c, plan_in, &follow_up);
         }),
         "record action plan");
  }
}

// The CSV as the municipality gets it, kept in the run directory, imported.
void Simulation::ImportSurvey(const FollowUpContent& content) {
  if (!settings_.run_dir.empty()) {
    const std::string dir = settings_.run_dir + "/followup";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const std::string path =
        absl::StrCat(dir, "/survey-", content.survey_year, ".csv");
    std::ofstream(path, std::ios::binary) << content.survey_csv;
  }
  fol::ImportSurveyResultsRequest r;
  r.set_request_id(RequestId("survey"));
  r.set_year(content.survey_year);
  r.set_csv(content.survey_csv);
  fol::ImportSurveyResultsResponse resp;
  Must(Retry([&] {
         return followup_->ImportSurveyResults(
             sign_in_.As(auth::v1::ROLE_REGISTRY_OFFICER).get(), r, &resp);
       }),
       "import the user survey");
}

// The service learns the visits from their events: waits (up to 90 s)
// until its continuity for the month's first 14 days is the simulator's.
bool Simulation::ContinuityAgrees() {
  const auto own = StaffContinuity(accepted_performed_, first_day_);
  fol::ListContinuityRequest q;
  q.set_from_date(FormatDate(first_day_));
  q.set_page_size(500);
  return WaitFor(
      [&] {
        fol::ListContinuityResponse resp;
        if (!followup_
                 ->ListContinuity(sign_in_.As(auth::v1::ROLE_OPERATOR).get(), q,
                                  &resp)
                 .ok())
          return false;
        std::map<std::string, ContinuityCount> theirs;
        for (const auto& p : resp.providers())
          if (!p.provider_id().empty() && p.clients() > 0)
            theirs[p.provider_id()] = {p.clients(), p.median_staff()};
        size_t counted = 0;
        for (const auto& [provider, count] : own) {
          if (count.clients == 0) continue;
          ++counted;
          auto it = theirs.find(provider);
          if (it == theirs.end() || it->second.clients != count.clients ||
              it->second.median_staff != count.median_staff)
            return false;
        }
        return counted == theirs.size();
      },
      90);
}

bool Simulation::PrintFollowUp() {
  if (!followup_) return true;
  const FollowUpCounts& n = followup_counts_;
  std::cout << "\nFollow-up as of " << today_ << ": " << n.complaints
            << " complaints (" << n.overdue_complaints << " overdue), "
            << n.deviations << " deviations (" << n.overdue_deviations
            << " lex Sarah overdue at IVO), " << n.follow_ups
            << " follow-ups planned, " << n.done << " done ("
            << n.overdue_action_plans << " action plans overdue).\n";
  std::cout << "Staff continuity " << FormatDate(first_day_) << " to "
            << FormatDate(first_day_ + 13)
            << " (distinct staff per client, median; clients with 28+ "
               "visits 07-22):\n";
  const auto own = StaffContinuity(accepted_performed_, first_day_);
  for (const ProviderSpec& p : Providers()) {
    const std::string id = ProviderId(p.org);
    auto it = own.find(id);
    const ContinuityCount count =
        it == own.end() ? ContinuityCount{} : it->second;
    std::cout << Pad(p.name, 42)
              << absl::StrFormat(" %s median %.1f staff (%d clients)\n", id,
                                 count.median_staff, count.clients);
  }
  const bool agrees = ContinuityAgrees();
  std::cout << "The follow-up service counts the same continuity: "
            << (agrees ? "yes" : "NO") << ".\n";
  return agrees;
}

}  // namespace lov::sim
