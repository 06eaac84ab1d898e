#ifndef LOV_SERVICES_CONSOLE_TESTS_CHROMIUM_H_
#define LOV_SERVICES_CONSOLE_TESTS_CHROMIUM_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "lov/platform/ids.h"

namespace lov::console::testing {

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs headless Chromium (Debian's, LOV_CHROMIUM) with `mode` (e.g.
// "--dump-dom" or "--screenshot=FILE") on the dashboard at `port`, with its
// stdout in `out`; returns the exit code. The flags keep it off the network.
inline int RunChromium(int port, const std::string& mode,
                       const std::string& out, int height = 1800) {
  const std::string profile = std::filesystem::temp_directory_path() /
                              absl::StrCat("lov-chromium-", NewUuid());
  const std::string cmd = absl::StrCat(
      "timeout 120 ", LOV_CHROMIUM,
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
      " --disable-background-networking --disable-component-update"
      " --disable-sync --disable-dev-shm-usage --hide-scrollbars"
      " --user-data-dir=",
      profile, " --window-size=1400,", height, " --virtual-time-budget=5000 ",
      mode, " http://127.0.0.1:", port, "/ > ", out, " 2> ", out, ".log");
  const int rc = std::system(cmd.c_str());
  std::filesystem::remove_all(profile);
  return rc;
}

}  // namespace lov::console::testing

#endif  // LOV_SERVICES_CONSOLE_TESTS_CHROMIUM_H_
