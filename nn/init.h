// Parameter initialisers. Each returns a fresh tensor drawn from the caller's generator, so
// the same seed gives the same model. Weight shape convention: [fan_in, fan_out] (layers
// compute x W), the layout of the GAE reference's glorot().
#pragma once
#include "autograd/ops.h"

namespace vgrad::init {

// U(-r, r), r = sqrt(6 / (fan_in + fan_out)): Glorot & Bengio 2010, the GAE reference's init.
Tensor glorot_uniform(const Shape& shape, Rng& rng);
// U(-b, b), b = gain * sqrt(3 / fan_in): He et al. 2015; gain sqrt(2) suits relu.
Tensor kaiming_uniform(const Shape& shape, Rng& rng, float gain = 1.41421356f);
// N(0, s^2), s = gain / sqrt(fan_in).
Tensor kaiming_normal(const Shape& shape, Rng& rng, float gain = 1.41421356f);
Tensor uniform(const Shape& shape, Rng& rng, float low, float high);
Tensor zeros(const Shape& shape);

// fan_in = shape[0], fan_out = shape[1] for a matrix; both = shape[0] for a vector.
std::pair<int64_t, int64_t> fans(const Shape& shape);

}  // namespace vgrad::init
