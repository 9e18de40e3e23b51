// A small image model trained for a few epochs on a fixed set: the per-sample training loss
// after each epoch, for tests that check a loss falls.
#pragma once
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "models/image_training.h"
#include "models/registry.h"
#include "nn/optim.h"

namespace vgrad::testing {

struct TrainedImages {
  std::unique_ptr<ImageModel> model;
  std::vector<double> per_sample;  // after each epoch
};

inline TrainedImages train_images(const std::string& kind, const ImageSet& images,
                                  const ImageModelConfig& config, int epochs = 15) {
  Rng rng(4);
  auto model = make_image_model(kind, 784, config, rng);
  Adam opt(model->parameters(), {.lr = 1e-3});
  ImageRun run{*model, opt, rng, images, 16};
  std::vector<double> per_sample;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    ImageEpochState state;
    CHECK(train_image_epoch(run, epoch, state));
    per_sample.push_back(state.loss_sum / images.size());
  }
  return {std::move(model), per_sample};
}

}  // namespace vgrad::testing
