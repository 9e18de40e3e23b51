// The model registry is the one list of models: every command accepts exactly its names
// (the real binary's train and reproduce, the run files eval and export read), its defaults
// are what train fills in, --help lists each row, and each row's constructor builds a model.
#include <doctest/doctest.h>

#include <set>

#include "models/registry.h"
#include "tests/bad_input_util.h"
#include "tools/train/flag_names.h"
#include "tools/train/run_files.h"
#include "tools/train/train.h"

using namespace vgrad;
using namespace vgrad::testing;

namespace {

// Names a command must refuse: near misses of real ones and plain strangers.
std::vector<std::string> strangers() {
  std::vector<std::string> out = {"gan", "", "ae,vae"};
  for (const ModelInfo& m : model_registry()) out.push_back(m.name + "x"), out.push_back(" " + m.name);
  out.push_back("GAE");
  return out;
}

Ran vgrad_run(const std::vector<std::string>& args, const TempDir& d) {
  return run_binary(vgrad_binary(), args, "", d / "capture", 60);
}

}  // namespace

TEST_CASE("model registry: names are unique, rows complete, constructors of their kind") {
  REQUIRE(!model_registry().empty());
  std::set<std::string> seen;
  for (const ModelInfo& m : model_registry()) {
    INFO("row ", m.name);
    CHECK(seen.insert(m.name).second);
    CHECK(!m.description.empty());
    CHECK(m.defaults.epochs >= 1);
    CHECK(m.defaults.lr > 0);
    // Graph rows build a LinkModel, image rows an ImageModel; a graph-embedding row may have
    // a LinkModel holder for its checkpoints (sc) or none (its runner's own tables).
    if (m.kind == ModelKind::graph) CHECK(m.make_link != nullptr);
    CHECK((m.kind == ModelKind::image) == (m.make_image != nullptr));
    if (m.kind == ModelKind::image) CHECK(m.defaults.batch > 0);
    if (m.kind == ModelKind::graph) CHECK(m.defaults.batch == 0);
    CHECK(&find_model(m.name) == &m);
  }
  CHECK_THROWS_WITH_AS(find_model("gan"), ("model: expected " + model_names() + ", got 'gan'").c_str(),
                       Error);
  Rng rng(1);
  for (const ModelInfo& m : model_registry()) {
    if (m.kind == ModelKind::graph) {
      CsrPtr a = Csr::identity(5);
      auto model = make_link_model(m.name, a, a, {.hidden = 4, .latent = 2}, rng);
      CHECK(model->kind() == m.name);
      CHECK(model->embed().cols() == 2);
      CHECK_THROWS_AS(make_image_model(m.name, 784, {.hidden = 4, .latent = 2}, rng), Error);
    } else if (m.kind == ModelKind::image) {
      auto model = make_image_model(m.name, 784, {.hidden = 4, .latent = 2}, rng);
      CHECK(model->kind() == m.name);
      CHECK_THROWS_AS(make_link_model(m.name, Csr::identity(5), Csr::identity(5), {}, rng), Error);
    }
  }
}

TEST_CASE("model registry: train fills each row's defaults and accepts exactly its decoders") {
  for (const ModelInfo& m : model_registry()) {
    // Graph-embedding rows resolve their own flags (sc has no epochs or lr to fill).
    if (m.kind == ModelKind::graph_embedding) continue;
    INFO("row ", m.name);
    tools::TrainFlags f;
    f.model = m.name;
    tools::resolve_defaults(f);
    CHECK(f.epochs == m.defaults.epochs);
    CHECK(f.lr == m.defaults.lr);
    CHECK(f.hidden == m.defaults.hidden);
    CHECK(f.latent == m.defaults.latent);
    CHECK(f.batch == m.defaults.batch);
    CHECK(f.decoder == (m.decoders.empty() ? "" : m.decoders.front()));
    for (const std::string& d : decoder_names()) {
      tools::TrainFlags g;
      g.model = m.name;
      g.decoder = d;
      const bool accepted = std::find(m.decoders.begin(), m.decoders.end(), d) != m.decoders.end();
      if (accepted)
        CHECK_NOTHROW(tools::resolve_defaults(g));
      else
        CHECK_THROWS_AS(tools::resolve_defaults(g), Error);
    }
  }
  for (size_t i = 0; i < decoder_names().size(); ++i)
    CHECK(parse_decoder(decoder_names()[i]) == (Decoder)i);
  CHECK_THROWS_WITH_AS(parse_decoder("bogus"), "decoder: expected fused, dense or sampled, got 'bogus'",
                       Error);
}

