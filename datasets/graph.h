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
//
// A bare edge-list file (edgelist:FILE), as people have them:
//   separator  ',' when the first data line has a comma, else spaces/tabs in any mix ('\t'
//              alone when a tab-separated field holds a space); or forced (EdgeListOptions)
//   header     optional: the first data line is one when all its fields are column names
//              (source, target, src, dst, from, to, u, v, node1, node2, weight, ...) or when
//              one of its fields is not a number where the next line's is
//   ids        integers or strings, decided by the first edge. Integers that fill at least half
//              of 0..largest (and stay below the node limit) are the node numbers themselves
//              (N = largest + 1). Otherwise, sparse integers or strings, they map to 0..N-1 in
//              sorted order (numeric for integers, bytes for strings): the numbering depends on
//              the graph, not on the order of the lines. Graph::node_ids keeps them.
//   weights    an optional third column, a finite positive number: Graph::edge_weights.
//   direction  ignored: (u, v) and (v, u) are one undirected edge; when both are given with
//              different weights the larger is kept, and a warning counts such pairs.
// Every line must have as many fields as the first (or the header).
//
// A folder of keyed files (edgelist:FOLDER holding an edges, features or labels file ending in
// .csv or .tsv; each may be .csv, .tsv or .txt, gzipped or not):
//   edges     the edge list above (required)
//   features  optional, dense rows "id,f0,f1,...": F = fields - 1, finite floats
//   labels    optional, rows "id,label": integer classes (-1 = unlabelled) or names, decided by
//             the first label; names become classes 0..K-1 in sorted (byte) order
//             (Graph::class_names); an empty label field = unlabelled
// Both use the edge list's separator detection, header rule and column-count rule, each file
// on its own. Ids are the edge list's (the same text, or for integer ids the same number); an
// id the edge list lacks is refused (an isolated node is listed there as a self-loop), as is a
// node given twice in one file. A node without a row has zero features / label -1.
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
  std::string source;  // the edges' file (or "synthetic (seed S)"), for messages
  int64_t num_nodes = 0;
  std::vector<Edge> edges;  // unique undirected edges, u < v, sorted
  CsrPtr features;          // N x F, or null: featureless (use the identity)
  std::vector<int> labels;  // N entries (-1 = unlabelled), or empty
  int num_classes = 0;
  std::vector<std::string> class_names;  // when the source names its classes (LINQS)
  int64_t self_loops_dropped = 0;
  int64_t duplicate_edges_dropped = 0;
  std::vector<std::string> warnings;  // for the caller to print (library code is silent)
  // Node i's id in the source file, when the reader renumbered (string or sparse ids); empty:
  // node i is id i.
  std::vector<std::string> node_ids;
  // One positive weight per edge (parallel to `edges`), or empty: unweighted. Only the GCN
  // encoders' A_hat uses them (see split.h); the split and the loss's 0/1 targets do not.
  std::vector<float> edge_weights;

  int64_t num_features() const { return features ? features->cols() : num_nodes; }
  int64_t feature_nonzeros() const { return features ? features->nnz() : num_nodes; }
  // The features, or the N x N identity for a featureless graph.
  CsrPtr features_or_identity() const;
};

// A folder in the layout above.
Graph read_graph_folder(const std::string& dir, const std::string& name = "");
struct EdgeListOptions {
  char sep = 0;  // 0: detect from the first data line; ',', '\t', or ' ' (spaces and tabs)
};
// A bare edge-list file in the rules above: featureless, unlabelled.
Graph read_edge_list(const std::string& path, const std::string& name = "",
                     const EdgeListOptions& opt = {});
// Whether DIR holds keyed files (above) rather than the numbered layout (edges.txt etc.).
bool is_keyed_folder(const std::string& dir);
// A folder of keyed files; `opt.sep` applies to all of them.
Graph read_keyed_folder(const std::string& dir, const std::string& name = "",
                        const EdgeListOptions& opt = {});
// LINQS Cora: DIR/cora.content ("paper_id flags... class") and DIR/cora.cites
// ("cited citing"); paper ids map to 0..N-1 in content order, classes sorted by name.
Graph read_linqs_cora(const std::string& dir);

// Sorts, drops self-loops and duplicates (counting them), orients u < v. `source` names the
// file in the warning and becomes g.source. Throws on an empty result ("empty graph").
// `weights`, empty or one per raw edge, become g.edge_weights (a duplicate keeps the largest).
void finish_edges(Graph& g, std::vector<Edge> raw, const std::string& source,
                  std::vector<float> weights = {});

}  // namespace vgrad
