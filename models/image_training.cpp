#include "models/image_training.h"

#include <cstring>
#include <numeric>

#include "autograd/parallel.h"
#include "autograd/profile.h"

namespace vgrad {

Tensor gather_rows(const Tensor& images, const std::vector<int64_t>& order, int64_t begin,
                   int64_t count) {
  const int64_t d = images.cols();
  Tensor x = Tensor::empty({count, d});
  // Rows are scattered over the whole set: each copy waits on memory, so two threads help,
  // and the rows two ahead are requested while one is copied (the hardware prefetcher starts
  // only a few lines into each row).
  constexpr int64_t kAhead = 2;
#pragma omp parallel for schedule(static) if (count * d >= kernels::kParallelMin)
  for (int64_t r = 0; r < count; ++r) {
    if (r + kAhead < count)
      kernels::prefetch_row(images.data() + order[begin + r + kAhead] * d, d, false);
    std::memcpy(x.data() + r * d, images.data() + order[begin + r] * d, d * sizeof(float));
  }
  return x;
}

bool train_image_epoch(ImageRun& run, int epoch, ImageEpochState& st,
                       const std::function<void(int64_t, int64_t)>& on_batch,
                       const std::function<bool()>& stop) {
  const int64_t n = run.train.size();
  check(n > 0, "training set is empty");
  check(run.batch > 0, "batch: expected a positive size, got ", run.batch);
  if (st.order.empty()) {  // Fisher-Yates from the run's generator
    st.order.resize(n);
    std::iota(st.order.begin(), st.order.end(), 0);
    for (int64_t i = n - 1; i > 0; --i) std::swap(st.order[i], st.order[run.rng.below(i + 1)]);
    st.next_batch = 0;
    st.loss_sum = 0;
  }
  check((int64_t)st.order.size() == n, "epoch state: order has ", st.order.size(), " entries for ",
        n, " training images");
  run.model.train();
  const int64_t batches = (n + run.batch - 1) / run.batch;
  for (int64_t& b = st.next_batch; b < batches;) {
    const int64_t begin = b * run.batch, count = std::min(run.batch, n - begin);
    Tensor x;
    {
      profile::Scope scope("gather batch");
      x = gather_rows(run.train.images, st.order, begin, count);
    }
    const double value =
        descend(run.model.loss(x, run.rng), run.model, run.optimizer,
                "epoch " + std::to_string(epoch) + ", batch " + std::to_string(b + 1));
    st.loss_sum += value;
    ++b;
    if (on_batch) on_batch(b, batches);
    if (b < batches && stop && stop()) return false;
  }
  return true;
}

namespace {

// Calls on_batch(x) for the set's rows in order, batch by batch, in eval mode and untaped.
void for_each_batch(ImageModel& model, const ImageSet& set, int64_t batch,
                    const std::function<void(const Tensor&)>& on_batch) {
  NoGradGuard no_tape;
  const bool was_training = model.is_training();
  model.eval();
  const int64_t n = set.size();
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  for (int64_t begin = 0; begin < n; begin += batch)
    on_batch(gather_rows(set.images, order, begin, std::min(batch, n - begin)));
  model.train(was_training);
}

}  // namespace

double evaluate_images(ImageModel& model, const ImageSet& set, int64_t batch, Rng& rng) {
  double total = 0;
  for_each_batch(model, set, batch, [&](const Tensor& x) { total += model.loss(x, rng).item(); });
  return total / (double)std::max<int64_t>(set.size(), 1);
}

ReconErrors reconstruction_errors(ImageModel& model, const ImageSet& set, int64_t batch) {
  ReconErrors sum;
  for_each_batch(model, set, batch, [&](const Tensor& x) {
    const Tensor logits = model.decode_logits(model.encode(x));
    sum.bce += reconstruction_error(logits, x, Recon::bce).item();
    sum.mse += reconstruction_error(logits, x, Recon::mse).item();
  });
  const double count = (double)std::max<int64_t>(set.size(), 1);
  return {sum.bce / count, sum.mse / count};
}

}  // namespace vgrad
