#include "tools/plot/pca.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "autograd/check.h"

namespace vgrad::plot {
namespace {

// Cyclic Jacobi on a symmetric d x d matrix a (destroyed: ends diagonal, the eigenvalues).
// Returns V whose column j is the eigenvector of a[j][j]. Chosen over power iteration because
// it needs no start vector and does not slow down when the top eigenvalues are nearly equal.
std::vector<double> jacobi_eigen(std::vector<double>& a, int64_t d) {
  auto A = [&](int64_t i, int64_t j) -> double& { return a[i * d + j]; };
  std::vector<double> v(d * d, 0.0);
  for (int64_t i = 0; i < d; ++i) v[i * d + i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, diag = 0;
    for (int64_t i = 0; i < d; ++i)
      for (int64_t j = 0; j < d; ++j) (i == j ? diag : off) += A(i, j) * A(i, j);
    if (off <= 1e-30 * diag || off == 0) break;
    for (int64_t p = 0; p < d; ++p)
      for (int64_t q = p + 1; q < d; ++q) {
        if (A(p, q) == 0) continue;
        // Rotation by angle phi in the (p, q) plane that zeroes A(p, q): with
        // theta = cot(2 phi) = (A_qq - A_pp) / (2 A_pq), t = tan(phi) is the smaller root
        // of t^2 + 2 theta t - 1 = 0 (the stable choice, |phi| <= pi/4).
        const double theta = (A(q, q) - A(p, p)) / (2 * A(p, q));
        const double t = (theta >= 0 ? 1 : -1) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int64_t k = 0; k < d; ++k) {  // A <- A J (columns p, q)
          const double kp = A(k, p), kq = A(k, q);
          A(k, p) = c * kp - s * kq, A(k, q) = s * kp + c * kq;
        }
        for (int64_t k = 0; k < d; ++k) {  // A <- J^T A (rows p, q)
          const double pk = A(p, k), qk = A(q, k);
          A(p, k) = c * pk - s * qk, A(q, k) = s * pk + c * qk;
        }
        for (int64_t k = 0; k < d; ++k) {  // V <- V J
          const double kp = v[k * d + p], kq = v[k * d + q];
          v[k * d + p] = c * kp - s * kq, v[k * d + q] = s * kp + c * kq;
        }
      }
  }
  return v;
}

}  // namespace

std::vector<float> pca_2d(const float* data, int64_t n, int64_t d) {
  check(n >= 0 && d >= 1, "pca_2d: need n >= 0 rows and d >= 1 columns, got ", n, " x ", d);
  check(n == 0 || data != nullptr, "pca_2d: data is null for ", n, " x ", d);
  // Mean and covariance in double: float sums over 100k rows lose the small components.
  std::vector<double> mean(d, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) {
      const float x = data[i * d + j];
      check(std::isfinite(x), "pca_2d: row ", i, " column ", j, " is ", x,
            " (a diverged model? the projection needs finite values)");
      mean[j] += x;
    }
  for (double& m : mean) m /= std::max<int64_t>(n, 1);
  std::vector<double> cov(d * d, 0.0), row(d);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < d; ++j) row[j] = data[i * d + j] - mean[j];
    for (int64_t j = 0; j < d; ++j)
      for (int64_t k = j; k < d; ++k) cov[j * d + k] += row[j] * row[k];
  }
  const double denominator = (double)std::max<int64_t>(n - 1, 1);  // sample covariance
  for (int64_t j = 0; j < d; ++j)
    for (int64_t k = j; k < d; ++k) {
      cov[j * d + k] /= denominator;
      cov[k * d + j] = cov[j * d + k];
    }

  const std::vector<double> v = jacobi_eigen(cov, d);
  std::vector<int64_t> by_variance(d);
  std::iota(by_variance.begin(), by_variance.end(), 0);
  // stable: equal variances keep column order, so the result does not depend on sort details
  std::stable_sort(by_variance.begin(), by_variance.end(),
                   [&](int64_t a, int64_t b) { return cov[a * d + a] > cov[b * d + b]; });

  std::vector<double> components(2 * d, 0.0);  // row c = component c; zero if d == 1
  for (int64_t c = 0; c < std::min<int64_t>(2, d); ++c) {
    const int64_t col = by_variance[c];
    int64_t biggest = 0;
    for (int64_t j = 0; j < d; ++j)
      if (std::fabs(v[j * d + col]) > std::fabs(v[biggest * d + col]) + 1e-12) biggest = j;
    const double sign = v[biggest * d + col] < 0 ? -1 : 1;
    for (int64_t j = 0; j < d; ++j) components[c * d + j] = sign * v[j * d + col];
  }
  std::vector<float> out(2 * n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < 2; ++c) {
      double dot = 0;
      for (int64_t j = 0; j < d; ++j) dot += (data[i * d + j] - mean[j]) * components[c * d + j];
      out[2 * i + c] = (float)dot;
    }
  return out;
}

}  // namespace vgrad::plot
