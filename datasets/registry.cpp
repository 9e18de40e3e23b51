#include "datasets/registry.h"

#include <cstdlib>
#include <filesystem>

#include "autograd/check.h"
#include "datasets/synthetic.h"

namespace vgrad {
namespace {

namespace fs = std::filesystem;

void need_dir(const std::string& dir, const std::string& name) {
  check(fs::is_directory(dir), dir, ": missing dataset folder for '", name,
        "'; run `make data` first (or `tools/scripts/fetch_data.sh ", name, "`)");
}

}  // namespace

std::string default_data_dir() {
  const char* env = std::getenv("VGRAD_DATA_DIR");
  return env && *env ? env : "data";
}

bool is_image_dataset(const std::string& name) {
  return name == "mnist" || name == "fashion-mnist";
}

const char* graph_dataset_names() {
  return "cora, citeseer, pubmed, cora-linqs, synthetic[:k=v,...] or edgelist:PATH";
}
const char* image_dataset_names() { return "mnist or fashion-mnist"; }

bool is_graph_dataset(const std::string& name) {
  return name == "cora" || name == "citeseer" || name == "pubmed" || name == "cora-linqs" ||
         name.rfind("synthetic", 0) == 0 || name.rfind("edgelist:", 0) == 0;
}

void check_dataset_name(const std::string& name, bool want_graph) {
  const bool graph = is_graph_dataset(name);
  if (want_graph) {
    check(!is_image_dataset(name), "dataset: '", name,
          "' is an image dataset, expected a graph: ", graph_dataset_names());
    check(graph, "dataset: unknown graph dataset '", name, "' (expected ", graph_dataset_names(),
          ")");
    if (name.rfind("synthetic", 0) == 0) {
      try {
        check_sbm_options(parse_sbm_spec(name));
      } catch (const Error& e) {
        fail("dataset: ", e.what());
      }
    }
    check(name != "edgelist:", "dataset: expected edgelist:PATH (a file or folder), found no path");
  } else {
    check(!graph, "dataset: '", name,
          "' is a graph dataset, expected images: ", image_dataset_names());
    check(is_image_dataset(name), "dataset: unknown image dataset '", name, "' (expected ",
          image_dataset_names(), ")");
  }
}

Graph load_graph_dataset(const std::string& name, const std::string& data_dir,
                         const EdgeListOptions& edge_list) {
  if (name == "cora" || name == "citeseer" || name == "pubmed") {
    const std::string dir = data_dir + "/planetoid-text/" + name;
    need_dir(dir, name);
    return read_graph_folder(dir, name);
  }
  if (name == "cora-linqs") {
    const std::string dir = data_dir + "/cora";
    need_dir(dir, name);
    return read_linqs_cora(dir);
  }
  if (name.rfind("synthetic", 0) == 0) return make_sbm(parse_sbm_spec(name));
  if (name.rfind("edgelist:", 0) == 0) {
    const std::string path = name.substr(9);
    check(!path.empty(), "edgelist: expected edgelist:PATH (a file or folder), found no path");
    check(fs::exists(path), path, ": cannot open (no such file or folder) for dataset ", name);
    const std::string stem = fs::path(path).filename().string();
    if (!fs::is_directory(path)) return read_edge_list(path, stem, edge_list);
    return is_keyed_folder(path) ? read_keyed_folder(path, stem, edge_list)
                                 : read_graph_folder(path, stem);
  }
  fail("unknown graph dataset '", name,
       "' (expected cora, citeseer, pubmed, cora-linqs, synthetic[:k=v,...], edgelist:PATH)");
}

ImageDataset load_image_dataset(const std::string& name, const std::string& data_dir) {
  if (name == "mnist") {
    const std::string dir = data_dir + "/mnist";
    need_dir(dir, name);
    return read_mnist_dir(dir, name);
  }
  if (name == "fashion-mnist") {
    std::string dir = data_dir + "/fashion-mnist";
    if (!fs::is_directory(dir) && fs::is_directory("/usr/share/datasets/fashion-mnist"))
      dir = "/usr/share/datasets/fashion-mnist";
    check(fs::is_directory(dir), dir, ": missing dataset folder for 'fashion-mnist'; run ",
          "`make data` first (or `apt-get install dataset-fashion-mnist`)");
    return read_mnist_dir(dir, name);
  }
  fail("unknown image dataset '", name, "' (expected mnist, fashion-mnist)");
}

}  // namespace vgrad
