// The parallel building blocks under the ops and the optimizers: the split sgemm (on both
// backends) and for_each_span, checked against plain loops at 1 and 2 threads.
#include <doctest/doctest.h>

#include <omp.h>

#include <cmath>
#include <limits>

#include "autograd/blas.h"
#include "autograd/parallel.h"
#include "nn/nn.h"

using namespace vgrad;

namespace {

// Restores the thread count the suite runs with, even when a CHECK throws.
struct ThreadsFor {
  int keep = max_threads();
  explicit ThreadsFor(int t) { set_threads(t); }
  ~ThreadsFor() { set_threads(keep); }
};

// Restores the GEMM backend (the tests' $VGRAD_GEMM or auto) when the case ends.
struct GemmFor {
  kernels::GemmBackend keep;
  explicit GemmFor(kernels::GemmBackend b) : keep(kernels::gemm_backend()) {
    kernels::set_gemm_backend(b);
  }
  ~GemmFor() { kernels::set_gemm_backend(keep); }
};

}  // namespace

TEST_CASE("kernels::sgemm: both backends, every transpose, odd sizes, alpha and beta") {
  Rng rng(11);
  GemmFor restore(kernels::gemm_backend());
  // Shapes on both sides of the split threshold, with rows or only columns to split.
  const int64_t shapes[][3] = {{3, 5, 7}, {130, 70, 90}, {20, 400, 128}, {97, 33, 300}};
  for (const auto backend : {kernels::GemmBackend::openblas, kernels::GemmBackend::onednn})
    for (const auto& s : shapes) {
      const int64_t m = s[0], n = s[1], k = s[2];
      kernels::set_gemm_backend(backend);
      for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb) {
          INFO(kernels::gemm_backend_name(backend), " m ", m, " n ", n, " k ", k, " ta ", ta,
               " tb ", tb);
          Tensor a = randn(ta ? Shape{k, m} : Shape{m, k}, rng);
          Tensor b = randn(tb ? Shape{n, k} : Shape{k, n}, rng);
          Tensor c0 = randn({m, n}, rng);
          auto run = [&](int threads) {
            ThreadsFor t(threads);
            Tensor c = c0.clone();
            kernels::sgemm(ta, tb, m, n, k, 0.5f, a.data(), a.cols(), b.data(), b.cols(), 2.0f,
                           c.data(), n);
            return c;
          };
          Tensor one = run(1), two = run(2);
          for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j) {
              // In double; the error is relative to the terms' magnitudes (with cancellation
              // the sum itself may be near 0).
              double dot = 0, size = 0;
              for (int64_t p = 0; p < k; ++p) {
                const double t =
                    (double)a.at(ta ? p * m + i : i * k + p) * b.at(tb ? j * k + p : p * n + j);
                dot += t;
                size += std::fabs(t);
              }
              const double expect = 0.5 * dot + 2.0 * c0.at(i * n + j);
              const double tol = 1e-5 * (0.5 * size + 2.0 * std::fabs(c0.at(i * n + j)));
              REQUIRE(std::fabs(one.at(i * n + j) - expect) <= tol);
              REQUIRE(std::fabs(two.at(i * n + j) - expect) <= tol);
            }
        }
    }
}

TEST_CASE("kernels::sgemm_rows_from: the bits of filling every row, then sgemm with beta 1") {
  Rng rng(13);
  GemmFor restore(kernels::gemm_backend());
  // Split by rows, by columns (fewer than 32 rows), unsplit with many rows (K = 2), K = 0.
  const int64_t shapes[][3] = {{128, 400, 784}, {20, 400, 128}, {3, 5, 7}, {200, 300, 2}, {40, 30, 0}};
  for (const auto backend : {kernels::GemmBackend::openblas, kernels::GemmBackend::onednn})
    for (const auto& s : shapes)
      for (int threads : {1, 2}) {
        const int64_t m = s[0], n = s[1], k = s[2];
        INFO(kernels::gemm_backend_name(backend), " m ", m, " n ", n, " k ", k, " threads ",
             threads);
        kernels::set_gemm_backend(backend);
        ThreadsFor t(threads);
        const Tensor a = randn({m, k}, rng), b = randn({k, n}, rng), row = randn({n}, rng);
        Tensor want = Tensor::empty({m, n}), got = Tensor::empty({m, n});
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j) want.at(i * n + j) = row.at(j);
        if (k > 0)
          kernels::sgemm(false, false, m, n, k, 1.0f, a.data(), k, b.data(), n, 1.0f, want.data(),
                         n);
        kernels::sgemm_rows_from(false, false, m, n, k, a.data(), k, b.data(), n, row.data(),
                                 got.data(), n);
        for (int64_t e = 0; e < m * n; ++e) REQUIRE(got.at(e) == want.at(e));
      }
}

