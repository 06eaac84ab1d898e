#ifndef LOV_TESTS_SUPPORT_VISIT_EVENTS_H_
#define LOV_TESTS_SUPPORT_VISIT_EVENTS_H_

// Visits as the visits service publishes them, for the process tests of
// the services that read lov.visits.events.v1 (followup, lovctl's
// followup commands): a VisitAccepted event per visit, published in a
// ServiceTestStack's namespace, and the hand-made roster the continuity
// tests share. Header-only: a test that includes it links the visits
// protos already.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/platform/event_envelope.h"
#include "lov/platform/ids.h"
#include "lov/platform/kafka.h"
#include "lov/platform/proto_util.h"
#include "lov/platform/stockholm_time.h"
#include "lov/visits/v1/events.pb.h"
#include "service_test_stack.h"

namespace lov::testing {

// The VisitAccepted event of `visit`, keyed by its visit id, at its
// version.
inline visits::v1::VisitEvent AcceptedVisitEvent(
    const visits::v1::Visit& visit) {
  visits::v1::VisitEvent e;
  e.set_event_id(NewUuid());
  *e.mutable_occurred_at() = ToProtoTime(absl::Now());
  e.set_aggregate_id(visit.visit_id());
  e.set_aggregate_version(visit.version());
  *e.mutable_visit_accepted()->mutable_visit() = visit;
  return e;
}

// Publishes `visits` as accepted on the visits topic of `stack`'s
// namespace; the first error names the visit it stopped at.
inline absl::Status PublishAcceptedVisits(
    const ServiceTestStack& stack,
    const std::vector<visits::v1::Visit>& visits) {
  auto producer = EventProducer::Create(stack.stack().kafka("visits-test"));
  if (!producer.ok()) return producer.status();
  const std::string topic = stack.Topic("lov.visits.events.v1");
  for (const visits::v1::Visit& v : visits) {
    absl::Status s = (*producer)->Publish(
        topic, ToCloudEvent(AcceptedVisitEvent(v), "/lov/visits"));
    if (!s.ok()) {
      return absl::Status(
          s.code(),
          absl::StrCat("publishing visit ", v.visit_id(), ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

// 14 days of two performed 30-minute visits a day for client "cli-1" of
// `provider_id` from 2025-03-24 (Stockholm): mornings at 08 by s1,
// evenings at 17 by s2, the first evening double-staffed with s3. So the
// client met 3 staff in 28 visits.
inline std::vector<visits::v1::Visit> ContinuityRoster(
    const std::string& provider_id) {
  std::vector<visits::v1::Visit> out;
  for (int day = 0; day < 14; ++day) {
    const absl::CivilDay d = absl::CivilDay(2025, 3, 24) + day;
    for (int hour : {8, 17}) {
      visits::v1::Visit v;
      v.set_provider_id(provider_id);
      v.set_report_id(absl::StrCat("r", day, "-", hour));
      v.set_visit_id(absl::StrCat(provider_id, "/", v.report_id()));
      v.set_client_id("cli-1");
      v.set_staff_id(hour == 8 ? "s1" : "s2");
      if (day == 0 && hour == 17) {
        v.set_double_staffing(true);
        v.set_second_staff_id("s3");
      }
      *v.mutable_start() = ToProtoTime(FromStockholm(
          absl::CivilSecond(d.year(), d.month(), d.day(), hour, 0, 0)));
      *v.mutable_end() =
          ToProtoTime(FromProtoTime(v.start()) + absl::Minutes(30));
      v.set_status(visits::v1::VISIT_STATUS_PERFORMED);
      v.set_version(1);
      out.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace lov::testing

#endif  // LOV_TESTS_SUPPORT_VISIT_EVENTS_H_
