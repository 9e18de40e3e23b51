// 2-D projections of latents and embeddings for scatter plots (tools/plot.h).
#pragma once
#include <cstdint>
#include <vector>

namespace vgrad::plot {

// data is n x d, row-major (d small: 1..64; n up to ~100k). Returns n x 2: each centred row
// projected onto the two principal components of largest variance, first column first.
// Deterministic: Jacobi eigen-decomposition (no random start), and each component's sign
// chosen so its largest-magnitude loading is positive. With d = 1 the second column is 0.
// Throws on a non-finite value, naming its row and column.
std::vector<float> pca_2d(const float* data, int64_t n, int64_t d);

}  // namespace vgrad::plot
