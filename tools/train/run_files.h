// What a training run writes: checkpoints that carry everything --resume needs, and the
// per-epoch metrics as JSON lines. Every file is written whole under a temporary name and
// renamed into place.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "datasets/graph.h"
#include "nn/nn.h"

namespace vgrad::tools {

// model.* tensors, optim.* state, the generator, and meta (model, dataset, epoch, ...).
void save_run_checkpoint(const std::string& path, const Module& model, const Optimizer& opt,
                         const Rng& rng, const nlohmann::json& meta, Checkpoint extra = {});
// Loads model, optimizer and generator; returns the meta. Refuses a checkpoint whose
// identity keys (model, dataset, hidden, latent, ...) differ from `expect`'s.
nlohmann::json load_run_checkpoint(const std::string& path, Module& model, Optimizer& opt, Rng& rng,
                                   const nlohmann::json& expect, Checkpoint* all = nullptr);
nlohmann::json read_checkpoint_meta(const Checkpoint& ckpt);
// The file's own node ids, one per line in node order, when the reader renumbered them:
// eval and export check the reloaded graph against them and write them beside embeddings.
Checkpoint node_ids_entry(const Graph& g);

// The run folder of an embedding trained in one go (sc, deepwalk): checkpoint.ckpt (the model,
// `meta` as its run description and the node ids: what eval and export read back),
// metrics.jsonl (`result` without its seed) and embedding.png (the PCA of z by class).
void write_embedding_run(const std::string& out_dir, const Module& model,
                         const nlohmann::json& meta, nlohmann::json result, const Graph& g,
                         const Tensor& z);
// Its checkpoint alone (also what an interrupted DeepWalk keeps).
void save_embedding_checkpoint(const std::string& path, const Module& model,
                               const nlohmann::json& meta, const Graph& g);

void write_jsonl(const std::string& path, const nlohmann::json& lines);
std::string join_path(const std::string& dir, const std::string& name);
void make_dirs(const std::string& dir);  // mkdir -p, with a one-line error

}  // namespace vgrad::tools
