#include <doctest/doctest.h>

#include "autograd/gradcheck.h"
#include "nn/gradcheck_cases.h"
#include "nn/nn.h"

using namespace vgrad;

TEST_CASE("SAGEConv: root term plus the mean of the neighbours, against a dense loop") {
  // 0 -> 1, 0 -> 2, 1 -> 0, 3 has no neighbour (its self-loop is ignored: root term only).
  CsrPtr a = Csr::from_coo(4, 4, {0, 0, 1, 3}, {1, 2, 0, 3}, {1, 1, 1, 1});
  Rng rng(3);
  SAGEConv layer(a, 3, 2, rng);
  for (int64_t k = 0; k < 2; ++k) layer.bias().at(k) = 0.5f * (float)(k + 1);
  Tensor x = randn({4, 3}, rng);
  const Tensor y = layer.forward(x);
  const std::vector<std::vector<int>> nbrs = {{1, 2}, {0}, {}, {}};
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t o = 0; o < 2; ++o) {
      double want = layer.bias().at(o);
      for (int64_t f = 0; f < 3; ++f) {
        want += x.at(i * 3 + f) * layer.weight_root().at(f * 2 + o);
        double m = 0;
        for (int j : nbrs[i]) m += x.at(j * 3 + f);
        if (!nbrs[i].empty()) want += m / (double)nbrs[i].size() * layer.weight_neigh().at(f * 2 + o);
      }
      CHECK(y.at(i * 2 + o) == doctest::Approx(want).epsilon(1e-5));
    }
}

TEST_CASE("SAGEConv: gradients; sparse features agree; a wrong shape is named") {
  Rng rng(6);
  CsrPtr a = random_adjacency(7, 10, rng);
  SAGEConv layer(a, 4, 3, rng);
  Tensor x = rand_uniform({7, 4}, rng, -1, 1, true);
  const GradcheckResult r = gradcheck([&] { return layer.forward(x); },
                                      {x, layer.weight_root(), layer.weight_neigh(), layer.bias()});
  INFO(r.worst);
  CHECK(r.ok);
  CsrPtr xs = random_adjacency(7, 8, rng);
  SAGEConv sq(a, 7, 3, rng);
  const auto ys = sq.forward(xs).to_vector();
  const auto yd = sq.forward(Tensor::from({7, 7}, xs->to_dense())).to_vector();
  for (size_t k = 0; k < ys.size(); ++k) CHECK(ys[k] == doctest::Approx(yd[k]).epsilon(1e-5));
  CHECK_THROWS_WITH_AS(layer.forward(Tensor::zeros({6, 4})),
                       doctest::Contains("SAGEConv(4 -> 3): features are [6, 4], expected [7, 4]"),
                       Error);
}
