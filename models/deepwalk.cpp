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
  const int64_t rows = config.objective == SkipGramObjective::hs ? nodes - 1 : nodes;
  context_ = register_module("context", std::make_shared<Embedding>(rows, d, rng, 0.0f));
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
  const int64_t positions = (int64_t)walks.nodes.size(), total = positions * c.epochs;
  int64_t done = 0;
  for (int epoch = 0; epoch < c.epochs; ++epoch) {
    double loss_sum = 0;
    int64_t epoch_terms = 0, w = 0;
    for (int64_t begin = 0; begin < positions; begin += c.batch) {
      const int64_t end = std::min(positions, begin + c.batch);
      centre.next_batch();
      ctx.next_batch();
      std::vector<int32_t> pa, pb;
      std::vector<float> sign;
      for (int64_t pos = begin; pos < end; ++pos) {
        while (walks.start[w + 1] <= pos) ++w;
        const int64_t lo_walk = walks.start[w], hi_walk = walks.start[w + 1];
        const int64_t reach = c.window - (int64_t)rng.below((uint64_t)c.window);
        const int64_t lo = std::max(lo_walk, pos - reach), hi = std::min(hi_walk, pos + reach + 1);
        const int32_t u = centre(walks.nodes[pos]);
        for (int64_t j = lo; j < hi; ++j) {
          if (j == pos) continue;
          const int32_t x = walks.nodes[j];
          if (hs) {
            for (int64_t k = tree.path_start[x]; k < tree.path_start[x + 1]; ++k) {
              pa.push_back(u), pb.push_back(ctx(tree.inner[k])), sign.push_back(tree.sign[k]);
            }
          } else {
            pa.push_back(u), pb.push_back(ctx(x)), sign.push_back(1.0f);
            for (int k = 0; k < c.negatives; ++k) {
              const int32_t y = table[rng.below(table.size())];
              if (y == x) continue;  // word2vec skips a negative that is the target
              pa.push_back(u), pb.push_back(ctx(y)), sign.push_back(-1.0f);
            }
          }
        }
      }
      done += end - begin;
      if (pa.empty()) continue;
      const int64_t terms = (int64_t)pa.size();
      const PairsPtr pairs = Pairs::make((int64_t)centre.rows.size(), (int64_t)ctx.rows.size(),
                                         std::move(pa), std::move(pb));
      const Tensor u = model.node().forward(centre.rows);
      const Tensor v = model.context().forward(ctx.rows);
      const Tensor signs = Tensor::from({terms}, sign);
      const Tensor loss = signed_log_sigmoid_loss(pair_dot(u, v, pairs), signs, Reduction::sum);
      if (sgd) sgd->options().lr = c.lr * std::max(1e-4, 1.0 - (double)done / (double)total);
      loss_sum +=
          descend(loss, model, *opt,
                  "epoch " + std::to_string(epoch + 1) + ", position " + std::to_string(begin));
      epoch_terms += terms;
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
