#ifndef LOV_SERVICES_SETTLEMENT_APP_LATE_VISIT_CHANGES_TEST_SUPPORT_H_
#define LOV_SERVICES_SETTLEMENT_APP_LATE_VISIT_CHANGES_TEST_SUPPORT_H_

// The scenario of the reading-order tests (settlement_order_test.cc,
// projector_batch_test.cc): prv-a's January visits, the changes made to them
// after January's statement was computed, and February's statement, which
// books those changes as adjustments.
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "lov/platform/proto_util.h"
#include "lov/settlement/app/settlement_app_test_support.h"

namespace lov::settlement {
namespace test_support {

inline visits::v1::VisitEvent VisitAccepted(const std::string& event_id,
                                            const visits::v1::Visit& v) {
  visits::v1::VisitEvent e;
  e.set_event_id(event_id);
  *e.mutable_visit_accepted()->mutable_visit() = v;
  return e;
}

inline visits::v1::VisitEvent VisitCorrected(const std::string& event_id,
                                             const visits::v1::Visit& from,
                                             const visits::v1::Visit& to) {
  visits::v1::VisitEvent e;
  e.set_event_id(event_id);
  *e.mutable_visit_corrected()->mutable_previous() = from;
  *e.mutable_visit_corrected()->mutable_visit() = to;
  return e;
}

inline visits::v1::VisitEvent VisitVoided(const std::string& event_id,
                                          const visits::v1::Visit& from) {
  visits::v1::VisitEvent e;
  e.set_event_id(event_id);
  *e.mutable_visit_voided()->mutable_previous() = from;
  e.mutable_visit_voided()->set_period(from.period());
  return e;
}

struct LateVisitChanges {
  // Personal care Wed 17 Jan 09:00-11:00 and its correction to 11:30.
  visits::v1::Visit care1, care2;
  // Service Thu 18 Jan 09:00-10:30 (voided later).
  visits::v1::Visit service1;
  // Service Fri 19 Jan 09:00-10:00, reported late.
  visits::v1::Visit late1;
  // Counted by January's statement: the care visit as first reported, then
  // corrected before the statement was computed, and the service.
  std::vector<visits::v1::VisitEvent> before;
  // Made after January's statement was computed, before the visits service
  // saw the approval (so none names adjusts_period): the care visit
  // corrected from 2 h to 2.5 h, a late report of a service visit and the
  // service visit voided.
  std::vector<visits::v1::VisitEvent> after;
};

inline LateVisitChanges MakeLateVisitChanges() {
  LateVisitChanges c;
  c.care1 = JanuaryVisit(kProvider, "v-care", "personal-care",
                         "2024-01-17T08:00:00Z", "2024-01-17T10:00:00Z");
  c.care2 = c.care1;
  c.care2.set_version(2);
  *c.care2.mutable_end() = ToProtoTime(testing::Utc("2024-01-17T10:30:00Z"));
  c.service1 = JanuaryVisit(kProvider, "v-service", "service",
                            "2024-01-18T08:00:00Z", "2024-01-18T09:30:00Z");
  c.late1 = JanuaryVisit(kProvider, "v-late", "service", "2024-01-19T08:00:00Z",
                         "2024-01-19T09:00:00Z");
  c.before = {VisitAccepted("e-care-1", c.care1),
              VisitAccepted("e-service-1", c.service1)};
  c.after = {VisitCorrected("e-care-2", c.care1, c.care2),
             VisitAccepted("e-late-1", c.late1),
             VisitVoided("e-service-void", c.service1)};
  return c;
}

// A fresh settlement state with January's rates and the provider.
inline void PutJanuaryBasics(FakeSettlementStore& store) {
  ASSERT_TRUE(store.PutRateTable(testing::January2024()).ok());
  ASSERT_TRUE(store.SetProviderKind(kProvider, false).ok());
}

// February's statement of the provider previewed on `store` on 4 March
// 2024 (what the adjustments pay).
inline absl::StatusOr<v1::Statement> PreviewFebruary(
    FakeSettlementStore& store) {
  RecordingPublisher publisher;
  RecordedOwnEvents own(&publisher);
  FixedClock clock(absl::FromCivil(absl::CivilSecond(2024, 3, 4, 9, 0, 0),
                                   absl::UTCTimeZone()));
  SettlementApp app(&store, &publisher, &own, &clock, 64);
  v1::PreviewStatementRequest r;
  r.set_provider_id(kProvider);
  r.set_period("2024-02");
  return app.PreviewStatement(r);
}

}  // namespace test_support
}  // namespace lov::settlement

#endif  // LOV_SERVICES_SETTLEMENT_APP_LATE_VISIT_CHANGES_TEST_SUPPORT_H_
