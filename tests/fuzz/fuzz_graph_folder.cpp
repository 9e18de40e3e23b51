// libFuzzer target: read_graph_folder and read_keyed_folder. The input is split on the byte
// 0x1E (ASCII record separator, never in a real file) into edges.txt, labels.txt, features.txt
// and meta.txt, in that order; a missing or empty part leaves that file out, so every
// combination is reachable. The first three parts are also read as a keyed folder
// (edges.csv, labels.csv, features.csv).
#include <filesystem>
#include <string_view>

#include "datasets/graph.h"
#include "tests/fuzz/fuzz_util.h"

using namespace vgrad;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* names[] = {"edges.txt", "labels.txt", "features.txt", "meta.txt"};
  static const char* keyed[] = {"edges.csv", "labels.csv", "features.csv"};
  const std::string dir = fuzz::work_dir() + "/graph", keyed_dir = fuzz::work_dir() + "/keyed";
  for (const std::string& d : {dir, keyed_dir}) {
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
  }
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (int k = 0; k < 4; ++k) {
    const size_t cut = k == 3 ? in.size() : std::min(in.find('\x1e'), in.size());
    std::string_view part = in.substr(0, cut);
    in.remove_prefix(std::min(cut + 1, in.size()));
    if (k == 0 || !part.empty()) {
      fuzz::write_input(std::string("graph/") + names[k], (const uint8_t*)part.data(), part.size());
      if (k < 3)
        fuzz::write_input(std::string("keyed/") + keyed[k], (const uint8_t*)part.data(),
                          part.size());
    }
  }
  const auto check_graph = [](const Graph& g) {
    fuzz::expect(g.num_nodes > 0 && !g.edges.empty(), "nodes and edges");
    for (auto [u, v] : g.edges) fuzz::expect(0 <= u && u < v && v < g.num_nodes, "edge ids");
    if (!g.labels.empty()) {
      fuzz::expect((int64_t)g.labels.size() == g.num_nodes, "one label per node");
      for (int l : g.labels) fuzz::expect(l >= -1 && l < g.num_classes, "label < num_classes");
    }
    if (g.features) fuzz::expect(g.features->rows() == g.num_nodes, "a feature row per node");
    if (!g.class_names.empty())
      fuzz::expect((int)g.class_names.size() == g.num_classes, "a name per class");
  };
  fuzz::run([&] { check_graph(read_graph_folder(dir)); });
  fuzz::run([&] { check_graph(read_keyed_folder(keyed_dir)); });
  return 0;
}
