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

// A pipeline of three stages over items 0, 1, 2, ...: `produce(slot)` on one thread at a time, in order, until it
// returns false; then `work(slot, worker)` on up to `threads` workers (worker in [0, threads)); then
// `consume(slot)` on one thread at a time in the items' order, as soon as an item's work and every earlier consume
// are done. At most `slots` items are in flight and item i uses slot i % slots, so each item's state can live in a
// vector of `slots` elements that is never resized.
void ordered_pipeline(int threads, std::size_t slots, const std::function<bool(std::size_t)>& produce,
                      const std::function<void(std::size_t, int)>& work,
                      const std::function<void(std::size_t)>& consume);

// Calls `work(i, worker)` for every i in [0, count) on up to `threads` workers (worker in [0, threads)), so that
// each worker can keep state of its own; returns when all have run.
void for_each_index(int threads, std::size_t count, const std::function<void(std::size_t, int)>& work);

// Calls `body(i)` for every i in [0, count), spread over the cores; returns when all have run.
void parallel_for(std::size_t count, const std::function<void(std::size_t)>& body);

}  // namespace keyward
