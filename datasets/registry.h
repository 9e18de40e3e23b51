// Dataset names, as `--dataset NAME` spells them, resolved to readers and folders in data/.
//   cora, citeseer, pubmed   DATA/planetoid-text/NAME (the plain-text graph layout)
//   cora-linqs               DATA/cora/cora.content + cora.cites (LINQS original)
//   synthetic[:k=v,...]      a seeded stochastic block model (datasets/synthetic.h)
//   edgelist:PATH            a user's graph: an edge-list file (graph.h's rules: header,
//                            separator, string ids, weights), a folder of keyed files
//                            (edges.csv, features.csv, labels.csv) or one in the text layout
//   mnist, fashion-mnist     DATA/mnist, DATA/fashion-mnist or /usr/share/datasets/fashion-mnist
#pragma once
#include <string>

#include "datasets/graph.h"
#include "datasets/idx.h"

namespace vgrad {

// $VGRAD_DATA_DIR when set, else "data" (relative to the checkout root, where make runs).
std::string default_data_dir();

bool is_image_dataset(const std::string& name);
bool is_graph_dataset(const std::string& name);  // by name or prefix; files are not opened
const char* graph_dataset_names();  // "cora, citeseer, ... or edgelist:PATH", for messages
const char* image_dataset_names();  // "mnist or fashion-mnist"
// Whether NAME is a dataset of the wanted kind, with synthetic specs parsed and checked and an
// edgelist: path present; throws "dataset: ..." naming the choices. Files are not opened: a
// missing one is the reader's error.
void check_dataset_name(const std::string& name, bool want_graph);
// `edge_list` applies to edgelist:FILE and to a folder of keyed files (the text layout keeps
// its own format).
Graph load_graph_dataset(const std::string& name, const std::string& data_dir,
                         const EdgeListOptions& edge_list = {});
ImageDataset load_image_dataset(const std::string& name, const std::string& data_dir);

}  // namespace vgrad
