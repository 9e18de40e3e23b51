#include "nn/init.h"

#include <cmath>

namespace vgrad::init {

std::pair<int64_t, int64_t> fans(const Shape& shape) {
  check(shape.size() == 1 || shape.size() == 2, "init: expected a 1-D or 2-D shape, got ",
        shape_str(shape));
  check(numel_of(shape) > 0, "init: empty shape ", shape_str(shape));
  if (shape.size() == 1) return {shape[0], shape[0]};
  return {shape[0], shape[1]};
}

Tensor glorot_uniform(const Shape& shape, Rng& rng) {
  auto [in, out] = fans(shape);
  const float r = std::sqrt(6.0f / (float)(in + out));
  return rand_uniform(shape, rng, -r, r);
}

Tensor kaiming_uniform(const Shape& shape, Rng& rng, float gain) {
  const float b = gain * std::sqrt(3.0f / (float)fans(shape).first);
  return rand_uniform(shape, rng, -b, b);
}

Tensor kaiming_normal(const Shape& shape, Rng& rng, float gain) {
  return randn(shape, rng, gain / std::sqrt((float)fans(shape).first));
}

Tensor uniform(const Shape& shape, Rng& rng, float low, float high) {
  return rand_uniform(shape, rng, low, high);
}

Tensor zeros(const Shape& shape) { return Tensor::zeros(shape); }

}  // namespace vgrad::init
