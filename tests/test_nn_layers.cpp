#include <doctest/doctest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "nn/gradcheck_cases.h"
#include "nn/nn.h"

using namespace vgrad;

namespace {
// Sparse features with empty rows, like bag-of-words nodes without words.
CsrPtr random_features(int64_t n, int64_t f, Rng& rng) {
  std::vector<int64_t> r, c;
  std::vector<float> v;
  for (int64_t i = 1; i < n; ++i)
    for (int64_t j = 0; j < f; ++j)
      if (rng.uniform() < 0.4f) r.push_back(i), c.push_back(j), v.push_back(1.0f);
  return Csr::from_coo(n, f, r, c, v);
}
}  // namespace

TEST_CASE("Linear: shape, value and gradient of input, weight and bias") {
  Rng rng(1);
  Linear layer(4, 3, rng);
  Tensor x = rand_uniform({5, 4}, rng, -1, 1, true);
  Tensor y = layer.forward(x);
  CHECK(y.shape() == Shape{5, 3});
  // y[1][2] = sum_f x[1][f] W[f][2] + b[2]
  double expect = layer.bias().at(2);
  for (int f = 0; f < 4; ++f) expect += x.at(4 + f) * layer.weight().at(f * 3 + 2);
  CHECK(y.at(1 * 3 + 2) == doctest::Approx(expect).epsilon(1e-5));
  auto r = gradcheck([&] { return layer.forward(x); },
                     {x, layer.parameter("weight"), layer.parameter("bias")});
  INFO(r.worst);
  CHECK(r.ok);
}

TEST_CASE("Linear: without bias has one parameter; a wrong input shape is named") {
  Rng rng(2);
  Linear layer(4, 3, rng, /*bias=*/false);
  CHECK(layer.parameters().size() == 1);
  CHECK_FALSE(layer.bias().defined());
  Tensor x = rand_uniform({2, 4}, rng, -1, 1, true);
  auto r = gradcheck([&] { return layer.forward(x); }, {x, layer.weight()});
  INFO(r.worst);
  CHECK(r.ok);
  CHECK_THROWS_WITH_AS(layer.forward(Tensor::zeros({2, 5})),
                       "Linear(4 -> 3): input is [2, 5], expected [N, 4]", Error);
}

TEST_CASE("Linear: init is U(-1/sqrt(in), 1/sqrt(in)) and repeats with the seed") {
  Rng a(9), b(9);
  Linear la(16, 8, a), lb(16, 8, b);
  CHECK(la.weight().to_vector() == lb.weight().to_vector());
  for (float w : la.weight().to_vector()) CHECK(std::fabs(w) <= 0.25f);  // 1/sqrt(16)
}

TEST_CASE("GraphConv: dense features, gradient of input and weight (non-symmetric A)") {
  Rng rng(7);
  auto a = random_adjacency(6, 9, rng);
  REQUIRE_FALSE(a->is_symmetric());
  GraphConv layer(a, 4, 3, rng, /*bias=*/true);
  Tensor x = rand_uniform({6, 4}, rng, -1, 1, true);
  CHECK(layer.forward(x).shape() == Shape{6, 3});
  auto r = gradcheck([&] { return layer.forward(x); },
                     {x, layer.parameter("weight"), layer.parameter("bias")});
  INFO(r.worst);
  CHECK(r.ok);
}

TEST_CASE("GraphConv: sparse features give the dense result and the weight gradient") {
  Rng rng(8);
  auto a = random_adjacency(7, 10, rng);
  auto xs = random_features(7, 5, rng);
  GraphConv layer(a, 5, 2, rng);
  Tensor xd = Tensor::from({7, 5}, xs->to_dense());
  const auto ys = layer.forward(xs).to_vector(), yd = layer.forward(xd).to_vector();
  for (size_t i = 0; i < ys.size(); ++i) CHECK(ys[i] == doctest::Approx(yd[i]).epsilon(1e-5));
  auto r = gradcheck([&] { return layer.forward(xs); }, {layer.parameter("weight")});
  INFO(r.worst);
  CHECK(r.ok);
}

TEST_CASE("GraphConv: identity features (a featureless graph) skip X W and keep its bits") {
  Rng rng(9);
  auto a = random_adjacency(6, 9, rng);
  GraphConv layer(a, 6, 3, rng);
  // An identity the layer must not recognise (one value 2): the spmm route, as a reference.
  std::vector<int64_t> idx = {0, 1, 2, 3, 4, 5};
  std::vector<float> ones(6, 1.0f), almost = ones;
  almost[5] = 2.0f;
  const CsrPtr id = Csr::identity(6), near = Csr::from_coo(6, 6, idx, idx, almost);
  Tensor w = layer.parameter("weight");
  Tensor want = spmm(a, spmm(Csr::from_coo(6, 6, idx, idx, ones), w));
  CHECK(layer.forward(id).to_vector() == want.to_vector());
  auto gw = grad(sum(square(layer.forward(id))), {w})[0].to_vector();
  auto gw_ref = grad(sum(square(spmm(a, spmm(Csr::from_coo(6, 6, idx, idx, ones), w)))), {w})[0];
  CHECK(gw == gw_ref.to_vector());
  // Not the identity: still the product (row 5 doubled).
  const auto y_near = layer.forward(near).to_vector();
  CHECK(y_near == spmm(a, spmm(near, w)).to_vector());
  CHECK(y_near != want.to_vector());
}

