#include "lov/platform/kafka_replay_sink.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace lov::kafka_internal {
namespace {

CloudEvent Event(int64_t offset) {
  CloudEvent e;
  e.id = absl::StrCat("e", offset);
  e.topic = "t";
  e.partition = 0;
  e.offset = offset;
  return e;
}

// The rebuild's overlap: Flush hands a batch to the sink's thread and
// returns while the batch handler still runs, so the replay reads the next
// batch meanwhile. The handler waits (up to 10 s) for the test to go on
// past Flush; were the batch handled inside Flush, the wait would time out
// and the handler would say so.
TEST(ReplaySinkTest, FlushReturnsWhileTheBatchIsHandled) {
  std::mutex mu;
  std::condition_variable cv;
  bool flushed = false;
  bool saw_flushed = false;
  std::vector<int64_t> handled;
  const EventHandler one = [](const CloudEvent&) { return absl::OkStatus(); };
  const BatchEventHandler batch = [&](const std::vector<CloudEvent>& events) {
    std::unique_lock<std::mutex> lock(mu);
    saw_flushed =
        cv.wait_for(lock, std::chrono::seconds(10), [&] { return flushed; });
    for (const CloudEvent& e : events) handled.push_back(e.offset);
    return absl::OkStatus();
  };
  ReplaySink sink(one, batch);
  sink.Add(Event(0));
  sink.Add(Event(1));
  sink.Flush();
  EXPECT_TRUE(sink.empty());  // the next batch is gathered meanwhile
  {
    std::lock_guard<std::mutex> lock(mu);
    flushed = true;
  }
  cv.notify_all();
  sink.Finish();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_TRUE(saw_flushed);
  EXPECT_EQ(handled, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(sink.batches(), 1);
  EXPECT_EQ(sink.largest(), 2);
}

// The handlers still see one batch at a time, in the order read; a batch
// that fails is handled one by one before the next batch is handed on, and
// Finish waits for the last.
TEST(ReplaySinkTest, BatchesOneAtATimeInOrderAndAFailedOneByOneFirst) {
  std::mutex mu;
  std::vector<std::string> calls;
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  const EventHandler one = [&](const CloudEvent& e) {
    std::lock_guard<std::mutex> lock(mu);
    calls.push_back(absl::StrCat("one ", e.offset));
    return absl::OkStatus();
  };
  const BatchEventHandler batch = [&](const std::vector<CloudEvent>& events) {
    most = std::max(most.load(), ++running);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    absl::Status s = absl::OkStatus();
    {
      std::lock_guard<std::mutex> lock(mu);
      std::string call = "batch";
      for (const CloudEvent& e : events) absl::StrAppend(&call, " ", e.offset);
      calls.push_back(call);
      // The batch holding offset 2 fails: its events go one by one.
      if (events.front().offset == 2) s = absl::UnavailableError("down");
    }
    --running;
    return s;
  };
  ReplaySink sink(one, batch);
  for (int64_t offset = 0; offset < 8; ++offset) {
    sink.Add(Event(offset));
    if (offset % 2 == 1) sink.Flush();
  }
  sink.Finish();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(calls,
            (std::vector<std::string>{"batch 0 1", "batch 2 3", "one 2",
                                      "one 3", "batch 4 5", "batch 6 7"}));
  EXPECT_EQ(most.load(), 1);
  EXPECT_EQ(sink.batches(), 4);
}

// With the overlap off (--replay-overlap=false) a batch is handled within
// Flush, as before it.
TEST(ReplaySinkTest, WithoutTheOverlapTheBatchIsHandledWithinFlush) {
  std::vector<int64_t> handled;
  const EventHandler one = [](const CloudEvent&) { return absl::OkStatus(); };
  const BatchEventHandler batch = [&](const std::vector<CloudEvent>& events) {
    for (const CloudEvent& e : events) handled.push_back(e.offset);
    return absl::OkStatus();
  };
  ReplaySink sink(one, batch, /*overlap=*/false);
  sink.Add(Event(3));
  sink.Add(Event(4));
  sink.Flush();
  EXPECT_EQ(handled, (std::vector<int64_t>{3, 4}));
}

// Without a batch handler every event goes to the handler within Flush, as
// before: nothing is left for Finish.
TEST(ReplaySinkTest, WithoutABatchHandlerEachEventWithinFlush) {
  std::vector<int64_t> handled;
  const EventHandler one = [&](const CloudEvent& e) {
    handled.push_back(e.offset);
    return absl::OkStatus();
  };
  const BatchEventHandler none;
  ReplaySink sink(one, none);
  EXPECT_EQ(sink.max_batch(), 1u);
  sink.Add(Event(7));
  sink.Flush();
  EXPECT_EQ(handled, (std::vector<int64_t>{7}));
}

}  // namespace
}  // namespace lov::kafka_internal
