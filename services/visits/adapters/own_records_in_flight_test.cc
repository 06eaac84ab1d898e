#include "lov/visits/adapters/own_records_in_flight.h"

#include <gtest/gtest.h>

#include <thread>

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
    in_flight.Done({"p/r1"});
    in_flight.Done({"p/r2"});
  });
  // Waits for both, not for r3 which it does not read back.
  EXPECT_TRUE(in_flight.AwaitDone({"p/r1", "p/r2"}, absl::Hours(1)));
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
