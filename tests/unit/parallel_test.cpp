#include "scanner/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <vector>

namespace keyward {
namespace {

TEST(Pipeline, RunsEveryTaskOnceOnAWorkerInRange) {
  for (int threads : {1, 2, 4}) {
    constexpr int kTasks = 1000;
    std::vector<std::atomic<int>> runs(kTasks);
    std::atomic<bool> worker_out_of_range{false};
    std::mutex mutex;
    std::set<int> workers_seen;
    int next = 0;
    run_pipeline(threads, [&]() -> Task {
      if (next == kTasks) return {};
      const int index = next++;
      return [&, index](int worker) {
        if (worker < 0 || worker >= threads) worker_out_of_range = true;
        ++runs[index];
        std::lock_guard lock(mutex);
        workers_seen.insert(worker);
      };
    });
    for (int i = 0; i < kTasks; ++i) EXPECT_EQ(runs[i].load(), 1) << "task " << i << " threads " << threads;
    EXPECT_FALSE(worker_out_of_range);
    EXPECT_LE(static_cast<int>(workers_seen.size()), threads);
  }
}

TEST(Pipeline, NoTasksIsFine) {
  int produced = 0;
  run_pipeline(2, [&]() -> Task {
    ++produced;
    return {};
  });
  EXPECT_EQ(produced, 1);
}

TEST(Pipeline, ThreadCountDefaultsToTheCores) {
  EXPECT_GE(resolve_thread_count(0), 1);
  EXPECT_EQ(resolve_thread_count(3), 3);
}

}  // namespace
}  // namespace keyward
