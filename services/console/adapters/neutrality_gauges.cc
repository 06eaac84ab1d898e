#include "lov/console/adapters/neutrality_gauges.h"

namespace lov::console {

void AddNeutralityGauges(ConsoleApp* app, metrics::Registry* registry) {
  registry->AddCollector([app, registry] {
    for (const NeutralityFlag& f : app->NeutralityVerdicts()) {
      registry
          ->GetGauge("lov_neutrality_deviation_flagged",
                     "1 if choice's neutrality test (lists shown first, or "
                     "non-choice allocations) deviates from what the "
                     "rules give in the zone and category, for the previous "
                     "month's first day to today",
                     {{"zone", f.zone_id},
                      {"category", f.category_id},
                      {"test", f.test}})
          .Set(f.deviates ? 1 : 0);
    }
  });
}

}  // namespace lov::console
