// Gradients of gradients: grad() with create_graph, Hessians against finite differences, a
// third derivative against its closed form, the second-order check over the op table, and
// the graph built during backward freed like any other.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "nn/gradcheck_cases.h"
#include "nn/nn.h"

using namespace vgrad;

namespace {

// The Hessian of f at x (f scalar): row i = d/dx (df/dx_i), one create_graph gradient, then
// one more backward per row through the retained graph.
std::vector<std::vector<double>> hessian(const std::function<Tensor()>& f, const Tensor& x) {
  const Tensor g = grad(f(), {x}, {}, /*create_graph=*/true)[0];
  std::vector<std::vector<double>> h;
  for (int64_t i = 0; i < x.numel(); ++i) {
    Tensor pick = Tensor::zeros(x.shape());
    pick.at(i) = 1.0f;
    const Tensor row = grad(sum(g * pick), {x}, {}, false, /*retain_graph=*/true)[0];
    std::vector<double> r(x.numel(), 0.0);
    if (row.defined())
      for (int64_t j = 0; j < x.numel(); ++j) r[j] = row.at(j);
    h.push_back(r);
  }
  return h;
}

// Central differences of the first-order gradient (itself checked by gradcheck).
std::vector<std::vector<double>> numeric_hessian(const std::function<Tensor()>& f, Tensor x,
                                                 float eps) {
  const int64_t n = x.numel();
  std::vector<std::vector<double>> h(n, std::vector<double>(n, 0.0));
  for (int64_t j = 0; j < n; ++j) {
    const float keep = x.at(j);
    x.at(j) = keep + eps;
    const Tensor up = grad(f(), {x})[0].clone();
    x.at(j) = keep - eps;
    const Tensor down = grad(f(), {x})[0].clone();
    x.at(j) = keep;
    for (int64_t i = 0; i < n; ++i) h[i][j] = (up.at(i) - down.at(i)) / (2.0 * eps);
  }
  return h;
}

void check_close(const std::vector<std::vector<double>>& a,
                 const std::vector<std::vector<double>>& b, double tol) {
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < a.size(); ++j) {
      INFO("H[", i, "][", j, "] analytic ", a[i][j], " numeric ", b[i][j]);
      CHECK(std::fabs(a[i][j] - b[i][j]) <= tol * (1.0 + std::fabs(b[i][j])));
    }
}

}  // namespace

TEST_CASE("grad: returns gradients without touching .grad; unrelated inputs are undefined") {
  Tensor x = Tensor::from({2}, {1.5f, -2.0f}, true), u = Tensor::from({2}, {3, 4}, true);
  const std::vector<Tensor> g = grad(sum(x * x * x), {x, u});
  CHECK(g[0].at(0) == doctest::Approx(3 * 1.5 * 1.5));
  CHECK(g[0].at(1) == doctest::Approx(3 * 2.0 * 2.0));
  CHECK_FALSE(g[1].defined());  // the output does not depend on u
  CHECK_FALSE(x.grad().defined());
  CHECK_FALSE(g[0].requires_grad());  // no create_graph: plain numbers
}

TEST_CASE("Hessian of sum(sigmoid(x W)^2) matches finite differences") {
  Rng rng(3);
  Tensor x = rand_uniform({1, 4}, rng, -1, 1, true);
  const Tensor w = rand_uniform({4, 3}, rng, -1, 1);
  auto f = [&] { return sum(square(sigmoid(matmul(x, w)))); };
  check_close(hessian(f, x), numeric_hessian(f, x, 1e-2f), 2e-3);
}

TEST_CASE("Hessian of a two-layer MLP's loss with respect to its first weight") {
  Rng rng(5);
  Linear l1(3, 4, rng), l2(4, 1, rng);
  const Tensor x = rand_uniform({5, 3}, rng, -1, 1), t = rand_uniform({5, 1}, rng, -1, 1);
  const Tensor w1 = l1.weight();
  auto f = [&] { return mse(l2.forward(tanh(l1.forward(x))), t, Reduction::mean); };
  check_close(hessian(f, w1), numeric_hessian(f, w1, 1e-2f), 3e-3);
}

