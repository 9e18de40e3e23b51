// Every model's facts in one table: its name, what it trains on, its reference settings, the
// decoders and encoders it accepts, how to build it, and a line for --help. `vgrad train`'s
// checks and help, the run files, the memory estimate, eval and export all read this table,
// so adding a model is its files under models/ plus one row in models/registry.cpp.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/gae.h"
#include "models/image_model.h"

namespace vgrad {

// graph: a LinkModel trained by gradient on a link split (the link runner drives it).
// image: an ImageModel trained on minibatches of images.
// graph_embedding: node embeddings fitted on the training graph by its own method (spectral,
//   random walks), scored on the same link split; its runner is the model's own.
enum class ModelKind { graph, image, graph_embedding };
const char* kind_name(ModelKind kind);  // "graph", "image", "graph-embedding"

// The reference settings `vgrad train` uses when a flag is not given.
struct ModelDefaults {
  int epochs = 1;
  double lr = 0.01;
  int64_t hidden = 32, latent = 16;
  int64_t batch = 0;  // minibatch size; 0: the model trains on the whole graph at once
};

using MakeLinkModel = std::function<std::unique_ptr<LinkModel>(
    CsrPtr a_hat, CsrPtr features, const GraphModelConfig& config, Rng& rng)>;
using MakeImageModel = std::function<std::unique_ptr<ImageModel>(
    int64_t pixels, const ImageModelConfig& config, Rng& rng)>;

struct ModelInfo {
  std::string name;  // as --model spells it
  ModelKind kind;
  std::string description;  // one line for --help
  ModelDefaults defaults;
  // Accepted values of the decoder and encoder choices, the default first; empty: the model
  // has no such choice.
  std::vector<std::string> decoders = {}, encoders = {};
  // How many H x Z weight matrices follow the first layer (VGAE: mu and log sigma), for the
  // memory estimate.
  int latent_heads = 1;
  // The constructor of its kind (graph: make_link, image: make_image; a graph-embedding
  // runner builds its method itself).
  MakeLinkModel make_link = nullptr;
  MakeImageModel make_image = nullptr;
};

// Every row, in the order --help lists them.
const std::vector<ModelInfo>& model_registry();
// The row named NAME; throws "model: expected ae, vae, gae or vgae, got 'NAME'".
const ModelInfo& find_model(const std::string& name);
const ModelInfo* find_model_or_null(const std::string& name);
// "ae, vae, gae or vgae": the names of every row (of one kind with the overload).
std::string model_names();
std::string model_names(ModelKind kind);
// The names of the rows for which `keep` holds, joined by "and" ("gae and vgae").
std::string model_names_where(const std::function<bool(const ModelInfo&)>& keep);
// Throws "NAME: expected A, B or C, got 'VALUE'" unless VALUE is one of `choices`.
void check_choice(const std::string& what, const std::string& value,
                  const std::vector<std::string>& choices);

std::unique_ptr<LinkModel> make_link_model(const std::string& name, CsrPtr a_hat, CsrPtr features,
                                           const GraphModelConfig& config, Rng& rng);
std::unique_ptr<ImageModel> make_image_model(const std::string& name, int64_t pixels,
                                             const ImageModelConfig& config, Rng& rng);

}  // namespace vgrad
