// DeepWalk: the Huffman tree, the walks (never across a held-out edge), and the trained
// embedding (two cliques come apart; the same seed gives the same bits).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "datasets/split.h"
#include "datasets/synthetic.h"
#include "models/deepwalk.h"
#include "models/huffman.h"
#include "models/link_training.h"
#include "tests/bad_input_util.h"
#include "tools/train/train.h"

using namespace vgrad;

namespace {

// Two k-cliques, nodes 0..k-1 and k..2k-1, joined by the one edge (k-1, k).
std::vector<Edge> two_cliques(int32_t k) {
  std::vector<Edge> e;
  for (int32_t base : {0, k})
    for (int32_t i = 0; i < k; ++i)
      for (int32_t j = i + 1; j < k; ++j) e.push_back({base + i, base + j});
  e.push_back({k - 1, k});
  return e;
}

DeepWalkConfig small_config() {
  DeepWalkConfig c;
  c.walks_per_node = 10;
  c.walk_length = 20;
  c.window = 4;
  c.latent = 16;
  c.epochs = 2;
  c.lr = 0.01;  // a 16-node graph in two short passes needs larger steps than the default
  return c;
}

}  // namespace

TEST_CASE("huffman_tree: a prefix code, frequent nodes nearer the root, word2vec's signs") {
  const HuffmanTree t = huffman_tree({40, 1, 7, 7, 2, 90});
  REQUIRE(t.inner_nodes() == 5);
  double kraft = 0;
  for (int64_t v = 0; v < 6; ++v) {
    const int64_t len = t.path_start[v + 1] - t.path_start[v];
    kraft += std::ldexp(1.0, (int)-len);
    CHECK(t.inner[t.path_start[v]] == 4);  // every path starts at the root, inner node N - 2
  }
  CHECK(kraft == doctest::Approx(1.0));  // a full binary tree: the lengths are a complete code
  auto len = [&](int v) { return t.path_start[v + 1] - t.path_start[v]; };
  CHECK(len(5) == 1);
  CHECK(len(1) >= len(0));
  // Distinct leaves have distinct (inner, sign) sequences.
  for (int a = 0; a < 6; ++a)
    for (int b = a + 1; b < 6; ++b) {
      bool differ = len(a) != len(b);
      for (int64_t k = 0; !differ && k < len(a); ++k)
        differ = t.sign[t.path_start[a] + k] != t.sign[t.path_start[b] + k];
      CHECK(differ);
    }
}

TEST_CASE("random_walks: never cross a validation or test edge; same seed, same walks, any thread count") {
  const Graph g = make_sbm({.num_nodes = 200, .p_in = 0.08, .p_out = 0.01, .seed = 3});
  const LinkSplit split = mask_test_edges(g, 7);
  const EdgeSet train = edge_set(split.train_pos);
  EdgeSet held_out = edge_set(split.val_pos);
  for (const Edge& e : split.test_pos) held_out.insert(pair_key(e.first, e.second));
  set_threads(2);
  const Walks walks = random_walks(*split.adj_train, 10, 40, 11);
  int64_t steps = 0;
  for (int64_t w = 0; w < walks.count(); ++w)
    for (int64_t k = walks.start[w] + 1; k < walks.start[w + 1]; ++k) {
      const uint64_t key = pair_key(walks.nodes[k - 1], walks.nodes[k]);
      CHECK(held_out.count(key) == 0);
      CHECK(train.count(key) == 1);
      steps++;
    }
  CHECK(steps > 10 * 200 * 30);  // the walks do walk (dead ends only at isolated nodes)
  CHECK(walks.count() == 2000);
  set_threads(1);
  const Walks again = random_walks(*split.adj_train, 10, 40, 11);
  set_threads(0);
  CHECK(again.nodes == walks.nodes);
  CHECK(again.start == walks.start);
  CHECK(random_walks(*split.adj_train, 10, 40, 12).nodes != walks.nodes);
}

TEST_CASE("deepwalk: separates two cliques joined by one edge, with either objective") {
  const CsrPtr adj = adjacency(16, two_cliques(8));
  for (const char* objective : {"hs", "neg"}) {
    CAPTURE(objective);
    DeepWalkConfig c = small_config();
    c.objective = parse_skipgram_objective(objective);
    Rng rng(1);
    DeepWalk model(16, c, rng);
    train_deepwalk(model, *adj, c, 1, "two cliques");
    std::vector<Edge> inside, across;
    for (int32_t i = 0; i < 16; ++i)
      for (int32_t j = i + 1; j < 16; ++j) ((i < 8) == (j < 8) ? inside : across).push_back({i, j});
    const LinkScores s = score_links(model.embed(), inside, across);
    CHECK(s.auc > 0.97);
  }
}

TEST_CASE("deepwalk: a training graph with no edges is refused, naming its source") {
  const CsrPtr empty = adjacency(5, {});
  DeepWalkConfig c = small_config();
  Rng rng(1);
  DeepWalk model(5, c, rng);
  CHECK_THROWS_WITH_AS(train_deepwalk(model, *empty, c, 1, "graphs/lonely.txt"),
                       "graphs/lonely.txt: the training graph has no edges: DeepWalk's walks need some",
                       Error);
}

