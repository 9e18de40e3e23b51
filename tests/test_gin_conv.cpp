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
    GINConv layer(a, 3, 2, rng, {.learn_eps = learn, .eps = 0.25f});
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
  GINConv layer(a, 4, 3, rng, {.eps = 0.1f});
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

TEST_CASE("GINConv options: mean aggregation divides by the degree; one Linear has no relu") {
  CsrPtr a = Csr::from_coo(4, 4, {0, 0, 1, 2, 3}, {1, 2, 0, 2, 0}, {1, 1, 1, 1, 1});
  const std::vector<std::vector<int>> nbrs = {{1, 2}, {0}, {}, {0}};  // 2's self-loop dropped
  Rng rng(6);
  GINConv layer(a, 3, 2, rng, {.learn_eps = false, .eps = 0.5f, .mean = true, .mlp_layers = 1});
  CHECK(!layer.eps().defined());
  CHECK(layer.parameters().size() == 2);  // lin1's weight and bias: no lin2
  Tensor x = randn({4, 3}, rng);
  const Tensor y = layer.forward(x);
  const Linear& l1 = layer.lin1();
  bool negative = false;  // without the relu an output can be negative
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t o = 0; o < 2; ++o) {
      double want = l1.bias().at(o);
      for (int64_t f = 0; f < 3; ++f) {
        double agg = 1.5 * x.at(i * 3 + f);
        for (int j : nbrs[i]) agg += x.at(j * 3 + f) / static_cast<double>(nbrs[i].size());
        want += agg * l1.weight().at(f * 2 + o);
      }
      CHECK(y.at(i * 2 + o) == doctest::Approx(want).epsilon(1e-5));
      negative = negative || want < 0;
    }
  CHECK(negative);
  CHECK_THROWS_WITH_AS(GINConv(a, 3, 2, rng, {.mlp_layers = 3}),
                       "GINConv: mlp_layers must be 1 or 2, got 3", Error);
}
