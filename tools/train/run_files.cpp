#include "tools/train/run_files.h"

#include <filesystem>

#include "models/registry.h"
#include "nn/atomic_file.h"
#include "tools/plot/pca.h"
#include "tools/plot/plot.h"

namespace vgrad::tools {

void save_run_checkpoint(const std::string& path, const Module& model, const Optimizer& opt,
                         const Rng& rng, const nlohmann::json& meta, Checkpoint ckpt) {
  model.save_to(ckpt, "model.");
  opt.save_to(ckpt, "optim.");
  save_rng_to(ckpt, "rng", rng);
  ckpt.set("run", meta.dump());
  save_checkpoint(path, ckpt);
}

nlohmann::json read_checkpoint_meta(const Checkpoint& ckpt) {
  const std::string& text = ckpt.get("run");
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    fail(ckpt.where(), ": the run description is not valid JSON");
  }
  // What eval, export and --resume read from it, so a hand-edited or foreign file fails here
  // with one line instead of deep inside a JSON accessor.
  check(meta.is_object(), ckpt.where(), ": the run description is not a JSON object");
  static const nlohmann::json kNothing;
  auto at = [&](const char* key) -> const nlohmann::json& {
    return meta.contains(key) ? meta[key] : kNothing;
  };
  auto need = [&](const char* key, bool ok, const char* expected) {
    check(ok, ckpt.where(), ": the run description's '", key, "' should be ", expected, ", found ",
          meta.contains(key) ? meta[key].dump() : "nothing");
  };
  auto is_int_in = [&](const char* key, int64_t lo, int64_t hi) {
    return at(key).is_number_integer() && at(key).get<int64_t>() >= lo &&
           at(key).get<int64_t>() <= hi;
  };
  const nlohmann::json& model = at("model");
  need("model", model.is_string() && find_model_or_null(model.get<std::string>()) != nullptr,
       model_names().c_str());
  need("dataset", at("dataset").is_string(), "a dataset name");
  need("seed", at("seed").is_number_unsigned(), "a non-negative integer");
  // Graph-embedding models (sc, deepwalk) have no hidden layer.
  const bool embedding = find_model(model.get<std::string>()).kind == ModelKind::graph_embedding;
  for (const char* key : {"hidden", "latent"})
    if (key != std::string("hidden") || !embedding) need(key, is_int_in(key, 1, 65536), "1..65536");
  need("epoch", is_int_in("epoch", 0, 1 << 30), "a non-negative integer");
  return meta;
}

nlohmann::json load_run_checkpoint(const std::string& path, Module& model, Optimizer& opt, Rng& rng,
                                   const nlohmann::json& expect, Checkpoint* all) {
  Checkpoint ckpt = load_checkpoint(path);
  nlohmann::json meta = read_checkpoint_meta(ckpt);
  // The model first: "is for model vgae" says more than a mismatched key that follows from it.
  std::vector<std::string> keys = {"model"};
  for (const auto& [key, value] : expect.items())
    if (key != "model") keys.push_back(key);
  for (const std::string& key : keys) {
    if (!expect.contains(key)) continue;
    check(meta.contains(key) && meta[key] == expect[key], path, ": this checkpoint is for ", key,
          " ", meta.contains(key) ? meta[key].dump() : "(none)", ", but the run asks for ",
          expect[key].dump());
  }
  model.load_from(ckpt, "model.");
  opt.load_from(ckpt, "optim.");
  load_rng_from(ckpt, "rng", rng);
  if (all) *all = std::move(ckpt);
  return meta;
}

void write_jsonl(const std::string& path, const nlohmann::json& lines) {
  std::string text;
  for (const auto& line : lines) text += line.dump() + "\n";
  write_file_atomically(path, text);
}

std::string join_path(const std::string& dir, const std::string& name) {
  return (std::filesystem::path(dir) / name).string();
}

void make_dirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  check(!ec, dir, ": cannot create the output folder: ", ec.message());
}

void write_embedding_run(const std::string& out_dir, const Module& model,
                         const nlohmann::json& meta, nlohmann::json result, const Graph& g,
                         const Tensor& z) {
  make_dirs(out_dir);
  save_embedding_checkpoint(join_path(out_dir, "checkpoint.ckpt"), model, meta, g);
  result.erase("seed");
  write_jsonl(join_path(out_dir, "metrics.jsonl"), nlohmann::json::array({result}));
  plot::scatter_png(
      join_path(out_dir, "embedding.png"), plot::pca_2d(z.data(), z.rows(), z.cols()),
      g.labels.empty() ? std::vector<int>(g.num_nodes, -1) : g.labels,
      meta.at("model").get<std::string>() + " on " + g.name + ": PCA of node embeddings");
}

void save_embedding_checkpoint(const std::string& path, const Module& model,
                               const nlohmann::json& meta, const Graph& g) {
  Checkpoint ckpt = node_ids_entry(g);
  model.save_to(ckpt, "model.");
  ckpt.set("run", meta.dump());
  save_checkpoint(path, ckpt);
}

Checkpoint node_ids_entry(const Graph& g) {
  Checkpoint c;
  if (g.node_ids.empty()) return c;
  std::string text;
  for (const std::string& id : g.node_ids) text += id + "\n";
  c.set("node_ids", text);
  return c;
}

}  // namespace vgrad::tools
