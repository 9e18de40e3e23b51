// vgrad train's runners end to end on small data: the JSON has every promised field, --out
// writes its files, and a resumed run ends where an uninterrupted one does, bit for bit.
#include <doctest/doctest.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <map>

#include "autograd/blas.h"
#include "autograd/ops.h"
#include "models/registry.h"
#include "tests/test_datasets_util.h"
#include "tools/train/train.h"

using namespace vgrad;
using namespace vgrad::tools;
using nlohmann::json;

namespace {

TrainFlags graph_flags(const std::string& model, int epochs) {
  TrainFlags f;
  f.model = model;
  f.dataset = "synthetic:nodes=150,classes=3,seed=2";
  f.epochs = epochs;
  f.quiet = true;
  f.threads = 1;
  resolve_defaults(f);
  return f;
}

// 160 MNIST-format images (train) and 40 (test) in DIR/mnist.
TrainFlags image_flags(const vgrad::testing::TempDir& dir, const std::string& model, int epochs) {
  std::filesystem::create_directories(dir / "mnist");
  vgrad::testing::write_set(dir / "mnist", "train", 160, true);
  vgrad::testing::write_set(dir / "mnist", "t10k", 40, false);
  TrainFlags f;
  f.model = model;
  f.data_dir = dir.str();
  f.epochs = epochs;
  f.batch = 32;
  f.hidden = 16;
  f.latent = 2;
  f.quiet = true;
  f.threads = 1;
  resolve_defaults(f);
  return f;
}

}  // namespace

TEST_CASE("train: graph JSON has every field, per seed and as mean/std") {
  TrainFlags f = graph_flags("vgae", 15);
  f.seeds = 2;
  const json r = run_graph_training(f);
  for (const char* key : {"test_auc", "test_ap", "val_auc", "val_ap", "test_auc_std",
                          "test_ap_std", "sec_per_epoch", "epochs", "seeds", "threads",
                          "peak_rss_mib", "model", "dataset"})
    CHECK_MESSAGE(r.contains(key), key);
  REQUIRE(r["runs"].size() == 2);
  CHECK(r["runs"][0]["seed"] == 42);
  CHECK(r["runs"][1]["seed"] == 43);
  const double mean = (r["runs"][0]["test_auc"].get<double>() + r["runs"][1]["test_auc"].get<double>()) / 2;
  CHECK(r["test_auc"].get<double>() == doctest::Approx(mean));
  // Ranking and clustering: per seed, and the mean/std over seeds.
  for (const char* key : {"hits@10", "hits@50", "hits@100", "mrr", "hits@10_std", "mrr_std"})
    CHECK_MESSAGE(r["ranking"].contains(key), key);
  for (const char* key : {"acc", "nmi", "ari", "acc_std", "nmi_std", "ari_std"})
    CHECK_MESSAGE(r["clustering"].contains(key), key);
  CHECK(r["clustering"]["k"] == 3);
  const double acc0 = r["runs"][0]["clustering"]["acc"], acc1 = r["runs"][1]["clustering"]["acc"];
  CHECK(r["clustering"]["acc"].get<double>() == doctest::Approx((acc0 + acc1) / 2));
  CHECK(r["clustering"]["acc_std"].get<double>() == doctest::Approx(std::fabs(acc0 - acc1) / 2));
  CHECK(acc0 > 0.5);                  // three planted classes, separable: better than chance (1/3)
  CHECK(json::parse(r.dump()) == r);  // what stdout carries parses back
}

TEST_CASE("train: --out writes metrics, checkpoint and pictures; --resume matches one run") {
  vgrad::testing::TempDir dir;
  TrainFlags whole = graph_flags("vgae", 20);
  whole.out = dir / "whole";
  const json a = run_graph_training(whole);
  for (const char* file : {"metrics.jsonl", "checkpoint.ckpt", "embedding.png", "curves.png"})
    CHECK_MESSAGE(std::filesystem::exists(dir / "whole/" + file), file);
  TrainFlags half = graph_flags("vgae", 8);
  half.out = dir / "half";
  run_graph_training(half);
  TrainFlags rest = graph_flags("vgae", 20);
  rest.resume = dir / "half/checkpoint.ckpt";
  const json b = run_graph_training(rest);
  CHECK(b["test_auc"] == a["test_auc"]);  // exact: same bits, not approximately
  CHECK(b["test_ap"] == a["test_ap"]);
  // A checkpoint of another model is refused by name.
  TrainFlags other = graph_flags("gae", 20);
  other.resume = rest.resume;
  CHECK_THROWS_AS(run_graph_training(other), Error);
}

