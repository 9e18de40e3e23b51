#include "models/deepwalk.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <omp.h>

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

// A batch's terms with repeats merged: (centre, context row, sign) seen again adds to that
// term's weight instead of costing a new dot product. Every context's path passes the tree's
// top nodes and walks revisit nodes, so most of a batch's hs terms are repeats. The batch's
// positions are visited grouped by centre, so one array over the context table's rows and
// signs finds every repeat of the current centre's terms; a stamp per centre makes clearing
// free. Each thread has its own array: centre groups are independent, so hs builds them on
// all threads, each into its group's buffer, concatenated in group order afterwards. Terms
// keep the order of first occurrence: the same terms in the same order for any thread count.
// GroupTerms and MergeSlots are written by different threads at once (group r and r + 1 on
// the two threads, each thread its own MergeSlots), and every push_back writes a vector's end
// pointer in the header: packed side by side, neighbours' headers shared a cache line, which
// bounced between the cores on every term (the term building cost about twice the CPU at 2
// threads as at 1). One line each.
struct alignas(64) GroupTerms {
  std::vector<int32_t> row;  // context table row (not yet a batch-local row)
  std::vector<float> sign, weight;
  int64_t terms = 0;  // before merging
  void clear() { row.clear(), sign.clear(), weight.clear(), terms = 0; }
};
struct alignas(64) MergeSlots {
  struct Slot {
    uint32_t stamp = 0;
    int32_t at = 0;  // the term's place in the group (slot), the context's in `contexts` (seen)
  };
  std::vector<Slot> slot;  // [context row * 2 + (sign < 0)]
  // hs: a centre's contexts counted first (a walk revisits nodes: the same context recurs in
  // one centre's windows), then each distinct one's path added once with its count as the
  // weight. The same terms in the same order as adding every occurrence's path: a repeated
  // context's path adds no new term, and its count is the 1.0f per occurrence those adds
  // summed (small integers: exact in float).
  std::vector<Slot> seen;                           // [node]
  std::vector<std::pair<int32_t, int32_t>> counts;  // (context, count), first occurrence first
  uint32_t stamp = 0;
  // The context rows given a term this batch, one bit each, marked as the terms are made (on
  // this slot's thread, the row at hand) and taken by SortedRows::take.
  std::vector<uint64_t> marks;
  MergeSlots(int64_t context_rows, int64_t nodes)
      : slot(2 * context_rows), seen(nodes), marks((context_rows + 63) / 64, 0) {}
  void mark(int32_t row) { marks[row >> 6] |= 1ULL << (row & 63); }
  // The stamp wraps after 4e9 centres: old stamps are long gone by then.
  void start_centre() { ++stamp, counts.clear(); }
  // Adds `count` times log sigmoid(s u . v_row) to the current centre's terms.
  void add(GroupTerms& out, int32_t row, float s, float count = 1.0f) {
    Slot& e = slot[2 * (size_t)row + (s < 0 ? 1 : 0)];
    if (e.stamp == stamp) {
      out.weight[e.at] += count;
      return;
    }
    e.stamp = stamp, e.at = (int32_t)out.row.size();
    out.row.push_back(row), out.sign.push_back(s), out.weight.push_back(count);
    mark(row);
  }
  void count_context(int32_t x) {
    Slot& e = seen[x];
    if (e.stamp == stamp) {
      counts[e.at].second++;
      return;
    }
    e.stamp = stamp, e.at = (int32_t)counts.size();
    counts.emplace_back(x, 1);
  }
};