TEST_CASE("model registry: vgrad train, reproduce and the run files accept exactly its names") {
  REQUIRE_MESSAGE(std::filesystem::exists(vgrad_binary()), "run `make` first");
  TempDir d;
  // --threads -1 is checked after --model: a model name accepted reaches that check.
  for (const ModelInfo& m : model_registry()) {
    const Ran r = vgrad_run({"train", "--model", m.name, "--threads", "-1"}, d);
    INFO("train --model ", m.name, ": ", r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("--threads: expected") != std::string::npos);
  }
  for (const std::string& name : strangers()) {
    const Ran r = vgrad_run({"train", "--model", name, "--threads", "-1"}, d);
    INFO("train --model '", name, "': ", r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("--model: expected " + model_names() + ", got '" + name + "'") !=
          std::string::npos);
  }
  // --help lists every row with its line.
  const Ran help = vgrad_run({"train", "--help"}, d);
  CHECK(help.code == 0);
  for (const ModelInfo& m : model_registry()) {
    CHECK_MESSAGE(help.out.find(m.name) != std::string::npos, m.name);
    CHECK_MESSAGE(help.out.find(m.description) != std::string::npos, m.description);
  }
  // reproduce --methods: every link-prediction row is a method of Table 1 (the image rows are
  // not); --seeds 0 is checked after the names.
  for (const ModelInfo& m : model_registry()) {
    const Ran r = vgrad_run({"reproduce", "--methods", m.name, "--seeds", "0"}, d);
    INFO("reproduce --methods ", m.name, ": ", r.err);
    CHECK(r.code == 2);
    const bool graph = m.kind != ModelKind::image;
    CHECK(r.err.find(graph ? "--seeds: expected" : "--methods: unknown name") != std::string::npos);
  }
  for (const std::string& name : strangers()) {
    if (name.empty() || name.find(',') != std::string::npos) continue;  // the list's own syntax
    const Ran r = vgrad_run({"reproduce", "--methods", name, "--seeds", "0"}, d);
    INFO("reproduce --methods '", name, "': ", r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find("--methods: unknown name") != std::string::npos);
  }
  // eval, export and --resume read the model from the checkpoint's run description.
  auto meta_with = [](const std::string& model) {
    Checkpoint c;
    c.set("run", nlohmann::json({{"model", model}, {"dataset", "cora"}, {"seed", 1}, {"hidden", 8}, {"latent", 4}, {"epoch", 1}})
                     .dump());
    return c;
  };
  for (const ModelInfo& m : model_registry())
    CHECK_NOTHROW(tools::read_checkpoint_meta(meta_with(m.name)));
  for (const std::string& name : strangers())
    CHECK_THROWS_WITH_AS(tools::read_checkpoint_meta(meta_with(name)),
                         doctest::Contains(("'model' should be " + model_names()).c_str()), Error);
}

TEST_CASE("flag names: the library's parameters become the command line's flags") {
  CHECK(tools::with_flag_names("decoder: expected fused, got 'x'") == "--decoder: expected fused, got 'x'");
  CHECK(tools::with_flag_names("model: expected ae, got 'x'") == "--model: expected ae, got 'x'");
  CHECK(tools::with_flag_names("training diverged: the loss is NaN at epoch 3 (try a smaller lr)") ==
        "training diverged: the loss is NaN at epoch 3 (try a smaller --lr)");
  CHECK(tools::with_flag_names("data/x.txt:3: expected an integer") == "data/x.txt:3: expected an integer");
  CHECK(tools::with_flag_names("decoders: x") == "decoders: x");  // a whole word only
}