TEST_CASE("train: image JSON, pictures, and resume on MNIST-format data") {
  vgrad::testing::TempDir dir;
  TrainFlags whole = image_flags(dir, "vae", 3);
  whole.out = dir / "whole";
  const json a = run_image_training(whole);
  for (const char* key : {"train_loss", "test_loss", "epochs", "seed", "threads",
                          "sec_per_epoch", "peak_rss_mib"})
    CHECK_MESSAGE(a.contains(key), key);
  for (const char* file : {"metrics.jsonl", "checkpoint.ckpt", "samples.png",
                           "reconstructions.png", "latent.png"})
    CHECK_MESSAGE(std::filesystem::exists(dir / "whole/" + file), file);
  TrainFlags first = image_flags(dir, "vae", 1);
  first.out = dir / "first";
  run_image_training(first);
  TrainFlags rest = image_flags(dir, "vae", 3);
  rest.resume = dir / "first/checkpoint.ckpt";
  const json b = run_image_training(rest);
  CHECK(b["test_loss"] == a["test_loss"]);
  CHECK(b["train_loss"] == a["train_loss"]);
}

TEST_CASE("train: out-of-range flags are refused naming the flag") {
  TrainFlags f;
  f.model = "vae";
  f.lr = 0;
  CHECK_THROWS_WITH_AS(resolve_defaults(f), "--lr: expected a value in (0, 10), got 0", Error);
  f = {};
  f.model = "rnn";
  CHECK_THROWS_WITH_AS(resolve_defaults(f), ("--model: expected " + model_names() + ", got 'rnn'").c_str(),
                       Error);
  f = {};
  f.model = "gae";
  f.epochs = 0;
  CHECK_THROWS_WITH_AS(resolve_defaults(f), "--epochs: expected at least 1, got 0", Error);
  f = {};
  f.model = "vgae";
  f.features = "some";
  CHECK_THROWS_WITH_AS(resolve_defaults(f), "--features: expected auto or none, got 'some'", Error);
}

TEST_CASE("train: SIGINT finishes the step, checkpoints, and --resume ends where one run does") {
  vgrad::testing::TempDir dir;
  TrainFlags whole = graph_flags("gae", 12);
  const json a = run_graph_training(whole);
  install_interrupt_handlers();
  TrainFlags cut = graph_flags("gae", 12);
  cut.out = dir / "cut";
  {
    // As if the signal came during the first step: deferred, it is seen once the step ends.
    // (Before training, the handler would end this process: tests/test_signals.cpp.)
    DeferSignals defer;
    std::raise(SIGINT);
    try {
      run_graph_training(cut);
      FAIL("the run did not stop on SIGINT");
    } catch (const Interrupted& stop) {
      CHECK(stop.signal == SIGINT);
      CHECK(stop.checkpoint == dir / "cut/checkpoint.ckpt");
    }
    clear_pending_signal();
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  CHECK_FALSE(std::filesystem::exists(dir / "cut/metrics.jsonl"));  // only the checkpoint
  TrainFlags rest = graph_flags("gae", 12);
  rest.resume = dir / "cut/checkpoint.ckpt";
  const json b = run_graph_training(rest);
  CHECK(b["test_auc"] == a["test_auc"]);
  CHECK(b["test_ap"] == a["test_ap"]);
}

TEST_CASE("train: 1 and 2 threads agree on test AUC/AP within 1e-4") {
  TrainFlags one = graph_flags("vgae", 30), two = graph_flags("vgae", 30);
  one.threads = 1;
  two.threads = 2;
  const json a = run_graph_training(one), b = run_graph_training(two);
  set_threads(1);
  CHECK(std::fabs(a["test_auc"].get<double>() - b["test_auc"].get<double>()) <= 1e-4);
  CHECK(std::fabs(a["test_ap"].get<double>() - b["test_ap"].get<double>()) <= 1e-4);
}

TEST_CASE("train: each GEMM backend repeats its bits; the two agree within 1e-3") {
  // The runners set the backend for the process: give the later cases back $VGRAD_GEMM/auto.
  struct Restore {
    ~Restore() { kernels::set_gemm_backend(std::string()); }
  } restore;
  std::map<std::string, json> graph, image;
  vgrad::testing::TempDir dir;
  for (const std::string backend : {"openblas", "onednn"}) {
    CAPTURE(backend);
    TrainFlags g = graph_flags("vgae", 15);
    g.threads = 2;
    g.gemm = backend;
    const json a = run_graph_training(g), b = run_graph_training(g);
    CHECK(a["gemm"] == backend);
    for (const char* key : {"test_auc", "test_ap", "val_auc", "val_ap"}) CHECK(a[key] == b[key]);
    graph[backend] = a;
    TrainFlags im = image_flags(dir, "vae", 2);
    im.threads = 2;
    im.gemm = backend;
    const json c = run_image_training(im), d = run_image_training(im);
    CHECK(c["train_loss"] == d["train_loss"]);
    CHECK(c["test_loss"] == d["test_loss"]);
    image[backend] = c;
  }
  for (const char* key : {"test_auc", "test_ap", "val_auc", "val_ap"})
    CHECK(std::fabs(graph["openblas"][key].get<double>() - graph["onednn"][key].get<double>()) <=
          1e-3);
  CHECK(image["openblas"]["test_loss"].get<double>() ==
        doctest::Approx(image["onednn"]["test_loss"].get<double>()).epsilon(1e-3));
}
