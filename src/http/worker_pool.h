// A fixed set of threads with a bounded FIFO queue. Used by the server so that slow handlers
// (database, analytics) never run on the I/O threads, and so that overload turns into fast 503s
// instead of an ever-growing backlog.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace stio::http {

class WorkerPool {
 public:
  // `threads` < 1 means 1. `capacity` counts tasks that may wait beyond the idle threads, so
  // capacity 0 means "run now or refuse", and at most threads + capacity tasks are accepted.
  WorkerPool(int threads, size_t capacity);
  ~WorkerPool();  // Stop(/*run_queued=*/false)
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; returns false (and drops it) when the queue is full or the pool is stopped.
  [[nodiscard]] bool TrySubmit(std::function<void()> task);

  // Stops taking tasks, waits for running tasks and joins the threads. Queued tasks are run first
  // when `run_queued`, otherwise destroyed unrun. Idempotent.
  void Stop(bool run_queued);

  size_t queued() const;
  bool stopping() const;

 private:
  void Loop();

  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                    // GUARDED_BY(mu_)
  bool run_queued_ = false;                  // GUARDED_BY(mu_)
  size_t idle_ = 0;                          // threads waiting for a task; GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
  std::mutex join_mu_;  // serialises concurrent Stop() calls
};

}  // namespace stio::http
