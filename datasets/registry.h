// Dataset names, as `--dataset NAME` spells them, resolved to readers and folders in data/.
//   cora, citeseer, pubmed   DATA/planetoid-text/NAME (the plain-text graph layout)
//   cora-linqs               DATA/cora/cora.content + cora.cites (LINQS original)
//   synthetic[:k=v,...]      a seeded stochastic block model (datasets/synthetic.h)
//   edgelist:PATH            a user's graph: an edge-list file (graph.h's rules: header,
//                            separator, string ids, weights) or a folder in the text layout
//   mnist, fashion-mnist     DATA/mnist, DATA/fashion-mnist or /usr/share/datasets/fashion-mnist
#pragma once
#include <string>

#include "datasets/graph.h"
#include "datasets/idx.h"

namespace vgrad {

// $VGRAD_DATA_DIR when set, else "data" (relative to the checkout root, where make runs).
std::string default_data_dir();

bool is_image_dataset(const std::string& name);
// Whether NAME is a dataset the model kind trains on (graph: gae/vgae, else ae/vae), with
// synthetic specs parsed and checked and an edgelist: path present; throws "--dataset: ..."
// naming the choices. Files are not opened: a missing one is the reader's error.
void check_dataset_name(const std::string& name, bool graph_model);
// `edge_list` applies to edgelist:FILE (a bare file; folders keep their own format).
Graph load_graph_dataset(const std::string& name, const std::string& data_dir,
                         const EdgeListOptions& edge_list = {});
ImageDataset load_image_dataset(const std::string& name, const std::string& data_dir);

}  // namespace vgrad
