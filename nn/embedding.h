// Embedding: a table [N, D] of learned rows, looked up by index (autograd's `embedding` op).
// Its gradient is row-sparse (Tensor::sparse_grad): a batch that looks up B rows costs the
// optimizer O(B D), not O(N D). DeepWalk's node table and its tree-node table are two.
#pragma once
#include "nn/module.h"

namespace vgrad {

class Embedding : public Module {
 public:
  // Rows drawn uniform in [-scale, scale]; scale 0 gives zeros (word2vec's output tables).
  Embedding(int64_t num, int64_t dim, Rng& rng, float scale);
  Tensor forward(const RowIndex& rows) const { return embedding(table_, rows); }
  Tensor forward(std::vector<int64_t> rows) const { return embedding(table_, std::move(rows)); }
  Tensor table() const { return table_; }

 private:
  Tensor table_;
};

}  // namespace vgrad
