#include "nn/linear.h"

#include <cmath>

#include "nn/init.h"

namespace vgrad {

Linear::Linear(int64_t in, int64_t out, Rng& rng, bool bias) : in_(in), out_(out) {
  check(in > 0 && out > 0, "Linear: sizes must be positive, got ", in, " -> ", out);
  const float bound = 1.0f / std::sqrt((float)in);
  weight_ = register_parameter("weight", init::uniform({in, out}, rng, -bound, bound));
  if (bias) bias_ = register_parameter("bias", init::uniform({out}, rng, -bound, bound));
}

Tensor Linear::forward(const Tensor& x) const {
  check(x.dim() == 2 && x.cols() == in_, "Linear(", in_, " -> ", out_, "): input is ", shape_of(x),
        ", expected [N, ", in_, "]");
  return bias_.defined() ? linear(x, weight_, bias_) : matmul(x, weight_);
}

}  // namespace vgrad
