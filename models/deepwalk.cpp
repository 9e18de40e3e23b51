#include "models/deepwalk.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "models/huffman.h"

namespace vgrad {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Batch-local row numbers for table rows: a node seen for the first time in this batch gets
// the next local row. Stamps make clearing between batches free.
struct LocalRows {
  std::vector<int32_t> local, stamp;
  std::vector<int64_t> rows;  // table row of each local row
  int32_t batch = 0;
  explicit LocalRows(int64_t n) : local(n, 0), stamp(n, -1) {}
  void next_batch() { ++batch, rows.clear(); }
  int32_t operator()(int64_t row) {
    if (stamp[row] != batch) {
      stamp[row] = batch;
      local[row] = (int32_t)rows.size();
      rows.push_back(row);
    }
    return local[row];
  }
};

// A batch's terms with repeats merged: (centre, context row, sign) seen again adds 1 to that
// term's weight instead of costing a new dot product. Every context's path passes the tree's
// top nodes and walks revisit nodes, so most of a batch's hs terms are repeats. The batch's
// positions are visited grouped by centre (start_centre), so one array over the context
// table's rows and signs finds every repeat of the current centre's terms; a stamp per
// centre makes clearing free. Terms keep the order of first occurrence: the same bits per seed.
struct MergedTerms {
  std::vector<int32_t> a, b;  // centre local row, context local row
  std::vector<float> sign, weight;
  struct Slot {
    uint32_t stamp = 0;
    int32_t term = 0;
  };
  std::vector<Slot> slot;  // [context row * 2 + (sign < 0)]
  uint32_t stamp = 0;
  explicit MergedTerms(int64_t context_rows) : slot(2 * context_rows) {}
  void next_batch() { a.clear(), b.clear(), sign.clear(), weight.clear(); }
  void start_centre() { ++stamp; }  // wraps after 4e9 centres: fine, old stamps are gone
  // Adds log sigmoid(s u . v) for the current centre (local row u) and context row `row`.
  template <class LocalRow>
  void add(int32_t u, int32_t row, float s, LocalRow& local) {
    Slot& e = slot[2 * (size_t)row + (s < 0 ? 1 : 0)];
    if (e.stamp == stamp) {
      weight[e.term] += 1.0f;
      return;
    }
    e.stamp = stamp, e.term = (int32_t)a.size();
    a.push_back(u), b.push_back(local(row)), sign.push_back(s), weight.push_back(1.0f);
  }
};

// word2vec's table for negatives: node v fills a share count_v^0.75 / sum of the slots.
std::vector<int32_t> unigram_table(const std::vector<int64_t>& counts) {
  const int64_t n = (int64_t)counts.size(), size = std::max<int64_t>(1 << 20, 64 * n);
  double total = 0;
  for (int64_t c : counts) total += std::pow((double)c, 0.75);
  std::vector<int32_t> table(size);
  int64_t v = 0;
  double reach = std::pow((double)counts[0], 0.75) / total;
  for (int64_t k = 0; k < size; ++k) {
    table[k] = (int32_t)v;
    if ((double)(k + 1) / (double)size > reach && v < n - 1)
      reach += std::pow((double)counts[++v], 0.75) / total;
  }
  return table;
}

}  // namespace

SkipGramObjective parse_skipgram_objective(const std::string& name) {
  if (name == "hs") return SkipGramObjective::hs;
  if (name == "neg") return SkipGramObjective::neg;
  fail("skip-gram objective: expected hs or neg, got '", name, "'");
}

DeepWalk::DeepWalk(int64_t nodes, const DeepWalkConfig& config, Rng& rng) {
  check(nodes >= 2, "DeepWalk: needs at least 2 nodes, got ", nodes);
  const int64_t d = config.latent;
  node_ = register_module("node", std::make_shared<Embedding>(nodes, d, rng, 0.5f / (float)d));
  context_ = register_module("context", std::make_shared<Embedding>(nodes, d, rng, 0.0f));
}

Tensor DeepWalk::loss(const LinkTargets&, Rng&) {
  fail("DeepWalk: trained by train_deepwalk (walks, then skip-gram), not by link-training steps");
}

