#include "nn/clustering.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "autograd/check.h"

namespace vgrad {
namespace {

double squared_distance(const float* a, const double* b, int64_t d) {
  double s = 0;
  for (int64_t c = 0; c < d; ++c) {
    const double diff = (double)a[c] - b[c];
    s += diff * diff;
  }
  return s;
}

// k-means++: the first centre uniform, each next one drawn with probability proportional to
// the squared distance to the nearest centre so far (far, unclaimed regions get a centre).
std::vector<double> plus_plus_centres(const float* x, int64_t n, int64_t d, int k, Rng& rng) {
  std::vector<double> centres(k * d);
  std::vector<double> nearest(n, std::numeric_limits<double>::infinity());
  int64_t pick = (int64_t)rng.below(n);
  for (int c = 0; c < k; ++c) {
    for (int64_t j = 0; j < d; ++j) centres[c * d + j] = x[pick * d + j];
    double total = 0;
    for (int64_t i = 0; i < n; ++i) {
      nearest[i] = std::min(nearest[i], squared_distance(x + i * d, &centres[c * d], d));
      total += nearest[i];
    }
    if (c + 1 == k) break;
    if (total <= 0) {  // every point sits on a centre: any point will do
      pick = (int64_t)rng.below(n);
      continue;
    }
    double target = rng.uniform_double() * total;
    pick = n - 1;
    for (int64_t i = 0; i < n; ++i) {
      target -= nearest[i];
      if (target < 0 && nearest[i] > 0) {
        pick = i;
        break;
      }
    }
  }
  return centres;
}

KMeansResult lloyd(const float* x, int64_t n, int64_t d, int k, std::vector<double> centres,
                   int max_iter) {
  KMeansResult r;
  r.assignment.assign(n, -1);
  std::vector<double> dist(n);
  for (int iter = 0; iter < max_iter; ++iter) {
    bool changed = false;
    for (int64_t i = 0; i < n; ++i) {
      int best = 0;
      double best_d = std::numeric_limits<double>::infinity();
      for (int c = 0; c < k; ++c) {
        const double dc = squared_distance(x + i * d, &centres[c * d], d);
        if (dc < best_d) best_d = dc, best = c;
      }
      dist[i] = best_d;
      if (r.assignment[i] != best) r.assignment[i] = best, changed = true;
    }
    if (!changed) break;
    std::vector<double> sums(k * d, 0.0);
    std::vector<int64_t> counts(k, 0);
    for (int64_t i = 0; i < n; ++i) {
      ++counts[r.assignment[i]];
      for (int64_t j = 0; j < d; ++j) sums[r.assignment[i] * d + j] += x[i * d + j];
    }
    for (int c = 0; c < k; ++c) {
      if (counts[c] == 0) {  // empty: reseed at the point farthest from its centre
        const int64_t far = std::max_element(dist.begin(), dist.end()) - dist.begin();
        for (int64_t j = 0; j < d; ++j) centres[c * d + j] = x[far * d + j];
        dist[far] = 0;
        continue;
      }
      for (int64_t j = 0; j < d; ++j) centres[c * d + j] = sums[c * d + j] / (double)counts[c];
    }
  }
  r.inertia = 0;
  for (int64_t i = 0; i < n; ++i)
    r.inertia += squared_distance(x + i * d, &centres[r.assignment[i] * d], d);
  return r;
}

// The labelled pairs (label >= 0) as compact ids, and their contingency table
// table[a * cols + b] = #points with class a and cluster b.
struct Contingency {
  int rows = 0, cols = 0;
  int64_t n = 0;
  std::vector<int64_t> table;
  int64_t at(int a, int b) const { return table[(int64_t)a * cols + b]; }
};

Contingency contingency(const char* op, const std::vector<int>& labels,
                        const std::vector<int>& clusters) {
  check(labels.size() == clusters.size(), op, ": ", labels.size(), " labels but ", clusters.size(),
        " cluster ids");
  std::map<int, int> class_id, cluster_id;
  for (size_t i = 0; i < labels.size(); ++i) {
    check(labels[i] >= -1, op, ": label ", i, " is ", labels[i], ", expected >= 0 or -1");
    check(clusters[i] >= 0, op, ": cluster id ", i, " is ", clusters[i], ", expected >= 0");
    if (labels[i] < 0) continue;
    class_id.emplace(labels[i], 0);
    cluster_id.emplace(clusters[i], 0);
  }
  check(!class_id.empty(), op, ": no labelled point (every label is -1)");
  Contingency t;
  for (auto& [key, id] : class_id) id = t.rows++;
  for (auto& [key, id] : cluster_id) id = t.cols++;
  t.table.assign((int64_t)t.rows * t.cols, 0);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0) continue;
    ++t.table[(int64_t)class_id[labels[i]] * t.cols + cluster_id[clusters[i]]];
    ++t.n;
  }
  return t;
}

