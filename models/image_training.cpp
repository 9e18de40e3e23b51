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
  // Rows are scattered over the whole set: each copy waits on memory, so two threads help.
#pragma omp parallel for schedule(static) if (count * d >= kernels::kParallelMin)
  for (int64_t r = 0; r < count; ++r)
    std::memcpy(x.data() + r * d, images.data() + order[begin + r] * d, d * sizeof(float));
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

double evaluate_images(ImageModel& model, const ImageSet& set, int64_t batch, Rng& rng) {
  NoGradGuard no_tape;
  const bool was_training = model.is_training();
  model.eval();
  const int64_t n = set.size();
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  double total = 0;
  for (int64_t begin = 0; begin < n; begin += batch) {
    const int64_t count = std::min(batch, n - begin);
    total += model.loss(gather_rows(set.images, order, begin, count), rng).item();
  }
  model.train(was_training);
  return total / (double)std::max<int64_t>(n, 1);
}

}  // namespace vgrad
