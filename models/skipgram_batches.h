// The skip-gram's batches: which (centre row, context row, sign) dot products an optimizer
// step takes, with what weights, made from the walks alone. Nothing here reads the model, so
// with two threads or more the batches are made on a thread of their own while the steps
// train on the ones made before: the same batches in the same order, so the same bits as
// making each one just before its step.
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include "autograd/ops.h"
#include "datasets/walks.h"
#include "models/huffman.h"

namespace vgrad {

struct DeepWalkConfig;

struct SkipGramBatch {
  int epoch = 0;
  int64_t begin = 0, end = 0;  // its centre positions [begin, end) in the walks
  int64_t terms = 0;           // the objective's logistic terms, before merging repeats
  // One merged term each: (a = centre, b = context) as batch-local rows of the two tables,
  // whose table rows are centre_rows and context_rows, both increasing. The next batch made
  // into this one refills it in place once the step has let go of it (Pairs::remake).
  std::shared_ptr<Pairs> pairs;
  RowIndex centre_rows, context_rows;
  std::vector<float> sign, weight;  // sign * u . v, weight = how many terms it merges
};

// Batches of config.batch centre positions in walk order, config.epochs passes. `nodes`: the
// walks' nodes are below it, and both tables have that many rows. Draws windows (and
// negatives) from its own generator, seeded by `seed`.
class SkipGramBatcher {
 public:
  SkipGramBatcher(const Walks& walks, int64_t nodes, const DeepWalkConfig& config, uint64_t seed);
  ~SkipGramBatcher();
  // The next batch, epoch by epoch, into `out` (its buffers reused); false after the last.
  bool next(SkipGramBatch& out);

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Calls `step` on each batch in order until it returns false. With `threads` >= 2 the
// batches are made ahead on a thread of their own (at most a few ahead), and step's parallel
// regions get threads - 1; an error while making a batch is thrown here, at that batch.
void for_each_skipgram_batch(const Walks& walks, int64_t nodes, const DeepWalkConfig& config,
                             uint64_t seed, int threads,
                             const std::function<bool(const SkipGramBatch&)>& step);

}  // namespace vgrad