TEST_CASE("GraphConv: Glorot range, no bias by default, shape errors name both sides") {
  Rng rng(3);
  auto a = random_adjacency(5, 4, rng);
  GraphConv layer(a, 10, 14, rng);
  CHECK(layer.parameters().size() == 1);
  const float range = std::sqrt(6.0f / 24.0f);  // sqrt(6 / (in + out)) = 0.5
  float largest = 0;
  for (float w : layer.weight().to_vector()) largest = std::max(largest, std::fabs(w));
  CHECK(largest <= range);
  CHECK(largest > 0.9f * range);  // 140 draws: a much narrower range would be a wrong formula
  CHECK_THROWS_WITH_AS(layer.forward(Tensor::zeros({4, 10})),
                       "GraphConv(10 -> 14): features are [4, 10], expected [5, 10] "
                       "(A_hat is [5, 5])",
                       Error);
  CHECK_THROWS_AS(GraphConv(Csr::from_coo(2, 3, {}, {}, {}), 1, 1, rng), Error);
}

TEST_CASE("Dropout: identity in eval mode, inverted scaling in train mode") {
  Rng rng(4);
  Dropout drop(0.5f, rng);
  Tensor x = Tensor::full({1000}, 1.0f);
  const auto kept = drop.forward(x).to_vector();
  int zeros = 0;
  for (float v : kept) {
    CHECK((v == 0.0f || v == 2.0f));  // kept values scaled by 1 / (1 - p)
    zeros += v == 0.0f;
  }
  CHECK(zeros > 400);
  CHECK(zeros < 600);
  drop.eval();
  CHECK(drop.forward(x).to_vector() == x.to_vector());
  CHECK_THROWS_AS(Dropout(1.0f, rng), Error);
}

TEST_CASE("Module: dotted names, lookup, train/eval reach children, bad names refused") {
  Rng rng(5);
  Sequential mlp;
  mlp.add(std::make_shared<Linear>(2, 3, rng)).add(relu).add(std::make_shared<Linear>(3, 1, rng));
  std::vector<std::string> names;
  for (auto& [n, _] : mlp.named_parameters()) names.push_back(n);
  CHECK(names == std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"});
  CHECK(mlp.parameter_count() == 2 * 3 + 3 + 3 * 1 + 1);
  CHECK(mlp.parameter("2.bias").shape() == Shape{1});
  CHECK_THROWS_WITH_AS(mlp.parameter("1.weight"),
                       "Module: no parameter '1.weight' (have: 0.weight, 0.bias, 2.weight, "
                       "2.bias)",
                       Error);
  mlp.eval();
  for (auto& [_, child] : mlp.children()) CHECK_FALSE(child->is_training());
  mlp.train();
  for (auto& [_, child] : mlp.children()) CHECK(child->is_training());

  struct Bad : Module {
    explicit Bad(const std::string& name) { register_parameter(name, Tensor::zeros({1})); }
  };
  CHECK_THROWS_WITH_AS(Bad("a.b"), doctest::Contains("contain no dot (got 'a.b')"), Error);
  struct Twice : Module {
    Twice() {
      register_parameter("w", Tensor::zeros({1}));
      register_parameter("w", Tensor::zeros({1}));
    }
  };
  CHECK_THROWS_WITH_AS(Twice(), "Module: 'w' is already a parameter", Error);
}

TEST_CASE("Sequential: the output is the steps applied in order, gradient flows through") {
  Rng rng(6);
  auto l1 = std::make_shared<Linear>(3, 4, rng);
  auto l2 = std::make_shared<Linear>(4, 2, rng);
  Sequential mlp;
  mlp.add(l1).add(vgrad::tanh).add(l2);
  Tensor x = rand_uniform({5, 3}, rng, -1, 1, true);
  CHECK(mlp.forward(x).to_vector() == l2->forward(vgrad::tanh(l1->forward(x))).to_vector());
  std::vector<Tensor> inputs = {x};
  for (const Tensor& p : mlp.parameters()) inputs.push_back(p);
  auto r = gradcheck([&] { return mlp.forward(x); }, inputs);
  INFO(r.worst);
  CHECK(r.ok);
}

TEST_CASE("init: ranges and moments from the definitions") {
  Rng rng(11);
  // Glorot [30, 70]: r = sqrt(6 / 100); uniform variance r^2 / 3 = 0.02.
  Tensor g = init::glorot_uniform({30, 70}, rng);
  double sq = 0;
  for (float v : g.to_vector()) {
    CHECK(std::fabs(v) <= std::sqrt(0.06f));
    sq += (double)v * v;
  }
  CHECK(sq / g.numel() == doctest::Approx(0.02).epsilon(0.1));
  // Kaiming uniform [50, 40], gain sqrt 2: b = sqrt(2) sqrt(3 / 50); variance b^2 / 3 = 2 / 50.
  Tensor k = init::kaiming_uniform({50, 40}, rng);
  sq = 0;
  for (float v : k.to_vector()) sq += (double)v * v;
  CHECK(sq / k.numel() == doctest::Approx(0.04).epsilon(0.1));
  // Kaiming normal [200, 10]: variance 2 / 200.
  Tensor kn = init::kaiming_normal({200, 10}, rng);
  sq = 0;
  for (float v : kn.to_vector()) sq += (double)v * v;
  CHECK(sq / kn.numel() == doctest::Approx(0.01).epsilon(0.15));
  CHECK(init::zeros({2, 2}).to_vector() == std::vector<float>(4, 0.0f));
  CHECK_THROWS_AS(init::glorot_uniform({2, 3, 4}, rng), Error);
}
