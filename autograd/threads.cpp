#include <cblas.h>
#include <omp.h>

#include "autograd/ops.h"

namespace vgrad {

// One knob for both pools. Debian's OpenMP build of OpenBLAS runs its threads inside the
// same OpenMP runtime, so a BLAS call made inside our parallel region does not oversubscribe.
void set_threads(int threads) {
  if (threads <= 0) return;
  omp_set_num_threads(threads);
  openblas_set_num_threads(threads);
}

int max_threads() { return omp_get_max_threads(); }

}  // namespace vgrad
