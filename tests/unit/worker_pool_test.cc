#include "lov/platform/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace lov {
namespace {

// With every worker busy, at most max_queued calls wait; the next is
// refused at once rather than queued without limit. Once the workers are
// free, every accepted task runs.
TEST(WorkerPoolTest, TheQueueIsBoundedAndEveryAcceptedTaskRuns) {
  std::mutex mu;
  std::condition_variable cv;
  bool started = false, release = false;
  std::atomic<int> ran{0};
  {
    WorkerPool pool(/*threads=*/1, /*max_queued=*/2);
    ASSERT_TRUE(pool.TrySubmit([&] {
      std::unique_lock<std::mutex> lock(mu);
      started = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
      ++ran;
    }));
    {
      // The only worker is busy and the queue empty.
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return started; });
    }
    EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
    EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
    EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));
    {
      std::lock_guard<std::mutex> lock(mu);
      release = true;
    }
    cv.notify_all();
  }  // the destructor drains the queue
  EXPECT_EQ(ran.load(), 3);
}

TEST(WorkerPoolTest, SubmitOfTheServicesOwnWorkIsNeverRefused) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(/*threads=*/1, /*max_queued=*/1);
    for (int i = 0; i < 10; ++i) pool.Submit([&] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 10);
}

}  // namespace
}  // namespace lov
