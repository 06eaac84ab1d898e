// lovctl continuity / indicators / survey import: the follow-up service's
// comparable figures per provider (docs/followup.md): staff continuity live
// from the visits, the indicators shown beside the neutral eligible list,
// and the national user survey's CSV.
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli.h"
#include "lov/followup/v1/followup.grpc.pb.h"
#include "lov/platform/stockholm_time.h"
#include "pages.h"

namespace lov::cli {
namespace {

namespace v1 = ::lov::followup::v1;

std::unique_ptr<v1::FollowupService::Stub> Followup(Context& ctx) {
  return v1::FollowupService::NewStub(ctx.Channel("followup"));
}

std::string Median(int clients, double median) {
  return clients == 0 ? "-" : absl::StrFormat("%.1f", median);
}

// "12 of 340 (3.5 %)", or "0" without visits.
std::string Share(int part, int whole) {
  if (whole == 0) return "0";
  return absl::StrFormat("%d of %d (%.1f %%)", part, whole,
                         100.0 * part / whole);
}

absl::Status Continuity(Context& ctx, Args& args) {
  v1::ListContinuityRequest r;
  r.set_from_date(args.Required("from"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  if (!ParseDate(r.from_date()).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--from: '", r.from_date(), "' is not a date YYYY-MM-DD"));
  }
  auto stub = Followup(ctx);
  v1::ListContinuityResponse all;
  if (absl::Status s = AllPages(
          ctx, r,
          [&](grpc::ClientContext* c, const v1::ListContinuityRequest& q,
              v1::ListContinuityResponse* page) {
            return stub->ListContinuity(c, q, page);
          },
          "continuity", &all);
      !s.ok()) {
    return s;
  }
  Print(ctx, all, [&](std::ostream& out) {
    out << "staff continuity " << all.from_date() << " to " << all.to_date()
        << " (exclusive): distinct staff a client met in 14 days\n";
    Table t({"PROVIDER", "CLIENTS", "MEDIAN STAFF",
             "DISTRIBUTION (STAFF:CLIENTS)", "VISITS WITH EXCEPTIONS"});
    for (const auto& p : all.providers()) {
      std::vector<std::string> buckets;
      for (const auto& b : p.distribution()) {
        buckets.push_back(absl::StrCat(b.staff(), ":", b.clients()));
      }
      t.Add({p.provider_id().empty() ? "(municipality)" : p.provider_id(),
             absl::StrCat(p.clients()), Median(p.clients(), p.median_staff()),
             buckets.empty() ? "-" : absl::StrJoin(buckets, " "),
             Share(p.visits_with_exceptions(), p.visits())});
    }
    t.Write(out);
  });
  return absl::OkStatus();
}

absl::Status Indicators(Context& ctx, Args& args) {
  v1::ListIndicatorsRequest r;
  r.set_provider_id(args.Get("provider"));
  r.set_by_zone(args.Bool("by-zone"));
  if (absl::Status s = args.Check(); !s.ok()) return s;
  auto stub = Followup(ctx);
  v1::ListIndicatorsResponse all;
  if (absl::Status s = AllPages(
          ctx, r,
          [&](grpc::ClientContext* c, const v1::ListIndicatorsRequest& q,
              v1::ListIndicatorsResponse* page) {
            return stub->ListIndicators(c, q, page);
          },
          "indicators", &all);
      !s.ok()) {
    return s;
  }
  Print(ctx, all, [&](std::ostream& out) {
    if (!all.indicators().empty()) {
      const auto& first = all.indicators(0);
      out << "as of " << first.as_of() << "; continuity over the 14 days from "
          << first.continuity_from_date()
          << "; complaints and deviations in 12 months\n";
    }
    Table t({"PROVIDER", "ZONE", "LISTED", "MEDIAN STAFF", "CLIENTS COUNTED",
             "VISITS WITH EXCEPTIONS", "COMPLAINTS (/1000)",
             "DEVIATIONS (/1000)", "SURVEY SATISFIED"});
    for (const auto& i : all.indicators()) {
      t.Add({i.provider_id(), i.zone_id().empty() ? "(all)" : i.zone_id(),
             absl::StrCat(i.listed_clients()),
             Median(i.continuity_clients(), i.median_staff()),
             absl::StrCat(i.continuity_clients()),
             Share(i.visits_with_exceptions(), i.visits()),
             absl::StrFormat("%d (%.1f)", i.complaints_12m(),
                             i.complaints_per_1000_clients()),
             absl::StrFormat("%d (%.1f)", i.deviations_12m(),
                             i.deviations_per_1000_clients()),
             i.has_survey()
                 ? absl::StrFormat(
                       "%.1f %% of %d (%d)",
                       i.survey().overall_satisfied_per_mille() / 10.0,
                       i.survey().respondents(), i.survey().year())
                 : "-"});
    }
    t.Write(out);
  });
  return absl::OkStatus();
}

absl::Status ImportSurvey(Context& ctx, Args& args) {
  v1::ImportSurveyResultsRequest r;
  r.set_request_id(RequestId(args));
  const std::string year_text = args.Required("year");
  const std::string file = args.Required("file");
  if (absl::Status s = args.Check(); !s.ok()) return s;
  int year = 0;
  if (!absl::SimpleAtoi(year_text, &year) || year < 2000 || year > 2100) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--year: '", year_text, "' is not a year between 2000 and 2100"));
  }
  r.set_year(year);
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return absl::NotFoundError(absl::StrCat("--file: cannot read ", file));
  std::stringstream csv;
  csv << in.rdbuf();
  r.set_csv(csv.str());
  auto stub = Followup(ctx);
  v1::ImportSurveyResultsResponse resp;
  auto c = ctx.Call();
  if (absl::Status s = FromGrpc(stub->ImportSurveyResults(c.get(), r, &resp),
                                "survey import");
      !s.ok()) {
    return s;
  }
  Print(ctx, resp, [&](std::ostream& out) {
    out << "survey " << resp.year() << ": " << resp.providers()
        << " providers imported from " << file << "\n";
  });
  return absl::OkStatus();
}

const Registrar registrar({
    {"continuity", "",
     "staff continuity and exception share per provider for 14 days",
     "  --from DATE  the first of the 14 days (YYYY-MM-DD, Stockholm)",
     Continuity},
    {"indicators", "",
     "each provider's comparable indicators (the in-house unit included)",
     "  [--provider PROVIDER_ID]  [--by-zone]  also a row per zone",
     Indicators},
    {"survey", "import",
     "import the national user survey's results for a year (CSV)",
     "  --year YEAR  FILE (or --file FILE)  the CSV of docs/followup.md",
     ImportSurvey, "file"},
});

}  // namespace
}  // namespace lov::cli
