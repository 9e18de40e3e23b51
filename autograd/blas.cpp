#include "autograd/blas.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>

namespace vgrad::kernels {
namespace {

// Below this many multiply-adds a second thread costs more than it saves.
constexpr int64_t kSplitMin = int64_t(1) << 17;
// Slices of C are whole micro-kernel panels (16 wide in OpenBLAS's Haswell sgemm).
constexpr int64_t kPanel = 16;

void call(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

}  // namespace

void sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
           int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  const int threads = omp_get_max_threads();
  // Rows of C whenever there are enough of them: on every VAE shape with rows to split, row
  // halves beat column halves by 5-30% (measured, 2 threads).
  const bool split_rows = m >= 2 * kPanel;
  const int64_t side = split_rows ? m : n;
  if (omp_in_parallel() || threads < 2 || m * n * k < kSplitMin || side < 2 * kPanel) {
    call(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  const int64_t panels = (side + kPanel - 1) / kPanel;
  const int parts = (int)std::min<int64_t>(threads, panels);
#pragma omp parallel num_threads(parts)
  {
    const int t = omp_get_thread_num();
    const int64_t lo = std::min(side, panels * t / parts * kPanel);
    const int64_t hi = std::min(side, panels * (t + 1) / parts * kPanel);
    if (hi > lo) {
      if (split_rows)  // rows lo..hi of op(A): row lo of A, or column lo of A^T
        call(ta, tb, hi - lo, n, k, alpha, ta ? a + lo : a + lo * lda, lda, b, ldb, beta,
             c + lo * ldc, ldc);
      else  // columns lo..hi of op(B): column lo of B, or row lo of B^T
        call(ta, tb, m, hi - lo, k, alpha, a, lda, tb ? b + lo * ldb : b + lo, ldb, beta, c + lo,
             ldc);
    }
  }
}

}  // namespace vgrad::kernels
