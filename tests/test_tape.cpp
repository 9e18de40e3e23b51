#include <doctest/doctest.h>

#include <cmath>

#include "autograd/ops.h"

using namespace vgrad;

TEST_CASE("tape: x*x receives both contributions; repeated backward accumulates") {
  Tensor x = Tensor::from({3}, {1, -2, 3}, true);
  sum(mul(x, x)).backward();
  CHECK(x.grad().to_vector() == std::vector<float>{2, -4, 6});
  sum(x).backward();  // a second graph adds into the same .grad
  CHECK(x.grad().to_vector() == std::vector<float>{3, -3, 7});
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
}

TEST_CASE("tape: a diamond (one node feeding two paths) is walked once, in order") {
  Tensor x = Tensor::from({2}, {0.5f, -1.0f}, true);
  Tensor h = exp(x);                  // used by both branches
  Tensor y = sum(add(mul(h, h), h));  // y = e^2x + e^x  => dy/dx = 2e^2x + e^x
  y.backward();
  for (int i = 0; i < 2; ++i) {
    const double v = x.at(i);
    CHECK(x.grad().at(i) == doctest::Approx(2 * std::exp(2 * v) + std::exp(v)));
  }
}

TEST_CASE("tape: no-grad guard records nothing and restores the mode") {
  Tensor w = Tensor::from({2}, {1, 2}, true);
  {
    NoGradGuard guard;
    CHECK_FALSE(grad_enabled());
    Tensor y = mul(w, w);
    CHECK_FALSE(y.requires_grad());
    CHECK(y.is_leaf());
    {
      NoGradGuard nested;
    }
    CHECK_FALSE(grad_enabled());  // the inner guard restores "off", not "on"
  }
  CHECK(grad_enabled());
  CHECK(mul(w, w).requires_grad());
  // Constants never get a node: a graph of constants needs no tape.
  Tensor c = Tensor::from({2}, {1, 2});
  CHECK(mul(c, c).is_leaf());
  CHECK_THROWS_WITH_AS(sum(mul(c, c)).backward(),
                       "backward: this tensor (leaf) does not require grad: did you forget "
                       "set_requires_grad() on a parameter?",
                       Error);
}

TEST_CASE("tape: the graph is freed after backward; a second pass needs retain_graph") {
  Tensor x = Tensor::from({2}, {1, 2}, true);
  Tensor y = sum(exp(x));
  std::weak_ptr<TensorImpl> mid = y.impl().node->inputs[0].impl_ptr();
  y.backward();
  CHECK(mid.expired());  // the intermediate exp(x) was released during the sweep
  CHECK_THROWS_WITH_AS(y.backward(),
                       "backward: the graph through 'sum' was already freed; pass "
                       "retain_graph=true to the first backward() to go through it twice",
                       Error);
  Tensor z = sum(square(x));
  x.zero_grad();
  z.backward(Tensor(), /*retain_graph=*/true);
  z.backward();
  CHECK(x.grad().to_vector() == std::vector<float>{4, 8});
}

TEST_CASE("tape: a long chain does not overflow the stack") {
  Tensor x = Tensor::from({1}, {0.0f}, true);
  Tensor y = x;
  for (int i = 0; i < 200000; ++i) y = add(y, 1e-6f);
  sum(y).backward();
  CHECK(x.grad().item() == 1.0f);
}

TEST_CASE("tape: non-scalar backward needs a seed of the same shape") {
  Tensor x = Tensor::from({2}, {1, 2}, true);
  Tensor y = mul(x, 3.0f);
  CHECK_THROWS_WITH_AS(y.backward(),
                       "backward: a non-scalar tensor of shape [2] needs an explicit seed gradient",
                       Error);
  CHECK_THROWS_WITH_AS(y.backward(Tensor::zeros({3})),
                       "backward: seed has shape [3] but the tensor has [2]", Error);
  y.backward(Tensor::from({2}, {1, -1}));
  CHECK(x.grad().to_vector() == std::vector<float>{3, -3});
}

TEST_CASE("tape: a backward returning the wrong shape is named in the error") {
  Tensor x = Tensor::from({2, 2}, {1, 2, 3, 4}, true);
  Tensor y = record("bad_shape", Tensor::from({1}, {0}), {x},
                    [](const Tensor&, const Inputs&, Grads& g) { g.add(0, Tensor::zeros({4})); });
  CHECK_THROWS_WITH_AS(y.backward(),
                       "bad_shape backward: gradient for input 0 has shape [4] but the input "
                       "has shape [2, 2]",
                       Error);
}

TEST_CASE("tape: DOT output names every op and shape") {
  Tensor x = Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor w = Tensor::zeros({3, 1}, true);
  const std::string dot = to_dot(sum(sigmoid(matmul(x, w))));
  CHECK(dot.rfind("digraph vgrad {", 0) == 0);
  for (const char* part : {"matmul\\n[2, 1]", "sigmoid\\n[2, 1]", "sum\\n[]", "leaf\\n[3, 1]"})
    CHECK_MESSAGE(dot.find(part) != std::string::npos, part);
  CHECK(dot.find(" -> ") != std::string::npos);
}

TEST_CASE("tape: dropping a long unused chain does not overflow the stack") {
  Tensor x = Tensor::from({1}, {0.0f}, true);
  {
    Tensor y = x;
    for (int i = 0; i < 300000; ++i) y = add(y, 1e-6f);
  }  // y and its 300k nodes die here without backward()
  CHECK(x.is_leaf());
}
