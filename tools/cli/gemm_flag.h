// --gemm, on the commands that train or time: which sgemm backs every dense product
// (autograd/blas.h). Left out, $VGRAD_GEMM or auto decides.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace vgrad::tools {

inline void add_gemm_flag(CLI::App& app, std::string& gemm) {
  app.add_option("--gemm", gemm,
                 "matrix products by auto (oneDNN on AVX-512 processors, else OpenBLAS), "
                 "openblas or onednn (default: $VGRAD_GEMM, else auto)")
      ->check(CLI::IsMember({"auto", "openblas", "onednn"}));
}

}  // namespace vgrad::tools
