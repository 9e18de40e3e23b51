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
  int max_elements = 64;   // per input; larger inputs are sampled
  uint64_t seed = 1234;
};

struct GradcheckResult {
  bool ok = true;
  double max_abs_err = 0, max_rel_err = 0;
  std::string worst;       // "input 1 [index 5]: analytic 0.31 vs numeric 0.29"
};

GradcheckResult gradcheck(const std::function<Tensor()>& f, std::vector<Tensor> inputs,
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

struct GradcheckRow { std::string name; GradcheckResult result; };
std::vector<GradcheckRow> run_gradcheck(const std::vector<GradcheckCase>& cases);

}  // namespace vgrad
