// Edge lists as people have them (graph.h's rules): header, separators, string and sparse ids,
// weights and what they change (A_hat only), and the ids' way back out through `vgrad export`.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/check.h"
#include "datasets/graph.h"
#include "datasets/split.h"
#include "tests/bad_input_util.h"
#include "tests/test_datasets_util.h"

using namespace vgrad;
using vgrad::testing::csr_entry;
using vgrad::testing::TempDir;
using vgrad::testing::write_bytes;

namespace {

// n named nodes on a ring plus chords k -> k + 7: enough edges for a link split.
std::string named_graph(int n, const std::string& header) {
  std::string s = header;
  for (int k = 0; k < n; ++k) {
    s += "node-" + std::to_string(k) + ",node-" + std::to_string((k + 1) % n) + ",1.5\n";
    s += "node-" + std::to_string(k) + ",node-" + std::to_string((k + 7) % n) + ",0.5\n";
  }
  return s;
}

}  // namespace

TEST_CASE("edge list: a CSV with a header, string ids and weights loads") {
  TempDir d;
  const std::string p = d / "g.csv";
  write_bytes(p, "# who knows whom\nsource,target,weight\nbob,alice,2\ncarol,bob,0.5\r\nalice,bob,3\ndave,dave,1\n");
  const Graph g = read_edge_list(p);
  CHECK(g.num_nodes == 4);
  CHECK(g.node_ids == std::vector<std::string>{"alice", "bob", "carol", "dave"});  // sorted
  CHECK(g.edges == std::vector<Edge>{{0, 1}, {1, 2}});
  CHECK(g.edge_weights == std::vector<float>{3.0f, 0.5f});  // bob-alice twice: the larger
  CHECK(g.duplicate_edges_dropped == 1);
  CHECK(g.self_loops_dropped == 1);
  REQUIRE(g.warnings.size() == 2);
  CHECK(g.warnings[1] == p + ": 1 edge(s) given twice (either direction) with different weights: kept the larger");
}

TEST_CASE("edge list: separators, headers by type, sparse and dense integer ids") {
  TempDir d;
  const std::string p = d / "g.txt";
  SUBCASE("tab-separated ids with spaces, forced") {
    write_bytes(p, "new york\tparis\nparis\tsan jose\n");
    const Graph g = read_edge_list(p, "", EdgeListOptions{'\t'});
    CHECK(g.node_ids == std::vector<std::string>{"new york", "paris", "san jose"});
    CHECK(g.edges.size() == 2);
  }
  SUBCASE("tab-separated ids with spaces, detected") {
    write_bytes(p, "new york\tparis\nparis\tsan jose\n");
    CHECK(read_edge_list(p).node_ids.size() == 3);
  }
  SUBCASE("a header found by type: names above integers") {
    write_bytes(p, "person_a person_b\n3 4\n4 5\n");
    const Graph g = read_edge_list(p);
    CHECK(g.num_nodes == 6);  // dense integers: kept as node numbers
    CHECK(g.node_ids.empty());
    CHECK(g.edges.size() == 2);
  }
  SUBCASE("sparse integers: renumbered in numeric order") {
    write_bytes(p, "1000000007 20\n20 900\n");
    const Graph g = read_edge_list(p);
    CHECK(g.num_nodes == 3);
    CHECK(g.node_ids == std::vector<std::string>{"20", "900", "1000000007"});
    CHECK(g.edges == std::vector<Edge>{{0, 1}, {0, 2}});
  }
  SUBCASE("the numbering does not depend on the order of the lines") {
    write_bytes(p, "c,a\nb,c\n");
    const Graph g1 = read_edge_list(p);
    write_bytes(p, "b,c\nc,a\n");
    const Graph g2 = read_edge_list(p);
    CHECK(g1.edges == g2.edges);
    CHECK(g1.node_ids == g2.node_ids);
  }
}

TEST_CASE("edge list: malformed lines are refused with file:line and what was expected") {
  TempDir d;
  const std::string p = d / "g.csv";
  auto refused = [&](const std::string& text, const std::string& msg) {
    write_bytes(p, text);
    CHECK_THROWS_WITH_AS(read_edge_list(p), (p + msg).c_str(), Error);
  };
  refused("source,target,weight\na,b,1\nb,c\n", ":3: expected 3 fields 'u,v,weight', found 2 (line 1, the header, sets the column count)");
  refused("source,target\n", ":1: found only a header line ('source,target'), expected edges after it");
  refused("a,b,1\nb,c,nan\n", ":2: expected a weight that is a finite positive number, found 'nan'");
  refused("a,b,1\nb,c,-0.5\n", ":2: expected a weight that is a finite positive number, found '-0.5'");
  refused("a,b,1\nb,c,1,2\n", ":2: expected 3 fields 'u,v,weight', found 4 (line 1 sets the column count)");
  refused("1,2\n2,x\n", ":2: expected an integer node id, found 'x' (the first edge, on line 1, has integer ids, so every id must be one)");
  refused("", ": empty graph: expected at least one edge between two distinct nodes, found none");
}

