// `vgrad train --model gae|vgae`: the reference's link-prediction experiment, per seed:
// split, targets, model, 200 Adam epochs, test AUC/AP on the mean embedding.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "autograd/blas.h"
#include "autograd/profile.h"
#include "datasets/fields.h"
#include "datasets/registry.h"
#include "models/link_training.h"
#include "models/registry.h"
#include "tools/plot/pca.h"
#include "tools/plot/plot.h"
#include "tools/train/eval_report.h"
#include "tools/train/progress.h"
#include "tools/train/run_checks.h"
#include "tools/train/run_files.h"
#include "tools/train/train.h"

namespace vgrad::tools {
namespace {

using nlohmann::json;

json identity_of(const TrainFlags& f, uint64_t seed) {
  json id = {{"model", f.model},    {"dataset", f.dataset}, {"seed", seed},
             {"hidden", f.hidden},  {"latent", f.latent},   {"features", f.features},
             {"dropout", f.dropout}};
  if (f.sep != "auto") id["sep"] = f.sep;  // absent for auto: older checkpoints still resume
  // gcn is left out so that checkpoints from before --encoder existed still resume.
  if (f.encoder != "gcn") id["encoder"] = f.encoder;
  return id;
}

void write_pictures(const std::string& dir, LinkModel& model, const Graph& g, const json& history) {
  Tensor z;
  {
    NoGradGuard no_tape;
    model.eval();
    z = model.embed();
  }
  const std::vector<int> classes = g.labels.empty() ? std::vector<int>(g.num_nodes, -1) : g.labels;
  plot::scatter_png(join_path(dir, "embedding.png"), plot::pca_2d(z.data(), z.rows(), z.cols()),
                    classes, model.kind() + " on " + g.name + ": PCA of node embeddings");
  plot::Series loss{"train loss", {}, {}}, auc{"val AUC", {}, {}, true};
  for (const json& h : history) {
    loss.x.push_back(h["epoch"].get<float>());
    loss.y.push_back(h["loss"].get<float>());
    if (h.contains("val_auc")) {
      auc.x.push_back(h["epoch"].get<float>());
      auc.y.push_back(h["val_auc"].get<float>());
    }
  }
  plot::line_chart_png(join_path(dir, "curves.png"), {loss, auc}, model.kind() + " on " + g.name,
                       "epoch");
}

json run_one(const TrainFlags& f, const Graph& g, const CsrPtr& features, uint64_t seed,
             const std::string& out_dir) {
  const auto run0 = std::chrono::steady_clock::now();
  if (!out_dir.empty()) make_dirs(out_dir);  // before training: an interrupt writes here too
  const LinkSplit split = mask_test_edges(g, seed);
  LinkTargets targets = make_link_targets(split, parse_decoder(f.decoder));
  targets.negatives_per_edge = f.negatives;
  Rng rng(seed);
  GraphModelConfig config{
      .hidden = f.hidden, .latent = f.latent, .dropout = f.dropout, .encoder = f.encoder};
  auto model = make_link_model(f.model, split.adj_norm, features, config, rng);
  Adam opt(model->parameters(), {.lr = f.lr});
  json history = json::array();
  int first = 1;
  const json identity = identity_of(f, seed);
  if (!f.resume.empty()) {
    const json meta = load_run_checkpoint(f.resume, *model, opt, rng, identity);
    first = meta.at("epoch").get<int>() + 1;
    history = meta.value("history", json::array());
    check(first <= f.epochs + 1, f.resume, ": the checkpoint is at epoch ", first - 1,
          ", past --epochs ", f.epochs);
  }
  profile::mark("split edges, build the model");
  Progress progress(f.model + " " + f.dataset + " seed " + std::to_string(seed), f.epochs, 10);
  std::vector<double> step_seconds;
  int last_done = first - 1;
  const auto wall0 = std::chrono::steady_clock::now();
  auto on_epoch = [&](const EpochLog& e) {
    json line = {{"epoch", e.epoch}, {"loss", e.loss}, {"seconds", e.seconds}};
    std::string text = "loss " + std::to_string(e.loss).substr(0, 7);
    if (e.val_auc >= 0) {
      line["val_auc"] = e.val_auc;
      line["val_ap"] = e.val_ap;
      text += " val_auc " + std::to_string(e.val_auc).substr(0, 6);
    }
    history.push_back(line);
    step_seconds.push_back(e.seconds);
    last_done = e.epoch;
    if (!f.quiet) progress.update(e.epoch, text);
  };
  LinkRun run{*model, opt, rng, split, targets};
  // From here to the written outputs a signal is deferred: the step ends, a checkpoint is written.
  DeferSignals defer;
  train_link(run, first, f.epochs, f.eval_every, on_epoch, [] { return pending_signal() != 0; });
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  progress.finish();
  json meta = identity;
  meta["epoch"] = last_done;
  meta["epochs"] = f.epochs;
  meta["lr"] = f.lr;
  meta["decoder"] = f.decoder;
  meta["history"] = history;
  const std::string ckpt_path = out_dir.empty() ? "" : join_path(out_dir, "checkpoint.ckpt");
  if (last_done < f.epochs) {  // stopped by a signal: keep the run
    const std::string path = ckpt_path.empty() ? "vgrad-interrupted.ckpt" : ckpt_path;
    save_run_checkpoint(path, *model, opt, rng, meta, node_ids_entry(g));
    throw Interrupted{pending_signal(), path};
  }
  profile::restart();
  const LinkScores test = evaluate_links(*model, split.test_pos, split.test_neg);
  const LinkScores val = evaluate_links(*model, split.val_pos, split.val_neg);
  profile::mark("evaluate AUC/AP");
  const Tensor z = evaluation_embedding(*model);
  const json ranking = ranking_json(z, split, f.eval_negatives, seed);
  const json clustering = clustering_json(z, g.labels, seed);
  profile::mark("evaluate ranking and clustering");
  const int ran = f.epochs - first + 1;
  json result = seed_link_scores(seed, test, val);
  result.update({{"epochs_run", ran},
                 {"sec_per_epoch", ran > 0 ? wall / ran : 0.0},
                 {"step_seconds_median", step_seconds.empty() ? 0.0 : median(step_seconds)},
                 {"ranking", ranking}});
  if (!clustering.is_null()) result["clustering"] = clustering;
  // The whole run (split, model, epochs, evaluation): `vgrad reproduce`'s seconds per run.
  result["seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run0).count();
  if (!out_dir.empty()) {
    profile::Scope scope("checkpoint and pictures");  // the embedding is not training
    write_jsonl(join_path(out_dir, "metrics.jsonl"), history);
    save_run_checkpoint(ckpt_path, *model, opt, rng, meta, node_ids_entry(g));
    write_pictures(out_dir, *model, g, history);
  }
  return result;
}

}  // namespace

json run_graph_training(const TrainFlags& f) {
  set_threads(f.threads);
  kernels::set_gemm_backend(kernels::parse_gemm_backend(f.gemm, "--gemm"));
  const std::string data_dir = f.data_dir.empty() ? default_data_dir() : f.data_dir;
  const Graph g = [&] {
    profile::Scope scope("load dataset");
    return load_graph_dataset(f.dataset, data_dir, EdgeListOptions{parse_separator(f.sep)});
  }();
  for (const std::string& w : g.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  check_graph_run(g, f);  // enough edges for the split, enough memory: before any work
  const CsrPtr features =
      f.features == "none" ? Csr::identity(g.num_nodes) : g.features_or_identity();
  json runs = json::array();
  for (int k = 0; k < f.seeds; ++k) {
    const uint64_t seed = f.seed + (uint64_t)k;
    runs.push_back(run_one(f, g, features, seed, seed_out_dir(f, seed)));
  }
  json out = graph_run_result(f, g,
                              {{"epochs", f.epochs},
                               {"lr", f.lr},
                               {"decoder", f.decoder},
                               {"encoder", f.encoder},
                               {"features", f.features},
                               {"gemm", kernels::gemm_backend_name(kernels::gemm_backend())}},
                              runs);
  add_nested_mean_std(out, runs, "ranking");
  add_nested_mean_std(out, runs, "clustering");
  return out;
}

}  // namespace vgrad::tools
