#include "ghz_run.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"

namespace lov::bench {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

absl::StatusOr<GhzResult> RunGhz(const GhzCall& call) {
  std::string cmd = absl::StrCat(
      Quote(call.ghz), " --protoset=", Quote(call.protoset),
      " --call=", Quote(call.method), " --data-file=", Quote(call.data_file),
      " --rps=", call.rps, " --total=", call.total,
      " --concurrency=16 --connections=2 --timeout=20s",
      " --cacert=", Quote(call.ca), " --cert=", Quote(call.cert),
      " --key=", Quote(call.key),
      " --format=json --output=", Quote(call.report));
  if (!call.token.empty()) {
    absl::StrAppend(&cmd, " --metadata=",
                    Quote(absl::StrCat(R"({"authorization":"Bearer )",
                                       call.token, R"("})")));
  }
  absl::StrAppend(&cmd, " ", Quote(call.target), " >",
                  Quote(call.report + ".log"), " 2>&1");
  if (int rc = std::system(cmd.c_str()); rc != 0) {
    std::ifstream log(call.report + ".log");
    std::stringstream text;
    text << log.rdbuf();
    return absl::InternalError(absl::StrCat("ghz exited with ", rc, " for ",
                                            call.method, ": ", text.str()));
  }
  std::ifstream in(call.report);
  nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
  if (report.is_discarded() || !report.contains("details")) {
    return absl::InternalError(
        absl::StrCat("ghz wrote no JSON report with details to ", call.report));
  }
  GhzResult out;
  for (const auto& d : report["details"]) {
    out.latencies_ms.push_back(d.value("latency", 0.0) / 1e6);
    const std::string status = d.value("status", "");
    ++out.statuses[status];
    if (status != "OK" && out.first_error.empty()) {
      out.first_error = d.value("error", "");
    }
  }
  return out;
}

absl::StatusOr<GhzResult> RunGhzTogether(const std::vector<GhzCall>& calls) {
  std::vector<absl::StatusOr<GhzResult>> results(calls.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < calls.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = RunGhz(calls[i]); });
  }
  for (auto& t : threads) t.join();
  GhzResult merged;
  for (auto& r : results) {
    if (!r.ok()) return r.status();
    merged.latencies_ms.insert(merged.latencies_ms.end(),
                               r->latencies_ms.begin(), r->latencies_ms.end());
    for (const auto& [status, n] : r->statuses) merged.statuses[status] += n;
    if (merged.first_error.empty()) merged.first_error = r->first_error;
  }
  return merged;
}

double Quantile(std::vector<double>& ms, double q) {
  if (ms.empty()) return -1;
  std::sort(ms.begin(), ms.end());
  size_t rank = static_cast<size_t>(std::ceil(q * ms.size()));
  return ms[std::min(ms.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace lov::bench
