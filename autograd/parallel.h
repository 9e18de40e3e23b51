// Loop helpers for kernels in every layer (ops, losses, models): a parallel elementwise map
// and a fixed-order blocked sum.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "autograd/tensor.h"

namespace vgrad::kernels {

// Below this many elements a parallel region costs more than it saves.
constexpr int64_t kParallelMin = 1 << 15;

template <typename F>
void for_each_index(int64_t n, F f) {
#pragma omp parallel for simd if (n >= kParallelMin) schedule(static)
  for (int64_t i = 0; i < n; ++i) f(i);
}

// Sum of f(i) for i < n in double. The range is cut into a fixed number of blocks whose
// partial sums are added in block order, so the result is bit-identical for any number of
// threads (an OpenMP reduction clause combines in an unspecified order).
template <typename F>
double ordered_sum(int64_t n, F f) {
  constexpr int64_t kBlocks = 64;
  if (n < kParallelMin) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += f(i);
    return s;
  }
  double partial[kBlocks];
  const int64_t step = (n + kBlocks - 1) / kBlocks;
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < kBlocks; ++b) {
    double s = 0;
    const int64_t end = std::min(n, (b + 1) * step);
    for (int64_t i = b * step; i < end; ++i) s += f(i);
    partial[b] = s;
  }
  double total = 0;
  for (int64_t b = 0; b < kBlocks; ++b) total += partial[b];
  return total;
}

}  // namespace vgrad::kernels
