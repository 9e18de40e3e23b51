// Ranking metrics for link prediction as the Open Graph Benchmark's evaluators compute them
// (ogb/linkproppred/evaluate.py). Scores are finite floats; higher means "more likely an edge".
#pragma once
#include <cstdint>
#include <vector>

namespace vgrad {

// Hits@K, ogbl-collab / ogbl-ddi style: one shared pool of negatives; a positive is a hit
// when its score is strictly above the K-th highest negative score (OGB's
// `y_pred_pos > kth_score_in_negative_edges`), so a positive tied with that negative is a
// miss: ties count pessimistically. Returns the fraction of positives that hit. With fewer
// than K negatives every positive hits (1.0), as OGB returns.
double hits_at_k(const std::vector<float>& pos, const std::vector<float>& neg, int64_t k);

// Mean reciprocal rank, ogbl-citation2 style: positive i is ranked against its own
// negatives neg[i * per_positive .. (i + 1) * per_positive). With
//   optimistic  = #{negatives scoring >  pos[i]},
//   pessimistic = #{negatives scoring >= pos[i]},
// rank_i = (optimistic + pessimistic) / 2 + 1 (OGB's current evaluator: a tie costs half a
// place, the expected rank under a random tie break), and MRR = mean_i 1 / rank_i.
double mean_reciprocal_rank(const std::vector<float>& pos, const std::vector<float>& neg,
                            int64_t per_positive);

// The same MRR when every positive is ranked against one shared pool (the split's test
// negatives): equal to mean_reciprocal_rank with the pool repeated for each positive, in
// O((P + M) log M) instead of O(P M) time and memory.
double mean_reciprocal_rank_shared(const std::vector<float>& pos, const std::vector<float>& neg);

}  // namespace vgrad
