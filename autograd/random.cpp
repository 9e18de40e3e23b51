#include "autograd/random.h"

#include <algorithm>
#include <cmath>

#include "autograd/check.h"
#include "autograd/normal_math.h"
#include "autograd/ops.h"

namespace vgrad {
namespace {
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  for (auto& s : s_) s = splitmix64(x);
}

uint64_t Rng::next_u64() {  // xoshiro256** (Blackman & Vigna)
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
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
  // Uniforms drawn in normal()'s order (u1, u2 per pair), transformed a block at a time.
  constexpr int64_t kBlock = 512;
  double u1[kBlock], u2[kBlock];
  float c[kBlock], s[kBlock];
  while (i < n) {
    const int64_t pairs = std::min(kBlock, (n - i + 1) / 2);
    for (int64_t p = 0; p < pairs; ++p) {
      u1[p] = 1.0 - uniform_double();
      u2[p] = uniform_double();
    }
    box_muller_array(u1, u2, c, s, pairs);
    for (int64_t p = 0; p < pairs; ++p) {
      out[i++] = stddev * c[p];
      if (i == n) {  // an odd count: the last sine waits for the next draw, as in normal()
        spare_ = s[p];
        has_spare_ = true;
        break;
      }
      out[i++] = stddev * s[p];
    }
  }
}

uint64_t Rng::below(uint64_t n) {
  check(n > 0, "Rng::below: n must be positive");
  // Rejection removes the modulo bias of next_u64() % n.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = next_u64();
  while (x >= limit);
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
