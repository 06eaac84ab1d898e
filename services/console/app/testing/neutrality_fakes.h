// The console's neutrality round on memory, for the panel's and the
// metric's tests: a fixed clock (2026-11-18, Stockholm: the round asks
// about 2026-10-01 .. 2026-11-18), choice as the NeutralitySource port sees
// it (a hand-made report per zone: "north" flagged, any other fair) and a
// registry with two zones and one category.
#ifndef LOV_CONSOLE_APP_TESTING_NEUTRALITY_FAKES_H_
#define LOV_CONSOLE_APP_TESTING_NEUTRALITY_FAKES_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixed_clock.h"
#include "lov/console/app/console_app.h"
#include "lov/console/ports.h"
#include "lov/platform/event_envelope.h"
#include "lov/registry/v1/events.pb.h"

namespace lov::console::neutrality_fakes {

namespace cv1 = ::lov::choice::v1;
namespace rv1 = ::lov::registry::v1;

struct FixedClock : ::lov::testing::FixedClock {
  FixedClock()
      : ::lov::testing::FixedClock(absl::FromUnixSeconds(1795000000)) {}
};

inline cv1::NeutralityCount Count(const std::string& provider, int64_t observed,
                                  double expected) {
  cv1::NeutralityCount c;
  c.set_provider_id(provider);
  c.set_observed(observed);
  c.set_expected(expected);
  return c;
}

// Choice as the panel's port sees it: a hand-made report per zone; the
// requests it was asked.
class FakeNeutrality : public NeutralitySource {
 public:
  absl::StatusOr<cv1::GetNeutralityReportResponse> Report(
      const cv1::GetNeutralityReportRequest& request) override {
    asked.push_back(request);
    if (!answer.ok()) return answer;
    cv1::GetNeutralityReportResponse r;
    r.set_alpha(0.01);
    if (request.zone_id() == "north") {
      // 40 lists, provider a first 30 times against 20 expected: flagged.
      *r.add_shown_first() = Count("prv-a", 30, 20);
      *r.add_shown_first() = Count("prv-b", 10, 20);
      auto* t = r.mutable_shown_first_test();
      t->set_chi_square(10);
      t->set_degrees_of_freedom(1);
      t->set_p_value(0.0016);
      t->set_verdict(cv1::NEUTRALITY_VERDICT_DEVIATES);
      t->set_trials(40);
      *r.add_allocated() = Count("prv-b", 2, 1.5);
      r.mutable_allocation_test()->set_verdict(cv1::NEUTRALITY_VERDICT_TOO_FEW);
      r.mutable_allocation_test()->set_trials(2);
    } else {
      *r.add_shown_first() = Count("prv-a", 6, 6.5);
      *r.add_shown_first() = Count("prv-b", 7, 6.5);
      auto* t = r.mutable_shown_first_test();
      t->set_p_value(0.7815);
      t->set_verdict(cv1::NEUTRALITY_VERDICT_CONSISTENT);
      t->set_trials(13);
    }
    return r;
  }

  absl::Status answer = absl::OkStatus();
  std::vector<cv1::GetNeutralityReportRequest> asked;
};

inline CloudEvent RegistryEvent(const rv1::RegistryEvent& e,
                                const std::string& id) {
  rv1::RegistryEvent copy = e;
  copy.set_event_id(id);
  CloudEvent ce = ToCloudEvent(copy, "/lov/registry");
  ce.topic = "lov.registry.events.v1";
  return ce;
}

// Zones north (Norra) and south (Södra), category service (Hemtjänst
// service), and provider prv-a with a name that would be markup if it were
// not escaped.
inline void ConfigureTwoZones(ConsoleApp* app) {
  rv1::RegistryEvent m;
  auto* mun = m.mutable_municipality_configured()->mutable_municipality();
  auto* z = mun->add_zones();
  z->set_zone_id("north");
  z->set_name("Norra");
  z = mun->add_zones();
  z->set_zone_id("south");
  z->set_name("Södra");
  auto* c = mun->add_categories();
  c->set_category_id("service");
  c->set_name("Hemtjänst service");
  ASSERT_TRUE(app->Apply(RegistryEvent(m, "m1")).ok());
  // A provider whose name would be markup if it were not escaped.
  rv1::RegistryEvent p;
  auto* provider = p.mutable_provider_registered()->mutable_provider();
  provider->set_provider_id("prv-a");
  provider->set_name("<script>alert(1)</script> Omsorg & Co");
  provider->set_version(1);
  ASSERT_TRUE(app->Apply(RegistryEvent(p, "p1")).ok());
}

}  // namespace lov::console::neutrality_fakes

#endif  // LOV_CONSOLE_APP_TESTING_NEUTRALITY_FAKES_H_