double choose2(double m) { return m * (m - 1) / 2; }

}  // namespace

KMeansResult kmeans(const float* x, int64_t n, int64_t d, int k, int restarts, Rng& rng,
                    int max_iter) {
  check(n >= 1 && d >= 1, "kmeans: expected at least one point of one dimension, got [", n, ", ", d,
        "]");
  check(k >= 1 && k <= n, "kmeans: k = ", k, " for ", n, " points, expected 1..", n);
  check(restarts >= 1 && max_iter >= 1, "kmeans: restarts (", restarts, ") and max_iter (",
        max_iter, ") must be positive");
  for (int64_t i = 0; i < n * d; ++i)
    check(std::isfinite(x[i]), "kmeans: value ", i, " (row ", i / d, ") is not finite");
  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  for (int s = 0; s < restarts; ++s) {
    KMeansResult r = lloyd(x, n, d, k, plus_plus_centres(x, n, d, k, rng), max_iter);
    if (r.inertia < best.inertia) best = std::move(r);  // ties keep the earlier start
  }
  return best;
}

std::vector<int> hungarian_min_cost(const std::vector<double>& cost, int rows, int cols) {
  check(rows >= 1 && rows <= cols, "hungarian_min_cost: expected 1 <= rows <= cols, got ", rows,
        " x ", cols);
  check((int64_t)cost.size() == (int64_t)rows * cols, "hungarian_min_cost: ", cost.size(),
        " costs for a ", rows, " x ", cols, " matrix");
  // Potentials u (rows), v (cols) keep cost - u - v >= 0 with equality on the matching; rows
  // join one at a time along a shortest augmenting path (Dijkstra on reduced costs). 1-based,
  // with column 0 a virtual start.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(rows + 1, 0), v(cols + 1, 0);
  std::vector<int> match(cols + 1, 0), way(cols + 1, 0);  // match[col] = row (0: free)
  for (int i = 1; i <= rows; ++i) {
    match[0] = i;
    int j0 = 0;
    std::vector<double> min_slack(cols + 1, inf);
    std::vector<char> used(cols + 1, 0);
    do {
      used[j0] = 1;
      const int i0 = match[j0];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= cols; ++j) {
        if (used[j]) continue;
        const double slack = cost[(int64_t)(i0 - 1) * cols + (j - 1)] - u[i0] - v[j];
        if (slack < min_slack[j]) min_slack[j] = slack, way[j] = j0;
        if (min_slack[j] < delta) delta = min_slack[j], j1 = j;
      }
      for (int j = 0; j <= cols; ++j) {
        if (used[j])
          u[match[j]] += delta, v[j] -= delta;
        else
          min_slack[j] -= delta;
      }
      j0 = j1;
    } while (match[j0] != 0);
    do {  // flip the path back to the start
      const int j1 = way[j0];
      match[j0] = match[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> row_to_col(rows, -1);
  for (int j = 1; j <= cols; ++j)
    if (match[j] != 0) row_to_col[match[j] - 1] = j - 1;
  return row_to_col;
}

double clustering_accuracy(const std::vector<int>& labels, const std::vector<int>& clusters) {
  const Contingency t = contingency("clustering_accuracy", labels, clusters);
  // Maximise matched counts = minimise their negatives; the smaller side is the rows.
  const bool by_class = t.rows <= t.cols;
  const int rows = by_class ? t.rows : t.cols, cols = by_class ? t.cols : t.rows;
  std::vector<double> cost((int64_t)rows * cols);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      cost[(int64_t)r * cols + c] = -(double)(by_class ? t.at(r, c) : t.at(c, r));
  const std::vector<int> match = hungarian_min_cost(cost, rows, cols);
  double hits = 0;
  for (int r = 0; r < rows; ++r) hits -= cost[(int64_t)r * cols + match[r]];
  return hits / (double)t.n;
}

double normalized_mutual_info(const std::vector<int>& labels, const std::vector<int>& clusters) {
  const Contingency t = contingency("normalized_mutual_info", labels, clusters);
  if (t.rows == 1 && t.cols == 1) return 1.0;
  const double n = (double)t.n;
  std::vector<double> a(t.rows, 0), b(t.cols, 0);
  for (int r = 0; r < t.rows; ++r)
    for (int c = 0; c < t.cols; ++c) a[r] += t.at(r, c), b[c] += t.at(r, c);
  double mi = 0, h_labels = 0, h_clusters = 0;
  for (int r = 0; r < t.rows; ++r)
    for (int c = 0; c < t.cols; ++c)
      if (t.at(r, c) > 0) {
        const double nij = (double)t.at(r, c);
        mi += nij / n * std::log(n * nij / (a[r] * b[c]));
      }
  for (double x : a) h_labels -= x / n * std::log(x / n);
  for (double x : b) h_clusters -= x / n * std::log(x / n);
  mi = std::max(mi, 0.0);  // rounding can leave -1e-17 for independent partitions
  // sklearn floors the normaliser at machine epsilon: one side trivial gives 0, not 0/0.
  const double norm = std::max((h_labels + h_clusters) / 2, std::numeric_limits<double>::epsilon());
  return mi / norm;
}

double adjusted_rand_index(const std::vector<int>& labels, const std::vector<int>& clusters) {
  const Contingency t = contingency("adjusted_rand_index", labels, clusters);
  std::vector<double> a(t.rows, 0), b(t.cols, 0);
  double index = 0;
  for (int r = 0; r < t.rows; ++r)
    for (int c = 0; c < t.cols; ++c) {
      a[r] += t.at(r, c), b[c] += t.at(r, c);
      index += choose2((double)t.at(r, c));
    }
  double sum_a = 0, sum_b = 0;
  for (double x : a) sum_a += choose2(x);
  for (double x : b) sum_b += choose2(x);
  const double pairs = choose2((double)t.n);
  const double expected = pairs > 0 ? sum_a * sum_b / pairs : 0;
  const double max_index = (sum_a + sum_b) / 2;
  if (max_index == expected) return 1.0;
  return (index - expected) / (max_index - expected);
}

ClusterScores cluster_and_score(const float* x, int64_t n, int64_t d,
                                const std::vector<int>& labels, int restarts, Rng& rng) {
  check((int64_t)labels.size() == n, "cluster_and_score: ", labels.size(), " labels for ", n,
        " points");
  std::vector<int> classes;
  for (int y : labels)
    if (y >= 0) classes.push_back(y);
  std::sort(classes.begin(), classes.end());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  check(!classes.empty(), "cluster_and_score: no labelled point (every label is -1)");
  ClusterScores s;
  s.k = (int)classes.size();
  const KMeansResult km = kmeans(x, n, d, s.k, restarts, rng);
  for (int y : labels) s.scored += y >= 0;
  s.acc = clustering_accuracy(labels, km.assignment);
  s.nmi = normalized_mutual_info(labels, km.assignment);
  s.ari = adjusted_rand_index(labels, km.assignment);
  return s;
}

}  // namespace vgrad
