// Checks made once a graph is loaded and before a run builds its split and model, so a run
// that cannot work stops at once with one line instead of failing (or being OOM-killed)
// later: too few edges for the link split, or more memory than there is.
#pragma once
#include <string>

#include "datasets/graph.h"
#include "tools/train/train.h"

namespace vgrad::tools {

// The peak bytes a GAE/VGAE run of these flags holds on this graph, and what dominates it
// ("--decoder dense: 4 N x N float tensors of 15 MiB", ...) in `largest`.
double graph_run_bytes(const Graph& g, const TrainFlags& f, std::string* largest = nullptr,
                       std::string* hint = nullptr);

// check_link_split_possible, then the estimate against available_memory(): throws
// "--model M on DATASET needs about X (N nodes, E edges; largest: ...), more than the Y
// available (SOURCE); HINT".
void check_graph_run(const Graph& g, const TrainFlags& f);

}  // namespace vgrad::tools
