// What the visits service tests share: the reports they send, and a
// fixture that runs the visits binary against the test stack under a fresh
// namespace and plays its upstreams (choice, registry, settlement) by
// publishing their events.
#ifndef LOV_SERVICES_VISITS_TESTS_VISITS_TEST_SUPPORT_H_
#define LOV_SERVICES_VISITS_TESTS_VISITS_TEST_SUPPORT_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/choice/v1/events.pb.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/topics.h"
#include "lov/registry/v1/events.pb.h"
#include "lov/settlement/v1/events.pb.h"
#include "lov/visits/v1/visits.grpc.pb.h"
#include "service_process.h"
#include "test_sign_in.h"
#include "test_stack.h"

namespace lov::visits {

inline constexpr char kProvider[] = "prv-5565541645";
inline constexpr char kOtherProvider[] = "prv-5560000000";

inline absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0),
                         absl::UTCTimeZone());
}

inline v1::VisitReport Report(const std::string& id, const std::string& client,
                              const std::string& staff, absl::Time start,
                              int minutes) {
  v1::VisitReport r;
  r.set_report_id(id);
  r.set_provider_id(kProvider);
  r.set_client_id(client);
  r.set_category_id("home-help");
  r.set_staff_id(staff);
  *r.mutable_start() = ToProtoTime(start);
  *r.mutable_end() = ToProtoTime(start + absl::Minutes(minutes));
  r.set_evidence(v1::EVIDENCE_NFC_TAG);
  r.add_activities("shower");
  return r;
}

// The rejection of kProvider's report `report_id` of client c1 in `period`
// (NOT_ASSIGNED), recorded at `at`, as the projection reads it.
inline v1::VisitEvent RejectionOf(const std::string& report_id, absl::Time at,
                                  const std::string& period) {
  v1::VisitEvent e;
  e.set_event_id(NewUuid());
  e.set_aggregate_id(absl::StrCat(kProvider, "/", report_id));
  e.set_aggregate_version(1);
  e.set_request_fingerprint("fp-" + report_id);
  *e.mutable_occurred_at() = ToProtoTime(at);
  auto* r = e.mutable_visit_rejected();
  r->set_report_id(report_id);
  r->set_provider_id(kProvider);
  r->set_client_id("c1");
  r->set_reason_code("NOT_ASSIGNED");
  r->set_period(period);
  r->mutable_report()->set_visit_id(e.aggregate_id());
  return e;
}

class VisitsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = "t" + NewUuid().substr(0, 8);
    auto producer =
        EventProducer::Create(::lov::testing::Stack().kafka("visits-test"));
    ASSERT_TRUE(producer.ok()) << producer.status();
    producer_ = std::move(*producer);
    StartService();
  }

  // More flags for the service (a fixture of limits sets them).
  virtual std::vector<std::string> ExtraFlags() const { return {}; }

  void StartService() {
    std::vector<std::string> flags = {"--namespace=" + ns_, "--workers=4"};
    for (const std::string& f : ExtraFlags()) flags.push_back(f);
    service_ = std::make_unique<::lov::testing::ServiceProcess>(
        "services/visits/visits", flags);
    ASSERT_TRUE(service_->Start().ok()) << service_->Log();
    stub_ = v1::VisitsService::NewStub(service_->Channel());
  }

  std::string Topic(const std::string& base) const { return ns_ + "." + base; }

  // The upstream facts: Norrtälje's home help 07-22, and `clients` assigned
  // to kProvider for home help from 2025-01-01 with 600 minutes a month.
  void SetUpUpstreams(const std::vector<std::string>& clients) {
    registry::v1::RegistryEvent m;
    m.set_event_id(NewUuid());
    m.set_aggregate_id("0188");
    m.set_aggregate_version(1);
    auto* muni = m.mutable_municipality_configured()->mutable_municipality();
    muni->set_municipality_id("0188");
    muni->set_version(1);
    auto* help = muni->add_categories();
    help->set_category_id("home-help");
    help->add_hours()->set_start_minute(7 * 60);
    help->mutable_hours(0)->set_end_minute(22 * 60);
    ASSERT_TRUE(producer_
                    ->Publish(Topic(topics::kRegistryEvents),
                              ToCloudEvent(m, "/lov/registry"))
                    .ok());
    std::vector<CloudEvent> events;
    for (const auto& client : clients) {
      choice::v1::ChoiceEvent d;
      d.set_event_id(NewUuid());
      d.set_aggregate_id(client);
      auto* dec = d.mutable_decision_registered();
      dec->set_client_id(client);
      dec->mutable_decision()->set_decision_id("dec-" + client);
      dec->mutable_decision()->set_valid_from("2025-01-01");
      auto* g = dec->mutable_decision()->add_categories();
      g->set_category_id("home-help");
      g->set_minutes_per_month(600);
      events.push_back(ToCloudEvent(d, "/lov/choice"));
      choice::v1::ChoiceEvent a;
      a.set_event_id(NewUuid());
      a.set_aggregate_id(client);
      auto* as = a.mutable_assignment_started()->mutable_assignment();
      as->set_assignment_id("asg-" + client);
      as->set_client_id(client);
      as->set_provider_id(kProvider);
      as->set_zone_id("north");
      as->add_category_ids("home-help");
      as->set_valid_from("2025-01-01");
      events.push_back(ToCloudEvent(a, "/lov/choice"));
    }
    ASSERT_TRUE(
        producer_->PublishAll(Topic(topics::kChoiceEvents), events).ok());
    // Consumed once the service shows them.
    ASSERT_TRUE(::lov::testing::Eventually([&] {
      for (const auto& client : clients) {
        v1::GetClientContextRequest req;
        req.set_client_id(client);
        v1::GetClientContextResponse resp;
        grpc::ClientContext ctx;
        if (!stub_->GetClientContext(&ctx, req, &resp).ok() ||
            resp.assignments_size() != 1 || resp.granted_size() != 1 ||
            !resp.municipality_known()) {
          return false;
        }
      }
      return true;
    }));
  }

  void LockPeriod(const std::string& period) {
    settlement::v1::SettlementEvent e;
    e.set_event_id(NewUuid());
    e.set_aggregate_id(absl::StrCat(kProvider, "/", period));
    auto* a = e.mutable_statement_approved();
    a->set_statement_id(e.aggregate_id());
    a->set_provider_id(kProvider);
    a->set_period(period);
    ASSERT_TRUE(producer_
                    ->Publish(Topic(topics::kSettlementEvents),
                              ToCloudEvent(e, "/lov/settlement"))
                    .ok());
    ASSERT_TRUE(::lov::testing::Eventually([&] {
      v1::GetClientContextRequest req;
      req.set_client_id("c1");
      req.set_provider_id(kProvider);
      v1::GetClientContextResponse resp;
      grpc::ClientContext ctx;
      return stub_->GetClientContext(&ctx, req, &resp).ok() &&
             resp.locked_periods_size() > 0;
    }));
  }

  // Streams the reports and returns the outcomes, or stops after
  // `stop_after` outcomes (leaving the rest unanswered).
  std::vector<v1::ReportOutcome> Upload(
      const std::vector<v1::VisitReport>& reports, size_t stop_after = 0,
      const std::function<void()>& at_stop = nullptr) {
    grpc::ClientContext ctx;
    // A provider's time-reporting system uploads its own reports: signed in
    // as the provider of the first (a stream's first message comes after
    // its headers, so the channel cannot choose the caller from it).
    ::lov::testing::SignIn(
        &ctx, auth::v1::ROLE_PROVIDER,
        reports.empty() ? std::string(kProvider) : reports[0].provider_id());
    auto stream = stub_->UploadVisits(&ctx);
    std::thread writer([&] {
      for (const auto& r : reports) {
        v1::UploadVisitsRequest req;
        *req.mutable_report() = r;
        if (!stream->Write(req)) break;
      }
      stream->WritesDone();
    });
    std::vector<v1::ReportOutcome> out;
    v1::UploadVisitsResponse resp;
    while (stream->Read(&resp)) {
      out.push_back(resp.outcome());
      if (stop_after > 0 && out.size() == stop_after && at_stop) at_stop();
    }
    writer.join();
    stream->Finish();
    return out;
  }

  template <typename Req, typename Resp>
  grpc::Status Call(grpc::Status (v1::VisitsService::Stub::*method)(
                        grpc::ClientContext*, const Req&, Resp*),
                    const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(30));
    return ((*stub_).*method)(&ctx, req, resp);
  }

  // The client's home-help row of performed against granted time (empty if
  // there is none).
  v1::PerformedVsGranted HomeHelpRow(const std::string& client,
                                     const std::string& period) {
    v1::GetPerformedVsGrantedRequest req;
    req.set_client_id(client);
    req.set_period(period);
    v1::GetPerformedVsGrantedResponse resp;
    EXPECT_TRUE(
        Call(&v1::VisitsService::Stub::GetPerformedVsGranted, req, &resp).ok());
    for (const auto& r : resp.rows()) {
      if (r.category_id() == "home-help") return r;
    }
    return {};
  }

  std::string ns_;
  std::unique_ptr<EventProducer> producer_;
  std::unique_ptr<::lov::testing::ServiceProcess> service_;
  std::unique_ptr<v1::VisitsService::Stub> stub_;
};

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_TESTS_VISITS_TEST_SUPPORT_H_
