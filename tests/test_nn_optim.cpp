#include <doctest/doctest.h>

#include <unistd.h>
#include <cmath>
#include <filesystem>

#include "nn/nn.h"

using namespace vgrad;

namespace {
// One training step on L = sum(p^2) (dL/dp = 2p) or, with slope, L = slope * sum(p) (dL/dp =
// slope).
void step(Optimizer& opt, Tensor& p, float slope = 0.0f) {
  opt.zero_grad();
  Tensor loss = slope == 0.0f ? sum(square(p)) : slope * sum(p);
  loss.backward();
  opt.step();
}
}  // namespace

TEST_CASE("Adam: defaults are PyTorch's and TensorFlow's") {
  AdamOptions o;
  CHECK(o.lr == 1e-3);
  CHECK(o.beta1 == 0.9);
  CHECK(o.beta2 == 0.999);
  CHECK(o.eps == 1e-8);
  CHECK(o.weight_decay == 0.0);
}

TEST_CASE("Adam: two steps match the update computed by hand") {
  // p = (1, -2), L = sum(p^2), lr 0.1, betas 0.9 / 0.999.
  // Step 1: g = (2, -4); m = 0.1 g = (0.2, -0.4); v = 0.001 g^2 = (0.004, 0.016);
  //   m_hat = m / 0.1 = g, v_hat = v / 0.001 = g^2, so p -= 0.1 g / |g|: p = (0.9, -1.9).
  // Step 2: g = (1.8, -3.8); m = 0.9 m + 0.1 g = (0.36, -0.74);
  //   v = 0.999 v + 0.001 g^2 = (0.007236, 0.030424);
  //   m_hat = m / (1 - 0.81) = (1.8947368, -3.8947368);
  //   v_hat = v / (1 - 0.998001) = (3.6198099, 15.2196098), sqrt = (1.9025798, 3.9012318);
  //   p -= 0.1 m_hat / sqrt(v_hat): p = (0.9 - 0.0995878, -1.9 + 0.0998335)
  //                                  = (0.8004122, -1.8001665).
  Tensor p = Tensor::from({2}, {1, -2}, true);
  Adam opt({p}, {.lr = 0.1});
  step(opt, p);
  CHECK(p.at(0) == doctest::Approx(0.9).epsilon(1e-6));
  CHECK(p.at(1) == doctest::Approx(-1.9).epsilon(1e-6));
  step(opt, p);
  CHECK(p.at(0) == doctest::Approx(0.8004122).epsilon(1e-6));
  CHECK(p.at(1) == doctest::Approx(-1.8001665).epsilon(1e-6));
  CHECK(opt.steps(0) == 2);
}

TEST_CASE("Adam: from step 16628 on, sqrt(1 - 0.999^t) is 1.0f and the step is unchanged to the bit") {
  // p -= lr_t m / (sqrt(v) / bias2_sqrt + eps), lr_t = (float)(lr / (1 - b1^t)) and bias2_sqrt
  // = (float)sqrt(1 - b2^t); the kernel skips the division once bias2_sqrt is 1.0f.
  Tensor p = Tensor::from({3}, {1, -2, 0.5f}, true);
  Adam opt({p}, {.lr = 0.001});
  int checked_before = 0, checked_after = 0;
  for (int t = 1; t <= 16700; ++t) {
    const std::vector<float> before = p.to_vector();
    step(opt, p, t % 3 ? 0.7f : -1.3f);
    if (!(t <= 3 || (t >= 16600 && t % 7 == 0))) continue;
    Checkpoint ckpt;
    opt.save_to(ckpt, "o.");
    const Tensor &m = *ckpt.find("o.0.exp_avg"), &v = *ckpt.find("o.0.exp_avg_sq");
    const float step_size = (float)(0.001 / (1.0 - std::pow(0.9, (double)t)));
    const float bias2_sqrt = (float)std::sqrt(1.0 - std::pow(0.999, (double)t));
    CHECK((bias2_sqrt == 1.0f) == (t >= 16628));
    (bias2_sqrt == 1.0f ? checked_after : checked_before)++;
    for (int64_t k = 0; k < 3; ++k) {
      const float expect = before[k] - step_size * m.at(k) / (std::sqrt(v.at(k)) / bias2_sqrt + 1e-8f);
      CHECK(p.at(k) == expect);
    }
  }
  CHECK(checked_before > 3);
  CHECK(checked_after > 3);
}

