// The indicators of every provider (and zone) as of a date, from the
// serving state: the visits of the 14 days before, the listings, the
// complaints and deviations, the latest survey results (domain/indicators).
#include "lov/followup/app/followup_app.h"
#include "lov/followup/domain/indicators.h"
#include "lov/platform/stockholm_time.h"

namespace lov::followup {

absl::StatusOr<std::vector<v1::ProviderIndicators>> FollowupApp::IndicatorsAsOf(
    absl::CivilDay as_of, bool by_zone) {
  absl::StatusOr<IndicatorStore*> store = Indicators();
  if (!store.ok()) return store.status();
  IndicatorInputs in;
  absl::StatusOr<std::vector<VisitFact>> visits = visits_->StartingIn(
      {StartOfDay(ContinuityFrom(as_of)), StartOfDay(as_of)});
  if (!visits.ok()) return visits.status();
  in.visits = std::move(*visits);
  absl::StatusOr<std::vector<Listing>> listings = (*store)->ListListings();
  if (!listings.ok()) return listings.status();
  in.listings = std::move(*listings);
  absl::StatusOr<std::vector<v1::Complaint>> complaints =
      store_->ListComplaints();
  if (!complaints.ok()) return complaints.status();
  in.complaints = std::move(*complaints);
  absl::StatusOr<std::vector<v1::Deviation>> deviations =
      store_->ListDeviations();
  if (!deviations.ok()) return deviations.status();
  in.deviations = std::move(*deviations);
  absl::StatusOr<std::map<std::string, v1::SurveyResult>> surveys =
      (*store)->LatestSurveys();
  if (!surveys.ok()) return surveys.status();
  in.surveys = std::move(*surveys);
  return ComputeIndicators(in, as_of, by_zone);
}

}  // namespace lov::followup
