// Loop helpers for kernels in every layer (ops, losses, optimizers, models): a parallel
// elementwise map, fixed-order sums (whole range, and per column), one region over several
// arrays laid end to end, and a row's prefetch.
#pragma once
#include <omp.h>
#include <xmmintrin.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "autograd/tensor.h"

namespace vgrad::kernels {

// Flush-to-zero and denormals-are-zero (MXCSR) on the calling thread while the guard lives.
// A float below 1.2e-38 costs a microcode assist of some 100 cycles on every instruction
// that reads or makes it, and a VAE trained past its first epoch makes them by the million:
// Adam's moments of the weights that see a background pixel decay towards 0 by 0.9 a step
// (the step ran 10x slower in epoch 4 than in epoch 1), and so do those pixels' logit
// gradients, which reach the products. Used where such a value cannot matter: a moment or
// product term below 1.2e-38 moves no parameter of a normal size. Each thread sets its own
// (MXCSR is per thread), so a parallel region takes one guard per thread.
class FlushDenormals {
 public:
  FlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFtzDaz); }
  ~FlushDenormals() { _mm_setcsr(saved_); }
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
  static constexpr unsigned kFtzDaz = 0x8040;  // FTZ (bit 15) | DAZ (bit 6)
  unsigned saved_;
};

// Below this many elements a parallel region costs more than it saves.
constexpr int64_t kParallelMin = 1 << 15;

// The range is cut into blocks and each block runs as a plain loop: inside OpenMP's outlined
// body g++ does not hoist the lambda's captured pointers out of a `parallel for simd` loop,
// and the loop stays scalar; a plain loop over a block vectorises.
template <typename F>
void for_each_index(int64_t n, F f) {
  constexpr int64_t kBlock = 4096;
  if (n < kParallelMin) {
    for (int64_t i = 0; i < n; ++i) f(i);
    return;
  }
  const int64_t blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t end = std::min(n, (b + 1) * kBlock);
    for (int64_t i = b * kBlock; i < end; ++i) f(i);
  }
}

// f(begin, end) over consecutive blocks of [0, n) small enough for a stack buffer, on all
// threads when n is large: the driver of the array kernels (vecmath.h's and the like), each
// compiled at the processor's width. A block is one call, so the kernel's pointers are plain
// arguments and its loop vectorises (see for_each_index).
template <typename F>
void for_each_block(int64_t n, F f) {
  constexpr int64_t kBlock = 4096;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (int64_t b = 0; b < blocks; ++b) f(b * kBlock, std::min(n, (b + 1) * kBlock));
}

// Sum of f(i) for begin <= i < end in double, in a fixed order: eight running sums (i mod 8)
// added pairwise at the end. Eight independent sums let the compiler use SIMD without
// -ffast-math, since the order of additions is the one written here.
template <typename F>
double lane_sum(int64_t begin, int64_t end, F f) {
  double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = begin;
  for (; i + 8 <= end; i += 8)
    for (int j = 0; j < 8; ++j) lane[j] += f(i + j);
  for (int j = 0; i < end; ++i, ++j) lane[j] += f(i);
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

// The sum of block_sum(begin, end) over a fixed cut of [0, n) into blocks, added in block
// order: bit-identical for any number of threads (an OpenMP reduction clause combines in an
// unspecified order). One block when n is small.
template <typename F>
double ordered_block_sum(int64_t n, F block_sum) {
  constexpr int64_t kBlocks = 64;
  if (n < kParallelMin) return block_sum(int64_t{0}, n);
  double partial[kBlocks];
  const int64_t step = (n + kBlocks - 1) / kBlocks;
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < kBlocks; ++b)
    partial[b] = block_sum(std::min(n, b * step), std::min(n, (b + 1) * step));
  double total = 0;
  for (int64_t b = 0; b < kBlocks; ++b) total += partial[b];
  return total;
}

// Sum of f(i) for i < n in double, each block's by lane_sum.
template <typename F>
double ordered_sum(int64_t n, F f) {
  return ordered_block_sum(n, [&](int64_t begin, int64_t end) { return lane_sum(begin, end, f); });
}

// out[c] = scale * sum_r x[r * cols + c]: the sum over the rows of a [rows, cols] matrix (a
// bias gradient, the adjoint of broadcasting a row). Threads split the columns, and every
// column is summed over the rows in row order in double, so results do not depend on the
// thread count; walking rows innermost-by-column keeps the reads unit-stride and SIMD.
inline void column_sums(const float* x, int64_t rows, int64_t cols, double scale, float* out) {
  constexpr int64_t kBlock = 256;
  const int64_t blocks = (cols + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (rows * cols >= kParallelMin && blocks > 1)
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t c0 = b * kBlock, width = std::min(kBlock, cols - c0);
    double acc[kBlock] = {};
    for (int64_t r = 0; r < rows; ++r) {
      const float* row = x + r * cols + c0;
#pragma omp simd
      for (int64_t c = 0; c < width; ++c) acc[c] += row[c];
    }
    for (int64_t c = 0; c < width; ++c) out[c0 + c] = (float)(acc[c] * scale);
  }
}

// Runs f(k, begin, end) over several arrays of sizes[k] elements as if they were laid end to
// end, in one parallel region: each thread takes an equal share of the total, and a share
// may cover the tail of one array and the head of the next. An optimizer step over a model's
// tensors (two big weights and a row of small biases) is then one fork and join, with the
// biases spread over the threads instead of run one by one on the first. The region runs on
// all threads when `work` reaches kParallelMin: the total, or, when an element stands for more
// (a row of d floats), the caller's own measure.
template <typename F>
void for_each_span(const std::vector<int64_t>& sizes, int64_t work, F f) {
  int64_t total = 0;
  for (int64_t n : sizes) total += n;
#pragma omp parallel if (work >= kParallelMin)
  {
    const int64_t parts = omp_get_num_threads(), t = omp_get_thread_num();
    const int64_t lo = total * t / parts, hi = total * (t + 1) / parts;
    int64_t start = 0;  // where array k begins in the joined range
    for (size_t k = 0; k < sizes.size() && start < hi; start += sizes[k++]) {
      const int64_t begin = std::max(lo, start), end = std::min(hi, start + sizes[k]);
      if (begin < end) f(k, begin - start, end - start);
    }
  }
}

template <typename F>
void for_each_span(const std::vector<int64_t>& sizes, F f) {
  int64_t total = 0;
  for (int64_t n : sizes) total += n;
  for_each_span(sizes, total, f);
}

// Asks for a row of d floats, one cache line (16 floats) at a time, ahead of its use: for rows
// scattered over a big table, where the hardware prefetcher starts only a few lines into each
// row. for_write when the row will be written (an optimizer's update), so that a processor
// with a write prefetch fetches the line to own it. __builtin_prefetch's intent must be a
// constant, hence the two calls.
inline void prefetch_row(const float* row, int64_t d, bool for_write) {
  constexpr int64_t kLine = 64 / sizeof(float);
  for (int64_t c = 0; c < d; c += kLine) {
    if (for_write)
      __builtin_prefetch(row + c, 1);
    else
      __builtin_prefetch(row + c, 0);
  }
}

}  // namespace vgrad::kernels
