// GAE/VGAE's sampled decoder: datasets' NegativeSampler draws each epoch's non-edges from the
// run's generator, nn's sampled_inner_product_bce scores them; a resumed run ends where an
// uninterrupted one does, bit for bit.
#include <doctest/doctest.h>

#include "datasets/negatives.h"
#include "datasets/synthetic.h"
#include "models/link_model.h"
#include "nn/inner_product_loss.h"
#include "tests/test_datasets_util.h"
#include "tools/train/train.h"

using namespace vgrad;

TEST_CASE("negatives: excluded in either direction, whatever order, repeats or self-loops") {
  // Every pair of 4 nodes but {1, 3}, given reversed, twice, and with a self-loop: the only
  // pair that can come out is (1, 3) or (3, 1).
  const std::vector<Edge> edges{{0, 1}, {2, 0}, {0, 3}, {1, 2}, {3, 2}, {2, 3}, {1, 0}, {2, 2}};
  NegativeSampler sampler(4, edges);
  Rng rng(3);
  const std::vector<Edge> drawn = sampler.sample(50, 2, rng);
  CHECK(drawn.size() == 100);
  int64_t forward = 0, backward = 0;
  for (auto e : drawn) forward += e == Edge{1, 3}, backward += e == Edge{3, 1};
  CHECK(forward + backward == 100);
  CHECK(forward > 0);  // both orders come out: the draw is of ordered pairs
  CHECK(backward > 0);
  CHECK(sampler.sample(7, 0, rng).empty());
  CHECK_THROWS_WITH_AS(NegativeSampler(4, {{0, 4}}), "NegativeSampler: edge (0, 4) outside 0..3", Error);
  // A self-loop does not count as an edge between two nodes: {0, 1} is still free.
  CHECK(NegativeSampler(2, {{0, 0}, {1, 1}}).sample(1, 1, rng).size() == 1);
  CHECK_THROWS_WITH_AS(NegativeSampler(2, {{0, 1}, {0, 0}}), "NegativeSampler: graph is complete: expected at least one non-edge, found none", Error);
}

TEST_CASE("negatives: drawn in rounds, the pairs and the rng after them are one-at-a-time's") {
  // A dense graph (half of all pairs are edges), so most rounds reject some candidates, and
  // enough draws for the parallel test (kParallelMin); at 1 and 2 threads.
  const int64_t n = 300;
  std::vector<Edge> edges;
  Rng g(4);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j)
      if (g.below(2)) edges.push_back({(int32_t)i, (int32_t)j});
  const EdgeSet excluded = edge_set(edges);
  // The definition: draw (i, j), keep it unless i == j or it is an edge, until enough are kept.
  Rng ref(9);
  std::vector<Edge> want;
  while (want.size() < 40000) {
    const int32_t i = (int32_t)ref.below(n), j = (int32_t)ref.below(n);
    if (i != j && !excluded.count(pair_key(i, j))) want.push_back({i, j});
  }
  const NegativeSampler sampler(n, edges);
  for (int threads : {1, 2}) {
    set_threads(threads);
    Rng rng(9);
    CHECK(sampler.sample(20000, 2, rng) == want);
    Rng after = ref;
    CHECK(rng.below(1000000) == after.below(1000000));
  }
  set_threads(0);
}

TEST_CASE("sampled decoder: the training edges against fresh non-edges from the run's rng") {
  const Graph g = make_sbm(SbmOptions{.num_nodes = 60, .p_in = 0.2, .p_out = 0.02, .seed = 5});
  const LinkSplit split = mask_test_edges(g, 1);
  LinkTargets t = make_link_targets(split, Decoder::sampled);
  t.negatives_per_edge = 3;
  REQUIRE(t.sampler != nullptr);
  std::vector<Edge> sorted = split.train_pos;
  std::sort(sorted.begin(), sorted.end());
  CHECK(t.positives == sorted);
  // Negatives are never a training edge (nor a self-pair); held-out edges may be drawn, as
  // the all-pairs loss counts them as zeros too.
  Rng draw(8);
  const EdgeSet train = edge_set(split.train_pos);
  int64_t bad = 0;
  for (int epoch = 0; epoch < 20; ++epoch)
    for (auto [u, v] : t.sampler->sample((int64_t)t.positives.size(), 3, draw))
      bad += u == v || train.count(pair_key(u, v));
  CHECK(bad == 0);

  Rng zrng(2);
  Tensor z = randn({g.num_nodes, 4}, zrng, 0.5f);
  Rng a(11), b(11);
  const float first = reconstruction_loss(z, t, a).item();
  // What the loss drew is exactly the sampler's draw from the same state, and no more.
  const std::vector<Edge> negatives = t.sampler->sample((int64_t)t.positives.size(), 3, b);
  CHECK(negatives.size() == 3 * t.positives.size());
  CHECK(sampled_inner_product_bce(z, t.positives, negatives).item() == first);
  CHECK(a.below(1000000) == b.below(1000000));
  CHECK(reconstruction_loss(z, t, a).item() != first);  // the next epoch draws anew
}

TEST_CASE("sampled decoder: --resume ends where one run does, bit for bit") {
  auto flags = [](int epochs) {
    tools::TrainFlags f;
    f.model = "vgae";
    f.dataset = "synthetic:nodes=150,classes=3,seed=2";
    f.decoder = "sampled";
    f.negatives = 2;
    f.epochs = epochs;
    f.quiet = true;
    f.threads = 1;
    tools::resolve_defaults(f);
    return f;
  };
  vgrad::testing::TempDir dir;
  const auto whole = tools::run_graph_training(flags(20));
  tools::TrainFlags half = flags(8);
  half.out = dir / "half";
  tools::run_graph_training(half);
  tools::TrainFlags rest = flags(20);
  rest.resume = dir / "half/checkpoint.ckpt";
  const auto resumed = tools::run_graph_training(rest);
  CHECK(resumed["test_auc"] == whole["test_auc"]);  // exact: same bits, not approximately
  CHECK(resumed["test_ap"] == whole["test_ap"]);
  CHECK(whole["test_auc"].get<double>() > 0.6);
}
