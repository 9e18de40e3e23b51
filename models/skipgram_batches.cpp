#include "models/skipgram_batches.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <mutex>
#include <thread>

#include <omp.h>
#include <pthread.h>

#include "models/deepwalk.h"

namespace vgrad {
namespace {

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

// The batch's distinct context rows in increasing order, and each one's batch-local row: a
// lookup of sorted distinct rows gives its table a gradient that merge_row_sparse takes as it
// is (no sort). The numbering does not change any sum: pair_scatter adds a row's terms in
// term order, whatever the row is called.
struct SortedRows {
  std::vector<uint64_t> bits;  // one per table row, all clear between batches
  std::vector<int32_t> local;  // table row -> batch-local row, valid for this batch's rows
  std::vector<int64_t> rows;
  explicit SortedRows(int64_t n) : bits((n + 63) / 64, 0), local(n, 0) {}
  void mark(int32_t row) { bits[row >> 6] |= 1ULL << (row & 63); }
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

// An entry seen for the current centre when its stamp is the centre's: clearing is free.
// The stamp wraps after 4e9 centres: old stamps are long gone by then.
struct Stamped {
  uint32_t stamp = 0;
  int32_t at = 0;  // where the entry's term (or count) is
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

struct SkipGramBatcher::State {
  const Walks& walks;
  const DeepWalkConfig& c;
  const bool hs;
  HuffmanTree tree;            // hs
  std::vector<int32_t> table;  // neg
  Rng rng;                     // windows and negatives; the walks have their own
  LocalRows centre;
  SortedRows ctx;
  // A batch's terms with repeats merged: (centre, context row, sign) seen again adds to that
  // term's weight instead of costing a new dot product. Every context's path passes the
  // tree's top nodes and walks revisit nodes, so most of a batch's hs terms are repeats. The
  // batch's positions are visited grouped by centre, so one stamp per (context row, sign)
  // finds every repeat of the current centre's terms. Terms keep the order of first
  // occurrence, centre by centre.
  std::vector<Stamped> term_of;  // [context row * 2 + (sign < 0)]
  // hs: a centre's contexts counted first (a walk revisits nodes: the same context recurs in
  // one centre's windows), then each distinct one's path added once with its count as the
  // weight. The same terms in the same order as adding every occurrence's path: a repeated
  // context's path adds no new term, and its count is the 1.0f per occurrence those adds
  // summed (small integers: exact in float).
  std::vector<Stamped> count_of;                    // [node]
  std::vector<std::pair<int32_t, int32_t>> counts;  // (context, count), first occurrence first
  uint32_t stamp = 0;
  std::vector<int64_t> window_lo, window_hi, by_centre, group_start, next_slot;
  std::vector<int32_t> local_centre, a, b;  // b: context table rows until renumbered
  std::vector<std::pair<int64_t, int32_t>> centre_order;
  std::vector<int64_t> centre_rows;
  std::vector<int32_t> centre_local;
  int epoch = 0;
  int64_t begin = 0;

  State(const Walks& w, int64_t nodes, const DeepWalkConfig& config, uint64_t seed)
      : walks(w),
        c(config),
        hs(config.objective == SkipGramObjective::hs),
        rng(seed ^ 0x5bd1e995ULL),
        centre(nodes),
        ctx(nodes),
        term_of(2 * nodes),
        count_of(nodes),
        window_lo(config.batch),
        window_hi(config.batch),
        local_centre(config.batch) {
    std::vector<int64_t> counts(nodes, 0);
    for (size_t k = 0; k < walks.nodes.size(); ++k) {
      const int32_t v = walks.nodes[k];
      check(v >= 0 && v < nodes, "SkipGramBatcher: walk node ", v, " at position ", k,
            " is outside the tables' ", nodes, " rows");
      counts[v]++;
    }
    if (hs)
      tree = huffman_tree(counts);
    else
      table = unigram_table(counts);
  }

