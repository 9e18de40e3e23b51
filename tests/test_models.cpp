#include <doctest/doctest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "datasets/synthetic.h"
#include "models/image_training.h"
#include "models/link_training.h"
#include "models/registry.h"
#include "models/vgae.h"
#include "tests/test_image_util.h"

using namespace vgrad;

namespace {

const GraphModelConfig kPaperSizes{.hidden = 32, .latent = 16};

// A stochastic block model. With B blocks, a model that knows only the blocks ranks a random
// non-edge below an edge unless both fall in one block (chance 1/B): the AUC bound is about
// 1 - 1/(2B) (0.75 for two blocks, 0.94 for eight).
Graph blocks(int b, uint64_t seed) {
  SbmOptions o;
  o.num_nodes = 160;
  o.num_classes = b;
  o.p_in = 0.7 / (160.0 / b) * 8;  // about 8 neighbours inside the block
  o.p_out = 0.002;
  o.num_features = 8 * b;
  o.seed = seed;
  return make_sbm(o);
}

// Fake "images": 64 rows of 784 pixels, two prototypes plus noise, values in [0, 1].
ImageSet tiny_images(Rng& rng) {
  ImageSet s;
  s.rows = s.cols = 28;
  s.images = Tensor::empty({64, 784});
  for (int64_t i = 0; i < 64; ++i) {
    s.labels.push_back((uint8_t)(i % 2));
    for (int64_t p = 0; p < 784; ++p) {
      const float proto = ((p / 28 < 14) == (i % 2 == 0)) ? 0.9f : 0.1f;
      s.images.at(i * 784 + p) = std::clamp(proto + 0.05f * rng.normal(), 0.0f, 1.0f);
    }
  }
  return s;
}

}  // namespace

TEST_CASE("models: GAE and VGAE losses fall and they predict links on block graphs") {
  for (int b : {2, 8}) {
    const Graph g = blocks(b, 3);
    const LinkSplit split = mask_test_edges(g, 3);
    const LinkTargets targets = make_link_targets(split, Decoder::fused);
    for (const std::string kind : {"gae", "vgae"}) {
      Rng rng(11);
      auto model = make_link_model(kind, split.adj_norm, g.features_or_identity(), kPaperSizes, rng);
      Adam opt(model->parameters(), {.lr = 0.01});
      LinkRun run{*model, opt, rng, split, targets};
      std::vector<double> losses;
      train_link(run, 1, 150, 0, [&](const EpochLog& e) { losses.push_back(e.loss); });
      INFO(kind, " on ", b, " blocks");
      CHECK(losses.back() < 0.8 * losses.front());
      const LinkScores test = evaluate_links(*model, split.test_pos, split.test_neg);
      // Chance is 0.5; the bound above is 0.75 (2 blocks) and 0.94 (8 blocks).
      CHECK(test.auc > (b == 2 ? 0.6 : 0.85));
      CHECK(test.ap > (b == 2 ? 0.55 : 0.8));
    }
  }
}

TEST_CASE("models: VGAE's whole loss passes gradcheck on a tiny graph") {
  SbmOptions o;
  o.num_nodes = 12;
  o.num_classes = 2;
  o.p_in = 0.5;
  o.p_out = 0.1;
  o.num_features = 6;
  o.features_per_node = 2;
  o.seed = 5;
  const Graph g = make_sbm(o);
  const LinkSplit split = mask_test_edges(g, 5);
  const LinkTargets targets = make_link_targets(split, Decoder::fused);
  Rng rng(2);
  Vgae model(split.adj_norm, g.features_or_identity(), {.hidden = 4, .latent = 3}, rng);
  std::vector<Tensor> params = model.parameters();
  // The same noise on every evaluation: a fresh generator per call.
  auto r = gradcheck([&] { Rng noise(9); return model.loss(targets, noise); }, params);
  INFO(r.worst);
  CHECK(r.ok);
}

TEST_CASE("models: the fused, dense and sampled decoders train to similar AUC") {
  const Graph g = blocks(4, 4);
  const LinkSplit split = mask_test_edges(g, 4);
  double aucs[3];
  int k = 0;
  for (Decoder d : {Decoder::fused, Decoder::dense, Decoder::sampled}) {
    LinkTargets targets = make_link_targets(split, d);
    Rng rng(1);
    auto model = make_link_model("gae", split.adj_norm, g.features_or_identity(), kPaperSizes, rng);
    Adam opt(model->parameters(), {.lr = 0.01});
    LinkRun run{*model, opt, rng, split, targets};
    train_link(run, 1, 60, 0, {});
    aucs[k++] = evaluate_links(*model, split.test_pos, split.test_neg).auc;
  }
  CHECK(aucs[0] == doctest::Approx(aucs[1]).epsilon(1e-3));  // the same loss, up to rounding
  CHECK(aucs[2] > 0.75);
}

TEST_CASE("models: AE and VAE losses fall on a fixed mini-batch set") {
  Rng data_rng(3);
  const ImageSet images = tiny_images(data_rng);
  for (const std::string kind : {"ae", "vae"}) {
    const auto [model, per_sample] = testing::train_images(kind, images, {.hidden = 32, .latent = 4});
    INFO(kind, ": first ", per_sample.front(), " last ", per_sample.back());
    CHECK(per_sample.back() < 0.7 * per_sample.front());
    Rng eval_rng(1);
    CHECK(std::isfinite(evaluate_images(*model, images, 10, eval_rng)));
  }
}

TEST_CASE("models: a non-finite loss stops training with the epoch named") {
  const Graph g = blocks(2, 6);
  const LinkSplit split = mask_test_edges(g, 6);
  const LinkTargets targets = make_link_targets(split, Decoder::fused);
  Rng rng(1);
  auto model = make_link_model("gae", split.adj_norm, g.features_or_identity(), kPaperSizes, rng);
  Adam opt(model->parameters(), {.lr = 0.01});
  LinkRun run{*model, opt, rng, split, targets};
  train_link(run, 1, 2, 0, {});
  model->parameter("gc1.weight").at(0) = NAN;  // poison one weight after epoch 2
  CHECK_THROWS_WITH_AS(train_link(run, 3, 5, 0, {}),
                       "training diverged: the loss is NaN at epoch 3 (try a smaller lr)", Error);
}
