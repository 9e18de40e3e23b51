#include <doctest/doctest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "autograd/parallel.h"
#include "autograd/vecmath.h"
#include "nn/losses.h"

using namespace vgrad;

TEST_CASE("mse: sum and mean from the definition, gradient") {
  Tensor p = Tensor::from({3}, {1, 2, 3}, true);
  Tensor t = Tensor::from({3}, {0, 2, 5});
  // (1-0)^2 + 0 + (3-5)^2 = 5
  CHECK(mse(p, t, Reduction::sum).item() == doctest::Approx(5.0));
  CHECK(mse(p, t, Reduction::mean).item() == doctest::Approx(5.0 / 3.0));
  Rng rng(1);
  Tensor a = rand_uniform({4, 3}, rng, -1, 1, true), b = rand_uniform({4, 3}, rng, -1, 1, true);
  auto r = gradcheck([&] { return mse(a, b, Reduction::mean); }, {a, b});
  INFO(r.worst);
  CHECK(r.ok);
  CHECK_THROWS_WITH_AS(mse(a, Tensor::zeros({3, 4}), Reduction::sum),
                       "mse: inputs differ in shape: [4, 3] vs [3, 4]", Error);
}

TEST_CASE("bce on probabilities: value, clamping at log = -100, gradient") {
  // -ln 0.9 - ln(1 - 0.2) = 0.1053605 + 0.2231436
  Tensor p = Tensor::from({2}, {0.9f, 0.2f});
  Tensor y = Tensor::from({2}, {1, 0});
  CHECK(bce(p, y, Reduction::sum).item() == doctest::Approx(0.3285041).epsilon(1e-6));
  CHECK(bce(p, y, Reduction::mean).item() == doctest::Approx(0.3285041 / 2).epsilon(1e-6));
  // Certain and wrong: each term's log is clamped to -100 instead of -inf.
  Tensor q = Tensor::from({2}, {0.0f, 1.0f}, true);
  Tensor bad = bce(q, y, Reduction::sum);
  CHECK(bad.item() == doctest::Approx(200.0));
  bad.backward();
  for (float g : q.grad().to_vector()) CHECK(std::isfinite(g));

  Rng rng(2);
  Tensor pr = rand_uniform({3, 4}, rng, 0.1f, 0.9f, true);
  Tensor tg = rand_uniform({3, 4}, rng, 0.0f, 1.0f, true);  // soft targets: dy checked too
  auto r = gradcheck([&] { return bce(pr, tg, Reduction::mean); }, {pr, tg});
  INFO(r.worst);
  CHECK(r.ok);
}

TEST_CASE("bce_with_logits: weighted, normed value from the definition") {
  // l = pw y softplus(-x) + (1 - y) softplus(x), pw = 3:
  //   x=0,y=1: 3 ln 2 = 2.0794415;  x=2,y=0: ln(1 + e^2) = 2.1269280;
  //   x=-1,y=1: 3 ln(1 + e) = 3.9397851.  Sum 8.1461546, mean 2.7153849, norm 0.5: 1.3576924
  Tensor x = Tensor::from({3}, {0, 2, -1});
  Tensor y = Tensor::from({3}, {1, 0, 1});
  CHECK(bce_with_logits(x, y, Reduction::mean, 3.0f, 0.5f).item() ==
        doctest::Approx(1.3576924).epsilon(1e-6));
  CHECK(bce_with_logits(x, y, Reduction::sum, 3.0f).item() ==
        doctest::Approx(8.1461546).epsilon(1e-6));
  // The same loss written with core ops agrees.
  Tensor composed = 0.5f * mean(3.0f * y * softplus(-x) + (1.0f - y) * softplus(x));
  CHECK(bce_with_logits(x, y, Reduction::mean, 3.0f, 0.5f).item() ==
        doctest::Approx(composed.item()).epsilon(1e-6));
}

