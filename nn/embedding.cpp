#include "nn/embedding.h"

namespace vgrad {

Embedding::Embedding(int64_t num, int64_t dim, Rng& rng, float scale) {
  check(num >= 1 && dim >= 1, "Embedding: expected at least one row and one column, got ", num,
        " x ", dim);
  table_ =
      register_parameter("weight", scale == 0.0f ? Tensor::zeros({num, dim})
                                                 : rand_uniform({num, dim}, rng, -scale, scale));
}

}  // namespace vgrad
