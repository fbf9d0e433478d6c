#include "scanner/parallel.h"

#include <memory>
#include <thread>

#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

namespace keyward {

int resolve_thread_count(int threads) {
  if (threads > 0) return threads;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

void run_pipeline(int threads, const std::function<Task()>& produce) {
  const int workers = resolve_thread_count(threads);
  tbb::task_arena arena(workers);
  arena.execute([&] {
    tbb::parallel_pipeline(
        static_cast<std::size_t>(workers) * 4,
        tbb::make_filter<void, Task*>(tbb::filter_mode::serial_in_order, [&](tbb::flow_control& control) -> Task* {
          Task task = produce();
          if (!task) {
            control.stop();
            return nullptr;
          }
          return new Task(std::move(task));
        }) & tbb::make_filter<Task*, void>(tbb::filter_mode::parallel, [](Task* raw) {
          std::unique_ptr<Task> task(raw);
          (*task)(tbb::this_task_arena::current_thread_index());
        }));
  });
}

void ordered_pipeline(int threads, std::size_t slots, const std::function<bool(std::size_t)>& produce,
                      const std::function<void(std::size_t, int)>& work,
                      const std::function<void(std::size_t)>& consume) {
  const int workers = resolve_thread_count(threads);
  std::size_t next = 0;
  tbb::task_arena arena(workers);
  arena.execute([&] {
    tbb::parallel_pipeline(slots, tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order,
                                                                      [&](tbb::flow_control& control) -> std::size_t {
                                                                        const std::size_t slot = next++ % slots;
                                                                        if (!produce(slot)) control.stop();
                                                                        return slot;
                                                                      }) &
                                      tbb::make_filter<std::size_t, std::size_t>(
                                          tbb::filter_mode::parallel,
                                          [&](std::size_t slot) {
                                            work(slot, tbb::this_task_arena::current_thread_index());
                                            return slot;
                                          }) &
                                      tbb::make_filter<std::size_t, void>(tbb::filter_mode::serial_in_order,
                                                                          [&](std::size_t slot) { consume(slot); }));
  });
}

void for_each_index(int threads, std::size_t count, const std::function<void(std::size_t, int)>& work) {
  std::size_t next = 0;
  run_pipeline(threads, [&]() -> Task {
    if (next == count) return {};
    const std::size_t i = next++;
    return [&work, i](int worker) { work(i, worker); };
  });
}

void parallel_for(std::size_t count, const std::function<void(std::size_t)>& body) {
  tbb::parallel_for(std::size_t{0}, count, [&](std::size_t i) { body(i); });
}

}  // namespace keyward