// The batch's distinct context rows in increasing order, and each one's batch-local row: a
// lookup of sorted distinct rows gives its table a gradient that merge_row_sparse takes as it
// is (no sort). The numbering does not change any sum: pair_scatter adds a row's terms in
// term order, whatever the row is called.
struct SortedRows {
  std::vector<uint64_t> bits;  // one per table row, all clear between batches
  std::vector<int32_t> local;  // table row -> batch-local row, valid for this batch's rows
  std::vector<int64_t> rows;
  explicit SortedRows(int64_t n) : bits((n + 63) / 64, 0), local(n, 0) {}
  void take(std::vector<uint64_t>& marks) {  // marks these rows, clears `marks`
    for (size_t w = 0; w < bits.size(); ++w) bits[w] |= marks[w], marks[w] = 0;
  }
  void finish() {  // numbers the marked rows in increasing order, clears the marks
    rows.clear();
    for (size_t w = 0; w < bits.size(); ++w)
      for (uint64_t m = bits[w]; m; m &= m - 1) {
        const int64_t row = (int64_t)(w * 64 + (size_t)__builtin_ctzll(m));
        local[row] = (int32_t)rows.size();
        rows.push_back(row);
      }
    std::fill(bits.begin(), bits.end(), 0);
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
  const int64_t ctx_rows = model.context().table().rows();
  LocalRows centre(n);
  SortedRows ctx(ctx_rows);
  std::vector<MergeSlots> slots(std::max(1, omp_get_max_threads()), MergeSlots(ctx_rows, n));
  std::vector<GroupTerms> group(c.batch);
  std::vector<int64_t> window_lo(c.batch), window_hi(c.batch), by_centre, group_start, next_slot;
  std::vector<int32_t> local_centre(c.batch), a, b;
  std::vector<float> sign, weight;
  std::vector<std::pair<int64_t, int32_t>> centre_order;
  std::vector<int64_t> centre_rows;
  std::vector<int32_t> centre_local;
  std::shared_ptr<Pairs> pairs_buffer;  // the last step's pairs, refilled when its tape is gone
  // Centre group r's terms: its positions in position order, each window left to right.
  auto build_group = [&](size_t r, MergeSlots& merged, int64_t begin) {
    GroupTerms& out = group[r];
    out.clear();
    merged.start_centre();
    for (int64_t g = group_start[r]; g < group_start[r + 1]; ++g) {
      const int64_t k = by_centre[g], pos = begin + k;
      for (int64_t j = window_lo[k]; j < window_hi[k]; ++j) {
        if (j == pos) continue;
        const int32_t x = walks.nodes[j];
        if (hs) {
          merged.count_context(x);
        } else {  // draws from rng: neg builds its groups on one thread, in order
          merged.add(out, x, 1.0f), ++out.terms;
          for (int draw = 0; draw < c.negatives; ++draw) {
            const int32_t y = table[rng.below(table.size())];
            if (y == x) continue;  // word2vec skips a negative that is the target
            merged.add(out, y, -1.0f), ++out.terms;
          }
        }
      }
    }
    for (const auto& [x, count] : merged.counts) {
      out.terms += count * (tree.path_start[x + 1] - tree.path_start[x]);
      for (int64_t k = tree.path_start[x]; k < tree.path_start[x + 1]; ++k)
        merged.add(out, tree.inner[k], tree.sign[k], (float)count);
    }
  };
  const int64_t positions = (int64_t)walks.nodes.size(), total = positions * c.epochs;
  int64_t done = 0;
  for (int epoch = 0; epoch < c.epochs; ++epoch) {
    double loss_sum = 0;
    int64_t epoch_terms = 0;
    for (int64_t begin = 0; begin < positions; begin += c.batch) {
      const int64_t end = std::min(positions, begin + c.batch);
      centre.next_batch();
      // Draws in position order (windows, then each centre's negatives in the grouped pass).
      // Each position's window, clipped to its walk (walks are contiguous: the walk is found
      // once per batch, then followed).
      by_centre.assign(end - begin, 0);
      int64_t w =
          std::upper_bound(walks.start.begin(), walks.start.end(), begin) - walks.start.begin() - 1;
      for (int64_t pos = begin; pos < end; ++pos) {
        while (walks.start[w + 1] <= pos) ++w;
        const int64_t reach = c.window - (int64_t)rng.below((uint64_t)c.window);
        window_lo[pos - begin] = std::max(walks.start[w], pos - reach);
        window_hi[pos - begin] = std::min(walks.start[w + 1], pos + reach + 1);
        local_centre[pos - begin] = centre(walks.nodes[pos]);
      }
      // Positions grouped by centre (a counting sort, stable), so repeats meet in `merged`.
      const int64_t groups = (int64_t)centre.rows.size();
      group_start.assign(groups + 1, 0);
      for (int64_t k = 0; k < end - begin; ++k) group_start[local_centre[k] + 1]++;
      for (int64_t r = 0; r < groups; ++r) group_start[r + 1] += group_start[r];
      next_slot.assign(group_start.begin(), group_start.end() - 1);
      for (int64_t k = 0; k < end - begin; ++k) by_centre[next_slot[local_centre[k]]++] = k;
#pragma omp parallel for schedule(dynamic, 1) if (hs && groups > 1)
      for (int64_t r = 0; r < groups; ++r) build_group(r, slots[omp_get_thread_num()], begin);
      // Concatenated in group order; centres and context rows renumbered in increasing order.
      centre_order.clear();
      for (int64_t r = 0; r < groups; ++r) centre_order.emplace_back(centre.rows[r], (int32_t)r);
      std::sort(centre_order.begin(), centre_order.end());
      centre_rows.resize(groups), centre_local.resize(groups);
      for (int64_t k = 0; k < groups; ++k) {
        centre_rows[k] = centre_order[k].first;
        centre_local[centre_order[k].second] = (int32_t)k;
      }
      int64_t terms = 0;  // before merging: the objective's logistic terms
      a.clear(), b.clear(), sign.clear(), weight.clear();
      for (int64_t r = 0; r < groups; ++r) {
        const GroupTerms& gt = group[r];
        terms += gt.terms;
        a.insert(a.end(), gt.row.size(), centre_local[r]);
        b.insert(b.end(), gt.row.begin(), gt.row.end());
        sign.insert(sign.end(), gt.sign.begin(), gt.sign.end());
        weight.insert(weight.end(), gt.weight.begin(), gt.weight.end());
      }
      for (MergeSlots& m : slots) ctx.take(m.marks);
      ctx.finish();
      for (int32_t& row : b) row = ctx.local[row];
      done += end - begin;
      if (terms == 0) continue;
      const int64_t unique = (int64_t)a.size();
      const PairsPtr pairs = Pairs::remake(pairs_buffer, groups, (int64_t)ctx.rows.size(), a, b);
      // The two tables' rows are read in place (pair_dot's lookups), not copied per step: the
      // same dot products and row-sparse gradients as pair_dot of two embedding lookups.
      const RowIndex u_rows = std::make_shared<const std::vector<int64_t>>(centre_rows);
      const RowIndex v_rows = std::make_shared<const std::vector<int64_t>>(ctx.rows);
      const Tensor signs = Tensor::from({unique}, sign);
      const Tensor weights = Tensor::from({unique}, weight);
      const Tensor dots =
          pair_dot(model.node().table(), model.context().table(), pairs, u_rows, v_rows);
      const Tensor loss = signed_log_sigmoid_loss(dots, signs, Reduction::sum, weights);
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
