#include "nn/optim.h"

#include <cmath>
#include <cstring>

#include "autograd/parallel.h"
#include "autograd/profile.h"
#include "autograd/row_sparse.h"

namespace vgrad {
namespace {

Tensor zeros_like(const Tensor& t) { return Tensor::zeros(t.shape()); }

// Checks that the saved buffer exists and matches the parameter before anything is copied.
const Tensor* saved_buffer(const Checkpoint& ckpt, const std::string& name, const Tensor& p,
                           size_t index) {
  const Tensor* t = ckpt.find(name);
  if (t == nullptr) return nullptr;
  check(t->shape() == p.shape(), "checkpoint ", ckpt.where(), ": optimizer state '", name,
        "' has shape ", t->shape_str(), " but parameter ", index, " has shape ", p.shape_str());
  return t;
}

Tensor copy_of(const Tensor* t) { return t ? t->clone() : Tensor(); }

// The updates over elements [begin, end) of one parameter. Each element's arithmetic is the
// same whichever thread runs it, so steps are bit-identical for any thread count. Plain
// pointer arguments, so the loops vectorise (see kernels::for_each_index); each is compiled
// for AVX-512 and for the baseline (AVX2) and picked by cpuid at load time. Elementwise with
// IEEE-exact sqrt and division, so both copies give the same bits.
#define VGRAD_WIDE __attribute__((target_clones("avx512f", "default")))

VGRAD_WIDE void sgd_range(float* p, const float* g, float* buf, int64_t begin, int64_t end,
                          float lr, float mu, float wd, bool first) {
  for (int64_t i = begin; i < end; ++i) {
    float d = g[i] + wd * p[i];
    if (buf) d = buf[i] = first ? d : mu * buf[i] + d;
    p[i] -= lr * d;
  }
}

struct AdamConstants {
  float b2, w1, w2, wd, eps, step_size, bias2_sqrt;
};

// The loop body for one bias correction: `divide` false when bias2_sqrt is exactly 1.0f, as it
// is after ~16.6k steps with beta2 = 0.999 (1 - 0.999^t rounds to 1 in float's square root):
// x / 1.0f is x exactly, so skipping it changes no bit, and a long run (DeepWalk's 300k
// row-sparse steps) spends half its Adam time less on the divider.
template <bool divide>
__attribute__((always_inline)) inline void adam_loop(float* p, const float* g, float* m, float* v,
                                                     int64_t begin, int64_t end,
                                                     const AdamConstants& c) {
  const float b2 = c.b2, w1 = c.w1, w2 = c.w2, wd = c.wd, eps = c.eps;
  const float step_size = c.step_size, bias2_sqrt = c.bias2_sqrt;
  for (int64_t i = begin; i < end; ++i) {
    const float gi = g[i] + wd * p[i];
    // PyTorch's m.lerp_(g, 1 - b1), whose CPU kernel picks the form by the weight.
    m[i] = w1 < 0.5f ? m[i] + w1 * (gi - m[i]) : gi - (gi - m[i]) * (1.0f - w1);
    v[i] = v[i] * b2 + w2 * gi * gi;
    const float root = divide ? std::sqrt(v[i]) / bias2_sqrt : std::sqrt(v[i]);
    p[i] -= step_size * m[i] / (root + eps);
  }
}

VGRAD_WIDE void adam_range(float* p, const float* g, float* m, float* v, int64_t begin, int64_t end,
                           const AdamConstants& c) {
  if (c.bias2_sqrt == 1.0f)
    adam_loop<false>(p, g, m, v, begin, end, c);
  else
    adam_loop<true>(p, g, m, v, begin, end, c);
}

// The gradient a parameter has this step: none, dense (the sparse part folded in), or sparse.
enum class GradKind { none, dense, sparse };
GradKind grad_kind(Tensor& p) {
  const RowSparse* s = p.sparse_grad();
  if (!p.grad().defined()) return s ? GradKind::sparse : GradKind::none;
  if (s) {
    add_row_sparse_to(p.grad().data(), *s);
    p.impl().sparse_grad.reset();
  }
  return GradKind::dense;
}

// Runs f(row, k) for the k-th touched row of a row-sparse gradient, rows over the threads;
// each row is one thread's, so the bits do not depend on the thread count.
template <typename F>
void for_each_sparse_row(const RowSparse& s, int64_t d, F f) {
  const int64_t r = (int64_t)s.rows.size();
#pragma omp parallel for schedule(static) if (r * d >= kernels::kParallelMin)
  for (int64_t k = 0; k < r; ++k) f(s.rows[k], k);
}

// A row-sparse step's look-ahead: far enough that a row arrives from memory by its turn.
constexpr int64_t kPrefetchRows = 4;

// One parameter's row-sparse Adam step: its rows touched, its tensors and its constants.
struct SparseAdamStep {
  const RowSparse* s;
  float *p, *m, *v;
  const float* g;
  int64_t d;
  AdamConstants c;
};

// Every row-sparse parameter's rows in one parallel region, laid end to end (DeepWalk's two
// tables: some 50 centre rows and ~1500 tree-node rows a step), rather than a region, or a
// serial loop, per table. Each row is one thread's: the same bits for any thread count.
void sparse_adam_steps(const std::vector<SparseAdamStep>& steps) {
  std::vector<int64_t> counts;  // each parameter's rows touched: the spans the threads split
  int64_t work = 0;             // floats updated: what decides whether to go parallel
  for (const SparseAdamStep& st : steps) {
    counts.push_back((int64_t)st.s->rows.size());
    work += counts.back() * st.d;
  }
  kernels::for_each_span(counts, work, [&](size_t k, int64_t begin, int64_t end) {
    const kernels::FlushDenormals flush;  // decaying moments: see parallel.h
    const SparseAdamStep& st = steps[k];
    const int64_t d = st.d;
    for (int64_t r = begin; r < end; ++r) {
      const int64_t row = st.s->rows[r];
      // The rows touched are scattered over tables of many MB and the update is memory-bound:
      // the weights and moments of a row a few ahead are asked for while this one is updated.
      if (r + kPrefetchRows < counts[k]) {  // a row of the same table
        const int64_t ahead = st.s->rows[r + kPrefetchRows] * d;
        kernels::prefetch_row(st.p + ahead, d, true);
        kernels::prefetch_row(st.m + ahead, d, true);
        kernels::prefetch_row(st.v + ahead, d, true);
      }
      adam_range(st.p + row * d, st.g + r * d, st.m + row * d, st.v + row * d, 0, d, st.c);
    }
  });
}

}  // namespace

Optimizer::Optimizer(std::vector<Tensor> params) : params_(std::move(params)) {
  for (size_t i = 0; i < params_.size(); ++i)
    check(params_[i].defined() && params_[i].is_leaf() && params_[i].requires_grad(),
          "optimizer: parameter ", i, " must be a leaf that requires grad");
}

void Optimizer::zero_grad() {
  for (Tensor& p : params_) p.zero_grad();
}

Sgd::Sgd(std::vector<Tensor> params, SgdOptions options)
    : Optimizer(std::move(params)), options_(options), momentum_(params_.size()) {
  check(options.lr >= 0 && options.momentum >= 0 && options.weight_decay >= 0,
        "Sgd: lr, momentum and weight_decay must be >= 0");
}

void Sgd::step() {
  const float lr = (float)options_.lr, mu = (float)options_.momentum;
  const float wd = (float)options_.weight_decay;
  std::vector<size_t> which;  // parameters that have a gradient this step
  std::vector<int64_t> sizes;
  std::vector<bool> first;
  for (size_t k = 0; k < params_.size(); ++k) {
    const GradKind kind = grad_kind(params_[k]);
    if (kind == GradKind::none) continue;
    const bool is_first = !momentum_[k].defined();
    if (mu != 0 && is_first) momentum_[k] = zeros_like(params_[k]);
    if (kind == GradKind::sparse) {  // the rows touched; momentum rows too (lazy)
      const RowSparse& s = *params_[k].sparse_grad();
      const int64_t d = params_[k].numel() / params_[k].rows();
      float* p = params_[k].data();
      float* buf = mu != 0 ? momentum_[k].data() : nullptr;
      const float* g = s.values->data->data();
      for_each_sparse_row(s, d, [&](int64_t row, int64_t r) {
        const kernels::FlushDenormals flush;  // a decaying momentum: see parallel.h
        sgd_range(p + row * d, g + r * d, buf ? buf + row * d : nullptr, 0, d, lr, mu, wd,
                  is_first);
      });
      continue;
    }
    first.push_back(is_first);
    which.push_back(k);
    sizes.push_back(params_[k].numel());
  }
  kernels::for_each_span(sizes, [&](size_t s, int64_t begin, int64_t end) {
    const size_t k = which[s];
    const kernels::FlushDenormals flush;
    sgd_range(params_[k].data(), params_[k].grad().data(), mu != 0 ? momentum_[k].data() : nullptr,
              begin, end, lr, mu, wd, first[s]);
  });
}

void Optimizer::save_common(Checkpoint& ckpt, const std::string& prefix, const char* type) const {
  ckpt.set(prefix + "type", std::string(type));
  ckpt.set(prefix + "count", (int64_t)params_.size());
}

void Optimizer::check_common(const Checkpoint& ckpt, const std::string& prefix,
                             const char* type) const {
  const std::string& saved = ckpt.get(prefix + "type");
  check(saved == type, "checkpoint ", ckpt.where(), ": optimizer state '", prefix, "' is ", saved,
        ", not ", type);
  const int64_t count = ckpt.get_int(prefix + "count");
  check(count == (int64_t)params_.size(), "checkpoint ", ckpt.where(), ": optimizer state '",
        prefix, "' is for ", count, " parameters, this optimizer has ", params_.size(),
        " (a different model?)");
}

void Sgd::save_to(Checkpoint& ckpt, const std::string& prefix) const {
  save_common(ckpt, prefix, "sgd");
  for (size_t k = 0; k < params_.size(); ++k)
    if (momentum_[k].defined()) ckpt.put(prefix + std::to_string(k) + ".momentum", momentum_[k]);
}

void Sgd::load_from(const Checkpoint& ckpt, const std::string& prefix) {
  check_common(ckpt, prefix, "sgd");
  std::vector<const Tensor*> found;
  for (size_t k = 0; k < params_.size(); ++k)
    found.push_back(saved_buffer(ckpt, prefix + std::to_string(k) + ".momentum", params_[k], k));
  for (size_t k = 0; k < params_.size(); ++k) momentum_[k] = copy_of(found[k]);
}

Adam::Adam(std::vector<Tensor> params, AdamOptions options)
    : Optimizer(std::move(params)),
      options_(options),
      m_(params_.size()),
      v_(params_.size()),
      steps_(params_.size(), 0) {
  check(options.lr >= 0 && options.eps >= 0 && options.weight_decay >= 0,
        "Adam: lr, eps and weight_decay must be >= 0");
  check(options.beta1 >= 0 && options.beta1 < 1 && options.beta2 >= 0 && options.beta2 < 1,
        "Adam: betas must be in [0, 1), got ", options.beta1, " and ", options.beta2);
}

void Adam::step() {
  const AdamOptions& o = options_;
  AdamConstants c;
  c.b2 = (float)o.beta2, c.w1 = (float)(1.0 - o.beta1), c.w2 = (float)(1.0 - o.beta2);
  c.wd = (float)o.weight_decay, c.eps = (float)o.eps;
  std::vector<size_t> which;  // parameters that have a gradient this step
  std::vector<int64_t> sizes;
  std::vector<AdamConstants> per_param;
  std::vector<SparseAdamStep> sparse;
  for (size_t k = 0; k < params_.size(); ++k) {
    const GradKind kind = grad_kind(params_[k]);
    if (kind == GradKind::none) continue;
    if (!m_[k].defined()) {
      m_[k] = zeros_like(params_[k]);
      v_[k] = zeros_like(params_[k]);
    }
    const int64_t t = ++steps_[k];
    // As PyTorch: the corrections in double, then one float step size and one float divisor.
    const double bias1 = 1.0 - std::pow((double)o.beta1, (double)t);
    const double bias2 = 1.0 - std::pow((double)o.beta2, (double)t);
    c.step_size = (float)(o.lr / bias1);
    c.bias2_sqrt = (float)std::sqrt(bias2);
    if (kind == GradKind::sparse) {  // SparseAdam: the rows touched and their moments only
      const RowSparse* s = params_[k].sparse_grad();
      sparse.push_back({s, params_[k].data(), m_[k].data(), v_[k].data(), s->values->data->data(),
                        params_[k].numel() / params_[k].rows(), c});
      continue;
    }
    per_param.push_back(c);
    which.push_back(k);
    sizes.push_back(params_[k].numel());
  }
  kernels::for_each_span(sizes, [&](size_t s, int64_t begin, int64_t end) {
    const size_t k = which[s];
    const kernels::FlushDenormals flush;  // decaying moments: see parallel.h
    adam_range(params_[k].data(), params_[k].grad().data(), m_[k].data(), v_[k].data(), begin, end,
               per_param[s]);
  });
  if (!sparse.empty()) sparse_adam_steps(sparse);
}

void Adam::save_to(Checkpoint& ckpt, const std::string& prefix) const {
  save_common(ckpt, prefix, "adam");
  for (size_t k = 0; k < params_.size(); ++k) {
    const std::string key = prefix + std::to_string(k);
    ckpt.set(key + ".step", steps_[k]);
    if (!m_[k].defined()) continue;
    ckpt.put(key + ".exp_avg", m_[k]);
    ckpt.put(key + ".exp_avg_sq", v_[k]);
  }
}

void Adam::load_from(const Checkpoint& ckpt, const std::string& prefix) {
  check_common(ckpt, prefix, "adam");
  std::vector<const Tensor*> m(params_.size()), v(params_.size());
  std::vector<int64_t> steps(params_.size());
  for (size_t k = 0; k < params_.size(); ++k) {
    const std::string key = prefix + std::to_string(k);
    steps[k] = ckpt.get_int(key + ".step");
    m[k] = saved_buffer(ckpt, key + ".exp_avg", params_[k], k);
    v[k] = saved_buffer(ckpt, key + ".exp_avg_sq", params_[k], k);
    check((m[k] == nullptr) == (v[k] == nullptr) && (m[k] != nullptr) == (steps[k] > 0),
          "checkpoint ", ckpt.where(), ": Adam state for parameter ", k, " is incomplete");
  }
  for (size_t k = 0; k < params_.size(); ++k) {
    m_[k] = copy_of(m[k]);
    v_[k] = copy_of(v[k]);
    steps_[k] = steps[k];
  }
}

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm) {
  check(max_norm > 0, "clip_grad_norm: max_norm must be positive, got ", max_norm);
  double sq = 0;
  for (const Tensor& p : params) {
    Tensor g = p.grad();
    if (!g.defined()) continue;
    for (int64_t i = 0; i < g.numel(); ++i) sq += (double)g.at(i) * g.at(i);
  }
  const double total = std::sqrt(sq);
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1.0) {
    for (const Tensor& p : params) {
      Tensor g = p.grad();
      if (!g.defined()) continue;
      for (int64_t i = 0; i < g.numel(); ++i) g.at(i) = (float)(g.at(i) * coef);
    }
  }
  return total;
}

double descend(const Tensor& loss, const Module& model, Optimizer& optimizer,
               const std::string& where) {
  const double value = loss.item();
  check(std::isfinite(value), "training diverged: the loss is ",
        std::isnan(value) ? "NaN" : "infinite", " at ", where, " (try a smaller lr)");
  optimizer.zero_grad();
  loss.backward();
  {
    profile::Scope scope("check gradients are finite");
    const std::string bad = first_nonfinite_gradient(model);
    check(bad.empty(), "training diverged: the gradient of ", bad, " is not finite at ", where,
          " (try a smaller lr)");
  }
  profile::Scope scope("optimizer step");
  optimizer.step();
  return value;
}

}  // namespace vgrad
