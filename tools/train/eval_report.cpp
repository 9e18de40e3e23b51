#include "tools/train/eval_report.h"

#include <cmath>

namespace vgrad::tools {

using nlohmann::json;

json ranking_json(const Tensor& z, const LinkSplit& split, int64_t eval_negatives, uint64_t seed) {
  const LinkRanking r =
      eval_negatives > 0
          ? rank_links(z, split.test_pos, draw_eval_negatives(split, eval_negatives, seed),
                       eval_negatives)
          : rank_links(z, split.test_pos, split.test_neg, 0);
  return {{"hits@10", r.hits10},
          {"hits@50", r.hits50},
          {"hits@100", r.hits100},
          {"mrr", r.mrr},
          {"negatives", eval_negatives > 0 ? json(eval_negatives) : json("test")}};
}

json clustering_json(const Tensor& z, const std::vector<int>& labels, uint64_t seed) {
  bool labelled = false;
  for (int y : labels) labelled = labelled || y >= 0;
  if (!labelled) return nullptr;
  const ClusterScores s = cluster_embedding(z, labels, seed);
  return {{"acc", s.acc}, {"nmi", s.nmi}, {"ari", s.ari}, {"k", s.k}, {"scored", s.scored}};
}

void add_nested_mean_std(json& out, const json& runs, const std::string& key) {
  if (runs.empty() || !runs[0].contains(key) || !runs[0][key].is_object()) return;
  json summary = json::object();
  for (const auto& [field, first] : runs[0][key].items()) {
    if (!first.is_number_float()) {
      summary[field] = first;  // a setting ("negatives", k, scored), the same in every run
      continue;
    }
    double sum = 0, sq = 0;
    for (const json& r : runs) sum += r[key][field].get<double>();
    const double mean = sum / (double)runs.size();
    for (const json& r : runs) sq += std::pow(r[key][field].get<double>() - mean, 2);
    summary[field] = mean;
    summary[field + "_std"] = std::sqrt(sq / (double)runs.size());
  }
  out[key] = summary;
}

}  // namespace vgrad::tools
