// The follow-up use cases on memory fakes of the ports: the real write
// path (request ids, retries, refusals), provider scope, paging, and the
// visit facts kept from the visits service's events.
#include "lov/followup/app/followup_app.h"

#include <gtest/gtest.h>

#include <map>

#include "fixed_clock.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/registry/v1/events.pb.h"

namespace lov::followup {
namespace {

class MemoryStore : public FollowupStore,
                    public VisitFactStore,
                    public IndicatorStore,
                    public SanctionLinkStore,
                    public EventPublisher {
 public:
  absl::Status KeepSanction(const std::string& follow_up_id,
                            const v1::FindingSanction& sanction,
                            int64_t version) override {
    int64_t& kept = sanction_versions_[sanction.sanction_id()];
    if (version <= kept) return absl::OkStatus();
    kept = version;
    sanctions_[follow_up_id][sanction.sanction_id()] = sanction;
    return absl::OkStatus();
  }
  absl::StatusOr<std::map<std::string, std::vector<v1::FindingSanction>>>
  SanctionsByFollowUp() override {
    std::map<std::string, std::vector<v1::FindingSanction>> out;
    for (const auto& [follow_up, by_id] : sanctions_) {
      for (const auto& [id, s] : by_id) out[follow_up].push_back(s);
    }
    return out;
  }

  template <typename Record>
  static absl::StatusOr<std::optional<Record>> Find(
      const std::map<std::string, Record>& m, const std::string& id) {
    auto it = m.find(id);
    if (it == m.end()) return std::optional<Record>();
    return std::optional<Record>(it->second);
  }
  template <typename Record>
  static std::vector<Record> All(const std::map<std::string, Record>& m) {
    std::vector<Record> out;
    for (const auto& [id, r] : m) out.push_back(r);
    return out;
  }

  absl::StatusOr<std::optional<v1::Complaint>> GetComplaint(
      const std::string& id) override {
    return Find(complaints_, id);
  }
  absl::StatusOr<std::vector<v1::Complaint>> ListComplaints() override {
    return All(complaints_);
  }
  absl::StatusOr<std::optional<v1::Deviation>> GetDeviation(
      const std::string& id) override {
    return Find(deviations_, id);
  }
  absl::StatusOr<std::vector<v1::Deviation>> ListDeviations() override {
    return All(deviations_);
  }
  absl::StatusOr<std::optional<v1::FollowUp>> GetFollowUp(
      const std::string& id) override {
    return Find(follow_ups_, id);
  }
  absl::StatusOr<std::vector<v1::FollowUp>> ListFollowUps() override {
    return All(follow_ups_);
  }
  absl::StatusOr<std::optional<RequestRecord>> GetRequest(
      const std::string& id) override {
    return Find(requests_, id);
  }
  absl::Status Apply(const v1::FollowupEvent& e) override {
    if (!e.request_id().empty()) {
      requests_[e.request_id()] = {e.request_fingerprint(), e.aggregate_id()};
    }
    if (e.has_complaint_registered()) {
      complaints_[e.aggregate_id()] = e.complaint_registered().complaint();
    } else if (e.has_complaint_status_changed()) {
      complaints_[e.aggregate_id()] = e.complaint_status_changed().complaint();
    } else if (e.has_deviation_reported()) {
      deviations_[e.aggregate_id()] = e.deviation_reported().deviation();
    } else if (e.has_deviation_reported_to_ivo()) {
      deviations_[e.aggregate_id()] = e.deviation_reported_to_ivo().deviation();
    } else if (e.has_follow_up_planned()) {
      follow_ups_[e.aggregate_id()] = e.follow_up_planned().follow_up();
    } else if (e.has_follow_up_completed()) {
      follow_ups_[e.aggregate_id()] = e.follow_up_completed().follow_up();
    } else if (e.has_action_plan_received()) {
      follow_ups_[e.aggregate_id()] = e.action_plan_received().follow_up();
    } else if (e.has_survey_results_imported()) {
      const auto& s = e.survey_results_imported();
      survey_versions_[s.year()] = e.aggregate_version();
      surveys_[s.provider_id()][s.year()] = s.result();
    } else if (e.has_provider_indicators_published()) {
      const auto& ind = e.provider_indicators_published().indicators();
      Published& p = published_by_provider_[ind.provider_id()];
      p.version = e.aggregate_version();
      p.by_zone[ind.zone_id()] = ind;
    }
    return absl::OkStatus();
  }
  absl::Status KeepAssignment(const Listing& listing, const std::string& id,
                              int64_t) override {
    listings_[id] = listing;
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<Listing>> ListListings() override {
    return All(listings_);
  }
  absl::StatusOr<std::map<std::string, v1::SurveyResult>> LatestSurveys()
      override {
    std::map<std::string, v1::SurveyResult> out;
    for (const auto& [provider, years] : surveys_) {
      out[provider] = years.rbegin()->second;
    }
    return out;
  }
  absl::StatusOr<int64_t> SurveyVersion(int year) override {
    return survey_versions_[year];
  }
  absl::StatusOr<Published> GetPublished(const std::string& provider) override {
    return published_by_provider_[provider];
  }
  absl::StatusOr<std::unique_ptr<AggregateLock>> Lock(
      const std::string&) override {
    return std::make_unique<AggregateLock>();
  }
  absl::Status Publish(const v1::FollowupEvent& e) override {
    published_.push_back(e);
    return absl::OkStatus();
  }
  absl::Status Keep(const std::string& id, int64_t version,
                    const VisitFact& fact) override {
    if (version <= versions_[id]) return absl::OkStatus();
    versions_[id] = version;
    facts_[id] = fact;
    return absl::OkStatus();
  }
  absl::Status Drop(const std::string& id, int64_t version) override {
    if (version <= versions_[id]) return absl::OkStatus();
    versions_[id] = version;
    facts_.erase(id);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<VisitFact>> StartingIn(
      const Interval& span) override {
    std::vector<VisitFact> out;
    for (const auto& [id, f] : facts_) {
      if (f.start >= span.start && f.start < span.end) out.push_back(f);
    }
    return out;
  }

  std::map<std::string, v1::Complaint> complaints_;
  std::map<std::string, v1::Deviation> deviations_;
  std::map<std::string, v1::FollowUp> follow_ups_;
  std::map<std::string, RequestRecord> requests_;
  std::map<std::string, int64_t> versions_;
  std::map<std::string, VisitFact> facts_;
  std::vector<v1::FollowupEvent> published_;
  std::map<std::string, Listing> listings_;
  std::map<std::string, std::map<int, v1::SurveyResult>> surveys_;
  std::map<int, int64_t> survey_versions_;
  std::map<std::string, Published> published_by_provider_;
  std::map<std::string, std::map<std::string, v1::FindingSanction>> sanctions_;
  std::map<std::string, int64_t> sanction_versions_;
};

class FollowupAppTest : public ::testing::Test {
 protected:
  // 2025-04-30 10:00 in Stockholm.
  FollowupAppTest() : clock_(::lov::testing::UtcTime(2025, 4, 30, 8)) {}

  v1::RegisterComplaintRequest Complaint(const std::string& request_id,
                                         const std::string& client) {
    v1::RegisterComplaintRequest r;
    r.set_request_id(request_id);
    r.set_client_id(client);
    r.set_provider_id("prv-a");
    r.set_category("punctuality");
    r.set_received_date("2025-04-01");
    return r;
  }

  MemoryStore store_;
  ::lov::testing::FixedClock clock_;
  FollowupApp app_{&store_, &store_, &store_, &clock_, &store_, &store_};
};

TEST_F(FollowupAppTest, ARetryAnswersTheFirstOutcomeAndPublishesNothing) {
  auto first = app_.RegisterComplaint(Complaint("req-1", "cli-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->complaint_id().rfind("cmp-", 0), 0u);
  auto again = app_.RegisterComplaint(Complaint("req-1", "cli-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->complaint_id(), first->complaint_id());
  EXPECT_EQ(store_.published_.size(), 1u);
  // The same request id for another complaint is refused.
  auto other = app_.RegisterComplaint(Complaint("req-1", "cli-2"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_.published_.size(), 1u);
  // The event names the complaint and carries it.
  const v1::FollowupEvent& e = store_.published_[0];
  EXPECT_EQ(e.aggregate_id(), first->complaint_id());
  EXPECT_EQ(e.aggregate_version(), 1);
  EXPECT_EQ(e.complaint_registered().complaint().client_id(), "cli-1");
}

TEST_F(FollowupAppTest, AnUnknownComplaintIsNotFoundAndARequestIdIsRequired) {
  v1::AdvanceComplaintRequest r;
  r.set_request_id("adv-1");
  r.set_complaint_id("cmp-none");
  r.set_status(v1::COMPLAINT_STATUS_ANSWERED);
  auto missing = app_.AdvanceComplaint(r);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "complaint_id: no record 'cmp-none'");
  v1::RegisterComplaintRequest no_id = Complaint("", "cli-1");
  EXPECT_EQ(app_.RegisterComplaint(no_id).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(FollowupAppTest, ComplaintsComeAPageAtATimeWithTheOverdueFlagged) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(app_.RegisterComplaint(Complaint("req-" + std::to_string(i),
                                                 "cli-" + std::to_string(i)))
                    .ok());
  }
  v1::ListComplaintsRequest list;
  list.set_page_size(2);
  auto first = app_.ListComplaints(list);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->complaints_size(), 2);
  ASSERT_FALSE(first->next_page_token().empty());
  // Received Apr 1, due Apr 15; today is Apr 30.
  EXPECT_TRUE(first->complaints(0).overdue());
  list.set_page_token(first->next_page_token());
  auto second = app_.ListComplaints(list);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->complaints_size(), 1);
  EXPECT_TRUE(second->next_page_token().empty());
  EXPECT_LT(first->complaints(1).complaint().complaint_id(),
            second->complaints(0).complaint().complaint_id());
  list.set_as_of("2025-04-15");
  EXPECT_EQ(app_.ListComplaints(list).status().code(),
            absl::StatusCode::kInvalidArgument);  // the token of another day
  list.clear_page_token();
  list.set_overdue_only(true);
  EXPECT_EQ(app_.ListComplaints(list)->complaints_size(), 0);
}

TEST_F(FollowupAppTest, AProviderReportsToIvoOnlyItsOwnDeviation) {
  v1::ReportDeviationRequest report;
  report.set_request_id("dev-1");
  report.set_provider_id("prv-a");
  report.set_kind(v1::DEVIATION_KIND_LEX_SARAH);
  report.set_severity(v1::SEVERITY_SERIOUS);
  report.set_occurred_date("2025-04-20");
  auto d = app_.ReportDeviation(report);
  ASSERT_TRUE(d.ok()) << d.status();
  // Reported today (Apr 30): due at IVO on May 14.
  EXPECT_EQ(d->reported_date(), "2025-04-30");
  EXPECT_EQ(d->ivo_due_date(), "2025-05-14");
  v1::ReportToIvoRequest ivo;
  ivo.set_request_id("ivo-1");
  ivo.set_provider_id("prv-b");
  ivo.set_deviation_id(d->deviation_id());
  EXPECT_EQ(app_.ReportToIvo(ivo).status().code(), absl::StatusCode::kNotFound);
  ivo.set_request_id("ivo-2");
  ivo.set_provider_id("prv-a");
  auto reported = app_.ReportToIvo(ivo);
  ASSERT_TRUE(reported.ok()) << reported.status();
  EXPECT_EQ(reported->ivo_reported_date(), "2025-04-30");
  EXPECT_EQ(reported->version(), 2);
}

TEST_F(FollowupAppTest, CountsWhatIsOverdueTodayInStockholm) {
  // Received Apr 1, due Apr 15: overdue on Apr 30.
  ASSERT_TRUE(app_.RegisterComplaint(Complaint("req-1", "cli-1")).ok());
  v1::RegisterComplaintRequest recent = Complaint("req-2", "cli-2");
  recent.set_received_date("2025-04-20");  // due May 4
  ASSERT_TRUE(app_.RegisterComplaint(recent).ok());
  v1::ReportDeviationRequest report;
  report.set_request_id("dev-1");
  report.set_provider_id("prv-a");
  report.set_kind(v1::DEVIATION_KIND_LEX_SARAH);
  report.set_severity(v1::SEVERITY_SERIOUS_RISK);
  report.set_occurred_date("2025-04-10");
  report.set_reported_date("2025-04-16");  // due at IVO Apr 30
  ASSERT_TRUE(app_.ReportDeviation(report).ok());
  auto counts = app_.CountOverdue();
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->complaints, 1);
  EXPECT_EQ(counts->deviations, 0);
  EXPECT_EQ(counts->action_plans, 0);
  // 22:00Z on Apr 30 is 00:00 on May 1 in Stockholm (CEST).
  clock_.now_ = ::lov::testing::UtcTime(2025, 4, 30, 22);
  counts = app_.CountOverdue();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->deviations, 1);
}

CloudEvent VisitEventOf(visits::v1::VisitEvent e) {
  e.set_event_id(NewUuid());
  return ToCloudEvent(e, "/lov/visits");
}

visits::v1::Visit VisitOn(int day, int hour, const std::string& staff,
                          int version) {
  visits::v1::Visit v;
  v.set_visit_id("prv-a/r" + std::to_string(day) + "-" + std::to_string(hour));
  v.set_provider_id("prv-a");
  v.set_client_id("cli-1");
  v.set_staff_id(staff);
  const absl::CivilDay d = absl::CivilDay(2025, 4, 1) + day;
  *v.mutable_start() = ToProtoTime(FromStockholm(
      absl::CivilSecond(d.year(), d.month(), d.day(), hour, 0, 0)));
  v.set_status(visits::v1::VISIT_STATUS_PERFORMED);
  v.set_version(version);
  return v;
}

TEST_F(FollowupAppTest, VisitFactsFollowCorrectionsAndVoids) {
  for (int day = 0; day < 14; ++day) {
    for (int hour : {8, 18}) {
      visits::v1::VisitEvent e;
      *e.mutable_visit_accepted()->mutable_visit() =
          VisitOn(day, hour, hour == 8 ? "s1" : "s2", 1);
      ASSERT_TRUE(app_.RecordVisit(VisitEventOf(e)).ok());
    }
  }
  v1::ListContinuityRequest req;
  req.set_from_date("2025-04-01");
  auto before = app_.ListContinuity(req);
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_EQ(before->providers_size(), 2);
  EXPECT_EQ(before->providers(1).median_staff(), 2);  // s1 and s2
  // One morning corrected to s3: 3 staff. The correction's version wins
  // over a late redelivery of the first one.
  visits::v1::VisitEvent corrected;
  *corrected.mutable_visit_corrected()->mutable_visit() =
      VisitOn(3, 8, "s3", 2);
  ASSERT_TRUE(app_.RecordVisit(VisitEventOf(corrected)).ok());
  visits::v1::VisitEvent stale;
  *stale.mutable_visit_accepted()->mutable_visit() = VisitOn(3, 8, "s1", 1);
  ASSERT_TRUE(app_.RecordVisit(VisitEventOf(stale)).ok());
  EXPECT_EQ(app_.ListContinuity(req)->providers(1).median_staff(), 3);
  // Voided: 27 visits, the client counts no more.
  visits::v1::VisitEvent voided;
  *voided.mutable_visit_voided()->mutable_previous() = VisitOn(3, 8, "s3", 2);
  ASSERT_TRUE(app_.RecordVisit(VisitEventOf(voided)).ok());
  auto after = app_.ListContinuity(req);
  EXPECT_EQ(after->providers(1).clients(), 0);
  EXPECT_EQ(after->providers(1).visits(), 27);
  EXPECT_EQ(after->to_date(), "2025-04-15");
}

// A registry event as the registry publishes it: version `version` of the
// provider's aggregate.
CloudEvent RegistryEventOf(registry::v1::RegistryEvent e, int64_t version) {
  e.set_event_id(NewUuid());
  e.set_aggregate_id("prv-a");
  e.set_aggregate_version(version);
  return ToCloudEvent(e, "/lov/registry");
}

registry::v1::Sanction SanctionOn(const std::string& id,
                                  registry::v1::SanctionKind kind,
                                  const std::string& decided_on,
                                  const std::string& follow_up_id,
                                  const std::string& finding_id) {
  registry::v1::Sanction s;
  s.set_sanction_id(id);
  s.set_kind(kind);
  s.set_reason("action plan not received");
  s.set_decided_on(decided_on);
  s.set_follow_up_id(follow_up_id);
  s.set_finding_id(finding_id);
  return s;
}

// The registry's sanctions that name a finding are listed with its
// follow-up, by finding and date; a lift updates one, a sanction naming no
// finding, another event or a late redelivery changes nothing.
TEST_F(FollowupAppTest, SanctionsNamingAFindingAreListedWithItsFollowUp) {
  v1::PlanFollowUpRequest plan;
  plan.set_request_id("fu-1");
  plan.set_provider_id("prv-a");
  plan.set_planned_date("2025-03-01");
  auto fu = app_.PlanFollowUp(plan);
  ASSERT_TRUE(fu.ok()) << fu.status();
  const std::string f1 = fu->follow_up_id() + "/f1";
  const std::string f2 = fu->follow_up_id() + "/f2";
  using registry::v1::SANCTION_KIND_SUSPENSION;
  using registry::v1::SANCTION_KIND_WARNING;
  registry::v1::RegistryEvent warning;
  *warning.mutable_sanction_imposed()->mutable_sanction() = SanctionOn(
      "snc-2", SANCTION_KIND_WARNING, "2025-04-10", fu->follow_up_id(), f2);
  ASSERT_TRUE(app_.RecordSanction(RegistryEventOf(warning, 5)).ok());
  registry::v1::RegistryEvent suspension;
  *suspension.mutable_sanction_imposed()->mutable_sanction() = SanctionOn(
      "snc-1", SANCTION_KIND_SUSPENSION, "2025-04-20", fu->follow_up_id(), f1);
  ASSERT_TRUE(app_.RecordSanction(RegistryEventOf(suspension, 6)).ok());
  registry::v1::RegistryEvent unrelated;
  *unrelated.mutable_sanction_imposed()->mutable_sanction() =
      SanctionOn("snc-3", SANCTION_KIND_WARNING, "2025-04-21", "", "");
  ASSERT_TRUE(app_.RecordSanction(RegistryEventOf(unrelated, 7)).ok());
  registry::v1::RegistryEvent lifted;
  lifted.mutable_suspension_lifted()->set_sanction_id("snc-1");
  registry::v1::Sanction* after =
      lifted.mutable_suspension_lifted()->mutable_provider()->add_sanctions();
  *after = suspension.sanction_imposed().sanction();
  after->set_lifted(true);
  after->set_lifted_on("2025-04-25");
  ASSERT_TRUE(app_.RecordSanction(RegistryEventOf(lifted, 8)).ok());
  // A late redelivery of the imposition does not undo the lift.
  ASSERT_TRUE(app_.RecordSanction(RegistryEventOf(suspension, 6)).ok());
  registry::v1::RegistryEvent other;
  other.mutable_capacity_changed();
  ASSERT_TRUE(app_.RecordSanction(RegistryEventOf(other, 9)).ok());

  auto listed = app_.ListFollowUps(v1::ListFollowUpsRequest());
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->follow_ups_size(), 1);
  const v1::FollowUpEntry& entry = listed->follow_ups(0);
  ASSERT_EQ(entry.sanctions_size(), 2) << entry.DebugString();
  EXPECT_EQ(entry.sanctions(0).finding_id(), f1);
  EXPECT_EQ(entry.sanctions(0).sanction_id(), "snc-1");
  EXPECT_EQ(entry.sanctions(0).kind(), "suspension");
  EXPECT_EQ(entry.sanctions(0).decided_on(), "2025-04-20");
  EXPECT_TRUE(entry.sanctions(0).lifted());
  EXPECT_EQ(entry.sanctions(0).lifted_on(), "2025-04-25");
  EXPECT_EQ(entry.sanctions(1).finding_id(), f2);
  EXPECT_EQ(entry.sanctions(1).sanction_id(), "snc-2");
  EXPECT_EQ(entry.sanctions(1).kind(), "warning");
  EXPECT_EQ(entry.sanctions(1).decided_on(), "2025-04-10");
  EXPECT_FALSE(entry.sanctions(1).lifted());
}

// Indicators are published when they change, at most once a day per
// provider and zone, and again the same day when a survey import changed
// them; a second run (a second replica) publishes nothing more.
TEST_F(FollowupAppTest, IndicatorsArePublishedOnceADayAndAfterASurveyImport) {
  ASSERT_TRUE(store_
                  .KeepAssignment({"c1", "prv-a", "north",
                                   absl::CivilDay(2025, 1, 1), std::nullopt},
                                  "asg-1", 1)
                  .ok());
  absl::StatusOr<int> n = app_.PublishIndicators();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2);  // prv-a over all zones and in north
  ASSERT_EQ(store_.published_.size(), 2u);
  EXPECT_EQ(store_.published_[0].aggregate_id(), "ind-prv-a");
  const auto& first = store_.published_[0].provider_indicators_published();
  EXPECT_EQ(first.indicators().as_of(), "2025-04-30");
  EXPECT_EQ(first.indicators().listed_clients(), 1);
  EXPECT_EQ(store_.published_[1].aggregate_version(), 2);
  EXPECT_EQ(*app_.PublishIndicators(), 0);  // nothing changed

  // A complaint changes the figures, but today's are out already.
  ASSERT_TRUE(app_.RegisterComplaint(Complaint("cmp-1", "c1")).ok());
  const size_t events = store_.published_.size();
  EXPECT_EQ(*app_.PublishIndicators(), 0);
  // A survey import: both rows carry the provider's survey, again today.
  v1::ImportSurveyResultsRequest survey;
  survey.set_request_id("survey-1");
  survey.set_year(2024);
  survey.set_csv(
      "year;provider_id;respondents;overall_satisfied_per_mille\n"
      "2024;prv-a;84;912\n");
  absl::StatusOr<v1::ImportSurveyResultsResponse> imported =
      app_.ImportSurveyResults(survey);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->providers(), 1);
  EXPECT_EQ(*app_.PublishIndicators(), 2);
  ASSERT_EQ(store_.published_.size(), events + 1 + 2);  // import + 2 rows
  const auto& again =
      store_.published_.back().provider_indicators_published().indicators();
  EXPECT_EQ(again.complaints_12m(), 1);
  EXPECT_EQ(again.survey().overall_satisfied_per_mille(), 912);
  EXPECT_EQ(store_.published_.back().aggregate_version(), 4);
  EXPECT_EQ(*app_.PublishIndicators(), 0);

