#include "http/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <thread>

namespace stio::http {
namespace {

TEST(WorkerPoolTest, RunsTasks) {
  WorkerPool pool(2, 100);
  std::atomic<int> n{0};
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.TrySubmit([&] { ++n; }));
  pool.Stop(/*run_queued=*/true);
  EXPECT_EQ(n.load(), 50);
}

TEST(WorkerPoolTest, RejectsWhenQueueFullAndAfterStop) {
  WorkerPool pool(1, 1);
  std::latch release(1);
  std::promise<void> started;
  ASSERT_TRUE(pool.TrySubmit([&] {
    started.set_value();
    release.wait();
  }));
  started.get_future().wait();  // the only thread is now busy
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));   // fills the queue
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));  // full
  EXPECT_EQ(pool.queued(), 1u);
  release.count_down();
  pool.Stop(/*run_queued=*/true);
  EXPECT_EQ(ran.load(), 1);
  EXPECT_FALSE(pool.TrySubmit([] {}));
}

TEST(WorkerPoolTest, ZeroCapacityRunsOnIdleThreadsOnly) {
  WorkerPool pool(1, 0);
  std::latch release(1);
  std::atomic<int> ran{0};
  auto blocker = [&] {
    ++ran;
    release.wait();
  };
  // The thread may not have reached its idle wait yet; it will soon.
  bool accepted = false;
  for (int i = 0; i < 100000 && !accepted; ++i) {
    accepted = pool.TrySubmit(blocker);
    if (!accepted) std::this_thread::yield();
  }
  ASSERT_TRUE(accepted);
  // Accepted but maybe not started: either way there is no room for another.
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));
  release.count_down();
  pool.Stop(/*run_queued=*/true);
  EXPECT_EQ(ran.load(), 1);
}

TEST(WorkerPoolTest, StopWithoutRunningQueuedDropsThem) {
  WorkerPool pool(1, 10);
  std::latch release(1);
  std::promise<void> started;
  ASSERT_TRUE(pool.TrySubmit([&] {
    started.set_value();
    release.wait();
  }));
  started.get_future().wait();
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.TrySubmit([&] { ++ran; }));
  std::thread stopper([&] { pool.Stop(/*run_queued=*/false); });
  // Release the running task only once Stop() has begun, or the worker could take the queued one.
  while (!pool.stopping()) std::this_thread::yield();
  release.count_down();
  stopper.join();
  EXPECT_EQ(ran.load(), 0);
}

}  // namespace
}  // namespace stio::http
