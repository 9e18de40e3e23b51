#include "autograd/storage.h"

#include <bit>

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace vgrad {
namespace {

// Below this many floats malloc's own bins are already fast; above it we keep blocks.
constexpr size_t kPoolMinFloats = 1024;
// A bound on what the cache may hold, so a one-off huge tensor does not pin memory forever.
constexpr size_t kPoolMaxBytes = size_t(1) << 30;

struct Pool {
  std::mutex mu;
  std::unordered_map<size_t, std::vector<float*>> free_blocks;
  PoolStats stats;
  size_t live_bytes = 0;  // the pooled blocks in use (their size classes)
  size_t most_live = 0;   // live_bytes' high-water mark since the last pool_release_all
};

// Blocks are kept by size class: n rounded up to 8 steps per power of two (at most 12.5%
// more). Keyed by exact size, a loop whose tensors change size every step (DeepWalk's
// batches: a few thousand terms, never the same count twice) filled the cache with blocks
// that were never asked for again, up to its 1 GiB bound.
size_t size_class(size_t n) {
  const int octave = std::bit_width(n) - 1;  // 2^octave <= n
  const size_t step = octave > 3 ? size_t(1) << (octave - 3) : 1;
  return (n + step - 1) / step * step;
}

Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: buffers may be freed during static teardown
  return *p;
}

// Blocks this large start on a 2 MiB boundary and ask for transparent huge pages. A batch
// gathered from MNIST's 188 MB of images touches ~230 scattered 4 KiB pages; on the VM we
// measured on, those page walks cost 330 us a batch, against 85 us with huge pages. Only
// the 2 MiB pages the block covers whole are advised, so RSS does not grow.
constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kHugeMinBytes = 2 * kHugePage;

float* raw_alloc(size_t n) {
  // 64-byte alignment keeps AVX loads on one cache line.
  const size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
  const bool huge = bytes >= kHugeMinBytes;
  // aligned_alloc wants a size that is a multiple of the alignment
  void* p = huge ? std::aligned_alloc(kHugePage, (bytes + kHugePage - 1) / kHugePage * kHugePage)
                 : std::aligned_alloc(64, bytes);
  if (!p) throw std::bad_alloc();
  if (huge) madvise(p, bytes / kHugePage * kHugePage, MADV_HUGEPAGE);  // a hint: failure is fine
  return static_cast<float*>(p);
}

// A miss for a large block may first return cached large blocks of other sizes: as many as
// keep the live and cached blocks together within the most that has been live at once. The
// cached ones are what an earlier phase of the step used (a 1M-node VGAE's forward makes
// N x 16 tensors, its backward N x 32 ones); kept while new blocks were faulted in, they sat
// 650 MiB above the live tensors at that run's peak. A loop whose sizes repeat every step
// stops missing after its first, so this costs it nothing.
void release_other_sizes(Pool& p, size_t capacity) {
  for (auto& [c, blocks] : p.free_blocks) {
    if (c == capacity || c * sizeof(float) < kHugeMinBytes) continue;
    while (!blocks.empty() && p.live_bytes + p.stats.cached_bytes > p.most_live) {
      std::free(blocks.back());
      blocks.pop_back();
      p.stats.cached_bytes -= c * sizeof(float);
    }
  }
}

}  // namespace

Buffer::Buffer(size_t n) : n_(n) {
  if (n == 0) return;
  Pool& p = pool();
  if (n >= kPoolMinFloats) {
    std::lock_guard<std::mutex> lock(p.mu);
    p.stats.allocations++;
    p.stats.bytes_allocated += n * sizeof(float);
    const size_t capacity = size_class(n);
    p.live_bytes += capacity * sizeof(float);  // the new block counts as live from here
    p.most_live = std::max(p.most_live, p.live_bytes);
    auto it = p.free_blocks.find(capacity);
    if (it != p.free_blocks.end() && !it->second.empty()) {
      ptr_ = it->second.back();
      it->second.pop_back();
      p.stats.reused++;
      p.stats.cached_bytes -= capacity * sizeof(float);
      return;
    }
    if (capacity * sizeof(float) >= kHugeMinBytes) release_other_sizes(p, capacity);
    ptr_ = raw_alloc(capacity);
    return;
  } else {
    std::lock_guard<std::mutex> lock(p.mu);
    p.stats.allocations++;
    p.stats.bytes_allocated += n * sizeof(float);
  }
  ptr_ = raw_alloc(n);
}

Buffer::~Buffer() {
  if (!ptr_) return;
  if (n_ >= kPoolMinFloats) {
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mu);
    const size_t capacity = size_class(n_);
    p.live_bytes -= capacity * sizeof(float);
    if (p.stats.cached_bytes + capacity * sizeof(float) <= kPoolMaxBytes) {
      p.free_blocks[capacity].push_back(ptr_);
      p.stats.cached_bytes += capacity * sizeof(float);
      return;
    }
  }
  std::free(ptr_);
}

Buffer::Buffer(Buffer&& other) noexcept : ptr_(other.ptr_), n_(other.n_) {
  other.ptr_ = nullptr;
  other.n_ = 0;
}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    Buffer dying(std::move(*this));
    ptr_ = other.ptr_;
    n_ = other.n_;
    other.ptr_ = nullptr;
    other.n_ = 0;
  }
  return *this;
}

PoolStats pool_stats() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mu);
  return p.stats;
}

void pool_release_all() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mu);
  for (auto& [n, blocks] : p.free_blocks)
    for (float* b : blocks) std::free(b);
  p.free_blocks.clear();
  p.stats.cached_bytes = 0;
  p.most_live = p.live_bytes;
}

}  // namespace vgrad
