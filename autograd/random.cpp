#include "autograd/random.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "autograd/check.h"
#include "autograd/normal_math.h"
#include "autograd/ops.h"
#include "autograd/parallel.h"

namespace vgrad {
namespace {
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  for (auto& s : s_) s = splitmix64(x);
}

float Rng::uniform() { return (float)(next_u64() >> 40) * (1.0f / 16777216.0f); }
double Rng::uniform_double() { return (double)(next_u64() >> 11) * (1.0 / 9007199254740992.0); }
float Rng::uniform(float low, float high) { return low + (high - low) * uniform(); }

float Rng::normal() {
  // Box-Muller gives two normals per pair of uniforms; keep the second for the next call.
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u1 = 1.0 - uniform_double();  // (0, 1]: log(u1) is finite
  const double u2 = uniform_double();
  float c;
  normal_math::box_muller(u1, u2, c, spare_);
  has_spare_ = true;
  return c;
}

namespace {
// Box-Muller over arrays of uniform pairs, compiled for AVX-512 and for the baseline (AVX2),
// chosen by cpuid: the same arithmetic as Rng::normal(), so the same bits (checked). No
// noinline: clang refuses it beside target_clones (the fuzz build), and a multiversioned
// function is called through its resolver anyway.
__attribute__((target_clones("avx512f", "default"))) void box_muller_array(const double* u1,
                                                                           const double* u2,
                                                                           float* c, float* s,
                                                                           int64_t n) {
  for (int64_t i = 0; i < n; ++i) normal_math::box_muller(u1[i], u2[i], c[i], s[i]);
}
}  // namespace

void Rng::normals(float* out, int64_t n, float stddev) {
  int64_t i = 0;
  if (n > 0 && has_spare_) {
    has_spare_ = false;
    out[i++] = stddev * spare_;
  }
  // Uniforms drawn in normal()'s order (u1, u2 per pair), a chunk at a time: they come from
  // the one serial stream. Each pair's transform is independent of the others, so a chunk's
  // pairs are transformed in blocks on all threads (half of the time on 43k normals, Cora's
  // VGAE step; 16M on a 1M-node graph), each block written where its pairs go.
  constexpr int64_t kBlock = 512, kChunk = 64 * kBlock;
  const int64_t most = std::min(kChunk, (n - i + 1) / 2);
  std::vector<double> u1(most), u2(most);
  while (i < n) {
    const int64_t pairs = std::min(kChunk, (n - i + 1) / 2);
    for (int64_t p = 0; p < pairs; ++p) {
      u1[p] = 1.0 - uniform_double();
      u2[p] = uniform_double();
    }
    const int64_t blocks = (pairs + kBlock - 1) / kBlock;
    float* dst = out + i;
    const int64_t room = n - i;  // odd: the last pair's sine waits for the next draw
    float last_sine = 0;
#pragma omp parallel for schedule(static) if (2 * pairs >= kernels::kParallelMin)
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t p0 = b * kBlock, len = std::min(kBlock, pairs - p0);
      float c[kBlock], s[kBlock];
      box_muller_array(u1.data() + p0, u2.data() + p0, c, s, len);
      for (int64_t p = 0; p < len; ++p) {
        const int64_t at = 2 * (p0 + p);
        dst[at] = stddev * c[p];
        if (at + 1 < room)
          dst[at + 1] = stddev * s[p];
        else
          last_sine = s[p];  // one pair at most, the chunk's last
      }
    }
    if (2 * pairs > room) spare_ = last_sine, has_spare_ = true;
    i += std::min(2 * pairs, room);
  }
}

uint64_t Rng::below(uint64_t n) {
  check(n > 0, "Rng::below: n must be positive");
  // Rejection removes the modulo bias of next_u64() % n: x at or above the largest multiple of
  // n, limit, is drawn again. limit > UINT64_MAX - n, so any x up to that is kept without
  // computing limit, a 64-bit division as slow as the draw (the sampled decoder draws 8M
  // numbers a step on a 1M-node graph).
  uint64_t x;
  do x = next_u64();
  while (x > UINT64_MAX - n && x >= UINT64_MAX - UINT64_MAX % n);
  return x % n;
}

void Rng::set_state(const State& st) {
  for (int i = 0; i < 4; ++i) s_[i] = st.s[i];
  has_spare_ = st.has_spare;
  spare_ = st.spare;
}

Tensor randn(const Shape& shape, Rng& rng, float stddev, bool requires_grad) {
  Tensor t = Tensor::empty(shape, requires_grad);
  rng.normals(t.data(), t.numel(), stddev);
  return t;
}

Tensor rand_uniform(const Shape& shape, Rng& rng, float low, float high, bool requires_grad) {
  Tensor t = Tensor::empty(shape, requires_grad);
  for (int64_t i = 0; i < t.numel(); ++i) t.at(i) = rng.uniform(low, high);
  return t;
}

}  // namespace vgrad