DeepWalkStats train_deepwalk(DeepWalk& model, const Csr& adj_train, const DeepWalkConfig& c,
                             uint64_t seed, const std::string& source,
                             const std::function<void(int64_t, int64_t, double)>& on_progress,
                             const std::function<bool()>& stop) {
  check(adj_train.nnz() > 0, source,
        ": the training graph has no edges: DeepWalk's walks need some");
  check(c.window >= 1 && c.batch >= 1 && c.epochs >= 1 && c.negatives >= 1,
        "DeepWalk: window, batch, epochs and negatives must be at least 1");
  const int64_t n = adj_train.rows();
  DeepWalkStats stats;
  auto t0 = std::chrono::steady_clock::now();
  const Walks walks = random_walks(adj_train, c.walks_per_node, c.walk_length, seed);
  stats.walk_seconds = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();

  std::vector<int64_t> counts(n, 0);
  for (int32_t v : walks.nodes) counts[v]++;
  const bool hs = c.objective == SkipGramObjective::hs;
  const HuffmanTree tree = hs ? huffman_tree(counts) : HuffmanTree{};
  const std::vector<int32_t> table = hs ? std::vector<int32_t>{} : unigram_table(counts);

  std::unique_ptr<Optimizer> opt;
  if (c.optimizer == "adam")
    opt = std::make_unique<Adam>(model.parameters(), AdamOptions{.lr = c.lr});
  else if (c.optimizer == "sgd")
    opt = std::make_unique<Sgd>(model.parameters(), SgdOptions{.lr = c.lr});
  else
    fail("DeepWalk: optimizer: expected sgd or adam, got '", c.optimizer, "'");
  auto* sgd = dynamic_cast<Sgd*>(opt.get());

  Rng rng(seed ^ 0x5bd1e995ULL);  // windows and negatives; the walks have their own
  LocalRows centre(n), ctx(model.context().table().rows());
  MergedTerms merged(model.context().table().rows());
  std::vector<int64_t> reach(c.batch), by_centre, group_start, next_slot;
  std::vector<int32_t> local_centre(c.batch);
  const int64_t positions = (int64_t)walks.nodes.size(), total = positions * c.epochs;
  int64_t done = 0;
  for (int epoch = 0; epoch < c.epochs; ++epoch) {
    double loss_sum = 0;
    int64_t epoch_terms = 0, w = 0;
    for (int64_t begin = 0; begin < positions; begin += c.batch) {
      const int64_t end = std::min(positions, begin + c.batch);
      centre.next_batch();
      ctx.next_batch();
      merged.next_batch();
      // Draws in position order (windows, then each centre's negatives in the grouped pass).
      by_centre.assign(end - begin, 0);
      for (int64_t pos = begin; pos < end; ++pos) {
        reach[pos - begin] = c.window - (int64_t)rng.below((uint64_t)c.window);
        local_centre[pos - begin] = centre(walks.nodes[pos]);
      }
      // Positions grouped by centre (a counting sort, stable), so repeats meet in `merged`.
      group_start.assign(centre.rows.size() + 1, 0);
      for (int64_t k = 0; k < end - begin; ++k) group_start[local_centre[k] + 1]++;
      for (size_t r = 0; r < centre.rows.size(); ++r) group_start[r + 1] += group_start[r];
      next_slot.assign(group_start.begin(), group_start.end() - 1);
      for (int64_t k = 0; k < end - begin; ++k) by_centre[next_slot[local_centre[k]]++] = k;
      int64_t terms = 0;  // before merging: the objective's logistic terms
      for (size_t r = 0; r < centre.rows.size(); ++r) {
        merged.start_centre();
        const int32_t u = (int32_t)r;
        for (int64_t g = group_start[r]; g < group_start[r + 1]; ++g) {
          const int64_t pos = begin + by_centre[g];
          while (walks.start[w + 1] <= pos) ++w;
          while (walks.start[w] > pos) --w;
          const int64_t lo = std::max(walks.start[w], pos - reach[by_centre[g]]);
          const int64_t hi = std::min(walks.start[w + 1], pos + reach[by_centre[g]] + 1);
          for (int64_t j = lo; j < hi; ++j) {
            if (j == pos) continue;
            const int32_t x = walks.nodes[j];
            if (hs) {
              terms += tree.path_start[x + 1] - tree.path_start[x];
              for (int64_t k = tree.path_start[x]; k < tree.path_start[x + 1]; ++k)
                merged.add(u, tree.inner[k], tree.sign[k], ctx);
            } else {
              merged.add(u, x, 1.0f, ctx), ++terms;
              for (int k = 0; k < c.negatives; ++k) {
                const int32_t y = table[rng.below(table.size())];
                if (y == x) continue;  // word2vec skips a negative that is the target
                merged.add(u, y, -1.0f, ctx), ++terms;
              }
            }
          }
        }
      }
      done += end - begin;
      if (terms == 0) continue;
      const int64_t unique = (int64_t)merged.a.size();
      const PairsPtr pairs =
          Pairs::make((int64_t)centre.rows.size(), (int64_t)ctx.rows.size(), merged.a, merged.b);
      const Tensor u = model.node().forward(centre.rows);
      const Tensor v = model.context().forward(ctx.rows);
      const Tensor signs = Tensor::from({unique}, merged.sign);
      const Tensor weights = Tensor::from({unique}, merged.weight);
      const Tensor loss =
          signed_log_sigmoid_loss(pair_dot(u, v, pairs), signs, Reduction::sum, weights);
      if (sgd) sgd->options().lr = c.lr * std::max(1e-4, 1.0 - (double)done / (double)total);
      loss_sum +=
          descend(loss, model, *opt,
                  "epoch " + std::to_string(epoch + 1) + ", position " + std::to_string(begin));
      epoch_terms += terms;
      stats.dot_products += unique;
      stats.steps++;
      if (on_progress && stats.steps % 256 == 0)
        on_progress(done, total, loss_sum / (double)epoch_terms);
      if (stop && stop()) break;
    }
    stats.terms += epoch_terms;
    stats.mean_loss = epoch_terms ? loss_sum / (double)epoch_terms : 0;
    if (stop && stop()) break;
  }
  stats.train_seconds = seconds_since(t0);
  return stats;
}

}  // namespace vgrad
