// Ctrl-C and SIGTERM before training: the real `vgrad` binary, busy drawing a large synthetic
// graph, must end at once with 128 + signal and leave nothing in its --out folder. During
// training a signal finishes the step and writes a checkpoint: DeepWalk's below, the graph
// runner's in tests/test_train_runs.cpp.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>

#include "tests/bad_input_util.h"

using namespace vgrad::testing;

namespace {

// Several seconds of drawing (O(N + E): 1M nodes, ~3M edges) and splitting before the first
// step, so a signal 0.3 s in lands before training.
const char* kSlowGraph = "synthetic:nodes=1000000,p_in=0.00002,p_out=0.0000001";

struct Stopped {
  int code = -1, signal = 0;
  double seconds = 0;  // from the signal to the exit
  bool timed_out = false;
};

// Whether PID has a handler for SIGINT and SIGTERM (the SigCgt mask of /proc/PID/status).
bool catches_signals(pid_t pid) {
  const std::string status = read_bytes("/proc/" + std::to_string(pid) + "/status");
  const size_t at = status.find("SigCgt:");
  if (at == std::string::npos) return false;
  const unsigned long long mask = std::stoull(status.substr(at + 7, 32), nullptr, 16);
  return (mask >> (SIGINT - 1) & 1) && (mask >> (SIGTERM - 1) & 1);
}

// Starts vgrad ARGS, sends `sig` `delay_ms` after main has installed its handler (on a loaded
// machine the start alone may take longer than the delay) and its stderr shows `shown`, waits
// at most 2 s for the exit.
Stopped signal_after(const std::vector<std::string>& args, int sig, int delay_ms,
                     const std::string& dir, const std::string& shown = "") {
  std::vector<std::string> argv_s = {vgrad_binary()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string err = dir + "/stderr";
  const pid_t pid = fork();
  if (pid == 0) {  // only async-signal-safe calls until exec
    const int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = open("/dev/null", O_WRONLY);
    if (fd < 0 || null < 0 || dup2(null, 1) < 0 || dup2(fd, 2) < 0) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto start = std::chrono::steady_clock::now();
  while (!catches_signals(pid) && std::chrono::steady_clock::now() - start < std::chrono::seconds(20))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  while (read_bytes(err).find(shown) == std::string::npos &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  kill(pid, sig);
  Stopped s;
  const auto t0 = std::chrono::steady_clock::now();
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() - t0 > std::chrono::seconds(2)) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      s.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (WIFEXITED(status)) s.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) s.signal = WTERMSIG(status);
  return s;
}

std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> found;
  if (!std::filesystem::exists(dir)) return found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (!e.is_directory()) found.push_back(e.path().string());
  return found;
}

}  // namespace

TEST_CASE("signals: SIGINT / SIGTERM while a graph is drawn end vgrad at once, nothing written") {
  REQUIRE_MESSAGE(std::filesystem::exists(vgrad_binary()), "run `make` first");
  struct Case {
    std::vector<std::string> args;
    int sig, code;
  };
  TempDir d;
  const std::string out = d / "run";
  const std::vector<std::string> train = {"train", "--model", "gae", "--dataset", kSlowGraph,
                                          "--quiet", "--threads", "1", "--out", out};
  const std::vector<Case> cases = {
      {train, SIGINT, 130},
      {train, SIGTERM, 143},
      {{"data", kSlowGraph}, SIGTERM, 143},
  };
  for (const Case& c : cases) {
    const Stopped s = signal_after(c.args, c.sig, 300, d.str());
    INFO("vgrad ", c.args[0], " with signal ", c.sig, "; stderr: ", read_bytes(d / "stderr"));
    CHECK_FALSE(s.timed_out);
    CHECK(s.signal == 0);
    CHECK(s.code == c.code);
    CHECK(s.seconds < 2);
    const std::vector<std::string> left = files_under(out);
    CHECK_MESSAGE(left.empty(), "written: ", left.empty() ? "" : left[0]);
  }
}

TEST_CASE("signals: SIGINT during DeepWalk's training keeps the weights so far, at 1 and 2 threads") {
  // At 2 threads the batches are made on a thread of their own: it must not take the signal
  // or keep the process from ending.
  REQUIRE_MESSAGE(std::filesystem::exists(vgrad_binary()), "run `make` first");
  for (const char* threads : {"1", "2"}) {
    TempDir d;
    const std::string out = d / "run";
    // Short walks and a small window: the first progress line (the sign that training has
    // begun) comes after 100 steps, 17 s under ASan at the defaults and 3 s with these, and
    // the optimised build still trains about a second past it.
    const Stopped s = signal_after({"train", "--model", "deepwalk", "--dataset",
                                    "synthetic:nodes=4000,p_in=0.01,p_out=0.0005",
                                    "--walks-per-node", "2", "--walk-length", "40", "--window",
                                    "3", "--threads", threads, "--out", out},
                                   SIGINT, 50, d.str(), "deepwalk synthetic");
    const std::string err = read_bytes(d / "stderr");
    INFO("threads ", threads, "; stderr: ", err);
    CHECK_FALSE(s.timed_out);
    CHECK(s.code == 130);
    CHECK(s.seconds < 2);
    CHECK(err.find("interrupted; the weights so far are in " + out + "/checkpoint.ckpt") !=
          std::string::npos);
    CHECK(files_under(out) == std::vector<std::string>{out + "/checkpoint.ckpt"});
    // what it keeps is the run's: eval scores it (the same split from the same graph and seed)
    const Ran eval =
        run_binary(vgrad_binary(), {"eval", "--checkpoint", out + "/checkpoint.ckpt"}, "", d / "eval");
    CHECK(eval.code == 0);
    CHECK(eval.out.find("\"test_auc\"") != std::string::npos);
  }
}
