#include <doctest/doctest.h>

#include "nn/nn.h"

using namespace vgrad;

// End to end: module registry, Linear, an activation, a loss, backward and Adam together.
TEST_CASE("MLP: a 2-8-1 network learns XOR with Adam") {
  Rng rng(42);
  Sequential mlp;
  mlp.add(std::make_shared<Linear>(2, 8, rng))
      .add(vgrad::tanh)
      .add(std::make_shared<Linear>(8, 1, rng));
  const Tensor x = Tensor::from({4, 2}, {0, 0, 0, 1, 1, 0, 1, 1});
  const Tensor y = Tensor::from({4, 1}, {0, 1, 1, 0});
  Adam opt(mlp.parameters(), {.lr = 0.05});
  float loss = 0;
  for (int epoch = 0; epoch < 300; ++epoch) {
    opt.zero_grad();
    Tensor l = bce_with_logits(mlp.forward(x), y, Reduction::mean);
    l.backward();
    opt.step();
    loss = l.item();
  }
  CHECK(loss < 0.05f);  // ln 2 = 0.69 at chance
  NoGradGuard no_grad;
  const auto p = sigmoid(mlp.forward(x)).to_vector();
  CHECK(p[0] < 0.1f);
  CHECK(p[1] > 0.9f);
  CHECK(p[2] > 0.9f);
  CHECK(p[3] < 0.1f);
}
