#ifndef LOV_PLATFORM_METRICS_H_
#define LOV_PLATFORM_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lov/platform/http_server.h"

namespace lov::metrics {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void Inc(double by = 1) { value_.fetch_add(by); }
  // For a total counted elsewhere (a consumer's handled events, the CPU time
  // in /proc) and copied by a collector before each render; the source only
  // grows, so the counter does too.
  void SetTotal(double total) { value_.store(total); }
  double value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v); }
  void Add(double by) { value_.fetch_add(by); }
  double value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then +Inf.
  std::vector<uint64_t> CumulativeCounts() const;
  double sum() const { return sum_.load(); }
  uint64_t count() const { return count_.load(); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Latency buckets in seconds, 1 ms to 10 s.
std::vector<double> LatencyBuckets();

// Holds every metric of a process and renders the Prometheus text format.
// Metrics live as long as the registry; references stay valid.
class Registry {
 public:
  static Registry& Default();

  Counter& GetCounter(const std::string& name, const std::string& help,
                      const Labels& labels = {});
  Gauge& GetGauge(const std::string& name, const std::string& help,
                  const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help,
                          const Labels& labels = {},
                          std::vector<double> bounds = LatencyBuckets());
  // Called before every render, to refresh gauges that are read on demand
  // (consumer lag, for example).
  void AddCollector(std::function<void()> collect);

  std::string Render();

 private:
  struct Family {
    std::string help;
    std::string type;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& GetFamily(const std::string& name, const std::string& help,
                    const std::string& type);

  std::mutex mu_;
  std::map<std::string, Family> families_;
  std::vector<std::function<void()>> collectors_;
};

// GET /metrics (Prometheus text format 0.0.4), GET /healthz (the process
// answers) and GET /readyz (the service serves), on a port of its own, apart
// from user traffic (gRPC, the dashboard).
class MetricsServer {
 public:
  explicit MetricsServer(Registry* registry);
  ~MetricsServer();
  // On `listen_address` ("127.0.0.1" locally, "0.0.0.0" where Prometheus
  // and the kubelet's probes come from elsewhere); port 0 picks a free
  // port, port() tells which. With `tls_cert_file` and `tls_key_file`
  // (the service's own certificate, --metrics-tls): HTTPS only, the files
  // read again when they change, as the gRPC port does.
  absl::Status Start(int port, const std::string& listen_address,
                     const std::string& tls_cert_file = "",
                     const std::string& tls_key_file = "");
  void Stop();
  int port() const { return server_.port(); }
  // GET /readyz answers 200 while ready, 503 otherwise with `why` (e.g.
  // which dependency is unreachable), for scripts and probes that do not
  // speak gRPC health.
  void SetReady(bool ready, std::string why = "not serving");

 private:
  http::Response Answer(const http::Request& request) const;
  mutable std::mutex ready_mu_;
  bool ready_ = false;
  std::string not_ready_why_ = "not serving";
  Registry* registry_;
  http::Server server_;
};

}  // namespace lov::metrics

#endif  // LOV_PLATFORM_METRICS_H_