TEST_CASE("bce_with_logits: stable at |x| = 100, where log(1 - sigmoid(x)) is -inf") {
  Tensor x = Tensor::from({2}, {100, -100}, true);
  Tensor y = Tensor::from({2}, {0, 1});
  Tensor l = bce_with_logits(x, y, Reduction::mean);
  CHECK(l.item() == doctest::Approx(100.0));  // softplus(100) = 100 each, mean of two
  l.backward();
  // dl/dx = (sigmoid(x) - y) / 2 = +0.5 and -0.5
  CHECK(x.grad().at(0) == doctest::Approx(0.5));
  CHECK(x.grad().at(1) == doctest::Approx(-0.5));
}

TEST_CASE("bce_with_logits: gradient of logits and targets, with pos_weight and norm") {
  Rng rng(3);
  Tensor x = rand_uniform({5, 5}, rng, -3, 3, true);
  Tensor y = Tensor::zeros({5, 5});
  for (int64_t i = 0; i < 25; i += 3) y.at(i) = 1.0f;
  y.set_requires_grad();
  auto r = gradcheck([&] { return bce_with_logits(x, y, Reduction::mean, 4.5f, 0.7f); },
                     {x, y});
  INFO(r.worst);
  CHECK(r.ok);
  auto rs = gradcheck([&] { return bce_with_logits(x, y, Reduction::sum, 0.25f); }, {x});
  INFO(rs.worst);
  CHECK(rs.ok);
}

TEST_CASE("KL to N(0, I): log-variance and log-std forms, both reductions") {
  // Row 0: mu = (0.5, -1), log var = (0, ln 2):
  //   -0.5 (1 + 0 - 0.25 - 1) = 0.125;   -0.5 (1 + ln 2 - 1 - 2) = 1 - ln(2) / 2 = 0.6534264
  // Row 1: mu = 0, log var = 0: 0.  Sum 0.7784264, mean over rows 0.3892132.
  Tensor mu = Tensor::from({2, 2}, {0.5f, -1, 0, 0});
  Tensor logvar = Tensor::from({2, 2}, {0, std::log(2.0f), 0, 0});
  Tensor logstd = Tensor::from({2, 2}, {0, 0.5f * std::log(2.0f), 0, 0});
  CHECK(kl_normal_logvar(mu, logvar, Reduction::sum).item() == doctest::Approx(0.7784264));
  CHECK(kl_normal_logvar(mu, logvar, Reduction::mean).item() == doctest::Approx(0.3892132));
  CHECK(kl_normal_logstd(mu, logstd, Reduction::sum).item() == doctest::Approx(0.7784264));
  // The VGAE reference's term: (0.5 / N) mean_rows(sum_Z(1 + 2 ls - mu^2 - exp(ls)^2)) with
  // N = 2 is 0.25 * (-1.5568528 + 0) / 2 = -0.1946066, subtracted from the cost.
  CHECK((0.5f * kl_normal_logstd(mu, logstd, Reduction::mean)).item() ==
        doctest::Approx(0.1946066));
}

TEST_CASE("KL: gradients of mu and log-variance / log-std") {
  Rng rng(4);
  Tensor mu = rand_uniform({3, 4}, rng, -1, 1, true);
  Tensor lv = rand_uniform({3, 4}, rng, -1, 1, true);
  auto r1 = gradcheck([&] { return kl_normal_logvar(mu, lv, Reduction::sum); }, {mu, lv});
  INFO(r1.worst);
  CHECK(r1.ok);
  auto r2 = gradcheck([&] { return kl_normal_logstd(mu, lv, Reduction::mean); }, {mu, lv});
  INFO(r2.worst);
  CHECK(r2.ok);
}

