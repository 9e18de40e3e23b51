// --encoder for GAE and VGAE: gcn is today's model bit for bit; every encoder trains on a
// block graph from the training adjacency only.
#include <doctest/doctest.h>

#include "datasets/synthetic.h"
#include "models/link_training.h"
#include "models/registry.h"

using namespace vgrad;

namespace {

Graph eight_blocks() {
  SbmOptions o;
  o.num_nodes = 160;
  o.num_classes = 8;
  o.p_in = 0.7 / 20.0 * 8;
  o.p_out = 0.002;
  o.num_features = 64;
  o.seed = 3;
  return make_sbm(o);
}

}  // namespace

TEST_CASE("encoders: gcn is the GraphConv model built by hand, bit for bit (GAE and VGAE)") {
  const Graph g = eight_blocks();
  const LinkSplit split = mask_test_edges(g, 3);
  const CsrPtr x = g.features_or_identity();
  for (const std::string kind : {"gae", "vgae"}) {
    Rng rng(5), by_hand(5);
    auto model = make_link_model(kind, split.adj_norm, x, {.hidden = 32, .latent = 16}, rng);  // gcn by default
    // Today's construction: gc1, then gc2 (GAE) or gc_mu and gc_log_std (VGAE), one generator.
    GraphConv gc1(split.adj_norm, x->cols(), 32, by_hand), gc2(split.adj_norm, 32, 16, by_hand);
    model->eval();
    const auto z = model->embed().to_vector();
    const auto want = gc2.forward(relu(gc1.forward(x))).to_vector();
    CHECK(z == want);
    CHECK(model->parameter(kind == "gae" ? "gc2.weight" : "gc_mu.weight").to_vector() ==
          gc2.weight().to_vector());
    CHECK(model->parameters().size() == (kind == "gae" ? 2u : 3u));
  }
}

TEST_CASE("encoders: gat, sage and gin train GAE and VGAE to predict links on block graphs") {
  const Graph g = eight_blocks();
  const LinkSplit split = mask_test_edges(g, 3);
  const LinkTargets targets = make_link_targets(split, Decoder::fused);
  for (const std::string encoder : {"gat", "sage", "gin"})
    for (const std::string kind : {"gae", "vgae"}) {
      Rng rng(11);
      GraphModelConfig config{.hidden = 32, .latent = 16, .encoder = encoder, .heads = 4};
      auto model = make_link_model(kind, split.adj_norm, g.features_or_identity(), config, rng);
      Adam opt(model->parameters(), {.lr = 0.01});
      LinkRun run{*model, opt, rng, split, targets};
      std::vector<double> losses;
      train_link(run, 1, 60, 0, [&](const EpochLog& e) { losses.push_back(e.loss); });
      INFO(kind, " with the ", encoder, " encoder");
      CHECK(losses.back() < 0.8 * losses.front());
      CHECK(evaluate_links(*model, split.test_pos, split.test_neg).auc > 0.85);
    }
  Rng rng(1);
  CHECK_THROWS_WITH_AS(make_link_model("gae", split.adj_norm, g.features_or_identity(),
                                       {.encoder = "gcnn"}, rng),
                       "unknown encoder 'gcnn' (expected gcn, gat, sage or gin)", Error);
  CHECK_THROWS_WITH_AS(make_link_model("gae", split.adj_norm, g.features_or_identity(),
                                       {.hidden = 30, .encoder = "gat", .heads = 8}, rng),
                       "gat encoder: the hidden width 30 does not split into 8 heads", Error);
  for (const auto& [spec, message] : std::vector<std::pair<std::string, std::string>>{
           {"gin:eps=-1", "eps must be learn or a number above -1, got '-1'"},
           {"gin:aggr=max", "aggr must be sum or mean, got 'max'"},
           {"gin:mlp=3", "mlp must be 1 or 2, got '3'"},
           {"gin:depth=1", "unknown option 'depth' (expected eps, aggr or mlp)"},
           {"gin:mean", "expected key=value, got 'mean'"},
           {"sage:aggr=mean", "only gin takes options"}})
    CHECK_THROWS_WITH_AS(make_link_model("gae", split.adj_norm, g.features_or_identity(),
                                         {.encoder = spec}, rng),
                         doctest::Contains(message.c_str()), Error);
}

TEST_CASE("--encoder gin options: the spec reaches GINConv") {
  CHECK(encoder_name("gin:eps=0,aggr=mean") == "gin");
  const GINOptions plain = gin_options("gin");
  CHECK((plain.learn_eps && plain.eps == 0.0f && !plain.mean && plain.mlp_layers == 2));
  const GINOptions o = gin_options("gin:eps=0.5,aggr=mean,mlp=1");
  CHECK((!o.learn_eps && o.eps == 0.5f && o.mean && o.mlp_layers == 1));
  CHECK(gin_options("gin:eps=learn").learn_eps);
}
