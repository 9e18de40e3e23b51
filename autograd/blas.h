// The one sgemm every layer calls. Row-major C = alpha op(A) op(B) + beta C, op(X) = X^T when
// its flag is set; lda/ldb/ldc are row strides as cblas takes them.
//
// Two backends behind it: OpenBLAS (the reference) and oneDNN's dnnl_sgemm, which is
// row-major with 'N'/'T' flags since oneDNN 1.0 (the older mkldnn_sgemm was Fortran-style), so
// the arguments pass straight through. OpenBLAS is pinned to its AVX2 (Haswell) kernels on
// this project's machines (OPENBLAS_CORETYPE); oneDNN picks its kernels by cpuid at run time
// and uses AVX-512 where the processor has it.
//
// Threads. Outside a parallel region the product is split across the OpenMP threads here,
// on both backends: each thread runs a single-threaded sgemm on its own rows (or columns) of
// C. For OpenBLAS that was 10-30% faster than its own threading on the VAE's big shapes
// (128 x 400 x 784 and the like) and about twice as fast on its small ones (400 x 20 x 128);
// for oneDNN see blas.cpp. The last bits of an element may depend on the split (edge rows go
// through the remainder kernels), so sgemm is the one kernel where 1 and 2 threads may differ;
// the same backend and thread count always give the same bits.
// Inside a parallel region (the fused decoder's tiles) the call runs on the calling thread:
// OpenBLAS's OpenMP build and oneDNN's (dnnl_get_current_num_threads() is 1 when
// omp_in_parallel()) both stay on one thread there.
#pragma once
#include <cstdint>
#include <string>

namespace vgrad::kernels {

void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
           int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// C = op(A) op(B) + 1 row^T: every row of C [m, n] starts as a copy of `row` (n floats) and
// the product is accumulated onto it (beta = 1), a layer's bias. Each thread fills its own
// slice of C just before its product: no region of its own, and the rows are in that
// thread's cache when the product reads them. The same bits as the fill followed by sgemm.
void sgemm_rows_from(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a,
                     int64_t lda, const float* b, int64_t ldb, const float* row, float* c,
                     int64_t ldc);

enum class GemmBackend { openblas, onednn };

// The rule `auto` follows: oneDNN when the processor has AVX-512F (OpenBLAS is held to AVX2
// here, so oneDNN has twice its width: about 2x on every VAE and Cora shape, measured), else
// OpenBLAS (the same width on both; OpenBLAS is the reference).
GemmBackend auto_gemm_backend();

// "auto", "openblas" or "onednn"; an empty name means $VGRAD_GEMM, or auto when that is unset.
// Throws vgrad::Error naming `what` (the caller's name for the setting) for any other name.
GemmBackend parse_gemm_backend(const std::string& name, const std::string& what = "gemm backend");

// The backend every later sgemm uses; not to be changed while another thread multiplies.
// Until the first set, sgemm uses parse_gemm_backend("") (so $VGRAD_GEMM reaches the tests).
void set_gemm_backend(GemmBackend backend);
void set_gemm_backend(const std::string& name);
GemmBackend gemm_backend();
const char* gemm_backend_name(GemmBackend backend);

}  // namespace vgrad::kernels
