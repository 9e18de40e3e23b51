// Spectra is included here only: its templates (and Eigen's) take a while to compile.
#include "models/spectral.h"

#include <Spectra/SymEigsSolver.h>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>

#include "autograd/check.h"

namespace vgrad {
namespace {

// The nodes with edges (numbered 0..n-1 in node order), A_hat among them, and the trivial
// eigenvectors u_C = D^1/2 1_C / sqrt(vol C) of their components.
struct ActiveGraph {
  std::vector<int64_t> node;  // local -> global node id
  std::vector<double> inv_sqrt_degree;
  std::vector<int64_t> row_ptr;  // A_hat over the local ids
  std::vector<int32_t> col;
  std::vector<double> weight;
  std::vector<int32_t> component;
  std::vector<double> trivial;  // u_C at each node, C its component
  int64_t num_components = 0;
  int64_t size() const { return (int64_t)node.size(); }
};

ActiveGraph active_graph(const Csr& a) {
  const int64_t n = a.rows();
  const auto& rp = a.row_ptr();
  const auto& ci = a.col_idx();
  const auto& val = a.values();
  ActiveGraph g;
  std::vector<int64_t> local(n, -1);
  std::vector<double> degree(n, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = rp[i]; k < rp[i + 1]; ++k) degree[i] += val[k];
    if (degree[i] > 0) {
      local[i] = g.size();
      g.node.push_back(i);
      g.inv_sqrt_degree.push_back(1.0 / std::sqrt(degree[i]));
    }
  }
  g.row_ptr.push_back(0);
  for (int64_t i : g.node) {
    for (int64_t k = rp[i]; k < rp[i + 1]; ++k) {
      const int64_t j = local[ci[k]];
      g.col.push_back((int32_t)j);
      g.weight.push_back(val[k] * g.inv_sqrt_degree[local[i]] * g.inv_sqrt_degree[j]);
    }
    g.row_ptr.push_back((int64_t)g.col.size());
  }
  // Components by an explicit-stack search, numbered in order of their smallest node.
  g.component.assign(g.size(), -1);
  std::vector<double> volume;
  std::vector<int32_t> stack;
  for (int32_t s = 0; s < (int32_t)g.size(); ++s) {
    if (g.component[s] >= 0) continue;
    const int32_t c = (int32_t)volume.size();
    volume.push_back(0);
    g.component[s] = c;
    stack.push_back(s);
    while (!stack.empty()) {
      const int32_t i = stack.back();
      stack.pop_back();
      volume[c] += degree[g.node[i]];
      for (int64_t k = g.row_ptr[i]; k < g.row_ptr[i + 1]; ++k)
        if (g.component[g.col[k]] < 0) g.component[g.col[k]] = c, stack.push_back(g.col[k]);
    }
  }
  g.num_components = (int64_t)volume.size();
  g.trivial.resize(g.size());
  for (int64_t i = 0; i < g.size(); ++i)
    g.trivial[i] = std::sqrt(degree[g.node[i]] / volume[g.component[i]]);
  return g;
}

// y = (A_hat - 3 P) x over the active nodes, P = sum_C u_C u_C^T: the trivial eigenvalue 1
// becomes -2, out of the solver's way. Never an n x n matrix: O(nnz + n) per product.
class DeflatedOp {
 public:
  using Scalar = double;
  explicit DeflatedOp(const ActiveGraph& g) : g_(g), sums_(g.num_components) {}
  Eigen::Index rows() const { return g_.size(); }
  Eigen::Index cols() const { return g_.size(); }
  void perform_op(const double* x, double* y) const {
    const int64_t n = g_.size();
#pragma omp parallel for schedule(static) if (n > 20000)
    for (int64_t i = 0; i < n; ++i) {
      double s = 0;
      for (int64_t k = g_.row_ptr[i]; k < g_.row_ptr[i + 1]; ++k) s += g_.weight[k] * x[g_.col[k]];
      y[i] = s;
    }
    std::fill(sums_.begin(), sums_.end(), 0.0);
    for (int64_t i = 0; i < n; ++i) sums_[g_.component[i]] += g_.trivial[i] * x[i];
    for (int64_t i = 0; i < n; ++i) y[i] -= 3.0 * g_.trivial[i] * sums_[g_.component[i]];
    ++products_;
  }
  int64_t products() const { return products_; }

 private:
  const ActiveGraph& g_;
  mutable std::vector<double> sums_;
  mutable int64_t products_ = 0;
};

}  // namespace

