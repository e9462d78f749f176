#pragma once
// Runs independent tasks on a few threads, each writing only its own slot, so that results come
// out in input order whatever the number of threads.
//
//   std::vector<Result> results(items.size());
//   ParallelFor(items.size(), ResolveJobs(opts.jobs), [&](size_t i) { results[i] = Work(items[i]);
//   });
//
// Tasks must not throw (a thread has no one to throw to).

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace syncgate {

/// The worker count for a `-j N` option: N when positive, otherwise every core.
inline int ResolveJobs(int requested) {
  return requested > 0 ? requested
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

/// Runs `task(i)` for i in [0, count) on at most `jobs` threads (the caller's among them); the
/// next index goes to whichever thread is free, so uneven tasks balance.
template <typename Task>
void ParallelFor(size_t count, int jobs, Task&& task) {
  const size_t threads = std::min<size_t>(static_cast<size_t>(std::max(jobs, 1)), count);
  if (threads <= 1) {
    for (size_t i = 0; i < count; ++i) task(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < count; i = next++) task(i);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
}

}  // namespace syncgate
