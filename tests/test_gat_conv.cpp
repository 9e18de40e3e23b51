#include <doctest/doctest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "nn/gradcheck_cases.h"
#include "nn/nn.h"

using namespace vgrad;

namespace {

// Undirected edges 0-1, 0-2, 1-2, 2-3 (no self-loops: GATConv adds them).
CsrPtr four_nodes() {
  std::vector<int64_t> r = {0, 1, 0, 2, 1, 2, 2, 3}, c = {1, 0, 2, 0, 2, 1, 3, 2};
  return Csr::from_coo(4, 4, r, c, std::vector<float>(8, 1.0f));
}

void set(Tensor t, const std::vector<float>& v) {
  REQUIRE((int64_t)v.size() == t.numel());
  for (size_t i = 0; i < v.size(); ++i) t.at(i) = v[i];
}

}  // namespace

// By hand, one head, W = I (2 x 2), a_src = (1, 0), a_dst = (0, -1), bias 0, slope 0.2:
//   X = Wh = [(1, 0), (0, 1), (1, 1), (0, 0)]
//   s_src_i = Wh_i[0] = (1, 0, 1, 0),   s_dst_j = -Wh_j[1] = (0, -1, -1, 0)
//   e_ij = LeakyReLU(s_src_i + s_dst_j) over i's neighbours and i itself; e = exp(1), q = exp(-0.2):
//   row 0, j = 0, 1, 2: e = 1, 0, 0         -> alpha = (e, 1, 1) / (e + 2)
//       Y_0 = (e (1,0) + (0,1) + (1,1)) / (e + 2) = ((e + 1) / (e + 2), 2 / (e + 2))
//   row 1, j = 0, 1, 2: e = 0, -0.2, -0.2   -> alpha = (1, q, q) / (1 + 2q)
//       Y_1 = ((1,0) + q (0,1) + q (1,1)) / (1 + 2q) = ((1 + q) / (1 + 2q), 2q / (1 + 2q))
//   row 2, j = 0, 1, 2, 3: e = 1, 0, 0, 1   -> alpha = (e, 1, 1, e) / (2e + 2)
//       Y_2 = (e (1,0) + (0,1) + (1,1) + e (0,0)) / (2e + 2) = (1/2, 1 / (e + 1))
//   row 3, j = 2, 3: e = -0.2, 0            -> alpha = (q, 1) / (q + 1)
//       Y_3 = q (1,1) / (q + 1) = (q / (q + 1), q / (q + 1))
TEST_CASE("GATConv: a 4-node graph against values worked out by hand") {
  const double e = std::exp(1.0), q = std::exp(-0.2);
  const std::vector<double> want = {(e + 1) / (e + 2), 2 / (e + 2), (1 + q) / (1 + 2 * q),
                                    2 * q / (1 + 2 * q), 0.5, 1 / (e + 1),
                                    q / (q + 1), q / (q + 1)};
  Tensor x = Tensor::from({4, 2}, {1, 0, 0, 1, 1, 1, 0, 0});
  Rng rng(1);
  GATConv one(four_nodes(), 2, 2, rng);
  set(one.weight(), {1, 0, 0, 1});
  set(one.att_src(), {1, 0});
  set(one.att_dst(), {0, -1});
  const std::vector<float> y = one.forward(x).to_vector();
  REQUIRE(y.size() == 8);
  for (size_t k = 0; k < 8; ++k) CHECK(y[k] == doctest::Approx(want[k]).epsilon(1e-6));

  // Two identical heads: concatenated they repeat the columns, averaged they give them once.
  for (bool concat : {true, false}) {
    GATConv two(four_nodes(), 2, 2, rng, {.heads = 2, .concat = concat});
    set(two.weight(), {1, 0, 1, 0, 0, 1, 0, 1});  // [I | I]
    set(two.att_src(), {1, 0, 1, 0});
    set(two.att_dst(), {0, -1, 0, -1});
    const Tensor y2 = two.forward(x);
    CHECK(y2.shape() == Shape{4, concat ? 4 : 2});
    for (int64_t i = 0; i < 4; ++i)
      for (int64_t c = 0; c < y2.cols(); ++c)
        CHECK(y2.at(i * y2.cols() + c) == doctest::Approx(want[i * 2 + c % 2]).epsilon(1e-6));
  }
}

TEST_CASE("GATConv: gradients of input and every parameter; sparse features give the dense result") {
  Rng rng(5);  // seed 4 puts a LeakyReLU input within a difference step of its kink
  CsrPtr a = random_adjacency(8, 12, rng);
  GATConv layer(a, 5, 3, rng, {.heads = 2});
  Tensor x = rand_uniform({8, 5}, rng, -1, 1, true);
  const GradcheckResult r = gradcheck([&] { return layer.forward(x); },
                                      {x, layer.weight(), layer.att_src(), layer.att_dst()});
  INFO(r.worst);
  CHECK(r.ok);
  CsrPtr xs = random_adjacency(8, 9, rng);
  Tensor dense = Tensor::from({8, 8}, xs->to_dense());
  GATConv square(a, 8, 3, rng, {.heads = 2});
  const auto ys = square.forward(xs).to_vector(), yd = square.forward(dense).to_vector();
  for (size_t k = 0; k < ys.size(); ++k) CHECK(ys[k] == doctest::Approx(yd[k]).epsilon(1e-5));
}

TEST_CASE("GATConv: attention dropout only in training mode; shape errors name both sides") {
  Rng rng(2);
  GATConv layer(four_nodes(), 2, 3, rng, {.heads = 2, .attention_dropout = 0.5f});
  Tensor x = Tensor::from({4, 2}, {1, 0, 0, 1, 1, 1, 0.5, -1});
  layer.eval();
  const auto a = layer.forward(x).to_vector(), b = layer.forward(x).to_vector();
  CHECK(a == b);
  layer.train();
  CHECK(layer.forward(x).to_vector() != a);
  CHECK(layer.pattern()->nnz() == 12);  // 8 edges + 4 self-loops
  CHECK_THROWS_WITH_AS(layer.forward(Tensor::zeros({4, 3})),
                       "GATConv(2 -> 2 x 3): features are [4, 3], expected [4, 2] (the graph is "
                       "csr[4, 4] (12 non-zeros))",
                       Error);
}
