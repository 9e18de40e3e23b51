// Node clustering as graph autoencoder papers score it (Pan et al. 2018, ARGA; Wang et al.
// 2017, MGAE): k-means on the embeddings with k = the number of classes, then accuracy under
// the best one-to-one matching of clusters to classes, NMI and ARI (scikit-learn's
// definitions). Labels are 0..C-1; a label -1 (Citeseer's unlabelled nodes) marks a point
// that k-means clusters but no score counts.
#pragma once
#include <cstdint>
#include <vector>

#include "autograd/random.h"

namespace vgrad {

struct KMeansResult {
  std::vector<int> assignment;  // N cluster ids in 0..k-1
  double inertia = 0;           // sum of squared distances to the assigned centre
};

// Lloyd's k-means on the rows of x [n, d] (row-major), k-means++ initialisation (Arthur &
// Vassilvitskii 2007: each next centre drawn with probability proportional to its squared
// distance to the nearest chosen one), `restarts` independent starts from rng, the lowest
// inertia kept. Each start iterates until no point changes cluster or max_iter passes. A
// cluster left empty takes the point farthest from its centre (scikit-learn does the same),
// so every cluster id is used when n >= k. Distances in double; single-threaded (Cora's
// 2708 x 16 points take milliseconds).
KMeansResult kmeans(const float* x, int64_t n, int64_t d, int k, int restarts, Rng& rng,
                    int max_iter = 300);

// The assignment of rows to columns of cost [rows, cols] (row-major, rows <= cols) with the
// least total cost: the Hungarian method with potentials (Kuhn-Munkres; O(rows^2 cols)).
// Returns, for each row, its column.
std::vector<int> hungarian_min_cost(const std::vector<double>& cost, int rows, int cols);

// Accuracy under the best one-to-one map from cluster ids to class ids (Hungarian on the
// contingency table): the fraction of labelled points whose cluster maps to their class.
double clustering_accuracy(const std::vector<int>& labels, const std::vector<int>& clusters);

// Normalised mutual information with the arithmetic mean (sklearn's default):
//   NMI = I(U; V) / ((H(U) + H(V)) / 2), natural logs (the base cancels);
// 1 when both partitions are one block (sklearn's convention), 0 when I = 0.
double normalized_mutual_info(const std::vector<int>& labels, const std::vector<int>& clusters);

// Adjusted Rand index (Hubert & Arabie 1985), sklearn's adjusted_rand_score: over pairs of
// points, (index - expected) / (max - expected) with index = sum_ij C(n_ij, 2), expected =
// sum_i C(a_i, 2) sum_j C(b_j, 2) / C(n, 2), max = (sum_i C(a_i, 2) + sum_j C(b_j, 2)) / 2;
// 1 when max == expected (both partitions trivial), as sklearn.
double adjusted_rand_index(const std::vector<int>& labels, const std::vector<int>& clusters);

struct ClusterScores {
  double acc = 0, nmi = 0, ari = 0;
  int k = 0;           // clusters = distinct classes among the labelled points
  int64_t scored = 0;  // labelled points (label >= 0)
};

// The protocol in one call: k-means (k = distinct labels >= 0) on all n rows of x, scored on
// the labelled rows only.
ClusterScores cluster_and_score(const float* x, int64_t n, int64_t d,
                                const std::vector<int>& labels, int restarts, Rng& rng);

}  // namespace vgrad