TEST_CASE("third derivatives of tanh and exp match their closed forms") {
  const Tensor x = Tensor::from({5}, {-1.5f, -0.3f, 0.0f, 0.4f, 1.2f}, true);
  auto third = [&](Tensor (*op)(const Tensor&)) {
    const Tensor g1 = grad(sum(op(x)), {x}, {}, true)[0];
    const Tensor g2 = grad(sum(g1), {x}, {}, true)[0];
    return grad(sum(g2), {x})[0];
  };
  const Tensor t3 = third(tanh), e3 = third(exp);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double t = std::tanh((double)x.at(i));
    CHECK(t3.at(i) == doctest::Approx((1 - t * t) * (6 * t * t - 2)).epsilon(1e-4));
    CHECK(e3.at(i) == doctest::Approx(std::exp((double)x.at(i))).epsilon(1e-5));
  }
}

TEST_CASE("gradcheck order 2: every op, layer and loss in the tables passes or refuses") {
  std::vector<GradcheckCase> cases = op_gradcheck_cases();
  for (auto& c : nn_gradcheck_cases()) cases.push_back(c);
  int refused = 0;
  for (const GradcheckRow& row : run_gradcheck(cases, 2)) {
    INFO(row.name, ": ", row.result.worst);
    // Only the fused kernels may refuse, and they must say what to use instead.
    if (row.result.refused) {
      refused++;
      CHECK(row.name.find("inner_product_bce") != std::string::npos);
      CHECK(row.result.worst.find("no second derivative") != std::string::npos);
    } else {
      CHECK(row.result.ok);
    }
  }
  CHECK(refused == 2);  // the fused all-pairs loss and the sampled one
}

// cube with a first derivative that is right in value but built from a detached x, so its
// own derivative is silently zero: what a raw kernel in a backward would do.
Tensor detached_cube(const Tensor& x) {
  Tensor y = Tensor::from(x.shape(), (x.detach() * x.detach() * x.detach()).to_vector());
  return record("detached_cube", y, {x}, [](const Tensor& gy, const Inputs& in, Grads& g) {
    g.add(0, gy * square(in[0].detach()) * 3.0f);
  });
}

TEST_CASE("gradgradcheck reports a planted wrong second derivative that gradcheck passes") {
  Rng rng(2);
  Tensor x = rand_uniform({3, 3}, rng, 0.5f, 1.5f, true);
  auto f = [&] { return detached_cube(x); };
  CHECK(gradcheck(f, {x}).ok);
  const GradcheckResult r = gradgradcheck(f, {x});
  CHECK_FALSE(r.ok);
  CHECK_FALSE(r.refused);
  CHECK(r.worst.find("analytic") != std::string::npos);
}

TEST_CASE("create_graph: .grad accumulates, is differentiable, and retain_graph holds") {
  Tensor x = Tensor::from({3}, {0.5f, -1.0f, 2.0f}, true);
  Tensor y = sum(x * x * x);
  y.backward({}, false, /*create_graph=*/true);
  y.backward({}, false, true);  // the graph was kept: a second pass accumulates
  const Tensor g = x.grad();    // 2 * 3x^2, itself on the tape
  CHECK(g.requires_grad());
  CHECK(g.at(2) == doctest::Approx(2 * 3 * 4.0));
  x.zero_grad();
  sum(g).backward();  // d/dx sum(6 x^2) = 12 x
  CHECK(x.grad().at(1) == doctest::Approx(-12.0));
  // create_graph with retain_graph off: a second walk finds the graph freed and says so.
  Tensor z = sum(exp(x));
  grad(z, {x}, {}, true, /*retain_graph=*/false);
  CHECK_THROWS_WITH_AS(grad(z, {x}), doctest::Contains("already freed"), Error);
}

