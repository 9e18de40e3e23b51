// A folder of keyed files (graph.h's rules): edges, features and labels keyed by the same ids,
// features and labels landing on the right rows, every malformed line refused with FILE:LINE,
// and the run end to end (clustering from the labels, export with the original ids).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "autograd/check.h"
#include "datasets/graph.h"
#include "datasets/registry.h"
#include "tests/bad_input_util.h"
#include "tests/test_datasets_util.h"

using namespace vgrad;
using vgrad::testing::csr_entry;
using vgrad::testing::TempDir;
using vgrad::testing::write_bytes;

namespace {

std::string name_of(int k) { return "node-" + std::to_string(k); }

// n named nodes on a ring plus chords k -> k + 7, weighted: enough edges for a link split.
std::string ring_edges(int n) {
  std::string s = "source,target,weight\n";
  for (int k = 0; k < n; ++k) {
    s += name_of(k) + "," + name_of((k + 1) % n) + ",1.5\n";
    s += name_of(k) + "," + name_of((k + 7) % n) + ",0.5\n";
  }
  return s;
}

// Rows in reverse order, so a reader that ignored the ids would put them on the wrong nodes.
// Node k: features (k, 0, 1 if k is odd); label "even"/"odd"; node 3 has no row in either
// file, node 5's label is empty.
void write_folder(const TempDir& d, int n) {
  write_bytes(d / "g/edges.csv", ring_edges(n));
  std::string features = "id,f0,f1,f2\n", labels = "# the parity of each node\nid,label\n";
  for (int k = n - 1; k >= 0; --k) {
    if (k == 3) continue;
    features += name_of(k) + "," + std::to_string(k) + ",0," + (k % 2 ? "1" : "0") + "\n";
    labels += name_of(k) + "," + (k == 5 ? "" : k % 2 ? "odd"
                                                      : "even") +
              "\n";
  }
  write_bytes(d / "g/features.csv", features);
  write_bytes(d / "g/labels.csv", labels);
}

int64_t node(const Graph& g, const std::string& id) {
  const auto it = std::find(g.node_ids.begin(), g.node_ids.end(), id);
  REQUIRE(it != g.node_ids.end());
  return it - g.node_ids.begin();
}

}  // namespace

TEST_CASE("keyed folder: string ids, a header, weights, features and labels land on their rows") {
  TempDir d;
  write_folder(d, 40);
  CHECK(is_keyed_folder(d / "g"));
  const Graph g = load_graph_dataset("edgelist:" + (d / "g"), "unused");
  CHECK(g.name == "g");
  CHECK(g.num_nodes == 40);
  CHECK(g.edges.size() == 80);
  CHECK(g.edge_weights.size() == 80);
  REQUIRE(g.features);
  CHECK(g.features->rows() == 40);
  CHECK(g.features->cols() == 3);
  // Sorted byte order: node-0, node-1, node-10, ..., node-19, node-2, node-20, ...
  CHECK(node(g, "node-10") == 2);
  CHECK(node(g, "node-2") == 12);
  for (int k : {0, 7, 10, 39}) {
    CAPTURE(k);
    const int64_t i = node(g, name_of(k));
    CHECK(csr_entry(*g.features, i, 0) == (float)k);
    CHECK(csr_entry(*g.features, i, 2) == (float)(k % 2));
    CHECK(g.labels[i] == k % 2);  // classes by name, sorted: even = 0, odd = 1
  }
  CHECK(g.class_names == std::vector<std::string>{"even", "odd"});
  CHECK(g.num_classes == 2);
  // No row: zero features, unlabelled. An empty label field: unlabelled.
  CHECK(g.features->row_ptr()[node(g, "node-3")] == g.features->row_ptr()[node(g, "node-3") + 1]);
  CHECK(g.labels[node(g, "node-3")] == -1);
  CHECK(g.labels[node(g, "node-5")] == -1);
  CHECK(std::count(g.labels.begin(), g.labels.end(), -1) == 2);
}

TEST_CASE("keyed folder: sparse integer ids, tabs, no header, integer labels, .txt names") {
  TempDir d;
  write_bytes(d / "g/edges.tsv", "1000\t20\n20\t900\n900\t1000\n77\t77\n");  // 77: isolated
  write_bytes(d / "g/features.txt", "900\t0.5\n020\t-2\n77\t3\n");           // "020" is node 20
  write_bytes(d / "g/labels.txt", "1000\t4\n77\t-1\n20\t0\n");
  const Graph g = load_graph_dataset("edgelist:" + (d / "g"), "unused");
  CHECK(g.node_ids == std::vector<std::string>{"20", "77", "900", "1000"});
  CHECK(g.self_loops_dropped == 1);
  REQUIRE(g.features);
  CHECK(g.features->cols() == 1);
  CHECK(csr_entry(*g.features, 0, 0) == -2.0f);
  CHECK(csr_entry(*g.features, 1, 0) == 3.0f);
  CHECK(csr_entry(*g.features, 2, 0) == 0.5f);
  CHECK(csr_entry(*g.features, 3, 0) == 0.0f);
  CHECK(g.labels == std::vector<int>{0, -1, -1, 4});
  CHECK(g.num_classes == 5);
  CHECK(g.class_names.empty());
}