  // Adds `count` times log sigmoid(s u . v_row) to the current centre's terms.
  void add(SkipGramBatch& out, int32_t row, float s, float count = 1.0f) {
    Stamped& e = term_of[2 * (size_t)row + (s < 0 ? 1 : 0)];
    if (e.stamp == stamp) {
      out.weight[e.at] += count;
      return;
    }
    e.stamp = stamp, e.at = (int32_t)b.size();
    b.push_back(row), out.sign.push_back(s), out.weight.push_back(count);
    ctx.mark(row);
  }
  void count_context(int32_t x) {
    Stamped& e = count_of[x];
    if (e.stamp == stamp) {
      counts[e.at].second++;
      return;
    }
    e.stamp = stamp, e.at = (int32_t)counts.size();
    counts.emplace_back(x, 1);
  }

  // Centre group r's terms: its positions in position order, each window left to right.
  void add_group(SkipGramBatch& out, int64_t r) {
    ++stamp, counts.clear();
    for (int64_t g = group_start[r]; g < group_start[r + 1]; ++g) {
      const int64_t k = by_centre[g], pos = begin + k;
      for (int64_t j = window_lo[k]; j < window_hi[k]; ++j) {
        if (j == pos) continue;
        const int32_t x = walks.nodes[j];
        if (hs) {
          count_context(x);
          continue;
        }
        add(out, x, 1.0f), ++out.terms;
        for (int draw = 0; draw < c.negatives; ++draw) {
          const int32_t y = table[rng.below(table.size())];
          if (y == x) continue;  // word2vec skips a negative that is the target
          add(out, y, -1.0f), ++out.terms;
        }
      }
    }
    for (const auto& [x, count] : counts) {
      out.terms += count * (tree.path_start[x + 1] - tree.path_start[x]);
      for (int64_t k = tree.path_start[x]; k < tree.path_start[x + 1]; ++k)
        add(out, tree.inner[k], tree.sign[k], (float)count);
    }
    a.resize(b.size(), centre_local[r]);
  }

  // The batch of centre positions [begin, end).
  void make(SkipGramBatch& out, int64_t end) {
    out.epoch = epoch, out.begin = begin, out.end = end;
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
    // Positions grouped by centre (a counting sort, stable), so repeats meet in `term_of`.
    const int64_t groups = (int64_t)centre.rows.size();
    group_start.assign(groups + 1, 0);
    for (int64_t k = 0; k < end - begin; ++k) group_start[local_centre[k] + 1]++;
    for (int64_t r = 0; r < groups; ++r) group_start[r + 1] += group_start[r];
    next_slot.assign(group_start.begin(), group_start.end() - 1);
    for (int64_t k = 0; k < end - begin; ++k) by_centre[next_slot[local_centre[k]]++] = k;
    // Centres renumbered in increasing order of table row.
    centre_order.clear();
    for (int64_t r = 0; r < groups; ++r) centre_order.emplace_back(centre.rows[r], (int32_t)r);
    std::sort(centre_order.begin(), centre_order.end());
    centre_rows.resize(groups), centre_local.resize(groups);
    for (int64_t k = 0; k < groups; ++k) {
      centre_rows[k] = centre_order[k].first;
      centre_local[centre_order[k].second] = (int32_t)k;
    }
    out.terms = 0;
    a.clear(), b.clear(), out.sign.clear(), out.weight.clear();
    for (int64_t r = 0; r < groups; ++r) add_group(out, r);
    ctx.finish();  // context rows renumbered likewise
    for (int32_t& row : b) row = ctx.local[row];
    Pairs::remake(out.pairs, groups, (int64_t)ctx.rows.size(), a, b);
    out.centre_rows = std::make_shared<const std::vector<int64_t>>(centre_rows);
    out.context_rows = std::make_shared<const std::vector<int64_t>>(ctx.rows);
  }
};

SkipGramBatcher::SkipGramBatcher(const Walks& walks, int64_t nodes, const DeepWalkConfig& config,
                                 uint64_t seed)
    : s_(std::make_unique<State>(walks, nodes, config, seed)) {}

SkipGramBatcher::~SkipGramBatcher() = default;

bool SkipGramBatcher::next(SkipGramBatch& out) {
  State& s = *s_;
  const int64_t positions = (int64_t)s.walks.nodes.size();
  if (s.begin >= positions) s.begin = 0, ++s.epoch;
  if (s.epoch >= s.c.epochs || positions == 0) return false;
  const int64_t end = std::min(positions, s.begin + s.c.batch);
  s.make(out, end);
  s.begin = end;
  return true;
}

namespace {

// Batches made on a thread of their own, at most kSlots ahead of the step. The maker sleeps
// when the slots are full until half are free again, so the two threads meet about once per
// kSlots / 2 batches, not at every one.
class MadeAhead {
 public:
  explicit MadeAhead(SkipGramBatcher& batcher) : thread_([this, &batcher] { run(batcher); }) {}
  ~MadeAhead() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    space_.notify_one();
    thread_.join();
  }
  // The oldest batch not yet taken; null after the last. Throws the maker's error.
  const SkipGramBatch* front() {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return made_ > taken_ || finished_; });
    if (made_ > taken_) return &slot_[taken_ % kSlots];
    if (error_) std::rethrow_exception(error_);
    return nullptr;
  }
  void pop() {
    std::lock_guard lock(mu_);
    ++taken_;
    if (maker_waits_ && made_ - taken_ <= kSlots / 2) space_.notify_one();
  }

