#include "tools/train/run_checks.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "autograd/check.h"
#include "autograd/ops.h"
#include "datasets/limits.h"
#include "datasets/split.h"
#include "models/registry.h"

namespace vgrad::tools {
namespace {

struct Term {
  double bytes;
  std::string what, hint;
};

// A CSR matrix: row pointers (int64), then a column (int32) and a value (float) per entry.
double csr_bytes(double rows, double nnz) { return 8 * (rows + 1) + 8 * nnz; }

}  // namespace

double graph_run_bytes(const Graph& g, const TrainFlags& f, std::string* largest,
                       std::string* hint) {
  const double n = (double)g.num_nodes, e = (double)g.edges.size();
  const bool identity = f.features == "none" || !g.features;
  const double feats = identity ? n : (double)g.num_features();
  const double feat_nnz = identity ? n : (double)g.feature_nonzeros();
  const double h = (double)std::max<int64_t>(f.hidden, 1),
               z = (double)std::max<int64_t>(f.latent, 1);
  std::vector<Term> terms;
  // Sparse inputs, each with the transpose spmm's backward caches: features, A_train, A_hat,
  // and the labels A_train + I.
  terms.push_back({2 * csr_bytes(n, feat_nnz), "the N x F features", ""});
  terms.push_back({2 * (csr_bytes(n, 2 * e) + 2 * csr_bytes(n, 2 * e + n)),
                   "the adjacency, A_hat and labels (CSR)", ""});
  // The edge list, the split's lists and its hash sets (about 48 bytes per entry).
  terms.push_back({8 * e * 3 + 48 * e * 1.5, "the edges and the link split", ""});
  // Weights F x H, H x Z (once per latent head: VGAE has two), each with its gradient and Adam's
  // two moments.
  const ModelInfo* model = find_model_or_null(f.model);
  const double weights = feats * h + h * z * (model ? model->latent_heads : 1);
  terms.push_back({4 * 4 * weights,
                   cat("the first layer's ", (int64_t)feats, " x ", (int64_t)h,
                       " weights with gradient and Adam state"),
                   identity ? "the graph is featureless, so F = N: try a smaller --hidden" : ""});
  // Activations and their gradients: a handful of N x H and N x Z tensors per step.
  terms.push_back({4 * n * (6 * h + 10 * z), "the N x H and N x Z activations", ""});
  if (f.model == "sc") {
    // models/spectral.cpp: Spectra's Lanczos basis (N x ncv doubles, ncv = 2 Z + 1) and the
    // restart's product of it by an ncv x ncv rotation, instead of GAE's weights and decoder.
    terms.resize(3);
    const double ncv = 2 * z + 1;
    terms.push_back({8 * 2 * n * ncv + 8 * 3 * ncv * ncv + 4 * 2 * n * z,
                     cat("the eigensolver's N x ", (int64_t)ncv, " Lanczos basis"),
                     "use a smaller --latent"});
  } else if (f.decoder == "dense") {
    // labels->to_dense() and its tensor copy, the logits Z Z^T, and the logits' gradient.
    terms.push_back({4 * 4 * n * n,
                     cat("--decoder dense: 4 N x N float tensors of ", format_bytes(4 * n * n)),
                     "use --decoder fused (the same loss in tiles, O(N d) memory)"});
  } else if (f.decoder == "sampled") {
    // Per epoch: the drawn pairs (8 bytes), their logits and gradients, and each pair filed
    // under both ends (16 bytes) for the deterministic scatter.
    const double pairs = e * (1 + (double)f.negatives);
    terms.push_back({pairs * (8 + 8 + 32),
                     cat("--decoder sampled: ", (int64_t)pairs, " pairs per epoch (--negatives ",
                         f.negatives, ")"),
                     "use fewer --negatives"});
  } else {
    // nn/inner_product_loss.cpp: 16 chunk accumulators of dZ (N x Z each), the list of the
    // (N/256)^2 / 2 upper tiles (32 bytes each), one 256 x 256 tile per thread.
    const double blocks = std::ceil(n / 256);
    terms.push_back(
        {4 * 16 * n * z + 32 * blocks * (blocks + 1) / 2 + 4.0 * 256 * 256 * max_threads(),
         cat("--decoder fused: 16 N x Z gradient chunks and ", (int64_t)(blocks * (blocks + 1) / 2),
             " tiles"),
         ""});
  }
  double total = 0;
  const Term* big = &terms[0];
  for (const Term& t : terms) {
    total += t.bytes;
    if (t.bytes > big->bytes) big = &t;
  }
  if (largest) *largest = big->what;
  if (hint) *hint = big->hint;
  return total;
}

void check_graph_run(const Graph& g, const TrainFlags& f) {
  check_link_split_possible(g);
  std::string largest, hint;
  const double bytes = graph_run_bytes(g, f, &largest, &hint);
  check_memory(bytes, cat("--model ", f.model, " on ", f.dataset),
               cat(g.num_nodes, " nodes, ", g.edges.size(), " edges; largest: ", largest), hint);
}

}  // namespace vgrad::tools
