// `vgrad train`: the flags, and the two runners (graph models, image models) that turn them
// into a trained model, a JSON result, and with --out a folder of metrics, a checkpoint and
// pictures. In the library (not in cmd_train.cpp) so tests can run them on synthetic data.
#pragma once
#include <nlohmann/json.hpp>
#include <initializer_list>
#include <string>

namespace vgrad::tools {

struct TrainFlags {
  std::string model;             // ae, vae, gae, vgae, sc
  std::string dataset;           // default: mnist for ae/vae, cora for gae/vgae
  int epochs = -1;               // -1: the model's reference setting (10 / 200)
  double lr = -1;                // -1: 1e-3 (ae, vae) / 0.01 (gae, vgae)
  int64_t batch = 128;
  int64_t hidden = -1, latent = -1;  // -1: 400/20 (ae, vae), 32/16 (gae, vgae)
  uint64_t seed = 42;
  int seeds = 1;
  int threads = 0;
  std::string out;               // --out DIR
  std::string resume;            // --resume CKPT
  std::string decoder = "fused";
  int64_t negatives = 1;
  std::string features = "auto"; // auto | none
  float dropout = 0.0f;
  int eval_every = 1;
  std::string data_dir;          // default: $VGRAD_DATA_DIR or data/
  bool quiet = false;            // no progress output (tests)
  bool profile = false;          // per-op time table after the run (autograd/profile.h)
};

bool is_graph_model(const std::string& model);      // gae, vgae, sc: link prediction
bool is_embedding_model(const std::string& model);  // sc: computed, not trained by steps
void resolve_defaults(TrainFlags& flags);  // fills the -1 defaults; validates values
void resolve_embedding_defaults(TrainFlags& flags);  // resolve_defaults' part for sc
nlohmann::json run_graph_training(const TrainFlags& flags);
nlohmann::json run_image_training(const TrainFlags& flags);
nlohmann::json run_embedding_training(const TrainFlags& flags);
// The fields of resolved flags that change a run's result (not threads, output, progress):
// the key `vgrad reproduce` keeps a finished cell under. A new flag that changes results
// belongs here, or reproduce would read back a cell computed without it.
nlohmann::json train_settings(const TrainFlags& flags);
// The runner of flags.model (resolved): what `vgrad train` and `vgrad reproduce` call.
nlohmann::json run_training(const TrainFlags& flags);

// out[key] = the mean of runs[i][key] and out[key + "_std"] their population std (numpy's
// default, as papers usually report), for each key.
void add_mean_std(nlohmann::json& out, const nlohmann::json& runs,
                  std::initializer_list<const char*> keys);

// Peak resident memory of this process so far, in MiB (getrusage).
double peak_rss_mib();

// Set by SIGINT/SIGTERM: the runners finish the current step, write a checkpoint and throw
// Interrupted, which main turns into exit code 130 / 143.
void install_interrupt_handlers();
int pending_signal();  // 0 when none
void clear_pending_signal();
struct Interrupted {
  int signal;
  std::string checkpoint;
};

}  // namespace vgrad::tools
