// --recon mse|bce: the course's squared-error autoencoder beside the Bernoulli one.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "models/image_training.h"
#include "models/registry.h"
#include "tests/test_image_util.h"
#include "tools/train/train.h"

using namespace vgrad;

namespace {

// n 28 x 28 images with pixel(i, p) as pixel p of image i, labelled i % 2.
ImageSet image_set(int64_t n, const std::function<float(int64_t, int64_t)>& pixel) {
  ImageSet images;
  images.rows = images.cols = 28;
  images.images = Tensor::empty({n, 784});
  for (int64_t i = 0; i < n; ++i) {
    images.labels.push_back((uint8_t)(i % 2));
    for (int64_t p = 0; p < 784; ++p) images.images.at(i * 784 + p) = pixel(i, p);
  }
  return images;
}

}  // namespace

TEST_CASE("recon: mse is the squared error of the sigmoid output, summed per image") {
  // logits 0 and ln 3: sigmoid 1/2 and 3/4; targets 1 and 0: (1 - 1/2)^2 + (0 - 3/4)^2 = 13/16.
  const Tensor logits = Tensor::from({1, 2}, {0.0f, std::log(3.0f)});
  const Tensor x = Tensor::from({1, 2}, {1.0f, 0.0f});
  CHECK(reconstruction_error(logits, x, Recon::mse).item() == doctest::Approx(13.0 / 16.0));
  // bce: softplus(l) - x l = ln 2 + (ln 4 - 0) = ln 8.
  CHECK(reconstruction_error(logits, x, Recon::bce).item() == doctest::Approx(std::log(8.0)));
  CHECK(parse_recon("mse") == Recon::mse);
  CHECK_THROWS_WITH(parse_recon("l1"), "--recon: expected bce or mse, got 'l1'");
}

TEST_CASE("recon: AE and VAE train on mse (the loss falls)") {
  Rng data_rng(3);
  // Two prototypes (top half / bottom half lit) plus noise.
  const ImageSet images = image_set(64, [&](int64_t i, int64_t p) {
    return std::clamp(
        (((p / 28 < 14) == (i % 2 == 0)) ? 0.9f : 0.1f) + 0.05f * data_rng.normal(), 0.0f, 1.0f);
  });
  for (const std::string kind : {"ae", "vae"}) {
    const std::vector<double> per_sample =
        testing::train_images(kind, images, {.hidden = 32, .latent = 4, .recon = Recon::mse})
            .per_sample;
    INFO(kind, ": first ", per_sample.front(), " last ", per_sample.back());
    // Untrained, each pixel is off by ~0.4: ~784 * 0.16 = 125; the prototypes fit to ~0.05^2.
    CHECK(per_sample.front() > 50);
    CHECK(per_sample.back() < 0.5 * per_sample.front());
  }
}

TEST_CASE("recon: refused for graph models, defaulted to bce for image models") {
  tools::TrainFlags f;
  f.model = "gae";
  f.recon = "mse";
  CHECK_THROWS_WITH(tools::resolve_defaults(f), doctest::Contains("--recon applies to ae and vae only"));
  f = tools::TrainFlags{};
  f.model = "ae";
  tools::resolve_defaults(f);
  CHECK(f.recon == "bce");
  f.recon = "l2";
  CHECK_THROWS_WITH(tools::resolve_defaults(f), "--recon: expected bce or mse, got 'l2'");
}

TEST_CASE("recon: an AE is measured on both errors, and the one it trained on is its test loss") {
  Rng data_rng(5);
  const ImageSet images = image_set(10, [&](int64_t, int64_t) { return data_rng.uniform(); });
  for (const Recon recon : {Recon::bce, Recon::mse}) {
    Rng rng(6);
    auto model = make_image_model("ae", 784, {.hidden = 16, .latent = 3, .recon = recon}, rng);
    const ReconErrors e = reconstruction_errors(*model, images, 4);  // batches 4, 4, 2
    const double loss = evaluate_images(*model, images, 10, rng);
    CHECK((recon == Recon::bce ? e.bce : e.mse) == doctest::Approx(loss).epsilon(1e-5));
    // By hand on the first image: sum over pixels of (x - sigmoid(logit))^2.
    NoGradGuard no_tape;
    const Tensor x = gather_rows(images.images, {0}, 0, 1);
    const Tensor p = model->decode(model->encode(x));
    double sq = 0;
    for (int64_t k = 0; k < 784; ++k) sq += std::pow(x.at(k) - p.at(k), 2);
    const ReconErrors one = reconstruction_errors(*model, ImageSet{x, {0}, 28, 28}, 1);
    CHECK(one.mse == doctest::Approx(sq).epsilon(1e-4));
    CHECK(one.bce > 0);
  }
}
