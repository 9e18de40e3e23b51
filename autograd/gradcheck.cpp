#include "autograd/gradcheck.h"

#include <cmath>
#include <sstream>

#include "autograd/row_sparse.h"

namespace vgrad {
namespace {

double weighted_sum(const Tensor& y, const Tensor& w) {
  double s = 0;
  for (int64_t i = 0; i < y.numel(); ++i) s += (double)w.at(i) * (double)y.at(i);
  return s;
}

std::vector<int64_t> sample_indices(int64_t n, int max_elements, Rng& rng) {
  std::vector<int64_t> idx;
  if (n <= max_elements) {
    for (int64_t i = 0; i < n; ++i) idx.push_back(i);
  } else {
    for (int k = 0; k < max_elements; ++k) idx.push_back((int64_t)rng.below(n));
  }
  return idx;
}

}  // namespace

GradcheckResult gradcheck(const std::function<Tensor()>& f, std::vector<Tensor> inputs,
                          const GradcheckOptions& opt) {
  Rng rng(opt.seed);
  GradcheckResult res;
  for (Tensor& x : inputs) {
    check(x.requires_grad(), "gradcheck: every input must require grad");
    x.zero_grad();
  }
  Tensor y = f();
  check(y.requires_grad(), "gradcheck: the function's result does not depend on its inputs");
  Tensor w = rand_uniform(y.shape(), rng, -1.0f, 1.0f);  // a random direction for dL/dy
  y.backward(w);

  NoGradGuard no_tape;
  for (size_t k = 0; k < inputs.size(); ++k) {
    Tensor& x = inputs[k];
    Tensor analytic = x.grad().defined() ? x.grad().clone() : Tensor::zeros(x.shape());
    if (x.sparse_grad()) add_row_sparse_to(analytic.data(), *x.sparse_grad());  // lookups
    for (int64_t i : sample_indices(x.numel(), opt.max_elements, rng)) {
      const float keep = x.at(i);
      const float eps = opt.eps_rel * std::max(1.0f, std::fabs(keep));
      x.at(i) = keep + eps;
      const float up_x = x.at(i);
      const double up = weighted_sum(f(), w);
      x.at(i) = keep - eps;
      const float down_x = x.at(i);
      const double down = weighted_sum(f(), w);
      x.at(i) = keep;
      // Divide by the step actually taken: keep +- eps is rounded to float.
      const double numeric = (up - down) / ((double)up_x - (double)down_x);
      const double a = analytic.at(i), err = std::fabs(a - numeric);
      const double rel = err / std::max(1e-12, std::fabs(numeric));
      const bool bad = !(err <= opt.atol + opt.rtol * std::fabs(numeric));  // NaN fails too
      if (err > res.max_abs_err || bad) res.max_abs_err = std::max(res.max_abs_err, err);
      if (std::fabs(numeric) > opt.atol) res.max_rel_err = std::max(res.max_rel_err, rel);
      if (bad && res.ok) {
        res.ok = false;
        res.worst = cat("input ", k, " ", x.shape_str(), " [index ", i, "]: analytic ", a,
                        " vs numeric ", numeric);
      }
    }
  }
  return res;
}

GradcheckResult gradgradcheck(const std::function<Tensor()>& f, std::vector<Tensor> inputs,
                              const GradcheckOptions& opt) {
  Rng rng(opt.seed + 1);
  Shape out_shape;
  {
    EnableGradGuard tape;
    out_shape = f().shape();
  }
  const Tensor w = rand_uniform(out_shape, rng, -1.0f, 1.0f, /*requires_grad=*/true);
  std::vector<Tensor> v;
  for (const Tensor& x : inputs) v.push_back(rand_uniform(x.shape(), rng, -1.0f, 1.0f));
  // gradcheck evaluates h with recording off; h needs the forward graph to take a gradient.
  auto h = [f, inputs, w, v] {
    EnableGradGuard tape;
    const std::vector<Tensor> gs = grad(f(), inputs, w, /*create_graph=*/true);
    Tensor total = Tensor::scalar(0.0f);
    for (size_t k = 0; k < gs.size(); ++k)
      if (gs[k].defined()) total = total + sum(gs[k] * v[k]);
    return total;
  };
  std::vector<Tensor> all = inputs;
  all.push_back(w);
  try {
    return gradcheck(h, all, opt);
  } catch (const NoSecondDerivative& e) {
    GradcheckResult r;
    r.ok = false;
    r.refused = true;
    r.worst = e.what();
    return r;
  }
}

std::vector<GradcheckRow> run_gradcheck(const std::vector<GradcheckCase>& cases, int order) {
  std::vector<GradcheckRow> rows;
  for (const GradcheckCase& c : cases) {
    Rng rng(c.options.seed);
    auto [f, inputs] = c.make(rng);
    GradcheckResult r;
    try {
      r = order == 2 ? gradgradcheck(f, inputs, c.options) : gradcheck(f, inputs, c.options);
    } catch (const Error& e) {
      r.ok = false;
      r.worst = e.what();
    }
    rows.push_back({c.name, r});
  }
  return rows;
}

}  // namespace vgrad
