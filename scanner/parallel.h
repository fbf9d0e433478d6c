// The only threading code: a pipeline that takes tasks from a producer on one thread and runs them on a fixed
// number of worker threads. Workers are numbered, so callers keep per-worker state (a Scratch) in a plain vector.
#pragma once

#include <cstddef>
#include <functional>

namespace keyward {

using Task = std::function<void(int worker)>;

// `threads` <= 0 means one per core.
int resolve_thread_count(int threads);

// Calls `produce` on one thread at a time until it returns an empty Task; runs each task on a worker with an
// index in [0, threads). Returns when every task has run.
void run_pipeline(int threads, const std::function<Task()>& produce);

// Calls `body(i)` for every i in [0, count), spread over the cores; returns when all have run.
void parallel_for(std::size_t count, const std::function<void(std::size_t)>& body);

}  // namespace keyward
