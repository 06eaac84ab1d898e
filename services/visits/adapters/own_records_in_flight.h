#ifndef LOV_SERVICES_VISITS_ADAPTERS_OWN_RECORDS_IN_FLIGHT_H_
#define LOV_SERVICES_VISITS_ADAPTERS_OWN_RECORDS_IN_FLIGHT_H_

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace lov::visits {

// The visits this process reserved and has not recorded yet: their events
// may already be in Kafka (published, the write path's record still to
// come), and the projection reads them back about when the write path
// records them. The projection waits a moment for the write path instead of
// recording such a visit a second time in full (issue 17: that double
// record was most of Redis's work during an upload). Only a hint: the wait
// is bounded, and whatever is not recorded after it the projection records
// itself, as before.
class OwnRecordsInFlight {
 public:
  // An entry older than this is taken as left behind (a batch that ended
  // by an exception) and not waited for.
  static constexpr absl::Duration kStale = absl::Seconds(30);

  // Reserved by the write path of this process.
  void Add(const std::vector<std::string>& visit_ids);
  // Recorded (or not to be recorded) by the write path: the reservation
  // was recorded, released, or its publication is unknown.
  void Done(const std::vector<std::string>& visit_ids);
  // Waits until none of `visit_ids` is in flight, at most `wait`; whether
  // any was waited for.
  bool AwaitDone(const std::vector<std::string>& visit_ids,
                 absl::Duration wait);

  size_t size() const;

 private:
  bool AnyInFlight(const std::vector<std::string>& visit_ids,
                   absl::Time now) const;

  mutable std::mutex mu_;
  std::condition_variable done_;
  std::map<std::string, absl::Time> reserved_at_;
};

}  // namespace lov::visits

#endif  // LOV_SERVICES_VISITS_ADAPTERS_OWN_RECORDS_IN_FLIGHT_H_