TEST_CASE("keyed folder: the numbered layout (edges.txt alone) is still read as before") {
  TempDir d;
  write_bytes(d / "g/edges.txt", "0 1\n1 2\n");
  write_bytes(d / "g/labels.txt", "0\n1\n0\n");
  CHECK(!is_keyed_folder(d / "g"));
  const Graph g = load_graph_dataset("edgelist:" + (d / "g"), "unused");
  CHECK(g.labels == std::vector<int>{0, 1, 0});
  CHECK(g.node_ids.empty());
}

TEST_CASE("keyed folder: every malformed line is refused with FILE:LINE and what was expected") {
  TempDir d;
  const std::string dir = d / "g";
  write_bytes(dir + "/edges.csv", "id1,id2\nann,bob\nbob,cat\n");
  auto refused = [&](const std::string& file, const std::string& text, const std::string& msg) {
    write_bytes(dir + "/" + file, text);
    CHECK_THROWS_WITH_AS(read_keyed_folder(dir), (dir + "/" + file + msg).c_str(), Error);
    std::filesystem::remove(dir + "/" + file);
  };
  refused("features.csv", "id,a,b\nann,1,2\nbob,3\n",
          ":3: expected 3 fields 'id,f0,f1', found 2 (line 1, the header, sets the column count)");
  refused("features.csv", "ann,1,2,3,4\nbob,1,2,3\n",
          ":2: expected 5 fields 'id,f0,...,f3', found 4 (line 1 sets the column count)");
  refused("features.csv", "ann,1\nbob,x\n", ":2: expected a feature value, found 'x'");
  refused("features.csv", "ann,1\nbob,1e39\n",
          ":2: expected a feature value a float can hold (magnitude 1.2e-38 to 3.4e38, or 0), "
          "found '1e39'");
  refused("features.csv", "ann,1\ndan,2\n",
          ":2: expected the id of a node in edges.csv, found 'dan' (ids absent from the edge "
          "list are refused: list an isolated node there as a self-loop 'dan,dan')");
  refused("features.csv", "ann,1\nbob,2\n\nann,3\n",
          ":4: expected each node once, found 'ann' again (first on line 1)");
  refused("features.csv", "ann\n", ":1: expected at least 2 fields 'id f0 ...', found 1");
  refused("labels.csv", "id,label\n", ":1: found only a header line ('id,label'), expected rows after it");
  refused("labels.csv", "ann,1\nbob\n",
          ":2: expected 2 fields 'id,label', found 1 (line 1 sets the column count)");
  refused("labels.csv", "ann,1,2\n", ":1: expected 2 fields 'id,label', found 3");
  refused("labels.csv", "ann,1\nbob,cat\n",
          ":2: expected an integer label, found 'cat' (the first label, on line 1, is an "
          "integer, so every label must be one)");
  refused("labels.csv", "ann,-2\n", ":1: expected a label in -1..99999, found -2");
  refused("labels.csv", ",1\n", ":1: expected a node id, found an empty field");
  refused("labels.csv", "ann,-1\nbob,\n", ": expected at least one labelled node, found none");
  refused("labels.csv", "# nothing\n", ": expected rows 'id,label', found none");
  // Two files for one role: which one was meant is not guessed.
  write_bytes(dir + "/labels.csv", "ann,1\n");
  write_bytes(dir + "/labels.txt", "ann,1\n");
  CHECK_THROWS_WITH_AS(read_keyed_folder(dir),
                       (dir + ": expected one labels file, found both labels.csv and labels.txt").c_str(),
                       Error);
}

TEST_CASE("keyed folder: a run clusters by the labels and exports the original ids") {
  const std::string vgrad = vgrad::testing::vgrad_binary();
  REQUIRE_MESSAGE(std::filesystem::exists(vgrad), vgrad, " is missing: run `make` first");
  TempDir d;
  write_folder(d, 40);
  using vgrad::testing::run_binary;
  using vgrad::testing::split_words;
  const auto train = run_binary(vgrad, split_words("train --model gae --epochs 5 --quiet --threads 1 --dataset edgelist:" + (d / "g") + " --out " + (d / "run")), "", d / "capture");
  REQUIRE_MESSAGE(train.code == 0, train.err);
  CHECK(train.out.find("\"clustering\"") != std::string::npos);
  CHECK(train.out.find("\"k\":2") != std::string::npos);
  CHECK(train.out.find("\"scored\":38") != std::string::npos);
  const auto csv = run_binary(vgrad, split_words("export --checkpoint " + (d / "run/checkpoint.ckpt") + " --out " + (d / "z.csv")), "", d / "capture");
  REQUIRE_MESSAGE(csv.code == 0, csv.err);
  const std::string text = vgrad::testing::read_bytes(d / "z.csv");
  CHECK(text.rfind("id,label,z0,", 0) == 0);
  CHECK(text.find("\nnode-7,odd,") != std::string::npos);
  CHECK(text.find("\nnode-10,even,") != std::string::npos);
  CHECK(text.find("\nnode-3,,") != std::string::npos);  // unlabelled: an empty field
}
