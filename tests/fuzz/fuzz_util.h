// Shared by the fuzz targets: the readers take paths, so each input goes to one per-process
// file (in RAM when /dev/shm exists) that every iteration overwrites.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "autograd/check.h"

namespace vgrad::fuzz {

// $TMPDIR wins so a run can be moved off /dev/shm; the pid keeps parallel jobs apart.
// Leaked on purpose: the atexit cleanup runs after static destructors would have freed it.
inline const std::string& work_dir() {
  static const std::string& dir = *new std::string([] {
    const char* tmp = std::getenv("TMPDIR");
    std::string base = tmp && *tmp ? tmp : std::filesystem::exists("/dev/shm") ? "/dev/shm"
                                                                               : "/tmp";
    std::string d = base + "/vgrad_fuzz_" + std::to_string(::getpid());
    std::filesystem::create_directories(d);
    std::atexit([] { std::error_code ec; std::filesystem::remove_all(work_dir(), ec); });
    return d;
  }());
  return dir;
}

inline std::string write_input(const std::string& name, const uint8_t* data, size_t size) {
  const std::string path = work_dir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), (std::streamsize)size);
  return path;
}

// A broken invariant on a successful read: abort so libFuzzer saves the input.
inline void expect(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz: invariant broken: %s\n", what);
  std::abort();
}

// vgrad::Error is the reader's correct answer to bad input; anything else escapes and
// libFuzzer reports it (uncaught exception -> abort).
template <typename F>
void run(F&& read) {
  try {
    read();
  } catch (const vgrad::Error&) {
  }
}

}  // namespace vgrad::fuzz
