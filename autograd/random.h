// The only source of randomness: an explicit, seeded generator (xoshiro256**, seeded through
// splitmix64). Normals use Box-Muller written here, not std::normal_distribution, whose output
// differs between standard libraries: the same seed gives the same numbers everywhere.
#pragma once
#include <cstdint>

namespace vgrad {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0);
  uint64_t next_u64() {  // xoshiro256** (Blackman & Vigna); inline: 8M draws a step at 1M nodes
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
  float uniform();          // [0, 1), 24 random bits
  double uniform_double();  // [0, 1), 53 random bits
  float uniform(float low, float high);
  float normal();  // N(0, 1)
  // out[i] = stddev * normal() for i < n, the same numbers as n calls, vectorised
  void normals(float* out, int64_t n, float stddev = 1.0f);
  uint64_t below(uint64_t n);  // uniform integer in [0, n), unbiased
  struct State {
    uint64_t s[4];
    bool has_spare;
    float spare;
  };
  State state() const { return {{s_[0], s_[1], s_[2], s_[3]}, has_spare_, spare_}; }
  void set_state(const State& st);

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  bool has_spare_ = false;
  float spare_ = 0;
};

}  // namespace vgrad
