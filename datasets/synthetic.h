// A stochastic block model with class-correlated sparse features, so tests and demos run
// with no data at all.
#pragma once
#include <cstdint>
#include <string>

#include "datasets/graph.h"

namespace vgrad {

struct SbmOptions {
  int64_t num_nodes = 300;
  int num_classes = 3;
  double p_in = 0.05;           // edge probability inside a class
  double p_out = 0.005;         // edge probability across classes
  int64_t num_features = 60;    // split into one block of "topic" features per class
  int features_per_node = 6;    // nonzeros per node (binary, like a bag of words)
  double feature_signal = 0.8;  // chance a nonzero falls in the node's own class block
  uint64_t seed = 0;
};

// Node i has class i % num_classes. Deterministic for a seed. Throws on options that cannot
// make a graph (no nodes, probabilities outside [0, 1], more classes than feature blocks...)
// or when the draw has no edge at all.
Graph make_sbm(const SbmOptions& opt);
// The option checks make_sbm starts with, for validating a --dataset flag before any work.
void check_sbm_options(const SbmOptions& opt);

// "synthetic" or "synthetic:key=value,..." with keys nodes, classes, p_in, p_out, features,
// per_node, signal, seed. Unknown keys and bad numbers throw, naming the key.
SbmOptions parse_sbm_spec(const std::string& spec);

}  // namespace vgrad
