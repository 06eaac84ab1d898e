// Reads the Prometheus text exposition format that every service's /metrics
// answers with, so the console can show each service's health.
#ifndef LOV_CONSOLE_DOMAIN_PROMETHEUS_TEXT_H_
#define LOV_CONSOLE_DOMAIN_PROMETHEUS_TEXT_H_

#include <map>
#include <string>
#include <vector>

namespace lov::console {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Every sample line; comments and lines that do not parse are skipped.
std::vector<Sample> ParsePrometheusText(const std::string& text);

}  // namespace lov::console

#endif  // LOV_CONSOLE_DOMAIN_PROMETHEUS_TEXT_H_
