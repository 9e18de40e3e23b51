// Fixtures for the dataset tests: a private temp folder per test, plain and gzipped files
// written on the spot, and the real data folder when `make data` has filled it.
#pragma once
#include <zlib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "autograd/sparse.h"

namespace vgrad::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("vgrad_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
                .string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& str() const { return path_; }

 private:
  std::string path_;
};

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

inline void write_gz(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  gzFile gz = gzopen(path.c_str(), "wb");
  gzwrite(gz, bytes.data(), (unsigned)bytes.size());
  gzclose(gz);
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// $VGRAD_DATA_DIR or ./data when it holds `sub`; "" when the real data is not there.
inline std::string real_data(const std::string& sub) {
  const char* env = std::getenv("VGRAD_DATA_DIR");
  const std::string dir = env && *env ? env : "data";
  return std::filesystem::exists(dir + "/" + sub) ? dir : "";
}

// MNIST-format fixtures (IDX, big-endian header).
inline std::string be32(uint32_t v) {
  return {char(v >> 24), char(v >> 16 & 255), char(v >> 8 & 255), char(v & 255)};
}

// count images of rows x cols; pixel k of image i is (i * 7 + k) % 256.
inline std::string idx_images(uint32_t count, uint32_t rows = 28, uint32_t cols = 28,
                              uint32_t magic = 2051) {
  std::string b = be32(magic) + be32(count) + be32(rows) + be32(cols);
  for (uint32_t i = 0; i < count; ++i)
    for (uint32_t k = 0; k < rows * cols; ++k) b += char((i * 7 + k) % 256);
  return b;
}

inline std::string idx_labels(const std::vector<int>& labels, uint32_t magic = 2049) {
  std::string b = be32(magic) + be32((uint32_t)labels.size());
  for (int l : labels) b += char(l);
  return b;
}

inline void write_set(const std::string& dir, const std::string& prefix, uint32_t n, bool gz) {
  std::vector<int> labels;
  for (uint32_t i = 0; i < n; ++i) labels.push_back(int(i % 10));
  auto w = gz ? write_gz : write_bytes;
  const std::string ext = gz ? ".gz" : "";
  w(dir + "/" + prefix + "-images-idx3-ubyte" + ext, idx_images(n));
  w(dir + "/" + prefix + "-labels-idx1-ubyte" + ext, idx_labels(labels));
}

// A[i, j] of a CSR matrix (0 when not stored), for checking a few entries by hand.
inline float csr_entry(const Csr& a, int64_t i, int64_t j) {
  for (int64_t k = a.row_ptr()[i]; k < a.row_ptr()[i + 1]; ++k)
    if (a.col_idx()[k] == j) return a.values()[k];
  return 0;
}

}  // namespace vgrad::testing