TEST_CASE("the graph built during backward is freed when its last holder goes") {
  Tensor x = Tensor::from({4}, {0.1f, 0.2f, 0.3f, 0.4f}, true);
  std::weak_ptr<TensorImpl> forward_node, backward_node;
  {
    Tensor h = tanh(x);
    forward_node = h.impl_ptr();
    Tensor g = grad(sum(square(h)), {x}, {}, true)[0];
    backward_node = g.impl_ptr();
    CHECK(g.requires_grad());
    CHECK_FALSE(forward_node.expired());  // the gradient's graph holds the forward's
  }
  CHECK(forward_node.expired());
  CHECK(backward_node.expired());
}

TEST_CASE("a fused op refuses a second derivative with a message naming the alternative") {
  Rng rng(1);
  Tensor z = rand_uniform({5, 2}, rng, -1, 1, true);
  CsrPtr labels = Csr::identity(5);
  Tensor loss = inner_product_bce(z, labels, {.pos_weight = 2, .norm = 1, .tile = 4});
  CHECK_THROWS_WITH_AS(grad(loss, {z}, {}, true), doctest::Contains("--decoder dense"),
                       NoSecondDerivative);
  // The dense path is made of ops: it has one.
  Tensor dense = inner_product_bce_dense(z, labels, {.pos_weight = 2, .norm = 1, .tile = 4});
  CHECK(grad(dense, {z}, {}, true)[0].requires_grad());
}

TEST_CASE("a gradient penalty trained for a few steps goes down") {
  // P = ||d sum(f(x)) / dx||^2 for a small tanh MLP: minimising it needs d P / d W, a second
  // derivative of f.
  Rng rng(11);
  Linear l1(3, 8, rng), l2(8, 1, rng);
  Tensor x = rand_uniform({16, 3}, rng, -1, 1, true);
  std::vector<Tensor> params = l1.parameters();
  for (const Tensor& p : l2.parameters()) params.push_back(p);
  Adam opt(params, {.lr = 0.01});
  auto penalty = [&] {
    const Tensor dx = grad(sum(l2.forward(tanh(l1.forward(x)))), {x}, {}, true)[0];
    return sum(square(dx));
  };
  const float before = penalty().item();
  for (int step = 0; step < 30; ++step) {
    opt.zero_grad();
    penalty().backward();
    opt.step();
  }
  x.zero_grad();
  const float after = penalty().item();
  INFO("penalty before ", before, " after ", after);
  CHECK(after < 0.5f * before);
}

TEST_CASE("the README's worked Hessian: f(a, b) = a^2 b + b^3 at (1, 2)") {
  // By hand: grad f = (2ab, a^2 + 3b^2) = (4, 13);  H = [[2b, 2a], [2a, 6b]] = [[4, 2], [2, 12]].
  Tensor x = Tensor::from({2}, {1.0f, 2.0f}, /*requires_grad=*/true);
  Tensor a = slice(x, 0, 1), b = slice(x, 1, 2);
  Tensor f = sum(a * a * b + b * b * b);
  Tensor g = grad(f, {x}, {}, /*create_graph=*/true)[0];
  CHECK(g.to_vector() == std::vector<float>{4, 13});
  Tensor h0 = grad(sum(slice(g, 0, 1)), {x}, {}, false, /*retain_graph=*/true)[0];
  Tensor h1 = grad(sum(slice(g, 1, 2)), {x}, {}, false, true)[0];
  CHECK(h0.to_vector() == std::vector<float>{4, 2});
  CHECK(h1.to_vector() == std::vector<float>{2, 12});
  // A Hessian-vector product without the Hessian: H v = grad(g . v).
  Tensor v = Tensor::from({2}, {1.0f, -1.0f});
  CHECK(grad(sum(g * v), {x})[0].to_vector() == std::vector<float>{2, -10});
}
