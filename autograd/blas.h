// The one sgemm every layer calls. Row-major C = alpha op(A) op(B) + beta C, op(X) = X^T when
// its flag is set; lda/ldb/ldc are row strides as cblas takes them.
//
// Outside a parallel region the product is split across the OpenMP threads here: each thread
// runs a single-threaded sgemm on its own rows (or columns) of C. On the 2-core machine that
// was 10-30% faster than OpenBLAS's own threading on the VAE's big shapes (128 x 400 x 784
// and the like) and about twice as fast on its small ones (400 x 20 x 128). As with
// OpenBLAS's own threading, the last bits of an element may depend on the split (edge rows
// go through OpenBLAS's remainder kernels), so sgemm is the one kernel where 1 and 2 threads
// may differ.
// Inside a parallel region (the fused decoder's tiles) the call runs on the calling thread.
#pragma once
#include <cstdint>

namespace vgrad::kernels {

void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
           const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
           int64_t ldc);

}  // namespace vgrad::kernels
