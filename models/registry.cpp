#include "models/registry.h"

#include "models/ae.h"
#include "models/deepwalk.h"
#include "models/encoder.h"
#include "models/spectral.h"
#include "models/vae.h"
#include "models/vgae.h"

namespace vgrad {
namespace {

template <typename M>
MakeLinkModel link_constructor() {
  return [](CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config, Rng& rng) {
    return std::unique_ptr<LinkModel>(
        std::make_unique<M>(std::move(a_hat), std::move(features), config, rng));
  };
}

template <typename M>
MakeImageModel image_constructor() {
  return [](int64_t pixels, const ImageModelConfig& config, Rng& rng) {
    return std::unique_ptr<ImageModel>(std::make_unique<M>(pixels, config, rng));
  };
}

// The reference settings: tkipf/gae (200 epochs of full-graph Adam at 0.01, hidden1 32,
// hidden2 16) and the PyTorch VAE example (10 epochs, batch 128, Adam 1e-3, 784-400-20).
constexpr ModelDefaults kGaeReference{.epochs = 200, .lr = 0.01, .hidden = 32, .latent = 16};
constexpr ModelDefaults kMnistReference{
    .epochs = 10, .lr = 1e-3, .hidden = 400, .latent = 20, .batch = 128};

std::vector<ModelInfo> make_rows() {
  return {
      {.name = "ae",
       .kind = ModelKind::image,
       .description = "autoencoder 784-400-Z-400-784, Bernoulli cross-entropy",
       .defaults = kMnistReference,
       .make_image = image_constructor<Ae>()},
      {.name = "vae",
       .kind = ModelKind::image,
       .description = "variational autoencoder (Kingma & Welling), negative ELBO",
       .defaults = kMnistReference,
       .make_image = image_constructor<Vae>()},
      {.name = "gae",
       .kind = ModelKind::graph,
       .description = "graph autoencoder: 2-layer GCN, inner-product decoder (Kipf & Welling)",
       .defaults = kGaeReference,
       .decoders = decoder_names(),
       .encoders = encoder_names(),
       .make_link = link_constructor<Gae>()},
      {.name = "vgae",
       .kind = ModelKind::graph,
       .description = "variational graph autoencoder: GCN mu and log sigma heads, KL term",
       .defaults = kGaeReference,
       .decoders = decoder_names(),
       .encoders = encoder_names(),
       .latent_heads = 2,
       .make_link = link_constructor<Vgae>()},
      // Fitted by its eigensolver (tools/train/train_embedding.cpp), not by gradient steps;
      // make_link rebuilds the holder a checkpoint's embedding is loaded into.
      {.name = "sc",
       .kind = ModelKind::graph_embedding,
       .description = "spectral embedding of the training graph (Table 1's SC baseline)",
       .defaults = {.epochs = 1, .lr = 0.01, .hidden = 0, .latent = 128},
       .make_link =
           [](CsrPtr a_hat, CsrPtr, const GraphModelConfig& config, Rng&) {
    return std::unique_ptr<LinkModel>(
        std::make_unique<SpectralModel>(a_hat->rows(), config.latent));
       }},
      // Trained by its own runner (tools/train/train_deepwalk.cpp): walks, then skip-gram
      // steps on two Embedding tables with row-sparse gradients. lr 0.001 was chosen on the
      // validation edges of all three datasets (README, DeepWalk).
      {.name = "deepwalk",
       .kind = ModelKind::graph_embedding,
       .description = "DeepWalk: random walks on the training graph, skip-gram (Table 1's DW)",
       .defaults = {.epochs = 1, .lr = 0.001, .hidden = 32, .latent = 128, .batch = 50},
       .make_link =
           [](CsrPtr a_hat, CsrPtr, const GraphModelConfig& config, Rng& rng) {
    return std::unique_ptr<LinkModel>(
        std::make_unique<DeepWalk>(a_hat->rows(), DeepWalkConfig{.latent = config.latent}, rng));
       }},
      };
}

// "a", "a and b", "a, b and c"
std::string join_and(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

// "a", "a or b", "a, b or c"
std::string join_choices(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}

}  // namespace

const char* kind_name(ModelKind kind) {
  switch (kind) {
    case ModelKind::graph: return "graph";
    case ModelKind::image: return "image";
    case ModelKind::graph_embedding: return "graph-embedding";
  }
  return "?";
}

const std::vector<ModelInfo>& model_registry() {
  static const std::vector<ModelInfo> rows = make_rows();
  return rows;
}

const ModelInfo* find_model_or_null(const std::string& name) {
  for (const ModelInfo& m : model_registry())
    if (m.name == name) return &m;
  return nullptr;
}

const ModelInfo& find_model(const std::string& name) {
  const ModelInfo* m = find_model_or_null(name);
  check(m != nullptr, "model: expected ", model_names(), ", got '", name, "'");
  return *m;
}

std::string model_names_where(const std::function<bool(const ModelInfo&)>& keep) {
  std::vector<std::string> names;
  for (const ModelInfo& m : model_registry())
    if (keep(m)) names.push_back(m.name);
  return join_and(names);
}

std::string model_names() {
  std::vector<std::string> names;
  for (const ModelInfo& m : model_registry()) names.push_back(m.name);
  return join_choices(names);
}

std::string model_names(ModelKind kind) {
  std::vector<std::string> names;
  for (const ModelInfo& m : model_registry())
    if (m.kind == kind) names.push_back(m.name);
  return join_choices(names);
}

void check_choice(const std::string& what, const std::string& value,
                  const std::vector<std::string>& choices) {
  for (const std::string& c : choices)
    if (c == value) return;
  fail(what, ": expected ", join_choices(choices), ", got '", value, "'");
}

std::unique_ptr<LinkModel> make_link_model(const std::string& name, CsrPtr a_hat, CsrPtr features,
                                           const GraphModelConfig& config, Rng& rng) {
  const ModelInfo& m = find_model(name);
  check(m.make_link != nullptr, "model: ", name, " is not a graph autoencoder (expected ",
        model_names(ModelKind::graph), ")");
  return m.make_link(std::move(a_hat), std::move(features), config, rng);
}

std::unique_ptr<ImageModel> make_image_model(const std::string& name, int64_t pixels,
                                             const ImageModelConfig& config, Rng& rng) {
  const ModelInfo& m = find_model(name);
  check(m.make_image != nullptr, "model: ", name, " is not an image model (expected ",
        model_names(ModelKind::image), ")");
  return m.make_image(pixels, config, rng);
}

}  // namespace vgrad
