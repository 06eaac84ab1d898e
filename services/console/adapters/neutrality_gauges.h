// The allocation-neutrality verdicts as a metric, so an alert rule
// (NeutralityDeviation, deploy/prometheus/alerts.yml) sees what the
// dashboard's banner shows: lov_neutrality_deviation_flagged{zone,
// category, test} is 1 when choice's chi-square test of that zone and
// category says DEVIATES for the panel's period, else 0. The console
// exports it because it already asks choice for every zone and category
// each minute (app/neutrality_refresh.cc); choice would have to run the
// same rounds itself to export it. A table choice did not answer keeps the
// verdict of the last scrape (an unknown is not a fair table); until the
// first answer there is no sample.
#ifndef LOV_CONSOLE_ADAPTERS_NEUTRALITY_GAUGES_H_
#define LOV_CONSOLE_ADAPTERS_NEUTRALITY_GAUGES_H_

#include "lov/console/app/console_app.h"
#include "lov/platform/metrics.h"

namespace lov::console {

// Sets the gauges from `app`'s last neutrality round at each scrape of
// `registry`.
void AddNeutralityGauges(ConsoleApp* app, metrics::Registry* registry);

}  // namespace lov::console

#endif  // LOV_CONSOLE_ADAPTERS_NEUTRALITY_GAUGES_H_
