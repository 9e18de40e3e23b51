// For tests/test_bad_input.cpp: run the real `vgrad` binary as a child process with its
// stdout and stderr captured apart, its exit code or killing signal, and a time limit; and
// builders of the bad files each row writes into its own folder.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_datasets_util.h"

extern char** environ;

namespace vgrad::testing {

// The vgrad built beside this test binary (build/vgrad for build/vgrad_tests, and
// build/sanitize/vgrad under `make sanitize`).
inline std::string vgrad_binary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "build/vgrad" : (self.parent_path() / "vgrad").string();
}

struct Ran {
  int code = -1;   // exit code when the child exited
  int signal = 0;  // the signal that killed it, 0 if none
  bool timed_out = false;
  std::string out, err;
};

// Runs BINARY ARGS... with `env` ("NAME=value", or "") added to this environment, minus any
// VGRAD_MEMORY_LIMIT_MB inherited from the shell so rows do not depend on it.
inline Ran run_binary(const std::string& binary, const std::vector<std::string>& args,
                      const std::string& env, const std::string& capture_dir,
                      int timeout_seconds = 300) {
  std::filesystem::create_directories(capture_dir);
  const std::string out_path = capture_dir + "/stdout", err_path = capture_dir + "/stderr";
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (std::string(*e).rfind("VGRAD_MEMORY_LIMIT_MB=", 0) != 0) env_strings.push_back(*e);
  if (!env.empty()) env_strings.push_back(env);
  std::vector<char*> argv{const_cast<char*>(binary.c_str())}, envp;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  for (const std::string& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {  // only async-signal-safe calls until exec
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(126);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  Ran r;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status)) r.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = read_bytes(out_path);
  r.err = read_bytes(err_path);
  return r;
}

inline std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// Files left under a temporary name ("NAME.tmp.PID"): a write that was not finished.
inline std::vector<std::string> leftover_temp_files(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos)
      found.push_back(e.path().string());
  return found;
}

inline std::vector<std::string> split_on_bar(const std::string& s) {
  std::vector<std::string> out;
  size_t at = 0;
  for (size_t bar; (bar = s.find('|', at)) != std::string::npos; at = bar + 1)
    out.push_back(s.substr(at, bar - at));
  out.push_back(s.substr(at));
  return out;
}

inline std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// The gzip file (header, deflate stream, CRC trailer) of `bytes`, in memory.
inline std::string gzip(const std::string& bytes) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // +16: gzip wrapper
  std::string out(deflateBound(&z, bytes.size()), '\0');
  z.next_in = (Bytef*)bytes.data();
  z.avail_in = (uInt)bytes.size();
  z.next_out = (Bytef*)out.data();
  z.avail_out = (uInt)out.size();
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// ---- bad inputs: each Make writes files into the row's folder ----
using Make = std::function<void(const std::string& dir)>;

inline Make nothing() {
  return [](const std::string&) {};
}
inline Make both(Make a, Make b) {
  return [a, b](const std::string& dir) { a(dir); b(dir); };
}
// Bytes as given (a cut-short .gz too); a NAME.gz replaces a plain NAME beside it.
inline Make raw(const std::string& name, const std::string& bytes) {
  return [name, bytes](const std::string& dir) {
    if (name.size() > 3 && name.substr(name.size() - 3) == ".gz")
      std::filesystem::remove(dir + "/" + name.substr(0, name.size() - 3));
    write_bytes(dir + "/" + name, bytes);
  };
}

// Files by path under the row's folder; a name ending in ".gz" is written gzipped.
inline Make files(std::vector<std::pair<std::string, std::string>> named) {
  return [named](const std::string& dir) {
    for (const auto& [name, bytes] : named) {
      const bool gz = name.size() > 3 && name.substr(name.size() - 3) == ".gz";
      (gz ? write_gz : write_bytes)(dir + "/" + name, bytes);
    }
  };
}

// "0 1\n1 2\n...\n(n-1) 0\n": a ring of n nodes and n edges.
inline std::string ring(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += std::to_string(i) + " " + std::to_string((i + 1) % n) + "\n";
  return s;
}

// A valid small MNIST folder (4 training, 2 test images of 28x28), then `named` written
// over it in DIR/mnist (a ".gz" name replaces the plain file of the same stem).
inline Make mnist(std::vector<std::pair<std::string, std::string>> named = {}) {
  return [named](const std::string& dir) {
    write_set(dir + "/mnist", "train", 4, false);
    write_set(dir + "/mnist", "t10k", 2, false);
    for (const auto& [name, bytes] : named) {
      const bool gz = name.size() > 3 && name.substr(name.size() - 3) == ".gz";
      if (gz) std::filesystem::remove(dir + "/mnist/" + name.substr(0, name.size() - 3));
      (gz ? write_gz : write_bytes)(dir + "/mnist/" + name, bytes);
    }
  };
}

// A Planetoid-text "cora" folder under DIR/planetoid-text/cora: the 30-node ring as
// edges.txt unless `named` replaces it, plus the other files given.
inline Make cora(std::vector<std::pair<std::string, std::string>> named = {}) {
  return [named](const std::string& dir) {
    const std::string folder = dir + "/planetoid-text/cora/";
    write_bytes(folder + "edges.txt", ring(30));
    for (const auto& [name, bytes] : named) {
      const bool gz = name.size() > 3 && name.substr(name.size() - 3) == ".gz";
      (gz ? write_gz : write_bytes)(folder + name, bytes);
    }
  };
}

// The bytes of `good` (a valid checkpoint) changed by `edit`, as DIR/x.ckpt.
inline Make checkpoint_from(const std::string& good, std::function<std::string(std::string)> edit) {
  return [good, edit](const std::string& dir) { write_bytes(dir + "/x.ckpt", edit(read_bytes(good))); };
}

}  // namespace vgrad::testing
