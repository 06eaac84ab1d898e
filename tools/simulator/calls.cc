// The gRPC helpers every phase uses: retries, dying on a failed
// call, running clients in parallel, progress lines, waiting for a service
// to catch up with the events.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "retry.h"
#include "simulator.h"

namespace lov::sim {

void Die(const std::string& what) {
  std::cerr << "simulator: " << what << "\n";
  std::exit(1);
}

grpc::Status Retry(const std::function<grpc::Status()>& call) {
  return upload::RetryWrite(call);
}

std::string Pad(const std::string& text, size_t width) {
  size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  return chars >= width ? text : text + std::string(width - chars, ' ');
}

void Must(const grpc::Status& status, const std::string& what) {
  if (status.ok()) return;
  const bool unauthenticated =
      status.error_code() == grpc::StatusCode::UNAUTHENTICATED;
  Die(absl::StrCat(what, ": ", status.error_message(),
                   unauthenticated
                       ? " (the services check sign-in: give the development "
                         "issuer's key, --dev-issuer-key or LOV_DEV_ISSUER_KEY)"
                       : ""));
}

void Parallel(int n, int threads, const std::function<void(int)>& task) {
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = next++; i < n; i = next++) task(i);
    });
  }
  for (auto& thread : pool) thread.join();
}

void Progress(const std::string& phase, int done, int total) {
  std::cerr << "\r  " << phase << ": " << done << "/" << total << std::flush;
  if (done == total) std::cerr << "\n";
}

bool WaitFor(const std::function<bool()>& ready, int seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return ready();
}

}  // namespace lov::sim
