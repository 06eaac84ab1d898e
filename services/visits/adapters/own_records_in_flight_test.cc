#include "lov/visits/adapters/own_records_in_flight.h"

#include <gtest/gtest.h>

#include <thread>

#include "absl/time/clock.h"

namespace lov::visits {
namespace {

TEST(OwnRecordsInFlightTest, NothingReservedIsNotWaitedFor) {
  OwnRecordsInFlight in_flight;
  EXPECT_FALSE(in_flight.AwaitDone({"p/r1"}, absl::Hours(1)));
  in_flight.Add({"p/r2"});
  EXPECT_FALSE(in_flight.AwaitDone({"p/r1"}, absl::Hours(1)));
}

TEST(OwnRecordsInFlightTest, RecordedReservationIsNotWaitedFor) {
  OwnRecordsInFlight in_flight;
  in_flight.Add({"p/r1", "p/r2"});
  in_flight.Done({"p/r1", "p/r2"});
  EXPECT_EQ(in_flight.size(), 0u);
  EXPECT_FALSE(in_flight.AwaitDone({"p/r1", "p/r2"}, absl::Hours(1)));
}

TEST(OwnRecordsInFlightTest, WaitEndsWhenTheWritePathRecords) {
  OwnRecordsInFlight in_flight;
  in_flight.Add({"p/r1", "p/r2", "p/r3"});
  std::thread write_path([&] {
    // Usually after the wait below has begun; if the thread is first, the
    // wait has nothing left to wait for, which is just as right.
    absl::SleepFor(absl::Milliseconds(20));
    in_flight.Done({"p/r1"});
    in_flight.Done({"p/r2"});
  });
  // Waits for both, not for r3 which it does not read back: when it
  // returns (well before its hour), neither is in flight any more, before
  // the write path's thread is even joined.
  in_flight.AwaitDone({"p/r1", "p/r2"}, absl::Hours(1));
  EXPECT_FALSE(in_flight.AwaitDone({"p/r1"}, absl::ZeroDuration()));
  EXPECT_FALSE(in_flight.AwaitDone({"p/r2"}, absl::ZeroDuration()));
  write_path.join();
  EXPECT_EQ(in_flight.size(), 1u);
  EXPECT_FALSE(in_flight.AwaitDone({"p/r1", "p/r2"}, absl::Hours(1)));
}

TEST(OwnRecordsInFlightTest, WaitIsBoundedWhenTheWritePathNeverRecords) {
  OwnRecordsInFlight in_flight;
  in_flight.Add({"p/r1"});
  // The projection then records it itself; the entry stays the write
  // path's until it is done with it.
  EXPECT_TRUE(in_flight.AwaitDone({"p/r1"}, absl::ZeroDuration()));
  EXPECT_EQ(in_flight.size(), 1u);
}

}  // namespace
}  // namespace lov::visits
