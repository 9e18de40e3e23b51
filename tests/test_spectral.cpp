// The spectral embedding (SC): eigenpairs of A_hat against closed forms and against A_hat
// itself on Cora, what isolated nodes and extra components get, the sign rule, determinism,
// and that only the training graph reaches the eigensolver.
#include <doctest/doctest.h>

#include <cmath>

#include "datasets/registry.h"
#include "datasets/split.h"
#include "models/spectral.h"
#include "tests/test_datasets_util.h"

using namespace vgrad;

namespace {

// max over columns of |A_hat v - lambda v|, A_hat = D^-1/2 A D^-1/2 built here from the 0/1
// adjacency (isolated rows zero), independently of models/spectral.cpp.
double max_residual(const Csr& a, const SpectralEmbedding& s) {
  const int64_t n = a.rows(), k = s.eigenvectors.cols();
  std::vector<double> degree(n, 0);
  for (int64_t i = 0; i < n; ++i) degree[i] = (double)(a.row_ptr()[i + 1] - a.row_ptr()[i]);
  double worst = 0;
  for (int64_t c = 0; c < k; ++c) {
    double r2 = 0;
    for (int64_t i = 0; i < n; ++i) {
      double s_i = 0;
      for (int64_t e = a.row_ptr()[i]; e < a.row_ptr()[i + 1]; ++e) {
        const int64_t j = a.col_idx()[e];
        s_i += s.eigenvectors.at(j * k + c) / std::sqrt(degree[i] * degree[j]);
      }
      const double d = s_i - s.eigenvalues[c] * s.eigenvectors.at(i * k + c);
      r2 += d * d;
    }
    worst = std::max(worst, std::sqrt(r2));
  }
  return worst;
}

std::vector<Edge> cycle(int n, int offset = 0) {
  std::vector<Edge> e;
  for (int i = 0; i < n; ++i) e.emplace_back(offset + i, offset + (i + 1) % n);
  return e;
}

}  // namespace

TEST_CASE("spectral: a 12-cycle's eigenvalues are cos(2 pi j / 12), the trivial 1 dropped") {
  CsrPtr a = adjacency(12, cycle(12));
  Rng rng(3);
  const SpectralEmbedding s = spectral_embedding(*a, 4, rng);
  // A_hat = A / 2 on a 2-regular graph: cos(pi/6) twice, then cos(pi/3) twice.
  const double want[4] = {std::cos(M_PI / 6), std::cos(M_PI / 6), 0.5, 0.5};
  for (int c = 0; c < 4; ++c) CHECK(s.eigenvalues[c] == doctest::Approx(want[c]).epsilon(1e-7));
  CHECK(s.facts.components == 1);
  CHECK(s.facts.isolated == 0);
  CHECK(max_residual(*a, s) < 1e-6);
  // Z = D^-1/2 V with every degree 2; each column's largest |entry| is positive (up to float
  // rounding: a cycle's eigenvectors repeat their largest magnitude with both signs).
  for (int c = 0; c < 4; ++c) {
    float most = 0, most_positive = 0;
    for (int i = 0; i < 12; ++i) {
      const float z = s.embedding.at(i * 4 + c);
      CHECK(z == doctest::Approx(s.eigenvectors.at(i * 4 + c) / std::sqrt(2.0)));
      most = std::max(most, std::fabs(z));
      most_positive = std::max(most_positive, z);
    }
    CHECK(most_positive >= most - 1e-6f);
  }
}

