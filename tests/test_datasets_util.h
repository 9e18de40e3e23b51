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
  ~TempDir() { std::error_code ec; std::filesystem::remove_all(path_, ec); }
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

}  // namespace vgrad::testing
