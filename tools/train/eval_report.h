// The evaluation figures beyond AUC/AP that `vgrad train` and `vgrad eval` both report for
// graph models, as JSON: OGB's ranking metrics of the test edges and node clustering.
#pragma once
#include <nlohmann/json.hpp>

#include "models/link_training.h"

namespace vgrad::tools {

// {"hits@10", "hits@50", "hits@100", "mrr", "negatives"}: against the split's test negatives
// (negatives: "test"), or with eval_negatives = K > 0 against K non-edges per test edge
// drawn from the run's seed (negatives: K).
nlohmann::json ranking_json(const Tensor& z, const LinkSplit& split, int64_t eval_negatives,
                            uint64_t seed);

// {"acc", "nmi", "ari", "k", "scored"} for a labelled graph; null when the graph has no labels.
nlohmann::json clustering_json(const Tensor& z, const std::vector<int>& labels, uint64_t seed);

// For each numeric field of runs[i][key] (an object), out[key][field] = the mean over runs
// and out[key][field + "_std"] = the population std, as the top-level metrics. Skipped when
// the runs have no object at key.
void add_nested_mean_std(nlohmann::json& out, const nlohmann::json& runs, const std::string& key);

}  // namespace vgrad::tools