TEST_CASE("signed_log_sigmoid_loss: a term of weight k equals k copies of it") {
  // Merged: x = (0.7, -1.2, 2.0) with weights (3, 1, 2); repeated: 0.7 three times, 2.0 twice.
  Tensor xm = Tensor::from({3}, {0.7f, -1.2f, 2.0f}, true);
  const Tensor sm = Tensor::from({3}, {1, -1, -1}), wm = Tensor::from({3}, {3, 1, 2});
  Tensor xr = Tensor::from({6}, {0.7f, 0.7f, -1.2f, 2.0f, 0.7f, 2.0f}, true);
  const Tensor sr = Tensor::from({6}, {1, 1, -1, -1, 1, -1});
  for (Reduction red : {Reduction::sum, Reduction::mean}) {
    xm.zero_grad(), xr.zero_grad();
    const Tensor lm = signed_log_sigmoid_loss(xm, sm, red, wm);
    const Tensor lr = signed_log_sigmoid_loss(xr, sr, red);
    CHECK(lm.item() == doctest::Approx(lr.item()).epsilon(1e-6));
    lm.backward(), lr.backward();
    const float* gr = xr.grad().data();
    CHECK(xm.grad().data()[0] == doctest::Approx(gr[0] + gr[1] + gr[4]).epsilon(1e-6));
    CHECK(xm.grad().data()[1] == doctest::Approx(gr[2]).epsilon(1e-6));
    CHECK(xm.grad().data()[2] == doctest::Approx(gr[3] + gr[5]).epsilon(1e-6));
  }
  // A weight of 0 drops its term; a negative weight or a wrong shape is refused by name.
  const Tensor w0 = Tensor::from({3}, {3, 0, 2});
  const Tensor l0 = signed_log_sigmoid_loss(xm, sm, Reduction::sum, w0);
  const Tensor lw = signed_log_sigmoid_loss(xm, sm, Reduction::sum, wm);
  CHECK(lw.item() - l0.item() == doctest::Approx(std::log1p(std::exp(-1.2))).epsilon(1e-5));
  CHECK_THROWS_WITH_AS(
      signed_log_sigmoid_loss(xm, sm, Reduction::sum, Tensor::from({3}, {1, -1, 1})),
      "signed_log_sigmoid_loss: weight 1 is -1, expected >= 0", Error);
  CHECK_THROWS_WITH_AS(signed_log_sigmoid_loss(xm, sm, Reduction::sum, Tensor::from({2}, {1, 1})),
                       "signed_log_sigmoid_loss: weights must be [3] like the logits, got [2]",
                       Error);
}

TEST_CASE("bce_with_logits: the bits of the float terms summed in eight lanes and 64 blocks") {
  // The kernel computes its float terms a chunk at a time, then adds them to eight double
  // lanes (element i of a block to lane (i - begin) % 8), lanes pairwise, blocks in order: the
  // same value as this plain loop, at 1 and 2 threads, one block or 64 with a ragged tail.
  Rng rng(21);
  for (int64_t n : {int64_t(1000), int64_t(7), kernels::kParallelMin + 4099}) {
    CAPTURE(n);
    const Tensor x = randn({n}, rng) * 6.0f, u = rand_uniform({n}, rng, 0.0f, 1.0f);
    std::vector<float> yv(n);
    for (int64_t i = 0; i < n; ++i) yv[i] = i % 3 == 0 ? u.at(i) : (float)(i % 2);
    const Tensor y = Tensor::from({n}, yv);
    const float w = 1.7f;
    auto lanes = [&](int64_t begin, int64_t end) {
      double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (int64_t i = begin; i < end; ++i) {
        const float xi = x.at(i), yi = y.at(i), sp = vecmath::softplus(xi);
        lane[(i - begin) % 8] += (double)(w * yi * (sp - xi) + (1.0f - yi) * sp);
      }
      return ((lane[0] + lane[1]) + (lane[2] + lane[3])) +
             ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    };
    double total = 0;
    if (n < kernels::kParallelMin) {
      total = lanes(0, n);
    } else {
      const int64_t step = (n + 63) / 64;
      for (int64_t b = 0; b < 64; ++b) total += lanes(std::min(n, b * step), std::min(n, (b + 1) * step));
    }
    const int keep = max_threads();  // CHECK does not throw: the count is always restored
    for (int threads : {1, 2}) {
      set_threads(threads);
      CHECK(bce_with_logits(x, y, Reduction::sum, w).item() == (float)total);
    }
    set_threads(keep);
  }
}
