// Pieces both runners share: defaults from the model registry, flag validation, flag names in
// library messages, and peak memory. The signal handling is in tools/train/signals.cpp.
#include <sys/resource.h>

#include <cmath>

#include "autograd/blas.h"
#include "autograd/check.h"
#include "autograd/ops.h"
#include "datasets/fields.h"
#include "datasets/graph.h"
#include "datasets/registry.h"
#include "models/link_training.h"
#include "models/registry.h"
#include "tools/train/flag_names.h"
#include "tools/train/run_files.h"
#include "tools/train/train.h"

namespace vgrad::tools {

std::string with_flag_names(const std::string& message) {
  // Parameters whose flag is "--" + the same name.
  for (const char* param :
       {"model", "dataset", "decoder", "encoder", "batch", "lr", "hidden", "latent", "epochs"}) {
    const std::string p = std::string(param) + ":";
    if (message.rfind(p, 0) == 0) return "--" + message;
  }
  std::string out = message;
  const std::string lr = "(try a smaller lr)";
  if (const size_t at = out.find(lr); at != std::string::npos)
    out.replace(at, lr.size(), "(try a smaller --lr)");
  return out;
}

bool is_graph_model(const std::string& model) {
  const ModelInfo* m = find_model_or_null(model);
  return m != nullptr && m->kind != ModelKind::image;
}

bool is_embedding_model(const std::string& model) {
  const ModelInfo* m = find_model_or_null(model);
  return m != nullptr && m->kind == ModelKind::graph_embedding;
}

void resolve_defaults(TrainFlags& f) {
  const ModelInfo& m = naming_flags([&]() -> const ModelInfo& { return find_model(f.model); });
  check(f.seeds >= 1 && f.seeds <= 1000, "--seeds: expected 1..1000, got ", f.seeds);
  check(f.threads >= 0 && f.threads <= 1024, "--threads: expected 0 (all) .. 1024, got ",
        f.threads);
  kernels::parse_gemm_backend(f.gemm, "--gemm");  // also refuses a bad $VGRAD_GEMM
  const bool dw = f.model == "deepwalk";  // a graph embedding trained by steps (its own runner)
  if (m.kind == ModelKind::graph_embedding && !dw) return resolve_embedding_defaults(f);
  const bool graph = m.kind != ModelKind::image;
  if (f.dataset.empty()) f.dataset = graph ? "cora" : "mnist";
  parse_separator(f.sep);  // throws "--sep: ..." for an unknown one
  if (f.epochs < 0) f.epochs = m.defaults.epochs;
  if (f.lr < 0) f.lr = m.defaults.lr;
  if (f.hidden < 0) f.hidden = m.defaults.hidden;
  if (f.latent < 0) f.latent = m.defaults.latent;
  if (f.batch < 0) f.batch = m.defaults.batch;
  if (f.negatives < 0) f.negatives = dw ? 5 : 1;
  if (f.optimizer.empty()) f.optimizer = "adam";
  check(f.optimizer == "adam" || (dw && f.optimizer == "sgd"), "--optimizer: expected adam",
        dw ? " or sgd" : " (sgd is for deepwalk)", ", got '", f.optimizer, "'");
  check(f.walks_per_node >= 1 && f.walks_per_node <= 10000,
        "--walks-per-node: expected 1..10000, got ", f.walks_per_node);
  check(f.walk_length >= 1 && f.walk_length <= 100000, "--walk-length: expected 1..100000, got ",
        f.walk_length);
  check(f.window >= 1 && f.window <= 1000, "--window: expected 1..1000, got ", f.window);
  check(f.objective == "hs" || f.objective == "neg", "--objective: expected hs or neg, got '",
        f.objective, "'");
  check(!dw || f.resume.empty(), "--resume: deepwalk trains in one pass and has no resume");
  check(f.epochs >= 1, "--epochs: expected at least 1, got ", f.epochs);
  check(f.lr > 0 && f.lr < 10, "--lr: expected a value in (0, 10), got ", f.lr);
  check(f.hidden >= 1 && f.hidden <= 65536, "--hidden: expected 1..65536, got ", f.hidden);
  check(f.latent >= 1 && f.latent <= 65536, "--latent: expected 1..65536, got ", f.latent);
  check(m.defaults.batch == 0 || f.batch >= 1, "--batch: expected at least 1, got ", f.batch);
  check(f.negatives >= 1, "--negatives: expected at least 1, got ", f.negatives);
  check(f.eval_negatives >= 0,
        "--eval-negatives: expected 0 (the split's test negatives) or more, got ",
        f.eval_negatives);
  check(graph || f.eval_negatives == 0, "--eval-negatives applies to gae and vgae only");
  check(f.features == "auto" || f.features == "none", "--features: expected auto or none, got '",
        f.features, "'");
  check(f.dropout >= 0 && f.dropout < 1, "--dropout: expected [0, 1), got ", f.dropout);
  check(f.eval_every >= 0, "--eval-every: expected 0 (never) or more, got ", f.eval_every);
  check(f.resume.empty() || f.seeds == 1, "--resume continues one run: it cannot go with --seeds");
  // The decoder: one of the row's, its first by default; a model without one refuses it.
  check(!m.decoders.empty() || f.decoder.empty(), "--decoder applies to ",
        model_names_where([](const ModelInfo& r) { return !r.decoders.empty(); }), " only");
  if (f.decoder.empty() && !m.decoders.empty()) f.decoder = m.decoders.front();
  if (!m.decoders.empty()) naming_flags([&] { check_choice("decoder", f.decoder, m.decoders); });
  // The encoder likewise.
  check(!m.encoders.empty() || f.encoder.empty(), "--encoder applies to ",
        model_names_where([](const ModelInfo& r) { return !r.encoders.empty(); }), " only");
  if (f.encoder.empty() && !m.encoders.empty()) f.encoder = m.encoders.front();
  if (!m.encoders.empty())
    naming_flags([&] {
      check_choice("encoder", encoder_name(f.encoder), m.encoders);
      check_encoder(f.encoder);  // gin's options
    });
  check(!graph || f.recon.empty(), "--recon applies to ",
        model_names_where([](const ModelInfo& r) { return r.kind == ModelKind::image; }),
        " only (graph models reconstruct edges with their decoder)");
  if (!graph && f.recon.empty()) f.recon = "bce";
  check(graph || f.recon == "bce" || f.recon == "mse", "--recon: expected bce or mse, got '",
        f.recon, "'");
  // A dataset of the model's kind, named with the models that train on it.
  if (graph && is_image_dataset(f.dataset))
    fail("--dataset: '", f.dataset, "' is an image dataset; ",
         model_names_where([](const ModelInfo& r) { return r.kind != ModelKind::image; }),
         " train on graphs: ", graph_dataset_names());
  if (!graph && is_graph_dataset(f.dataset))
    fail("--dataset: '", f.dataset, "' is a graph dataset; ",
         model_names_where([](const ModelInfo& r) { return r.kind == ModelKind::image; }),
         " train on images: ", image_dataset_names());
  naming_flags([&] { check_dataset_name(f.dataset, graph); });
}

std::string seed_out_dir(const TrainFlags& f, uint64_t seed) {
  return f.out.empty() || f.seeds <= 1 ? f.out : join_path(f.out, "seed-" + std::to_string(seed));
}

nlohmann::json train_settings(const TrainFlags& f) {
  return {{"model", f.model},
          {"dataset", f.dataset},
          {"epochs", f.epochs},
          {"lr", f.lr},
          {"batch", f.batch},
          {"hidden", f.hidden},
          {"latent", f.latent},
          {"seed", f.seed},
          {"seeds", f.seeds},
          {"decoder", f.decoder},
          {"negatives", f.negatives},
          {"features", f.features},
          {"dropout", f.dropout},
          {"eval_every", f.eval_every},
          {"encoder", f.encoder},
          {"walks_per_node", f.walks_per_node},
          {"walk_length", f.walk_length},
          {"window", f.window},
          {"objective", f.objective},
          {"optimizer", f.optimizer}};
}

nlohmann::json run_training(const TrainFlags& f) {
  if (f.model == "deepwalk") return run_deepwalk_training(f);
  if (is_embedding_model(f.model)) return run_embedding_training(f);
  return is_graph_model(f.model) ? run_graph_training(f) : run_image_training(f);
}

void add_mean_std(nlohmann::json& out, const nlohmann::json& runs,
                  std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    double sum = 0, sq = 0;
    for (const nlohmann::json& r : runs) sum += r[key].get<double>();
    const double mean = sum / (double)runs.size();
    for (const nlohmann::json& r : runs) sq += std::pow(r[key].get<double>() - mean, 2);
    out[key] = mean;
    out[std::string(key) + "_std"] = std::sqrt(sq / (double)runs.size());
  }
}

nlohmann::json seed_link_scores(uint64_t seed, const LinkScores& test, const LinkScores& val) {
  return {{"seed", seed},
          {"test_auc", test.auc},
          {"test_ap", test.ap},
          {"val_auc", val.auc},
          {"val_ap", val.ap}};
}

nlohmann::json graph_run_result(const TrainFlags& f, const Graph& g, const nlohmann::json& settings,
                                const nlohmann::json& runs) {
  nlohmann::json out = {{"model", f.model},
                        {"dataset", g.name.empty() ? f.dataset : g.name},
                        {"nodes", g.num_nodes},
                        {"edges", (int64_t)g.edges.size()},
                        {"threads", max_threads()}};
  out.update(settings);
  if (f.seeds == 1)
    out["seed"] = f.seed;
  else
    out["seeds"] = runs.size();
  add_mean_std(out, runs, {"test_auc", "test_ap", "val_auc", "val_ap", "sec_per_epoch", "seconds"});
  out["runs"] = runs;
  out["peak_rss_mib"] = peak_rss_mib();
  return out;
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_maxrss / 1024.0;  // Linux reports KiB
}

}  // namespace vgrad::tools
