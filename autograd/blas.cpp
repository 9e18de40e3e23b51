#include "autograd/blas.h"

#include <cblas.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>

#include "autograd/check.h"
#include "autograd/parallel.h"

namespace vgrad::kernels {
namespace {

// Below this many multiply-adds a second thread costs more than it saves.
constexpr int64_t kSplitMin = int64_t(1) << 17;
// Slices of C are whole micro-kernel panels (16 wide in OpenBLAS's Haswell sgemm, 16 or a
// multiple in oneDNN's AVX2 and AVX-512 kernels).
constexpr int64_t kPanel = 16;

// -1: not chosen yet (the first sgemm reads $VGRAD_GEMM).
std::atomic<int> chosen{-1};

// False when dnnl_sgemm refused its arguments (it checks sizes and strides, which the ops
// have checked before; it does not report running out of memory).
bool call(GemmBackend backend, bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha,
          const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
          int64_t ldc) {
  // Terms below 1.2e-38 (a confident pixel's logit gradient times an activation) cannot
  // change a sum of a normal size, and each costs an assist (autograd/parallel.h).
  const FlushDenormals flush;
  if (backend == GemmBackend::onednn) {
    return dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c,
                      ldc) == dnnl_success;
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m,
              (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
  return true;
}

// Columns [c0, c1) of rows [r0, r1) of C set to row[c0..c1).
void fill_rows(const float* row, int64_t r0, int64_t r1, int64_t c0, int64_t c1, float* c,
               int64_t ldc) {
  for (int64_t r = r0; r < r1; ++r) std::copy(row + c0, row + c1, c + r * ldc + c0);
}

// Slices of C, one per thread, each a single-threaded call, each thread first filling its
// slice from `row` when there is one. False if a slice failed (nothing may throw out of the
// parallel region).
bool split(GemmBackend backend, bool split_rows, int64_t side, int threads, bool ta, bool tb,
           int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc, const float* row) {
  std::atomic<bool> failed{false};
  const int64_t panels = (side + kPanel - 1) / kPanel;
  const int parts = (int)std::min<int64_t>(threads, panels);
#pragma omp parallel num_threads(parts)
  {
    const int t = omp_get_thread_num();
    const int64_t lo = std::min(side, panels * t / parts * kPanel);
    const int64_t hi = std::min(side, panels * (t + 1) / parts * kPanel);
    bool done = true;
    if (row && hi > lo)
      fill_rows(row, split_rows ? lo : 0, split_rows ? hi : m, split_rows ? 0 : lo,
                split_rows ? n : hi, c, ldc);
    if (hi > lo && split_rows)  // rows lo..hi of op(A): row lo of A, or column lo of A^T
      done = call(backend, ta, tb, hi - lo, n, k, alpha, ta ? a + lo : a + lo * lda, lda, b, ldb,
                  beta, c + lo * ldc, ldc);
    else if (hi > lo)  // columns lo..hi of op(B): column lo of B, or row lo of B^T
      done = call(backend, ta, tb, m, hi - lo, k, alpha, a, lda, tb ? b + lo * ldb : b + lo, ldb,
                  beta, c + lo, ldc);
    if (!done) failed = true;
  }
  return !failed;
}

}  // namespace

GemmBackend auto_gemm_backend() {
  return __builtin_cpu_supports("avx512f") ? GemmBackend::onednn : GemmBackend::openblas;
}

GemmBackend parse_gemm_backend(const std::string& name, const std::string& what) {
  if (name.empty()) {
    const char* env = std::getenv("VGRAD_GEMM");
    return env && *env ? parse_gemm_backend(env, "VGRAD_GEMM") : auto_gemm_backend();
  }
  if (name == "auto") return auto_gemm_backend();
  if (name == "openblas") return GemmBackend::openblas;
  if (name == "onednn") return GemmBackend::onednn;
  fail(what, ": expected auto, openblas or onednn, got '", name, "'");
}

void set_gemm_backend(GemmBackend backend) { chosen = (int)backend; }
void set_gemm_backend(const std::string& name) { set_gemm_backend(parse_gemm_backend(name)); }

GemmBackend gemm_backend() {
  int b = chosen.load(std::memory_order_relaxed);
  if (b < 0) {
    b = (int)parse_gemm_backend("");
    chosen = b;
  }
  return (GemmBackend)b;
}

const char* gemm_backend_name(GemmBackend backend) {
  return backend == GemmBackend::onednn ? "onednn" : "openblas";
}

namespace {

void sgemm_impl(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc,
                const float* row) {
  if (m == 0 || n == 0) return;
  const GemmBackend backend = gemm_backend();
  const int threads = omp_get_max_threads();
  // Rows of C whenever there are enough of them: on every VAE shape with rows to split, row
  // halves beat column halves by 5-30% (measured, 2 threads, OpenBLAS).
  const bool split_rows = m >= 2 * kPanel;
  const int64_t side = split_rows ? m : n;
  bool ok = true;
  if (omp_in_parallel() || threads < 2 || m * n * k < kSplitMin || side < 2 * kPanel) {
    if (row) {  // a product too small to split (K of 1 to 3) may still have many rows
#pragma omp parallel for schedule(static) if (!omp_in_parallel() && m * n >= kParallelMin)
      for (int64_t r = 0; r < m; ++r) fill_rows(row, r, r + 1, 0, n, c, ldc);
    }
    if (k > 0 || !row) ok = call(backend, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else {
    ok = split(backend, split_rows, side, threads, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c,
               ldc, row);
  }
  check(ok, "sgemm: dnnl_sgemm refused ", ta ? "A^T" : "A", " @ ", tb ? "B^T" : "B", " with m ", m,
        " n ", n, " k ", k, " lda ", lda, " ldb ", ldb, " ldc ", ldc);
}

}  // namespace

void sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
           int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  sgemm_impl(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nullptr);
}

void sgemm_rows_from(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                     const float* b, int64_t ldb, const float* row, float* c, int64_t ldc) {
  sgemm_impl(ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 1.0f, c, ldc, row);
}

}  // namespace vgrad::kernels
