#include "lov/visits/app/reservation_keeper.h"

#include <chrono>

#include "lov/platform/log.h"

namespace lov::visits {

void ReservationKeeper::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ReservationKeeper::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ReservationKeeper::Loop() {
  int tick = 0;
  while (!stop_.load()) {
    if (absl::Status s = app_->Heartbeat(); !s.ok()) {
      log::Warn("heartbeat failed", {{"error", s}});
    }
    if (++tick % 10 == 0) {
      if (absl::Status s = app_->SweepOrphans(); !s.ok()) {
        log::Warn("orphan sweep failed", {{"error", s}});
      }
    }
    for (int i = 0; i < 10 && !stop_.load(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace lov::visits