  // The next day: a second complaint changes the figures again, and they
  // are published.
  clock_.now_ += absl::Hours(24);
  ASSERT_TRUE(app_.RegisterComplaint(Complaint("cmp-2", "c1")).ok());
  EXPECT_EQ(*app_.PublishIndicators(), 2);
  EXPECT_EQ(store_.published_.back()
                .provider_indicators_published()
                .indicators()
                .as_of(),
            "2025-05-01");
}

TEST_F(FollowupAppTest, ASurveyFileWithAnErrorImportsNothing) {
  v1::ImportSurveyResultsRequest survey;
  survey.set_request_id("survey-1");
  survey.set_year(2024);
  survey.set_csv(
      "year;provider_id;respondents;overall_satisfied_per_mille\n"
      "2024;prv-a;84;912\n2024;prv-b;x;1\n");
  absl::StatusOr<v1::ImportSurveyResultsResponse> imported =
      app_.ImportSurveyResults(survey);
  EXPECT_EQ(imported.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(imported.status().message(),
            "csv line 3, column 3 (respondents): 'x' is not a whole number");
  EXPECT_TRUE(store_.published_.empty());
  survey.set_year(2026);  // after this year (2025)
  EXPECT_EQ(app_.ImportSurveyResults(survey).status().message(),
            "year: 2026 is outside 2007..2025");
}

}  // namespace
}  // namespace lov::followup