SpectralGraphFacts spectral_graph_facts(const Csr& adjacency) {
  const ActiveGraph g = active_graph(adjacency);
  return {adjacency.rows(), adjacency.rows() - g.size(), g.num_components};
}

SpectralEmbedding spectral_embedding(const Csr& adjacency, int64_t dims, Rng& rng,
                                     const SpectralOptions& options) {
  check(adjacency.rows() == adjacency.cols(),
        "spectral_embedding: the adjacency must be square, got ", adjacency.shape_str());
  const ActiveGraph g = active_graph(adjacency);
  SpectralEmbedding out;
  out.facts = {adjacency.rows(), adjacency.rows() - g.size(), g.num_components};
  check(dims >= 1 && dims <= out.facts.max_dims(), "spectral_embedding: dims = ", dims,
        " but this graph allows 1..", out.facts.max_dims(), " (", out.facts.nodes, " nodes, ",
        out.facts.isolated, " isolated, ", out.facts.components,
        " components with edges: nodes - isolated - components non-trivial eigenvectors)");
  const int64_t n = g.size();
  DeflatedOp op(g);
  const int64_t ncv = std::min<int64_t>(
      n, options.krylov > dims ? options.krylov : std::max<int64_t>(2 * dims + 1, 20));
  Spectra::SymEigsSolver<DeflatedOp> solver(op, dims, ncv);
  Eigen::VectorXd start(n);
  for (int64_t i = 0; i < n; ++i) start[i] = 2.0 * rng.uniform_double() - 1.0;
  solver.init(start.data());
  const int64_t converged = solver.compute(Spectra::SortRule::LargestAlge, 1000, options.tolerance,
                                           Spectra::SortRule::LargestAlge);
  check(solver.info() == Spectra::CompInfo::Successful && converged == dims,
        "spectral_embedding: the eigensolver found ", converged, " of ", dims,
        " eigenvectors after ", solver.num_iterations(), " restarts");
  const Eigen::VectorXd values = solver.eigenvalues();
  const Eigen::MatrixXd vectors = solver.eigenvectors();  // n x dims
  out.restarts = solver.num_iterations();
  out.matrix_products = op.products();
  out.eigenvalues.assign(values.data(), values.data() + dims);
  out.eigenvectors = Tensor::zeros({adjacency.rows(), dims});
  out.embedding = Tensor::zeros({adjacency.rows(), dims});
  for (int64_t c = 0; c < dims; ++c) {
    const double* v = vectors.data() + c * n;  // column-major
    // The sign of the entry of largest |z| (the first such), z = D^-1/2 v: sklearn's flip.
    int64_t top = 0;
    for (int64_t i = 1; i < n; ++i)
      if (std::fabs(v[i] * g.inv_sqrt_degree[i]) > std::fabs(v[top] * g.inv_sqrt_degree[top]))
        top = i;
    const double sign = v[top] < 0 ? -1.0 : 1.0;
    for (int64_t i = 0; i < n; ++i) {
      out.eigenvectors.at(g.node[i] * dims + c) = (float)(sign * v[i]);
      out.embedding.at(g.node[i] * dims + c) = (float)(sign * v[i] * g.inv_sqrt_degree[i]);
    }
    // Residual against A_hat itself (not the deflated operator): v is orthogonal to P's range.
    double r2 = 0;
    for (int64_t i = 0; i < n; ++i) {
      double s = 0;
      for (int64_t k = g.row_ptr[i]; k < g.row_ptr[i + 1]; ++k) s += g.weight[k] * v[g.col[k]];
      r2 += (s - values[c] * v[i]) * (s - values[c] * v[i]);
    }
    out.max_residual = std::max(out.max_residual, std::sqrt(r2));
  }
  return out;
}

SpectralModel::SpectralModel(int64_t num_nodes, int64_t latent) {
  embedding_ = register_parameter("embedding", Tensor::zeros({num_nodes, latent}));
}

SpectralEmbedding SpectralModel::fit(const LinkSplit& split, Rng& rng) {
  check(split.num_nodes == embedding_.rows(), "SpectralModel::fit: the split has ", split.num_nodes,
        " nodes, the model ", embedding_.rows());
  SpectralEmbedding result = spectral_embedding(*split.adj_train, embedding_.cols(), rng);
  std::copy(result.embedding.data(), result.embedding.data() + result.embedding.numel(),
            embedding_.data());
  return result;
}

Tensor SpectralModel::loss(const LinkTargets&, Rng&) {
  fail(
      "sc: the spectral embedding comes from an eigensolver (SpectralModel::fit), it has no "
      "training loss");
}

}  // namespace vgrad
