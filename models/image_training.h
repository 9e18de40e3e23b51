// The minibatch training loop shared by AE and VAE on MNIST: each epoch shuffles the
// training set with the run's generator and takes one Adam step per batch of the summed
// loss, as the PyTorch example does.
#pragma once
#include <functional>

#include "datasets/idx.h"
#include "models/image_model.h"

namespace vgrad {

struct ImageRun {
  ImageModel& model;
  Optimizer& optimizer;
  Rng& rng;
  const ImageSet& train;
  int64_t batch = 128;
};

// Where an epoch is: its shuffled order, the next batch, and the loss summed so far. Saved in
// checkpoints, so a run interrupted mid-epoch resumes at the same batch with the same order.
struct ImageEpochState {
  std::vector<int64_t> order;  // empty: the epoch has not started (it shuffles first)
  int64_t next_batch = 0;
  double loss_sum = 0;
};

// Runs (or continues) one epoch; returns true when it finished, false when `stop` asked to
// stop after a batch. The mean loss per sample is state.loss_sum / train.size().
// on_batch(done, total) reports progress. Throws naming the epoch and batch when the loss or
// a gradient is not finite.
bool train_image_epoch(ImageRun& run, int epoch, ImageEpochState& state,
                       const std::function<void(int64_t, int64_t)>& on_batch = {},
                       const std::function<bool()>& stop = {});

// The mean loss per sample over a whole set, without gradients. The VAE's loss samples z,
// so this draws from rng as the PyTorch example's test loop does.
double evaluate_images(ImageModel& model, const ImageSet& set, int64_t batch, Rng& rng);

// Both reconstruction errors of decode(encode(x)) (the VAE's mean code, no sampling), mean
// per image over a set, whatever loss the model trained on: the Bernoulli cross-entropy (nats)
// and the squared error, so an AE trained on either is measured on both.
struct ReconErrors {
  double bce = 0, mse = 0;
};
ReconErrors reconstruction_errors(ImageModel& model, const ImageSet& set, int64_t batch);

// The rows order[begin], ..., order[begin + count - 1] of images, as one [count, D] batch.
Tensor gather_rows(const Tensor& images, const std::vector<int64_t>& order, int64_t begin,
                   int64_t count);

}  // namespace vgrad