TEST_CASE("kernels::sgemm inside a parallel region: one thread per call, on both backends") {
  // The fused decoder calls sgemm from its own threads: each call must give the bits of a
  // 1-thread call (a library starting its own threads there would differ, or oversubscribe).
  Rng rng(12);
  GemmFor restore(kernels::gemm_backend());
  const int64_t m = 256, n = 256, k = 16;
  const Tensor a = randn({m, k}, rng), b = randn({n, k}, rng);
  for (const auto backend : {kernels::GemmBackend::openblas, kernels::GemmBackend::onednn}) {
    CAPTURE(kernels::gemm_backend_name(backend));
    kernels::set_gemm_backend(backend);
    Tensor alone = Tensor::zeros({m, n});
    {
      ThreadsFor t(1);
      kernels::sgemm(false, true, m, n, k, 1.0f, a.data(), k, b.data(), k, 0.0f, alone.data(), n);
    }
    ThreadsFor t(2);
    std::vector<Tensor> inside = {Tensor::zeros({m, n}), Tensor::zeros({m, n})};
    int threads_seen = 0;
#pragma omp parallel num_threads(2)
    {
      const int i = omp_get_thread_num();
#pragma omp atomic
      ++threads_seen;
      kernels::sgemm(false, true, m, n, k, 1.0f, a.data(), k, b.data(), k, 0.0f,
                     inside[i].data(), n);
    }
    for (int i = 0; i < threads_seen; ++i)
      for (int64_t e = 0; e < m * n; ++e) REQUIRE(inside[i].at(e) == alone.at(e));
  }
}

TEST_CASE("kernels::sgemm: beta = 0 never reads C, and gives beta = 1 over zeros' bits") {
  // The fused decoder's accumulators are not zeroed: each row block's first product has
  // beta = 0 and must overwrite whatever the buffer held (NaN here), on both backends.
  Rng rng(13);
  GemmFor restore(kernels::gemm_backend());
  const int64_t m = 256, n = 16, k = 256;
  const Tensor a = randn({m, k}, rng), b = randn({k, n}, rng);
  for (const auto backend : {kernels::GemmBackend::openblas, kernels::GemmBackend::onednn}) {
    CAPTURE(kernels::gemm_backend_name(backend));
    kernels::set_gemm_backend(backend);
    std::vector<float> over(m * n, std::nanf("")), zeros(m * n, 0.0f);
    kernels::sgemm(false, false, m, n, k, 0.5f, a.data(), k, b.data(), n, 0.0f, over.data(), n);
    kernels::sgemm(false, false, m, n, k, 0.5f, a.data(), k, b.data(), n, 1.0f, zeros.data(), n);
    for (int64_t e = 0; e < m * n; ++e) REQUIRE(over[e] == zeros[e]);
  }
}

TEST_CASE("gemm backend names: auto follows the rule, anything else is refused by name") {
  using kernels::GemmBackend;
  CHECK(kernels::parse_gemm_backend("openblas") == GemmBackend::openblas);
  CHECK(kernels::parse_gemm_backend("onednn") == GemmBackend::onednn);
  CHECK(kernels::parse_gemm_backend("auto") ==
        (__builtin_cpu_supports("avx512f") ? GemmBackend::onednn : GemmBackend::openblas));
  CHECK_THROWS_WITH(kernels::parse_gemm_backend("mkl", "--gemm"),
                    "--gemm: expected auto, openblas or onednn, got 'mkl'");
}

TEST_CASE("for_each_span: every element of every array exactly once, at 1 and 2 threads") {
  const std::vector<int64_t> sizes = {0, 5, 70000, 3, 0, 100001, 1};
  for (int threads : {1, 2}) {
    ThreadsFor t(threads);
    std::vector<std::vector<int>> seen;
    for (int64_t n : sizes) seen.emplace_back(n, 0);
    kernels::for_each_span(sizes, [&](size_t k, int64_t begin, int64_t end) {
      REQUIRE(k < sizes.size());
      REQUIRE(0 <= begin);
      REQUIRE(begin < end);
      REQUIRE(end <= sizes[k]);
      for (int64_t i = begin; i < end; ++i) seen[k][i]++;  // ranges of one call never overlap
    });
    for (size_t k = 0; k < sizes.size(); ++k)
      for (int64_t i = 0; i < sizes[k]; ++i) REQUIRE(seen[k][i] == 1);
  }
}

TEST_CASE("for_each_span: `work`, not the count, decides whether the threads split it") {
  ThreadsFor t(2);
  auto threads_used = [](const std::vector<int64_t>& sizes, int64_t work) {
    std::vector<int> by_thread(2, 0);
    kernels::for_each_span(sizes, work, [&](size_t, int64_t, int64_t) {
#pragma omp atomic write
      by_thread[omp_get_thread_num()] = 1;
    });
    return by_thread[0] + by_thread[1];
  };
  // a few rows of many floats each (sparse Adam's case), and many cheap elements
  CHECK(threads_used({40, 60}, 100 * 4096) == 2);
  CHECK(threads_used({40, 60}, 100) == 1);
  CHECK(threads_used({70000}, kernels::kParallelMin - 1) == 1);
  CHECK(threads_used({70000}, kernels::kParallelMin) == 2);
}

