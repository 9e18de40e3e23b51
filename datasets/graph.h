// Undirected graphs with optional sparse node features and labels, and their readers.
//
// The plain-text layout (also the one for users' own graphs), a folder with:
//   edges.txt     "u v" per line, 0-based node ids, undirected (either order)
//   features.txt  optional, "node feature_index value" per nonzero (or features.txt.gz)
//   labels.txt    optional, one integer per node (line i = node i), -1 = unlabelled
//   meta.txt      optional, "key value" lines; num_nodes / num_features fix N and F,
//                 num_edges_undirected / num_feature_nonzeros are checked when present
// Blank lines and '#' comments are skipped. Duplicate edges and self-loops are dropped,
// counted and reported in Graph::warnings.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "autograd/sparse.h"

namespace vgrad {

using Edge = std::pair<int32_t, int32_t>;

struct Graph {
  std::string name;
  std::string source;               // the edges' file (or "synthetic (seed S)"), for messages
  int64_t num_nodes = 0;
  std::vector<Edge> edges;          // unique undirected edges, u < v, sorted
  CsrPtr features;                  // N x F, or null: featureless (use the identity)
  std::vector<int> labels;          // N entries (-1 = unlabelled), or empty
  int num_classes = 0;
  std::vector<std::string> class_names;   // when the source names its classes (LINQS)
  int64_t self_loops_dropped = 0;
  int64_t duplicate_edges_dropped = 0;
  std::vector<std::string> warnings;      // for the caller to print (library code is silent)

  int64_t num_features() const { return features ? features->cols() : num_nodes; }
  int64_t feature_nonzeros() const { return features ? features->nnz() : num_nodes; }
  // The features, or the N x N identity for a featureless graph.
  CsrPtr features_or_identity() const;
};

// A folder in the layout above.
Graph read_graph_folder(const std::string& dir, const std::string& name = "");
// A bare "u v" edge-list file: N = largest id + 1, featureless, unlabelled.
Graph read_edge_list(const std::string& path, const std::string& name = "");
// LINQS Cora: DIR/cora.content ("paper_id flags... class") and DIR/cora.cites
// ("cited citing"); paper ids map to 0..N-1 in content order, classes sorted by name.
Graph read_linqs_cora(const std::string& dir);

// Sorts, drops self-loops and duplicates (counting them), orients u < v. `source` names the
// file in the warning and becomes g.source. Throws on an empty result ("empty graph").
void finish_edges(Graph& g, std::vector<Edge> raw, const std::string& source);

}  // namespace vgrad
