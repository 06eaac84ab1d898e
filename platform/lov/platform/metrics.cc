#include "lov/platform/metrics.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lov/platform/http_server.h"

namespace lov::metrics {
namespace {

std::string FormatValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return absl::StrFormat("%.0f", v);
  }
  return absl::StrFormat("%.9g", v);
}

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out.append("\\n");
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string LabelText(const Labels& labels, const std::string& extra_key = "",
                      const std::string& extra_value = "") {
  std::string out;
  for (const auto& [k, v] : labels) {
    absl::StrAppend(&out, out.empty() ? "" : ",", k, "=\"", EscapeLabel(v),
                    "\"");
  }
  if (!extra_key.empty()) {
    absl::StrAppend(&out, out.empty() ? "" : ",", extra_key, "=\"", extra_value,
                    "\"");
  }
  return out.empty() ? "" : absl::StrCat("{", out, "}");
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1);
  sum_.fetch_add(v);
  count_.fetch_add(1);
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load();
    out.push_back(running);
  }
  return out;
}

std::vector<double> LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
          0.25,  0.5,    1,     2.5,  5,     10};
}

Registry& Registry::Default() {
  static Registry* registry = new Registry();
  return *registry;
}

Registry::Family& Registry::GetFamily(const std::string& name,
                                      const std::string& help,
                                      const std::string& type) {
  Family& f = families_[name];
  if (f.type.empty()) {
    f.type = type;
    f.help = help;
  }
  return f;
}

Counter& Registry::GetCounter(const std::string& name, const std::string& help,
                              const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = GetFamily(name, help, "counter").counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::GetGauge(const std::string& name, const std::string& help,
                          const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = GetFamily(name, help, "gauge").gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::GetHistogram(const std::string& name,
                                  const std::string& help, const Labels& labels,
                                  std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = GetFamily(name, help, "histogram").histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
  return *slot;
}

void Registry::AddCollector(std::function<void()> collect) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collect));
}

std::string Registry::Render() {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    collectors = collectors_;
  }
  for (auto& c : collectors) c();
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    absl::StrAppend(&out, "# HELP ", name, " ", f.help, "\n# TYPE ", name, " ",
                    f.type, "\n");
    for (const auto& [labels, c] : f.counters) {
      absl::StrAppend(&out, name, LabelText(labels), " ",
                      FormatValue(c->value()), "\n");
    }
    for (const auto& [labels, g] : f.gauges) {
      absl::StrAppend(&out, name, LabelText(labels), " ",
                      FormatValue(g->value()), "\n");
    }
    for (const auto& [labels, h] : f.histograms) {
      std::vector<uint64_t> counts = h->CumulativeCounts();
      for (size_t i = 0; i < counts.size(); ++i) {
        std::string le = i < h->bounds().size() ? FormatValue(h->bounds()[i])
                                                : std::string("+Inf");
        absl::StrAppend(&out, name, "_bucket", LabelText(labels, "le", le), " ",
                        counts[i], "\n");
      }
      absl::StrAppend(&out, name, "_sum", LabelText(labels), " ",
                      FormatValue(h->sum()), "\n", name, "_count",
                      LabelText(labels), " ", h->count(), "\n");
    }
  }
  return out;
}

MetricsServer::MetricsServer(Registry* registry)
    : registry_(registry),
      server_([this](const http::Request& r) { return Answer(r); }) {}

MetricsServer::~MetricsServer() { Stop(); }

absl::Status MetricsServer::Start(int port, const std::string& listen_address,
                                  const std::string& tls_cert_file,
                                  const std::string& tls_key_file) {
  http::ServerOptions options;
  options.listen_address = listen_address;
  options.port = port;
  options.tls_cert_file = tls_cert_file;
  options.tls_key_file = tls_key_file;
  options.settings =
      "--metrics-port (LOV_METRICS_PORT) and --metrics-listen-address "
      "(LOV_METRICS_LISTEN_ADDRESS)";
  options.max_body_bytes = 1024;  // scrapes and probes send no body
  absl::Status started = server_.Start(options);
  if (!started.ok()) {
    return absl::UnavailableError(absl::StrCat("metrics: ", started.message()));
  }
  return absl::OkStatus();
}

void MetricsServer::Stop() { server_.Stop(); }

void MetricsServer::SetReady(bool ready, std::string why) {
  std::lock_guard<std::mutex> lock(ready_mu_);
  ready_ = ready;
  not_ready_why_ = std::move(why);
}

http::Response MetricsServer::Answer(const http::Request& request) const {
  http::Response response;
  if (request.path == "/metrics") {
    response.content_type = "text/plain; version=0.0.4";
    response.body = registry_->Render();
  } else if (request.path == "/healthz") {
    response.body = "ok\n";
  } else if (request.path == "/readyz") {
    std::lock_guard<std::mutex> lock(ready_mu_);
    if (ready_) {
      response.body = "serving\n";
    } else {
      response.status = 503;
      response.body = not_ready_why_ + "\n";
    }
  } else {
    response.status = 404;
    response.body = "try /metrics\n";
  }
  return response;
}

}  // namespace lov::metrics