TEST_CASE("Adam and SGD over mixed sizes: 1 and 2 threads give bit-identical parameters") {
  auto train = [](int threads, bool adam) {
    ThreadsFor t(threads);
    Rng rng(3);
    // a big tensor that a thread boundary cuts, and small ones on either side of it
    std::vector<Tensor> params = {randn({7}, rng, 1.0f, true), randn({300, 200}, rng, 1.0f, true),
                                  randn({3}, rng, 1.0f, true)};
    std::unique_ptr<Optimizer> opt;
    if (adam)
      opt = std::make_unique<Adam>(params, AdamOptions{.lr = 0.01, .weight_decay = 0.1});
    else
      opt = std::make_unique<Sgd>(params, SgdOptions{.lr = 0.01, .momentum = 0.9});
    for (int s = 0; s < 3; ++s) {
      opt->zero_grad();
      Tensor loss = sum(square(params[0])) + sum(params[1] * params[1] * params[1]) +
                    sum(exp(params[2]));
      loss.backward();
      opt->step();
    }
    return params;
  };
  for (bool adam : {true, false}) {
    CAPTURE(adam);
    const auto one = train(1, adam), two = train(2, adam);
    Rng rng(3);
    const Tensor start = randn({7}, rng);
    CHECK(one[0].at(0) != start.at(0));  // the steps did move the parameters
    for (size_t k = 0; k < one.size(); ++k)
      for (int64_t i = 0; i < one[k].numel(); ++i) REQUIRE(one[k].at(i) == two[k].at(i));
  }
}

TEST_CASE("first_nonfinite_gradient: names the first bad tensor, wherever a thread meets it") {
  Rng rng(4);
  Sequential net;
  net.add(std::make_shared<Linear>(300, 200, rng));  // 60000 + 200: split across threads
  net.add(std::make_shared<Linear>(200, 3, rng));
  for (int threads : {1, 2}) {
    ThreadsFor t(threads);
    CAPTURE(threads);
    Tensor x = randn({4, 300}, rng);
    sum(net.forward(x)).backward();
    CHECK(first_nonfinite_gradient(net) == "");
    const auto named = net.named_parameters();
    Tensor g_b = named[2].second.grad(), g_a = named[0].second.grad();
    g_b.at(1) = std::numeric_limits<float>::infinity();
    CHECK(first_nonfinite_gradient(net) == named[2].first);
    g_a.at(59999) = NAN;  // the last element: the second thread's share at 2 threads
    CHECK(first_nonfinite_gradient(net) == named[0].first);
    for (Tensor p : net.parameters()) p.zero_grad();
  }
}

TEST_CASE("first_nonfinite_gradient: one inf or NaN anywhere, in a 64-wide block or the tail") {
  Rng rng(5);
  Sequential net;
  net.add(std::make_shared<Linear>(1, 150, rng));  // 150 + 150: two blocks of 64 and a tail each
  sum(net.forward(randn({2, 1}, rng))).backward();
  const auto named = net.named_parameters();
  for (size_t k = 0; k < named.size(); ++k) {
    Tensor g = named[k].second.grad();
    for (int64_t i = 0; i < g.numel(); ++i)  // the largest finite values and -0 still pass
      g.at(i) = i % 3 == 0 ? 3.4e38f : i % 3 == 1 ? -3.4e38f
                                                  : -0.0f;
  }
  CHECK(first_nonfinite_gradient(net) == "");
  for (size_t k = 0; k < named.size(); ++k) {
    Tensor g = named[k].second.grad();
    for (int64_t i = 0; i < g.numel(); ++i) {
      for (float bad : {INFINITY, -INFINITY, NAN}) {
        const float kept = g.at(i);
        g.at(i) = bad;
        CAPTURE(i);
        CHECK(first_nonfinite_gradient(net) == named[k].first);
        g.at(i) = kept;
      }
    }
  }
}

TEST_CASE("FlushDenormals: denormal results are 0 while it lives, the mode is restored after") {
  volatile float tiny = 1e-30f, small = 1e-10f;  // volatile: multiplied at run time
  const float before = tiny * small;             // 1e-40, a denormal
  CHECK(before > 0.0f);
  {
    const kernels::FlushDenormals flush;
    CHECK(tiny * small == 0.0f);
    volatile float denormal = before;
    CHECK(denormal * 1.0f == 0.0f);  // DAZ: a denormal input reads as 0
  }
  CHECK(tiny * small == before);
}