TEST_CASE("spectral: isolated nodes embed to zero; each component's trivial vector is dropped") {
  // Two 6-cycles (nodes 0-5 and 6-11) and isolated nodes 12, 13.
  std::vector<Edge> edges = cycle(6);
  for (Edge e : cycle(6, 6)) edges.push_back(e);
  CsrPtr a = adjacency(14, edges);
  const SpectralGraphFacts facts = spectral_graph_facts(*a);
  CHECK(facts.components == 2);
  CHECK(facts.isolated == 2);
  CHECK(facts.max_dims() == 10);
  Rng rng(1);
  const SpectralEmbedding s = spectral_embedding(*a, 4, rng);
  // A 6-cycle has eigenvalues 1, 1/2, 1/2, -1/2, -1/2, -1; the second 1 (the other cycle's
  // constant vector) is not among them.
  for (int c = 0; c < 4; ++c) CHECK(s.eigenvalues[c] == doctest::Approx(0.5).epsilon(1e-7));
  for (int c = 0; c < 4; ++c) {
    CHECK(s.embedding.at(12 * 4 + c) == 0.0f);
    CHECK(s.embedding.at(13 * 4 + c) == 0.0f);
    double per_cycle[2] = {0, 0};  // orthogonal to both constant vectors
    for (int i = 0; i < 12; ++i) per_cycle[i / 6] += s.eigenvectors.at(i * 4 + c);
    CHECK(std::fabs(per_cycle[0]) < 1e-6);
    CHECK(std::fabs(per_cycle[1]) < 1e-6);
  }
  CHECK(max_residual(*a, s) < 1e-6);
  Rng again(1);
  CHECK_THROWS_WITH_AS(spectral_embedding(*a, 11, again),
                       "spectral_embedding: dims = 11 but this graph allows 1..10 (14 nodes, 2 "
                       "isolated, 2 components with edges: nodes - isolated - components "
                       "non-trivial eigenvectors)",
                       Error);
}

TEST_CASE("spectral: the same seed gives the same bits") {
  Graph g = load_graph_dataset("synthetic:nodes=300,classes=3,seed=4", "");
  const LinkSplit split = mask_test_edges(g, 0);
  Rng r1(9), r2(9);
  const SpectralEmbedding a = spectral_embedding(*split.adj_train, 16, r1);
  const SpectralEmbedding b = spectral_embedding(*split.adj_train, 16, r2);
  CHECK(a.embedding.to_vector() == b.embedding.to_vector());
  CHECK(a.eigenvalues == b.eigenvalues);
}

TEST_CASE("spectral: only the training graph is seen (held-out edges changed, embedding not)") {
  Graph g = load_graph_dataset("synthetic:nodes=300,classes=3,seed=5", "");
  const LinkSplit split = mask_test_edges(g, 0);
  // The same training graph with other held-out edges: drop half the test and validation
  // edges and call pairs that are no edges at all "test edges".
  LinkSplit other = split;
  other.test_pos.resize(split.test_pos.size() / 2);
  other.val_pos.resize(split.val_pos.size() / 2);
  for (size_t k = 0; k < 5; ++k) other.test_pos.push_back(split.test_neg[k]);
  SpectralModel m1(g.num_nodes, 8), m2(g.num_nodes, 8), m3(g.num_nodes, 8);
  Rng r1(2), r2(2), r3(2);
  m1.fit(split, r1);
  m2.fit(other, r2);
  CHECK(m1.embed().to_vector() == m2.embed().to_vector());
  // The check can fail: one test edge moved into the training graph changes the embedding.
  LinkSplit leaked = split;
  std::vector<Edge> train = split.train_pos;
  train.push_back(split.test_pos[0]);
  leaked.adj_train = adjacency(g.num_nodes, train);
  m3.fit(leaked, r3);
  CHECK(m1.embed().to_vector() != m3.embed().to_vector());
}

TEST_CASE("spectral: on Cora's training graph, A_hat v = lambda v to 1e-4 for all 128 vectors") {
  const std::string dir = vgrad::testing::real_data("planetoid-text/cora");
  if (dir.empty()) {
    MESSAGE("data/planetoid-text/cora absent: run `make data` to include this test");
    return;
  }
  Graph g = load_graph_dataset("cora", dir);
  const LinkSplit split = mask_test_edges(g, 0);
  Rng rng(0);
  const SpectralEmbedding s = spectral_embedding(*split.adj_train, 128, rng);
  REQUIRE(s.eigenvalues.size() == 128);
  CHECK(max_residual(*split.adj_train, s) < 1e-4);
  CHECK(s.max_residual < 1e-4);
  for (size_t c = 1; c < 128; ++c) CHECK(s.eigenvalues[c] <= s.eigenvalues[c - 1]);
  CHECK(s.eigenvalues[0] < 1.0);
  CHECK(s.facts.isolated > 0);  // Cora's split leaves some nodes without training edges
}
