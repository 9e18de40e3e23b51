// The nn library's rows for the gradcheck table: every layer and loss, checked the same way
// as the core ops (autograd/gradcheck.h). `vgrad gradcheck` can list these after the ops.
#pragma once
#include "autograd/gradcheck.h"

namespace vgrad {
std::vector<GradcheckCase> nn_gradcheck_cases();

// A random weighted adjacency with self-loops, n x n; not symmetric, so a backward that
// used A instead of A^T fails. For layer tests and the table above.
CsrPtr random_adjacency(int64_t n, int64_t edges, Rng& rng);
}  // namespace vgrad
