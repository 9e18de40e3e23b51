// Finite-difference gradient check. For an op y = f(inputs) and a random weight w of y's
// shape, the analytic side is backward(y, seed=w); the numeric side is the central
// difference of L = sum(w * y), summed in double, for a sample of input elements:
//   dL/dx_i ~ (L(x_i + eps) - L(x_i - eps)) / (2 eps),   eps = eps_rel * max(1, |x_i|).
// Pass when |analytic - numeric| <= atol + rtol * |numeric| for every sampled element.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "autograd/ops.h"

namespace vgrad {

struct GradcheckOptions {
  float eps_rel = 1e-3f;
  double atol = 1e-3;
  double rtol = 1e-2;
  int max_elements = 64;  // per input; larger inputs are sampled
  uint64_t seed = 1234;
};

struct GradcheckResult {
  bool ok = true;
  bool refused = false;  // order 2 only: a fused op without a second derivative said so
  double max_abs_err = 0, max_rel_err = 0;
  std::string worst;  // "input 1 [index 5]: analytic 0.31 vs numeric 0.29"
};

GradcheckResult gradcheck(const std::function<Tensor()>& f, std::vector<Tensor> inputs,
                          const GradcheckOptions& opt = {});

// The second-order check (PyTorch's gradgradcheck): with a random seed w for dL/dy (itself a
// leaf requiring grad) and random directions v_k, the scalar
//   h(inputs, w) = sum_k < grad(f(inputs), inputs, seed = w, create_graph)_k , v_k >
// is checked by gradcheck: its gradient with respect to the inputs is a Hessian-vector
// product of f, and the one with respect to w checks that the backward is linear in dL/dy.
// A fused op that refuses a second derivative gives ok = false, refused = true.
GradcheckResult gradgradcheck(const std::function<Tensor()>& f, std::vector<Tensor> inputs,
                              const GradcheckOptions& opt = {});

// Helpers for writing table rows: a case makes a function and its inputs.
using GradcheckFn = std::function<Tensor()>;
using GradcheckMade = std::pair<GradcheckFn, std::vector<Tensor>>;
// A leaf requiring grad, uniform in [lo, hi].
inline Tensor gradcheck_leaf(const Shape& s, Rng& rng, float lo = -1.0f, float hi = 1.0f) {
  return rand_uniform(s, rng, lo, hi, true);
}

// One row of the op table that both `vgrad gradcheck` and the tests read.
struct GradcheckCase {
  std::string name;
  // Builds the inputs (leaves requiring grad) from the generator and returns the function
  // under test, which reads them.
  std::function<GradcheckMade(Rng&)> make;
  GradcheckOptions options = {};
};

std::vector<GradcheckCase> op_gradcheck_cases();

struct GradcheckRow {
  std::string name;
  GradcheckResult result;
};
// order 1: gradcheck; order 2: gradgradcheck, each case with its own options.
std::vector<GradcheckRow> run_gradcheck(const std::vector<GradcheckCase>& cases, int order = 1);

}  // namespace vgrad
