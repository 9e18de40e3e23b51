// The spectral embedding baseline of Kipf & Welling's Table 1 ("SC"), as scikit-learn's
// sklearn.manifold.spectral_embedding computes it (norm_laplacian=True, drop_first=True):
//   A_hat = D^-1/2 A D^-1/2 (A the 0/1 training adjacency, D its degrees),
//   v_1..v_k the unit eigenvectors of A_hat with the largest eigenvalues below the trivial 1
//   (= the normalised Laplacian I - A_hat's smallest non-trivial ones),
//   Z = D^-1/2 [v_1 .. v_k], each column's sign flipped so its largest |entry| is positive
//   (sklearn's _deterministic_vector_sign_flip).
// Links are scored by z_u . z_v (sigmoid of it, as GAE). Not trained by gradient steps: the
// eigenvectors come from Spectra's Lanczos solver over a sparse matrix-vector product.
//
// Where the graph is not one connected piece (sklearn warns and goes on):
//  - an isolated node (degree 0) has a zero row in A_hat, so every eigenvector with a
//    non-zero eigenvalue is 0 there; sklearn divides by 1 for it and so do we: its embedding
//    is the zero vector (every pair with it scores sigmoid(0) = 1/2).
//  - eigenvalue 1 has one eigenvector per component with edges, D^1/2 1_C / sqrt(vol C).
//    sklearn's ARPACK returns whatever mix of that space its start vector reaches and drops
//    only the first; we drop the whole space ("the trivial ones": one per component), which
//    is sklearn's result on a connected graph and well defined on any other. The solver sees
//    A_hat - 3 P (P the projector on that space), which moves those eigenvalues to -2, below
//    the spectrum [-1, 1], so they are never among the largest.
#pragma once
#include <cstdint>
#include <vector>

#include "autograd/random.h"
#include "autograd/sparse.h"
#include "autograd/tensor.h"
#include "models/link_model.h"

namespace vgrad {

struct SpectralGraphFacts {
  int64_t nodes = 0, isolated = 0, components = 0;  // components with at least one edge
  // How many non-trivial eigenvectors A_hat has: nodes - isolated - components.
  int64_t max_dims() const { return nodes - isolated - components; }
};
// `adjacency`: N x N, symmetric, no self-loops (weights are read as given).
SpectralGraphFacts spectral_graph_facts(const Csr& adjacency);

struct SpectralEmbedding {
  std::vector<double> eigenvalues;  // k eigenvalues of A_hat, descending
  Tensor eigenvectors;              // [N, k] unit columns of A_hat, before the D^-1/2 rescale
  Tensor embedding;                 // [N, k] D^-1/2 eigenvectors, signs flipped: the Z above
  SpectralGraphFacts facts;
  int64_t restarts = 0, matrix_products = 0;
  double max_residual = 0;  // max over columns of |A_hat v - lambda v|
};

struct SpectralOptions {
  double tolerance = 1e-9;  // Spectra's: each residual |A v - lambda v| <= tolerance * |lambda|
  int64_t krylov = 0;       // Lanczos basis size (ncv); 0: scipy's eigsh default max(2k + 1, 20)
};

// The k-dimensional embedding above; Spectra's start vector is drawn from rng (uniform in
// [-1, 1) as sklearn's _init_arpack_v0), so a seed fixes the result. Throws when dims exceeds
// facts.max_dims() or the solver does not converge.
SpectralEmbedding spectral_embedding(const Csr& adjacency, int64_t dims, Rng& rng,
                                     const SpectralOptions& options = {});

// The embedding as a LinkModel, so the link scorer, checkpoints, `vgrad eval` and `vgrad
// export` treat it as GAE's: one tensor "embedding" [N, Z], filled by fit(). It has no loss.
class SpectralModel : public LinkModel {
 public:
  SpectralModel(int64_t num_nodes, int64_t latent);
  // From split.adj_train alone: no validation or test edge reaches the eigensolver.
  SpectralEmbedding fit(const LinkSplit& split, Rng& rng);
  Tensor loss(const LinkTargets& targets, Rng& rng) override;  // throws: nothing to train
  Tensor embed() override { return embedding_.detach(); }
  std::string kind() const override { return "sc"; }

 private:
  Tensor embedding_;
};

}  // namespace vgrad