TEST_CASE("edge list: weights change A_hat as documented, and nothing else") {
  // Path 0 -1- 1 -1- 2 unweighted; weighted: w01 = 2, w12 = 1. D = 1 + weighted degree.
  const std::vector<Edge> path = {{0, 1}, {1, 2}};
  const std::vector<float> w = {2.0f, 1.0f};
  const CsrPtr plain = normalized_adjacency(3, path);
  const CsrPtr weighted = normalized_adjacency(3, path, &w);
  CHECK(csr_entry(*plain, 0, 1) == doctest::Approx(1 / std::sqrt(2.0 * 3.0)));
  CHECK(csr_entry(*weighted, 0, 1) == doctest::Approx(2 / std::sqrt(3.0 * 4.0)));
  CHECK(csr_entry(*weighted, 1, 0) == csr_entry(*weighted, 0, 1));
  CHECK(csr_entry(*weighted, 0, 0) == doctest::Approx(1 / 3.0));
  CHECK(csr_entry(*weighted, 1, 2) == doctest::Approx(1 / std::sqrt(4.0 * 2.0)));
  CHECK(csr_entry(*weighted, 2, 2) == doctest::Approx(1 / 2.0));
  // Unit weights give exactly the unweighted matrix.
  const std::vector<float> ones = {1.0f, 1.0f};
  CHECK(normalized_adjacency(3, path, &ones)->values() == plain->values());

  // Through a graph: the split (which edges, the negatives, adj_train) is the unweighted one.
  TempDir d;
  write_bytes(d / "g.csv", named_graph(40, "from,to,weight\n"));
  Graph g = read_edge_list(d / "g.csv");
  REQUIRE(g.edge_weights.size() == g.edges.size());
  const LinkSplit ws = mask_test_edges(g, 3);
  Graph unweighted = g;
  unweighted.edge_weights.clear();
  const LinkSplit us = mask_test_edges(unweighted, 3);
  CHECK(ws.train_pos == us.train_pos);
  CHECK(ws.test_neg == us.test_neg);
  CHECK(ws.val_neg == us.val_neg);
  CHECK(ws.adj_train->values() == us.adj_train->values());
  CHECK(ws.adj_norm->col_idx() == us.adj_norm->col_idx());
  CHECK(ws.adj_norm->values() != us.adj_norm->values());
}

TEST_CASE("edge list: string ids travel with the run and come back out of vgrad export") {
  const std::string vgrad = vgrad::testing::vgrad_binary();
  REQUIRE_MESSAGE(std::filesystem::exists(vgrad), vgrad, " is missing: run `make` first");
  TempDir d;
  write_bytes(d / "g.csv", named_graph(40, "source,target,weight\n"));
  using vgrad::testing::run_binary;
  using vgrad::testing::split_words;
  const auto train = run_binary(vgrad, split_words("train --model gae --epochs 2 --quiet --threads 1 --dataset edgelist:" + (d / "g.csv") + " --out " + (d / "run")), "", d / "capture");
  REQUIRE_MESSAGE(train.code == 0, train.err);
  const std::string ckpt = d / "run/checkpoint.ckpt";
  const auto csv = run_binary(vgrad, split_words("export --checkpoint " + ckpt + " --out " + (d / "z.csv")), "", d / "capture");
  REQUIRE_MESSAGE(csv.code == 0, csv.err);
  const std::string text = vgrad::testing::read_bytes(d / "z.csv");
  CHECK(text.rfind("id,label,z0,", 0) == 0);
  CHECK(text.find("\nnode-0,") != std::string::npos);
  CHECK(text.find("\nnode-39,") != std::string::npos);
  const auto npy = run_binary(vgrad, split_words("export --checkpoint " + ckpt + " --out " + (d / "z.npy")), "", d / "capture");
  REQUIRE_MESSAGE(npy.code == 0, npy.err);
  const Graph g = read_edge_list(d / "g.csv");
  std::string ids;
  for (const std::string& id : g.node_ids) ids += id + "\n";
  CHECK(vgrad::testing::read_bytes(d / "z.ids.txt") == ids);
  // The data file renamed a node since training: export refuses rather than mislabel rows.
  write_bytes(d / "g.csv", vgrad::testing::replace_all(named_graph(40, "source,target,weight\n"), "node-5,", "node-x,"));
  const auto stale = run_binary(vgrad, split_words("export --checkpoint " + ckpt + " --out " + (d / "y.csv")), "", d / "capture");
  CHECK(stale.code == 1);
  CHECK(stale.err.find("the dataset's node ids differ from the ones this run was trained on") != std::string::npos);
  CHECK(!std::filesystem::exists(d / "y.csv"));
}
