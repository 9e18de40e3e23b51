// `vgrad train --model ae|vae`: minibatch training on MNIST-format images, as the classic
// PyTorch VAE example (batch 128, Adam 1e-3, 10 epochs), then the test loss per sample.
#include <chrono>
#include <cstdio>

#include "autograd/blas.h"
#include "autograd/profile.h"
#include "datasets/registry.h"
#include "models/image_training.h"
#include "models/registry.h"
#include "tools/plot/pca.h"
#include "tools/plot/plot.h"
#include "tools/train/progress.h"
#include "tools/train/run_files.h"
#include "tools/train/train.h"

namespace vgrad::tools {
namespace {

using nlohmann::json;

void write_pictures(const std::string& dir, ImageModel& model, const ImageSet& test,
                    uint64_t seed) {
  NoGradGuard no_tape;
  model.eval();
  Rng rng(seed + 2);
  const int64_t pixels = test.images.cols(), shown = std::min<int64_t>(32, test.size());
  // Inputs and reconstructions side by side: columns alternate input, reconstruction.
  std::vector<int64_t> first(shown);
  for (int64_t i = 0; i < shown; ++i) first[i] = i;
  Tensor x = gather_rows(test.images, first, 0, shown);
  Tensor r = model.reconstruct(x, rng);
  std::vector<float> pairs;
  for (int64_t i = 0; i < shown; ++i) {
    pairs.insert(pairs.end(), x.data() + i * pixels, x.data() + (i + 1) * pixels);
    pairs.insert(pairs.end(), r.data() + i * pixels, r.data() + (i + 1) * pixels);
  }
  plot::image_grid_png(join_path(dir, "reconstructions.png"), pairs, (int)(2 * shown),
                       (int)test.rows, (int)test.cols, 16);
  if (model.kind() == "vae") {  // decode draws from the prior N(0, I)
    Tensor z = randn({64, model.encode(x).cols()}, rng);
    Tensor s = model.decode(z);
    plot::image_grid_png(join_path(dir, "samples.png"), s.to_vector(), 64, (int)test.rows,
                         (int)test.cols, 8);
  }
  // The latent codes of the whole test set, coloured by digit (PCA when Z > 2).
  std::vector<int64_t> all(test.size());
  for (int64_t i = 0; i < test.size(); ++i) all[i] = i;
  Tensor codes = model.encode(gather_rows(test.images, all, 0, test.size()));
  std::vector<float> xy = codes.cols() == 2
                              ? codes.to_vector()
                              : plot::pca_2d(codes.data(), codes.rows(), codes.cols());
  std::vector<int> classes(test.labels.begin(), test.labels.end());
  plot::scatter_png(
      join_path(dir, "latent.png"), xy, classes,
      model.kind() + (codes.cols() == 2 ? ": 2-D latent" : ": PCA of the latent") + " (test set)");
}

}  // namespace

json run_image_training(const TrainFlags& f) {
  set_threads(f.threads);
  kernels::set_gemm_backend(kernels::parse_gemm_backend(f.gemm, "--gemm"));
  const std::string data_dir = f.data_dir.empty() ? default_data_dir() : f.data_dir;
  const ImageDataset ds = [&] {
    profile::Scope scope("load dataset");
    return load_image_dataset(f.dataset, data_dir);
  }();
  if (!f.out.empty()) make_dirs(f.out);  // before training: an interrupt writes here too
  const int64_t pixels = ds.train.images.cols();
  Rng rng(f.seed);
  auto model = make_image_model(
      f.model, pixels, {.hidden = f.hidden, .latent = f.latent, .recon = parse_recon(f.recon)},
      rng);
  Adam opt(model->parameters(), {.lr = f.lr});
  profile::mark("build the model");
  const json identity = {{"model", f.model},   {"dataset", f.dataset}, {"seed", f.seed},
                         {"hidden", f.hidden}, {"latent", f.latent},   {"batch", f.batch},
                         {"recon", f.recon}};
  json history = json::array();
  ImageEpochState state;
  int first = 1;
  if (!f.resume.empty()) {
    Checkpoint ckpt;
    const json meta = load_run_checkpoint(f.resume, *model, opt, rng, identity, &ckpt);
    first = meta.at("epoch").get<int>() + 1;
    history = meta.value("history", json::array());
    if (const Tensor* order = ckpt.find("epoch.order")) {  // stopped inside an epoch
      for (int64_t i = 0; i < order->numel(); ++i) state.order.push_back((int64_t)order->at(i));
      state.next_batch = meta.at("epoch_next_batch").get<int64_t>();
      state.loss_sum = meta.at("epoch_loss_sum").get<double>();
    }
  }
  const std::string ckpt_path = f.out.empty() ? "" : join_path(f.out, "checkpoint.ckpt");
  auto save = [&](const std::string& path, int completed) {
    json meta = identity;
    meta["epoch"] = completed;
    meta["epochs"] = f.epochs;
    meta["lr"] = f.lr;
    meta["history"] = history;
    Checkpoint extra;
    if (!state.order.empty()) {  // mid-epoch: the order (exact in float32 below 2^24) and cursor
      std::vector<float> order(state.order.begin(), state.order.end());
      extra.put("epoch.order", Tensor::from({(int64_t)order.size()}, order));
      meta["epoch_next_batch"] = state.next_batch;
      meta["epoch_loss_sum"] = state.loss_sum;
    }
    save_run_checkpoint(path, *model, opt, rng, meta, std::move(extra));
  };
  auto stop = [] { return pending_signal() != 0; };
  // From here to the written outputs a signal is deferred: the batch ends, a checkpoint is written.
  DeferSignals defer;
  std::vector<double> epoch_seconds;
  double train_loss = 0;
  for (int epoch = first; epoch <= f.epochs; ++epoch) {
    const int64_t batches = (ds.train.size() + f.batch - 1) / f.batch;
    Progress progress(f.model + " " + f.dataset + " epoch " + std::to_string(epoch) + "/" +
                          std::to_string(f.epochs),
                      batches, 100);
    const auto t0 = std::chrono::steady_clock::now();
    ImageRun run{*model, opt, rng, ds.train, f.batch};
    auto on_batch = [&](int64_t done, int64_t) {
      if (!f.quiet) progress.update(done, "batches");
    };
    const bool finished = train_image_epoch(run, epoch, state, on_batch, stop);
    progress.finish();
    if (!finished || (stop() && epoch < f.epochs)) {
      const std::string path = ckpt_path.empty() ? "vgrad-interrupted.ckpt" : ckpt_path;
      if (finished) state = {};
      save(path, finished ? epoch : epoch - 1);
      throw Interrupted{pending_signal(), path};
    }
    epoch_seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    train_loss = state.loss_sum / (double)ds.train.size();
    history.push_back(
        {{"epoch", epoch}, {"train_loss", train_loss}, {"seconds", epoch_seconds.back()}});
    if (!f.quiet)
      std::fprintf(stderr, "%s %s epoch %d/%d: train loss %.4f per sample (%.1fs)\n",
                   f.model.c_str(), f.dataset.c_str(), epoch, f.epochs, train_loss,
                   epoch_seconds.back());
    state = {};
  }
  Rng eval_rng(f.seed + 1);  // its own stream: evaluating does not move the training one
  const double test_loss = [&] {
    profile::Scope scope("evaluate test loss");
    return evaluate_images(*model, ds.test, 1000, eval_rng);
  }();
  double total = 0;
  for (double s : epoch_seconds) total += s;
  json out = {{"model", f.model},
              {"dataset", ds.name},
              {"epochs", f.epochs},
              {"seed", f.seed},
              {"batch", f.batch},
              {"lr", f.lr},
              {"latent", f.latent},
              {"recon", f.recon},
              {"threads", max_threads()},
              {"gemm", kernels::gemm_backend_name(kernels::gemm_backend())},
              {"train_loss", train_loss},
              {"test_loss", test_loss},
              {"sec_per_epoch", epoch_seconds.empty() ? 0.0 : total / (double)epoch_seconds.size()},
              {"peak_rss_mib", peak_rss_mib()}};
  if (!f.out.empty()) {
    // its own row: the pictures run the model over the test set, which is not training
    profile::Scope scope("checkpoint and pictures");
    write_jsonl(join_path(f.out, "metrics.jsonl"), history);
    save(ckpt_path, f.epochs);
    write_pictures(f.out, *model, ds.test, f.seed);
  }
  return out;
}

}  // namespace vgrad::tools
