#include <doctest/doctest.h>

#include <algorithm>

#include "autograd/gradcheck.h"
#include "nn/gradcheck_cases.h"
#include "nn/nn.h"

using namespace vgrad;

TEST_CASE("GINConv: MLP((1 + eps) x_i + sum_j x_j) against a dense loop, learnable and fixed eps") {
  CsrPtr a = Csr::from_coo(4, 4, {0, 0, 1, 2, 3}, {1, 2, 0, 2, 0}, {1, 1, 1, 1, 1});
  const std::vector<std::vector<int>> nbrs = {{1, 2}, {0}, {}, {0}};  // 2's self-loop dropped
  for (bool learn : {true, false}) {
    Rng rng(5);
    GINConv layer(a, 3, 2, rng, learn, 0.25f);
    CHECK(layer.eps().defined() == learn);
    Tensor x = randn({4, 3}, rng);
    const Tensor y = layer.forward(x);
    const Linear &l1 = layer.lin1(), &l2 = layer.lin2();
    for (int64_t i = 0; i < 4; ++i) {
      double agg[3];
      for (int64_t f = 0; f < 3; ++f) {
        agg[f] = 1.25 * x.at(i * 3 + f);
        for (int j : nbrs[i]) agg[f] += x.at(j * 3 + f);
      }
      double h[2];
      for (int64_t o = 0; o < 2; ++o) {
        h[o] = l1.bias().at(o);
        for (int64_t f = 0; f < 3; ++f) h[o] += agg[f] * l1.weight().at(f * 2 + o);
        h[o] = std::max(h[o], 0.0);
      }
      for (int64_t o = 0; o < 2; ++o) {
        double want = l2.bias().at(o);
        for (int64_t k = 0; k < 2; ++k) want += h[k] * l2.weight().at(k * 2 + o);
        CHECK(y.at(i * 2 + o) == doctest::Approx(want).epsilon(1e-5));
      }
    }
  }
}

TEST_CASE("GINConv: gradients including eps; sparse features agree; a wrong shape is named") {
  Rng rng(9);
  CsrPtr a = random_adjacency(7, 10, rng);
  GINConv layer(a, 4, 3, rng, true, 0.1f);
  Tensor x = rand_uniform({7, 4}, rng, -1, 1, true);
  const GradcheckResult r = gradcheck([&] { return layer.forward(x); },
                                      {x, layer.eps(), layer.lin1().weight(), layer.lin2().weight()});
  INFO(r.worst);
  CHECK(r.ok);
  CsrPtr xs = random_adjacency(7, 8, rng);
  GINConv sq(a, 7, 3, rng);
  const auto ys = sq.forward(xs).to_vector();
  const auto yd = sq.forward(Tensor::from({7, 7}, xs->to_dense())).to_vector();
  for (size_t k = 0; k < ys.size(); ++k) CHECK(ys[k] == doctest::Approx(yd[k]).epsilon(1e-5));
  CHECK_THROWS_WITH_AS(layer.forward(Tensor::zeros({7, 5})),
                       doctest::Contains("GINConv(4 -> 3): features are [7, 5], expected [7, 4]"),
                       Error);
}
