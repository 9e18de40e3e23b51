// One versioned binary archive of named float32 tensors plus string metadata. Module
// parameters, optimizer state, the epoch and the Rng state all go through it, so `--resume`
// continues a run bit-identically.
//
// Layout (little-endian):
//   "VGRADCKP" (8 bytes) | u32 version | u64 file size in bytes
//   u32 meta count   | per entry:  u32 key length, key, u32 value length, value
//   u32 tensor count | per tensor: u32 name length, name, u32 ndim, i64 dims[ndim],
//                                  f32 data[numel]
//   u32 CRC32 (zlib) of every byte before it
// The size in the header lets a truncated file be named as truncated rather than corrupt.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "autograd/random.h"
#include "autograd/tensor.h"

namespace vgrad {

constexpr uint32_t kCheckpointVersion = 1;

struct Checkpoint {
  std::map<std::string, std::string> meta;
  std::vector<std::pair<std::string, Tensor>> tensors;  // in the order written
  std::string source;  // the file it was read from, for messages ("" if built in memory)
  std::string where() const { return source.empty() ? "(in memory)" : source; }

  void put(const std::string& name, const Tensor& t);   // stores a copy; replaces same name
  const Tensor* find(const std::string& name) const;    // null when absent
  const Tensor& tensor(const std::string& name) const;  // throws naming the file
  const std::string& get(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  double get_double(const std::string& key) const;  // written with 17 digits: round-trips
  void set(const std::string& key, int64_t v) { meta[key] = std::to_string(v); }
  void set(const std::string& key, double v);
  void set(const std::string& key, const std::string& v) { meta[key] = v; }
};

// Written by write_file_atomically (nn/atomic_file.h): a crash leaves either the old file or
// the new one, never half of one.
void save_checkpoint(const std::string& path, const Checkpoint& ckpt);
// Refuses a short, truncated, wrong-magic, wrong-version or checksum-failing file with a
// message naming the file and, where it helps, the byte offset.
Checkpoint load_checkpoint(const std::string& path);

// The generator's full state (including Box-Muller's spare normal) as one meta entry.
void save_rng_to(Checkpoint& ckpt, const std::string& key, const Rng& rng);
void load_rng_from(const Checkpoint& ckpt, const std::string& key, Rng& rng);

}  // namespace vgrad
