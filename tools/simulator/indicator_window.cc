// What the simulator generated for the indicators as of the first day after
// the month (docs/followup.md, "Indicators per provider and zone"): the
// accepted visits of the month's last 14 days with their staff and the
// visits service's answer (accepted, or accepted with exceptions), the clients
// listed with each provider on that date, every complaint and deviation
// with its date. Written to <run dir>/followup/indicator-window.tsv for the
// demo test to recompute the dashboard's as-of rows from, by the rules,
// without asking any service.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {

std::string IndicatorWindowText(absl::CivilDay as_of,
                                const std::vector<AcceptedVisit>& accepted,
                                const std::vector<SimClient>& clients,
                                const FollowUpContent& content) {
  std::string out = absl::StrCat(
      "# The simulator's own record for the indicators as of ",
      FormatDate(as_of), " (docs/followup.md): visits starting ",
      FormatDate(as_of - 14), " .. ", FormatDate(as_of - 1),
      " (Stockholm time), the clients listed on the date, complaints and "
      "deviations with their dates.\n"
      "# visit <provider> <client> <start, Stockholm> <status> <staff> "
      "<second staff, double staffing> <the service's answer: "
      "OUTCOME_ACCEPTED or OUTCOME_ACCEPTED_WITH_EXCEPTIONS, a late "
      "correction's if corrected>\n"
      "# listed <provider> <client>\n"
      "# complaint <provider> <received date>\n"
      "# deviation <provider> <reported date>\n",
      "as_of\t", FormatDate(as_of), "\n");
  const absl::Time start = FromStockholm(absl::CivilSecond(as_of - 14));
  const absl::Time end = FromStockholm(absl::CivilSecond(as_of));
  for (const auto& [r, outcome] : accepted) {
    const absl::Time at = FromProtoTime(r.start());
    if (at < start || at >= end) continue;
    absl::StrAppend(&out, "visit\t", r.provider_id(), "\t", r.client_id(), "\t",
                    absl::FormatCivilTime(ToStockholm(at)), "\t",
                    vis::VisitStatus_Name(r.status()), "\t", r.staff_id(), "\t",
                    r.double_staffing() ? r.second_staff_id() : "", "\t",
                    vis::Outcome_Name(outcome), "\n");
  }
  // Every client keeps the provider in force on the month's first day
  // past the month's end: the assignments are open-ended and a re-choice
  // takes effect on the notice's effective date, 60 days after mid-month.
  for (const SimClient& c : clients) {
    if (c.provider_id.empty() || c.client_id.empty()) continue;
    absl::StrAppend(&out, "listed\t", c.provider_id, "\t", c.client_id, "\n");
  }
  for (const ComplaintStory& c : content.complaints) {
    absl::StrAppend(&out, "complaint\t", c.registered.provider_id(), "\t",
                    c.registered.received_date(), "\n");
  }
  for (const DeviationStory& d : content.deviations) {
    absl::StrAppend(&out, "deviation\t", d.reported.provider_id(), "\t",
                    d.reported.reported_date(), "\n");
  }
  return out;
}

void Simulation::WriteIndicatorWindow(const FollowUpContent& content) {
  if (settings_.run_dir.empty()) return;
  const std::string dir = settings_.run_dir + "/followup";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = dir + "/indicator-window.tsv";
  std::ofstream(path, std::ios::binary) << IndicatorWindowText(
      last_day_ + 1, accepted_visits_, clients_, content);
  std::cerr << "  the indicators' window as generated: " << path << "\n";
}

}  // namespace lov::sim
