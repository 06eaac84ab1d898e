// The simulator's command line: flags -> Settings -> Simulation::Run.
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "lov/platform/stockholm_time.h"
#include "simulator.h"

namespace lov::sim {
namespace {

[[noreturn]] void BadFlag(const std::string& flag) {
  Die("unknown or bad flag '" + flag +
      "' (flags: --registry --choice --visits --settlement "
      "--followup=HOST:PORT, "
      "--dev-issuer-key=FILE, --clients=N, --month=YYYY-MM, --seed=N, "
      "--threads=N, --max-attempts=N, --ack-log=FILE, --run-dir=DIR)");
}

// Reads --month=YYYY-MM; dies on anything else.
absl::CivilMonth ParseMonth(const std::string& text) {
  auto day = ParseDate(text + "-01");
  if (!day.ok()) Die("--month: '" + text + "' is not YYYY-MM");
  return absl::CivilMonth(*day);
}

Settings ParseFlags(int argc, char** argv) {
  Settings settings;
  settings.upload.progress = &std::cerr;
  settings.tls = ClientTls::FromEnv();
  if (absl::Status tls = settings.tls.Validate(); !tls.ok()) {
    Die(std::string(tls.message()));
  }
  // Signing in: the development issuer's key, as lovctl login finds it.
  if (const char* key = std::getenv("LOV_DEV_ISSUER_KEY")) {
    settings.dev_issuer_key = key;
  }
  // Where make run keeps its files: the month-end run's summary goes there.
  if (const char* dir = std::getenv("LOV_RUN_DIR")) settings.run_dir = dir;
  // Default: the last full month, so every visit lies in the past.
  settings.month = absl::CivilMonth(StockholmDate(absl::Now())) - 1;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const auto eq = flag.find('=');
    const std::string name = flag.substr(0, eq);
    const std::string value =
        eq == std::string::npos ? "" : flag.substr(eq + 1);
    if (name == "--registry") {
      settings.registry = value;
    } else if (name == "--choice") {
      settings.choice = value;
    } else if (name == "--visits") {
      settings.visits = value;
    } else if (name == "--settlement") {
      settings.settlement = value;
    } else if (name == "--followup") {
      settings.followup = value;
    } else if (name == "--dev-issuer-key") {
      settings.dev_issuer_key = value;
    } else if (name == "--clients") {
      if (!absl::SimpleAtoi(value, &settings.clients) || settings.clients <= 0)
        BadFlag(flag);
    } else if (name == "--seed") {
      if (!absl::SimpleAtoi(value, &settings.seed)) BadFlag(flag);
    } else if (name == "--threads") {
      if (!absl::SimpleAtoi(value, &settings.threads) || settings.threads <= 0)
        BadFlag(flag);
    } else if (name == "--max-attempts") {
      int& attempts = settings.upload.max_attempts;
      if (!absl::SimpleAtoi(value, &attempts) || attempts <= 0) BadFlag(flag);
    } else if (name == "--ack-log") {
      if (value.empty()) BadFlag(flag);
      settings.ack_log = value;
    } else if (name == "--month") {
      settings.month = ParseMonth(value);
    } else if (name == "--run-dir") {
      settings.run_dir = value;
    } else {
      BadFlag(flag);
    }
  }
  return settings;
}

}  // namespace
}  // namespace lov::sim

int main(int argc, char** argv) {
  lov::sim::Simulation(lov::sim::ParseFlags(argc, argv)).Run();
  return 0;
}