TEST_CASE("Adam: weight decay is added to the gradient (L2, not AdamW)") {
  // L = 3 sum(p), wd 0.5: g = 3 + 0.5 p. lr 0.01.
  // Step 1: g = (3.5, 2.0): p -= 0.01 sign(g): p = (0.99, -2.01).
  // Step 2: g = (3.495, 1.995); m = (0.315 + 0.3495, 0.18 + 0.1995) = (0.6645, 0.3795);
  //   v = (0.999 * 0.01225 + 0.001 * 12.215025, 0.999 * 0.004 + 0.001 * 3.980025)
  //     = (0.024452775, 0.007976025);
  //   m_hat = (3.4973684, 1.9973684); sqrt(v_hat) = (3.4974990, 1.9975030);
  //   p = (0.99 - 0.0099996, -2.01 - 0.0099993) = (0.9800004, -2.0199993).
  Tensor p = Tensor::from({2}, {1, -2}, true);
  Adam opt({p}, {.lr = 0.01, .weight_decay = 0.5});
  step(opt, p, 3.0f);
  step(opt, p, 3.0f);
  CHECK(p.at(0) == doctest::Approx(0.9800004).epsilon(1e-6));
  CHECK(p.at(1) == doctest::Approx(-2.0199993).epsilon(1e-6));
}

TEST_CASE("SGD: momentum and weight decay, two steps by hand") {
  // p = (1, -2), L = sum(p^2), lr 0.1, momentum 0.9, wd 0.1: g = 2p + 0.1p = 2.1p.
  // Step 1: g = (2.1, -4.2); buf = g (first step); p -= 0.1 buf: p = (0.79, -1.58).
  // Step 2: g = 2.1 p = (1.659, -3.318); buf = 0.9 (2.1, -4.2) + g = (3.549, -7.098);
  //   p = (0.79 - 0.3549, -1.58 + 0.7098) = (0.4351, -0.8702).
  Tensor p = Tensor::from({2}, {1, -2}, true);
  Sgd opt({p}, {.lr = 0.1, .momentum = 0.9, .weight_decay = 0.1});
  step(opt, p);
  CHECK(p.at(0) == doctest::Approx(0.79).epsilon(1e-6));
  CHECK(p.at(1) == doctest::Approx(-1.58).epsilon(1e-6));
  step(opt, p);
  CHECK(p.at(0) == doctest::Approx(0.4351).epsilon(1e-6));
  CHECK(p.at(1) == doctest::Approx(-0.8702).epsilon(1e-6));
}

TEST_CASE("SGD: plain step p -= lr g") {
  Tensor p = Tensor::from({2}, {1, -2}, true);
  Sgd opt({p}, {.lr = 0.25});
  step(opt, p);  // g = 2p: p = p - 0.5 p
  CHECK(p.to_vector() == std::vector<float>{0.5f, -1.0f});
}

TEST_CASE("Optimizer: a parameter without a gradient is skipped; zero_grad clears") {
  Tensor used = Tensor::from({1}, {1}, true), unused = Tensor::from({1}, {5}, true);
  Adam opt({used, unused}, {.lr = 0.1});
  step(opt, used);
  CHECK(unused.at(0) == 5.0f);
  CHECK(opt.steps(0) == 1);
  CHECK(opt.steps(1) == 0);
  opt.zero_grad();
  CHECK_FALSE(used.grad().defined());
  CHECK_THROWS_AS(Adam({Tensor::zeros({1})}), Error);  // not requiring grad: a likely slip
}

