// The registry officer imports the national user survey's results for a
// year (the CSV of docs/followup.md): one SurveyResultsImported event per
// row on aggregate "survey-<year>", all or none. A re-import of a year
// replaces the rows it names; the indicators publish the change on their
// next run (PublishIndicators).
#include "absl/strings/str_cat.h"
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/survey_csv.h"

namespace lov::followup {

absl::StatusOr<v1::ImportSurveyResultsResponse>
FollowupApp::ImportSurveyResults(const v1::ImportSurveyResultsRequest& r) {
  if (absl::Status s = RequireRequestId(r.request_id()); !s.ok()) return s;
  absl::StatusOr<IndicatorStore*> store = Indicators();
  if (!store.ok()) return store.status();
  absl::StatusOr<std::vector<SurveyRow>> rows =
      ParseSurveyCsv(r.csv(), r.year(), Today().year());
  if (!rows.ok()) return rows.status();
  v1::ImportSurveyResultsResponse answer;
  answer.set_year(r.year());
  answer.set_providers(static_cast<int32_t>(rows->size()));
  const std::string id = absl::StrCat("survey-", r.year());
  using Result = Decision<v1::FollowupEvent, v1::ImportSurveyResultsResponse>;
  return runner_.Run<v1::ImportSurveyResultsResponse>(
      Command::ByRequest(id, r, r.request_id()),
      // A retry carries the same CSV: the same answer.
      [answer](const std::string&)
          -> absl::StatusOr<std::optional<v1::ImportSurveyResultsResponse>> {
        return answer;
      },
      [&]() -> absl::StatusOr<Result> {
        absl::StatusOr<int64_t> version = (*store)->SurveyVersion(r.year());
        if (!version.ok()) return version.status();
        std::vector<v1::FollowupEvent> events;
        for (const SurveyRow& row : *rows) {
          v1::FollowupEvent e;
          e.set_aggregate_id(id);
          e.set_aggregate_version(++*version);
          auto* imported = e.mutable_survey_results_imported();
          imported->set_year(r.year());
          imported->set_provider_id(row.provider_id);
          *imported->mutable_result() = row.result;
          events.push_back(std::move(e));
        }
        return Result{std::move(events), answer};
      });
}

}  // namespace lov::followup