 private:
  static constexpr int64_t kSlots = 8;
  void run(SkipGramBatcher& batcher) {
    // Signals are the training thread's to hear (its stop callback), not this one's.
    sigset_t async;
    sigemptyset(&async);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM})
      sigaddset(&async, sig);
    pthread_sigmask(SIG_BLOCK, &async, nullptr);
    try {
      for (;;) {
        int64_t at;
        {
          std::unique_lock lock(mu_);
          if (made_ - taken_ == kSlots && !closed_) {
            maker_waits_ = true;
            space_.wait(lock, [&] { return made_ - taken_ <= kSlots / 2 || closed_; });
            maker_waits_ = false;
          }
          if (closed_) return;
          at = made_;
        }
        const bool more = batcher.next(slot_[at % kSlots]);
        {
          std::lock_guard lock(mu_);
          if (more) ++made_;
          finished_ = !more;
        }
        ready_.notify_one();
        if (!more) return;
      }
    } catch (...) {
      {
        std::lock_guard lock(mu_);
        error_ = std::current_exception(), finished_ = true;
      }
      ready_.notify_one();
    }
  }
  SkipGramBatch slot_[kSlots];
  std::mutex mu_;
  std::condition_variable ready_, space_;
  int64_t made_ = 0, taken_ = 0;
  bool finished_ = false, closed_ = false, maker_waits_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the members above are made
};

// The calling thread's OpenMP team size, restored on leaving.
class TeamSize {
 public:
  explicit TeamSize(int threads) : saved_(omp_get_max_threads()) { omp_set_num_threads(threads); }
  ~TeamSize() { omp_set_num_threads(saved_); }

 private:
  int saved_;
};

}  // namespace

void for_each_skipgram_batch(const Walks& walks, int64_t nodes, const DeepWalkConfig& config,
                             uint64_t seed, int threads,
                             const std::function<bool(const SkipGramBatch&)>& step) {
  SkipGramBatcher batcher(walks, nodes, config, seed);
  if (threads < 2) {
    SkipGramBatch batch;
    while (batcher.next(batch))
      if (!step(batch)) return;
    return;
  }
  MadeAhead ahead(batcher);
  TeamSize team(threads - 1);
  while (const SkipGramBatch* batch = ahead.front()) {
    const bool go = step(*batch);
    ahead.pop();
    if (!go) return;
  }
}

}  // namespace vgrad
