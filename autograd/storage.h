// Buffer: the float storage behind a Tensor. Large buffers come from a free list keyed by
// size, because a training step frees and re-allocates the same sizes every step, and
// returning big blocks to the OS each time (then faulting them in again) costs more than the
// arithmetic on small graphs. The cache is invisible to results: contents are never reused
// uninitialised by an op that reads before it writes.
#pragma once
#include <cstddef>
#include <cstdint>

namespace vgrad {

class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(size_t n);
  ~Buffer();
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  float* data() { return ptr_; }
  const float* data() const { return ptr_; }
  size_t size() const { return n_; }

 private:
  float* ptr_ = nullptr;
  size_t n_ = 0;
};

struct PoolStats {
  uint64_t allocations = 0;  // Buffer constructions with n > 0
  uint64_t reused = 0;       // of those, served from the free list
  uint64_t bytes_allocated = 0;
  uint64_t cached_bytes = 0;  // held in the free list now
};
PoolStats pool_stats();
void pool_release_all();  // return every cached block to the system; the high-water mark restarts

}  // namespace vgrad
