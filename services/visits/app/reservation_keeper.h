#ifndef LOV_SERVICES_VISITS_APP_RESERVATION_KEEPER_H_
#define LOV_SERVICES_VISITS_APP_RESERVATION_KEEPER_H_

#include <atomic>
#include <thread>

#include "lov/visits/app/visits_app.h"

namespace lov::visits {

// A background thread that heartbeats every second, so the reservations of
// this live instance are never taken over, and sweeps every ten seconds
// for the reservations of dead ones (VisitsApp::SweepOrphans).
class ReservationKeeper {
 public:
  explicit ReservationKeeper(VisitsApp* app) : app_(app) {}
  ~ReservationKeeper() { Stop(); }

  void Start();
  // Returns once the thread has ended (within a tenth of a second).
  void Stop();

 private:
  void Loop();

  VisitsApp* app_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_APP_RESERVATION_KEEPER_H_
