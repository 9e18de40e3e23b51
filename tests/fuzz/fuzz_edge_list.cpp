// libFuzzer target: read_edge_list ("u v" per line, '#' comments, plain or gzipped).
#include "datasets/graph.h"
#include "tests/fuzz/fuzz_util.h"

using namespace vgrad;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_input("edges.txt", data, size);
  fuzz::run([&] {
    Graph g = read_edge_list(path);
    // What graph.h promises callers: unique u < v edges, sorted, ids below num_nodes.
    fuzz::expect(!g.edges.empty(), "at least one edge");
    for (size_t i = 0; i < g.edges.size(); ++i) {
      auto [u, v] = g.edges[i];
      fuzz::expect(0 <= u && u < v && v < g.num_nodes, "0 <= u < v < num_nodes");
      fuzz::expect(i == 0 || g.edges[i - 1] < g.edges[i], "sorted and unique");
    }
  });
  return 0;
}
