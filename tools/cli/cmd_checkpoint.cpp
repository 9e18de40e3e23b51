// The commands that read a finished run's checkpoint: eval (scores again), sample (VAE
// draws from the prior as a PNG grid) and export (embeddings or latents as .npy or .csv).
#include <chrono>
#include <cstdio>
#include <cstring>

#include "datasets/fields.h"
#include "datasets/registry.h"
#include "models/image_training.h"
#include "models/iwae.h"
#include "models/link_training.h"
#include "models/registry.h"
#include "nn/atomic_file.h"
#include "tools/cli/cli.h"
#include "tools/cli/commands.h"
#include "tools/plot/plot.h"
#include "tools/train/eval_report.h"
#include "tools/train/run_checks.h"
#include "tools/train/run_files.h"
#include "tools/train/train.h"

namespace vgrad::tools {
namespace {

using nlohmann::json;

// A model rebuilt from a checkpoint, with the data it was trained on.
struct Restored {
  json meta;
  std::unique_ptr<LinkModel> graph_model;
  std::unique_ptr<ImageModel> image_model;
  std::unique_ptr<LinkSplit> split;
  Graph graph;
  ImageDataset images;
};

// "a\nb\n" -> {"a", "b"}: the checkpoint's node_ids entry.
std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  for (size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
    out.push_back(text.substr(at, nl - at));
  return out;
}

// sep: "" for the run's own (the checkpoint's "sep", else auto), or a --sep value.
Restored restore(const std::string& path, std::string data_dir, std::string sep = "") {
  if (data_dir.empty()) data_dir = default_data_dir();
  Checkpoint ckpt = load_checkpoint(path);
  Restored r;
  r.meta = read_checkpoint_meta(ckpt);
  const std::string kind = r.meta.at("model");
  Rng rng(0);  // initial values are overwritten by the checkpoint's
  const ModelKind model_kind = find_model(kind).kind;
  check(model_kind != ModelKind::graph_embedding || find_model(kind).make_link, path, ": ", kind,
        " is a graph-embedding model; this build cannot restore it");
  if (model_kind != ModelKind::image) {
    if (sep.empty()) sep = r.meta.value("sep", "auto");
    r.graph =
        load_graph_dataset(r.meta.at("dataset"), data_dir, EdgeListOptions{parse_separator(sep)});
    // The rows of the weights are the nodes as numbered at training: a file edited since
    // (ids added, removed or renamed) would pair embeddings with the wrong ids.
    const std::vector<std::string> trained = ckpt.meta.count("node_ids")
                                                 ? split_lines(ckpt.get("node_ids"))
                                                 : std::vector<std::string>{};
    if (trained != r.graph.node_ids) {
      size_t k = 0;
      while (k < trained.size() && k < r.graph.node_ids.size() && trained[k] == r.graph.node_ids[k])
        ++k;
      fail(path, ": the dataset's node ids differ from the ones this run was trained on (",
           trained.size(), " ids then, ", r.graph.node_ids.size(),
           " now; first difference at node ", k, "); was ", r.meta.at("dataset").get<std::string>(),
           " edited since?");
    }
    TrainFlags as_trained;  // the sizes check_graph_run estimates from (no decoder in eval)
    as_trained.model = kind;
    as_trained.dataset = r.meta.at("dataset");
    as_trained.hidden = r.meta.value("hidden", 0);  // sc has none
    as_trained.latent = r.meta.at("latent");
    as_trained.features = r.meta.value("features", "auto");
    check_graph_run(r.graph, as_trained);
    r.split =
        std::make_unique<LinkSplit>(mask_test_edges(r.graph, r.meta.at("seed").get<uint64_t>()));
    const CsrPtr features = r.meta.value("features", "auto") == "none"
                                ? Csr::identity(r.graph.num_nodes)
                                : r.graph.features_or_identity();
    GraphModelConfig c{.hidden = as_trained.hidden,
                       .latent = r.meta.at("latent"),
                       .encoder = r.meta.value("encoder", "gcn")};
    r.graph_model = make_link_model(kind, r.split->adj_norm, features, c, rng);
    r.graph_model->load_from(ckpt, "model.");
    r.graph_model->eval();
  } else {
    r.images = load_image_dataset(r.meta.at("dataset"), data_dir);
    // Checkpoints from before --recon trained on bce.
    ImageModelConfig c{.hidden = r.meta.at("hidden"),
                       .latent = r.meta.at("latent"),
                       .recon = parse_recon(r.meta.value("recon", "bce"))};
    r.image_model = make_image_model(kind, r.images.test.images.cols(), c, rng);
    r.image_model->load_from(ckpt, "model.");
    r.image_model->eval();
  }
  return r;
}

void add_common(CLI::App& app, std::string& ckpt, std::string& data_dir,
                std::string* sep = nullptr) {
  app.add_option("--checkpoint", ckpt, "a checkpoint written by vgrad train")->required();
  app.add_option("--data-dir", data_dir, "dataset folder (default $VGRAD_DATA_DIR or data)");
  if (sep) add_sep_flag(app, *sep, " (default: the training run's)");
}

std::optional<int> check_sep(const CLI::App& app, const std::string& sep) {
  return check_flag_values(app, [&] {
    if (!sep.empty()) parse_separator(sep);
  });
}

// An id as one CSV field: quoted (with "" for ") when it holds a comma, a quote or a space.
std::string csv_field(const std::string& id) {
  if (id.find_first_of(",\" ") == std::string::npos) return id;
  std::string q = "\"";
  for (char c : id) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// NumPy's .npy v1.0: magic, header length, a Python dict literal padded to 64 bytes, data.
std::string npy_bytes(const Tensor& t) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       std::to_string(t.rows()) + ", " + std::to_string(t.cols()) + "), }";
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::string out = std::string("\x93NUMPY\x01\x00", 8);
  out += char(header.size() & 255);
  out += char(header.size() >> 8);
  out += header;
  out.append(reinterpret_cast<const char*>(t.data()), t.numel() * sizeof(float));
  return out;
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  CLI::App app(
      "Evaluate a checkpoint: test/validation AUC and AP (gae, vgae, sc) or the test "
      "loss per sample (ae, vae), as JSON.",
      "vgrad eval");
  std::string ckpt, data_dir, sep;
  int64_t eval_negatives = 0;
  std::string iw_text;
  add_common(app, ckpt, data_dir, &sep);
  // --iw alone means K = 5000 (Burda et al.'s figure); --iw K chooses K.
  CLI::Option* iw_option =
      app.add_option(
             "--iw", iw_text,
             "vae: also the test negative log-likelihood (nats per image) by "
             "importance sampling with K samples per image (the IWAE bound; default K 5000)")
          ->expected(0, 1);
  int64_t iw_images = 0;
  app.add_option("--iw-images", iw_images, "with --iw: only the first N test images (0: all)")
      ->capture_default_str();
  app.add_option("--eval-negatives", eval_negatives,
                 "gae/vgae: rank each test edge against K non-edges of the whole graph for "
                 "Hits@K and MRR (0: against the split's test negatives)")
      ->capture_default_str();
  VGRAD_PARSE(app, argc, argv);
  if (auto code = check_sep(app, sep)) return *code;
  int64_t iw = 0;
  if (auto code = check_flag_values(app, [&] {
        check(eval_negatives >= 0, "--eval-negatives: expected 0 or more, got ", eval_negatives);
        check(iw_images >= 0, "--iw-images: expected 0 (all) or more, got ", iw_images);
        if (iw_option->count() == 0) return;
        iw = 5000;
        if (iw_text.empty()) return;
        char* end = nullptr;
        iw = std::strtoll(iw_text.c_str(), &end, 10);
        check(*end == 0 && iw >= 1 && iw <= 1000000,
              "--iw: expected a sample count 1..1000000, got '", iw_text, "'");
      }))
    return *code;
  {  // refused before any data is loaded
    const json meta = read_checkpoint_meta(load_checkpoint(ckpt));
    check(eval_negatives == 0 || is_graph_model(meta["model"]), "--eval-negatives: ", ckpt,
          " is a ", meta["model"].dump(), " checkpoint; Hits@K and MRR rank a gae or vgae's links");
    check(iw == 0 || meta["model"] == "vae", "--iw: ", ckpt, " is a ", meta["model"].dump(),
          " checkpoint; the importance-sampled likelihood needs a vae (an autoencoder defines "
          "no p(x))");
  }
  Restored r = restore(ckpt, data_dir, sep);
  json out = {{"checkpoint", ckpt},
              {"model", r.meta["model"]},
              {"dataset", r.meta["dataset"]},
              {"seed", r.meta["seed"]},
              {"epoch", r.meta["epoch"]}};
  if (r.graph_model) {
    const LinkScores test = evaluate_links(*r.graph_model, r.split->test_pos, r.split->test_neg);
    const LinkScores val = evaluate_links(*r.graph_model, r.split->val_pos, r.split->val_neg);
    out.update(
        {{"test_auc", test.auc}, {"test_ap", test.ap}, {"val_auc", val.auc}, {"val_ap", val.ap}});
    const Tensor z = evaluation_embedding(*r.graph_model);
    const uint64_t seed = r.meta.at("seed").get<uint64_t>();
    out["ranking"] = ranking_json(z, *r.split, eval_negatives, seed);
    const json clustering = clustering_json(z, r.graph.labels, seed);
    if (!clustering.is_null()) out["clustering"] = clustering;
  } else {
    Rng eval_rng(r.meta.at("seed").get<uint64_t>() + 1);  // the stream vgrad train evaluates with
    out["test_loss"] = evaluate_images(*r.image_model, r.images.test, 1000, eval_rng);
    const ReconErrors e = reconstruction_errors(*r.image_model, r.images.test, 1000);
    out["test_recon"] = {{"bce", e.bce}, {"mse", e.mse}};
  }
  if (iw > 0) {
    auto* vae = dynamic_cast<Vae*>(r.image_model.get());
    Rng iw_rng(r.meta.at("seed").get<uint64_t>() + 4);
    const auto t0 = std::chrono::steady_clock::now();
    ImageSet test = r.images.test;
    if (iw_images > 0 && iw_images < test.size()) {
      std::vector<int64_t> first(iw_images);
      for (int64_t i = 0; i < iw_images; ++i) first[i] = i;
      test.images = gather_rows(test.images, first, 0, iw_images);
      test.labels.resize(iw_images);
    }
    out["test_nll_iw"] = iwae_nll(*vae, test, iw, iw_rng);
    out["iw_samples"] = iw;
    out["iw_images"] = test.size();
    out["iw_seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

int cmd_sample(int argc, char** argv) {
  CLI::App app("Decode draws from the VAE's prior N(0, I) into a PNG grid.", "vgrad sample");
  std::string ckpt, data_dir, out = "samples.png";
  int count = 64;
  uint64_t seed = 0;
  add_common(app, ckpt, data_dir);
  app.add_option("--out", out, "PNG file")->capture_default_str();
  app.add_option("--count", count, "images (1..1024)")->capture_default_str();
  app.add_option("--seed", seed, "seed of the draws")
      ->check(non_negative_integer())
      ->capture_default_str();
  VGRAD_PARSE(app, argc, argv);
  if (auto code = check_flag_values(app, [&] {
        check(count >= 1 && count <= 1024, "--count: expected 1..1024, got ", count);
      }))
    return *code;
  Restored r = restore(ckpt, data_dir);
  check(r.meta["model"] == "vae", ckpt, ": sampling needs a vae checkpoint, this one is ",
        r.meta["model"].dump());
  NoGradGuard no_tape;
  Rng rng(seed);
  Tensor images = r.image_model->decode(randn({count, r.meta.at("latent").get<int64_t>()}, rng));
  plot::image_grid_png(out, images.to_vector(), count, (int)r.images.test.rows,
                       (int)r.images.test.cols, std::min(count, 16));
  std::printf("%s\n", json({{"out", out}, {"count", count}, {"seed", seed}}).dump().c_str());
  return 0;
}

int cmd_export(int argc, char** argv) {
  CLI::App app(
      "Write node embeddings (gae, vgae: the mean, [N, Z]; sc: the spectral "
      "embedding) or test-set latents "
      "(ae, vae: [10000, Z]) as .npy or .csv (the csv adds each row's label).",
      "vgrad export");
  std::string ckpt, data_dir, out, sep;
  add_common(app, ckpt, data_dir, &sep);
  app.add_option("--out", out,
                 "FILE.npy or FILE.csv (graphs with string or sparse ids: the csv's "
                 "first column is the id; FILE.npy gets FILE.ids.txt, one id per row)")
      ->required();
  VGRAD_PARSE(app, argc, argv);
  if (auto code = check_sep(app, sep)) return *code;
  const bool npy = out.size() > 4 && out.substr(out.size() - 4) == ".npy";
  const bool csv = out.size() > 4 && out.substr(out.size() - 4) == ".csv";
  if (auto code = check_flag_values(app, [&] {
        check(npy || csv, "--out: expected a file name ending in .npy or .csv, got '", out, "'");
      }))
    return *code;
  Restored r = restore(ckpt, data_dir, sep);
  NoGradGuard no_tape;
  Tensor z;
  std::vector<int> labels;
  if (r.graph_model) {
    z = r.graph_model->embed();
    labels = r.graph.labels;
  } else {
    z = r.image_model->encode(r.images.test.images);
    labels.assign(r.images.test.labels.begin(), r.images.test.labels.end());
  }
  const std::vector<std::string>& ids = r.graph.node_ids;  // empty: row i is node i
  // Named classes (a labels file of names, LINQS Cora) come back out as their names, so a user
  // joins the rows to their data on both columns; an unlabelled node has an empty label.
  const std::vector<std::string>& names = r.graph.class_names;
  auto label_text = [&](int64_t i) -> std::string {
    if (labels.empty()) return "";
    if (names.empty()) return std::to_string(labels[i]);
    return labels[i] < 0 ? "" : csv_field(names[labels[i]]);
  };
  std::string ids_path;
  if (npy) {
    if (!ids.empty()) {
      ids_path = out.substr(0, out.size() - 4) + ".ids.txt";
      std::string text;
      for (const std::string& id : ids) text += id + "\n";
      write_file_atomically(ids_path, text);
    }
    write_file_atomically(out, npy_bytes(z));
  } else {
    std::string text = ids.empty() ? "row,label" : "id,label";
    for (int64_t c = 0; c < z.cols(); ++c) text += ",z" + std::to_string(c);
    text += "\n";
    char cell[32];
    for (int64_t i = 0; i < z.rows(); ++i) {
      text += (ids.empty() ? std::to_string(i) : csv_field(ids[i])) + "," + label_text(i);
      for (int64_t c = 0; c < z.cols(); ++c) {
        std::snprintf(cell, sizeof cell, ",%.9g", z.at(i * z.cols() + c));
        text += cell;
      }
      text += "\n";
    }
    write_file_atomically(out, text);
  }
  json result = {{"out", out}, {"rows", z.rows()}, {"cols", z.cols()}};
  if (!ids_path.empty()) result["ids"] = ids_path;
  std::printf("%s\n", result.dump().c_str());
  return 0;
}

}  // namespace vgrad::tools