TEST_CASE("clip_grad_norm: returns the global norm and rescales only above max_norm") {
  Tensor a = Tensor::from({1}, {1.5f}, true), b = Tensor::from({1}, {-2}, true);
  (sum(square(a)) + sum(square(b))).backward();  // grads (3, -4): norm 5
  CHECK(clip_grad_norm({a, b}, 10.0) == doctest::Approx(5.0));
  CHECK(a.grad().at(0) == 3.0f);  // under the limit: untouched
  CHECK(clip_grad_norm({a, b}, 1.0) == doctest::Approx(5.0));
  CHECK(a.grad().at(0) == doctest::Approx(0.6).epsilon(1e-5));  // 3 / 5
  CHECK(b.grad().at(0) == doctest::Approx(-0.8).epsilon(1e-5));
}

TEST_CASE("Optimizer state: resuming from a checkpoint continues bit-identically") {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("vgrad_optim_" + std::to_string(getpid())))
                               .string();
  auto build = [] {
    Rng rng(21);
    auto mlp = std::make_shared<Sequential>();
    mlp->add(std::make_shared<Linear>(3, 5, rng))
        .add(vgrad::tanh)
        .add(std::make_shared<Linear>(5, 1, rng));
    return mlp;
  };
  Rng data(5);
  Tensor x = randn({8, 3}, data), y = randn({8, 1}, data);
  auto train = [&](Sequential& m, Optimizer& opt, int steps) {
    for (int s = 0; s < steps; ++s) {
      opt.zero_grad();
      mse(m.forward(x), y, Reduction::mean).backward();
      opt.step();
    }
  };
  for (int kind = 0; kind < 2; ++kind) {
    auto make_opt = [&](Sequential& m) -> std::unique_ptr<Optimizer> {
      if (kind == 0) return std::make_unique<Adam>(m.parameters(), AdamOptions{.lr = 0.01});
      return std::make_unique<Sgd>(m.parameters(), SgdOptions{.lr = 0.05, .momentum = 0.9});
    };
    auto a = build();
    auto opt_a = make_opt(*a);
    train(*a, *opt_a, 3);
    Checkpoint ckpt;
    a->save_to(ckpt, "model.");
    opt_a->save_to(ckpt);
    ckpt.set("epoch", int64_t{3});
    save_checkpoint(path, ckpt);
    train(*a, *opt_a, 4);

    auto b = build();  // fresh weights, fresh optimizer
    auto opt_b = make_opt(*b);
    Checkpoint loaded = load_checkpoint(path);
    b->load_from(loaded, "model.");
    opt_b->load_from(loaded);
    CHECK(loaded.get_int("epoch") == 3);
    train(*b, *opt_b, 4);
    const auto pa = a->parameters(), pb = b->parameters();
    for (size_t i = 0; i < pa.size(); ++i) CHECK(pa[i].to_vector() == pb[i].to_vector());
  }
  std::filesystem::remove(path);
}

TEST_CASE("Optimizer state: a different optimizer or parameter list is refused") {
  Tensor p = Tensor::from({2}, {1, -2}, true), q = Tensor::from({3}, {1, 2, 3}, true);
  Adam adam({p}, {.lr = 0.1});
  step(adam, p);
  Checkpoint ckpt;
  adam.save_to(ckpt);
  Sgd sgd({p}, {});
  CHECK_THROWS_WITH_AS(sgd.load_from(ckpt),
                       "checkpoint (in memory): optimizer state 'optim.' is adam, not sgd", Error);
  Adam two({p, q});
  CHECK_THROWS_WITH_AS(two.load_from(ckpt),
                       "checkpoint (in memory): optimizer state 'optim.' is for 1 parameters, this "
                       "optimizer has 2 (a different model?)",
                       Error);
  Adam other_shape({q});
  CHECK_THROWS_WITH_AS(other_shape.load_from(ckpt),
                       "checkpoint (in memory): optimizer state 'optim.0.exp_avg' has shape [2] "
                       "but parameter 0 has shape [3]",
                       Error);
  CHECK(other_shape.steps(0) == 0);  // untouched
}
