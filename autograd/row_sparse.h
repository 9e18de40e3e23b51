// Row-sparse gradients (RowSparse, autograd/tensor.h): what an embedding lookup gives its
// table. Kept coalesced (rows sorted, each once) so an optimizer walks them in O(R D).
#pragma once
#include <memory>
#include <vector>

#include "autograd/tensor.h"

namespace vgrad {

// slot += (rows, values): values [B, D], row k of values belongs to table row rows[k]; rows
// may repeat and come in any order. The sum of a row's contributions is taken in the order
// they arrive (the slot's first, then values' top to bottom): the same bits for any thread
// count. Creates the slot when empty.
void merge_row_sparse(std::shared_ptr<RowSparse>& slot, const std::vector<int64_t>& rows,
                      const Tensor& values);

// dense += sparse, for a parameter that also got a dense gradient (used by a dense op too).
void add_row_sparse_to(float* dense, const RowSparse& sparse);

}  // namespace vgrad
