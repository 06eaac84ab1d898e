#include "lov/console/adapters/service_pods.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lov/console/adapters/live_pipeline_probe.h"

namespace lov::console {
namespace {

// Every address of `watched`, in the order named, each once; the errors of
// the names that did not resolve.
std::vector<std::string> PodAddresses(const std::string& watched,
                                      AddressResolver& resolver,
                                      std::vector<std::string>* errors) {
  std::vector<std::string> out;
  for (absl::string_view part :
       absl::StrSplit(watched, ',', absl::SkipEmpty())) {
    absl::StatusOr<std::vector<std::string>> addresses =
        resolver.Resolve(std::string(part));
    if (!addresses.ok()) {
      errors->emplace_back(addresses.status().message());
      continue;
    }
    for (std::string& a : *addresses) {
      if (std::find(out.begin(), out.end(), a) == out.end()) {
        out.push_back(std::move(a));
      }
    }
  }
  return out;
}

}  // namespace

ServiceHealth CheckServicePods(const std::string& name,
                               const std::string& watched,
                               AddressResolver& resolver,
                               MetricsScraper& scraper) {
  ServiceHealth h;
  h.name = name;
  h.metrics_address = watched;
  std::vector<std::string> errors;
  std::map<std::string, GroupHealth> groups;
  std::set<std::string> down;
  bool some_pod_not_serving = false;
  for (const std::string& address : PodAddresses(watched, resolver, &errors)) {
    ServiceHealth pod;
    pod.metrics_address = address;
    absl::StatusOr<std::string> text = scraper.Scrape(name, address);
    if (text.ok()) {
      pod.up = true;
      ReadServiceMetrics(*text, &pod);
    } else {
      pod.error = std::string(text.status().message());
      errors.push_back(pod.error);
    }
    h.up = h.up || pod.up;
    h.serving = h.serving || pod.serving;
    some_pod_not_serving = some_pod_not_serving || !pod.serving;
    down.insert(pod.dependencies_down.begin(), pod.dependencies_down.end());
    for (const GroupHealth& g : pod.groups) {
      GroupHealth& sum = groups[g.group];
      sum.group = g.group;
      sum.lag += g.lag;
      sum.consumed += g.consumed;
      sum.dead_lettered += g.dead_lettered;
    }
    h.pods.push_back({.address = address,
                      .up = pod.up,
                      .serving = pod.serving,
                      .dependencies_up = std::move(pod.dependencies_up),
                      .dependencies_down = std::move(pod.dependencies_down),
                      .error = std::move(pod.error)});
  }
  h.degraded = h.serving && some_pod_not_serving;
  h.dependencies_down.assign(down.begin(), down.end());
  if (!h.up) {
    h.error =
        errors.empty() ? absl::StrCat(watched, ": no address") : errors.front();
  }
  for (auto& [id, g] : groups) h.groups.push_back(std::move(g));
  return h;
}

}  // namespace lov::console