TEST_CASE("deepwalk: the same seed and thread count give the same bits") {
  const Graph g = make_sbm({.num_nodes = 120, .p_in = 0.1, .p_out = 0.01, .seed = 5});
  const CsrPtr adj = adjacency(g.num_nodes, g.edges);
  auto run = [&](uint64_t seed, const char* optimizer) {
    DeepWalkConfig c = small_config();
    c.optimizer = optimizer;
    c.lr = optimizer[0] == 'a' ? 0.01 : 0.025;
    Rng rng(seed);
    DeepWalk model(g.num_nodes, c, rng);
    train_deepwalk(model, *adj, c, seed, "sbm");
    return model.embed().to_vector();
  };
  set_threads(2);
  for (const char* opt : {"sgd", "adam"}) {
    CAPTURE(opt);
    const std::vector<float> a = run(4, opt), b = run(4, opt), other = run(5, opt);
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
    CHECK(a != other);
  }
  set_threads(0);
}

TEST_CASE("deepwalk: 1 and 2 threads give the same bits, with either objective") {
  // At 2 threads the batches are made ahead on a thread of their own and the steps run on the
  // other; the terms, their order and every sum must not depend on that.
  const Graph g = make_sbm({.num_nodes = 150, .p_in = 0.1, .p_out = 0.01, .seed = 6});
  const CsrPtr adj = adjacency(g.num_nodes, g.edges);
  for (const char* objective : {"hs", "neg"}) {
    CAPTURE(objective);
    auto run = [&](int threads) {
      set_threads(threads);
      DeepWalkConfig c = small_config();
      c.objective = parse_skipgram_objective(objective);
      c.batch = 7;  // groups of one and of several centres
      Rng rng(3);
      DeepWalk model(g.num_nodes, c, rng);
      const DeepWalkStats stats = train_deepwalk(model, *adj, c, 3, "sbm");
      std::vector<float> out = model.embed().to_vector();
      const std::vector<float> ctx = model.context().table().to_vector();
      out.insert(out.end(), ctx.begin(), ctx.end());
      out.push_back((float)stats.mean_loss), out.push_back((float)stats.dot_products);
      return out;
    };
    const std::vector<float> one = run(1), two = run(2);
    set_threads(0);
    REQUIRE(one.size() == two.size());
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
  }
}

TEST_CASE("train --model deepwalk: GAE's JSON fields, per seed and as mean/std") {
  tools::TrainFlags f;
  f.model = "deepwalk";
  f.dataset = "synthetic:nodes=150,classes=3,seed=2";
  f.quiet = true;
  f.threads = 1;
  f.seeds = 2;
  f.walks_per_node = 4;
  f.walk_length = 20;
  f.latent = 16;
  tools::resolve_defaults(f);
  CHECK(f.epochs == 1);
  CHECK(f.lr == 0.001);  // chosen on the validation edges (README)
  CHECK(f.optimizer == "adam");
  const nlohmann::json r = tools::run_deepwalk_training(f);
  for (const char* key : {"test_auc", "test_ap", "val_auc", "val_ap", "seconds", "sec_per_epoch"}) {
    CAPTURE(key);
    CHECK(r.contains(key));
    CHECK(r.contains(std::string(key) + "_std"));
  }
  REQUIRE(r["runs"].size() == 2);
  CHECK(r["runs"][0]["test_auc"].get<double>() > 0.55);  // 150 nodes, 4 short walks each
  CHECK(r["runs"][1]["seed"].get<uint64_t>() == 43);
}

TEST_CASE("train --model deepwalk --out: vgrad eval and export read the checkpoint as sc's") {
  vgrad::testing::TempDir dir;
  tools::TrainFlags f;
  f.model = "deepwalk";
  f.dataset = "synthetic:nodes=150,classes=3,seed=2";
  f.quiet = true;
  f.threads = 1;
  f.walks_per_node = 2;
  f.walk_length = 20;
  f.latent = 16;
  f.out = dir / "dw";
  tools::resolve_defaults(f);
  const nlohmann::json trained = tools::run_deepwalk_training(f);
  for (const char* file : {"metrics.jsonl", "checkpoint.ckpt", "embedding.png"})
    CHECK_MESSAGE(std::filesystem::exists(dir / "dw/" + file), file);
  const std::string ckpt = dir / "dw/checkpoint.ckpt";
  using vgrad::testing::Ran, vgrad::testing::run_binary, vgrad::testing::vgrad_binary;
  const Ran eval = run_binary(vgrad_binary(), {"eval", "--checkpoint", ckpt}, "", dir / "eval");
  INFO(eval.err);
  REQUIRE(eval.code == 0);
  const nlohmann::json scored = nlohmann::json::parse(eval.out);
  CHECK(scored["model"] == "deepwalk");
  CHECK(scored["test_auc"].get<double>() == trained["test_auc"].get<double>());  // same bits
  const std::string csv = dir / "z.csv";
  const Ran exported =
      run_binary(vgrad_binary(), {"export", "--checkpoint", ckpt, "--out", csv}, "", dir / "export");
  INFO(exported.err);
  REQUIRE(exported.code == 0);
  const nlohmann::json shape = nlohmann::json::parse(exported.out);
  CHECK(shape["rows"] == 150);
  CHECK(shape["cols"] == 16);
}
