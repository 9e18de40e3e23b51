// vgrad bench: statistics, flop counts and the child-process runner (see tools/bench.h).
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <sstream>

#include "autograd/check.h"
#include "tools/bench/bench.h"
#include "tools/train/signals.h"

extern char** environ;

namespace vgrad::tools::bench {

double loglog_slope(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<std::pair<double, double>> p;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i)
    if (x[i] > 0 && y[i] > 0) p.emplace_back(std::log(x[i]), std::log(y[i]));  // NaN fails > 0
  if (p.size() < 2) return NAN;
  double mx = 0, my = 0;
  for (const auto& [a, b] : p) mx += a, my += b;
  mx /= (double)p.size();
  my /= (double)p.size();
  double sxy = 0, sxx = 0;
  for (const auto& [a, b] : p) sxy += (a - mx) * (b - my), sxx += (a - mx) * (a - mx);
  return sxx > 0 ? sxy / sxx : NAN;
}

namespace {
// The last line of text that is not blank, without its trailing whitespace.
std::string last_line(const std::string& text) {
  size_t end = text.size();
  while (end > 0 && std::isspace((unsigned char)text[end - 1])) --end;
  const size_t nl = end == 0 ? std::string::npos : text.rfind('\n', end - 1);
  const size_t begin = nl == std::string::npos ? 0 : nl + 1;
  return text.substr(begin, end - begin);
}
}  // namespace

nlohmann::json last_json_line(const std::string& text) {
  const std::string line = last_line(text);
  check(!line.empty(), "expected a JSON object on the last stdout line, found no output");
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  check(j.is_object(), "expected a JSON object on the last stdout line, found '",
        line.substr(0, 80), "'");
  return j;
}

double mem_available_mib(const std::string& meminfo) {
  std::istringstream in(meminfo);
  for (std::string key; in >> key;) {
    double kib = 0;
    if (key == "MemAvailable:" && in >> kib) return kib / 1024.0;
    in.ignore(1 << 20, '\n');
  }
  return NAN;
}

double vae_flops_per_sample(int64_t p, int64_t h, int64_t z) {
  const double forward = (double)(p * h + h * 2 * z + z * h + h * p);  // multiply-adds
  const double input_grads = (double)(h * 2 * z + z * h + h * p);      // not for the images
  return 2.0 * (2.0 * forward + input_grads);
}

namespace {
// f(e, diagonal) for each tile J >= I that nn::inner_product_bce visits, e its entries.
template <typename F>
void for_each_decoder_tile(int64_t n, int64_t tile, F f) {
  for (int64_t i0 = 0; i0 < n; i0 += tile)
    for (int64_t j0 = i0; j0 < n; j0 += tile)
      f((double)(std::min(n, i0 + tile) - i0) * (double)(std::min(n, j0 + tile) - j0), i0 == j0);
}
}  // namespace

double fused_decoder_flops(int64_t n, int64_t d, int64_t tile) {
  double flops = 0;
  for_each_decoder_tile(n, tile,
                        [&](double e, bool diagonal) { flops += (diagonal ? 4.0 : 6.0) * d * e; });
  return flops;
}

double fused_decoder_floor(int64_t n, int64_t tile, int threads, const DecoderTileSeconds& t) {
  const double full = (double)tile * (double)tile;
  double seconds = 0;
  for_each_decoder_tile(n, tile, [&](double e, bool diagonal) {
    seconds += e / full * (t.logits + t.pass + t.grad_i + (diagonal ? 0.0 : t.grad_j));
  });
  return seconds / threads;
}

std::string fixed(double v, int digits) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Child::why() const {
  const std::string line = last_line(err);
  return !line.empty() ? line : status < 0 ? "could not start" : cat("exit ", status);
}

// Under cmd_bench's DeferSignals a signal is recorded; poll() returns EINTR (it is never
// restarted) or times out, and the loop below kills the child's group.
bool bench_interrupted() { return pending_signal() != 0; }

Child run_child(const std::vector<std::string>& args) {
  Child c;
  int out[2], err[2];
  check(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0, "pipe: ", std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);  // dup2 clears close-on-exec on 1 and 2
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // its own group: Ctrl-C is ours
  posix_spawnattr_setpgroup(&attr, 0);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(out[0]);
    close(err[0]);
    c.err = cat("cannot start ", args[0], ": ", std::strerror(rc));
    return c;
  }
  // Read both pipes until both close: reading one to the end first could deadlock on a child
  // that fills the other.
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  std::string* sinks[2] = {&c.out, &c.err};
  bool killed = false;
  for (int open = 2; open > 0;) {
    if (bench_interrupted() && !killed) {
      kill(-pid, SIGKILL);
      killed = true;
    }
    if (poll(fds, 2, 250) < 0) {  // a timeout too: a signal may land just before poll
      check(errno == EINTR, "poll: ", std::strerror(errno));
      continue;
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      const ssize_t got = read(fds[k].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[k]->append(buf, (size_t)got);
      } else if (got == 0 || errno != EINTR) {
        close(fds[k].fd);
        fds[k].fd = -1;  // poll ignores negative descriptors
        --open;
      }
    }
  }
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  c.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  c.peak_rss_mib = (double)ru.ru_maxrss / 1024.0;  // Linux reports KiB
  c.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  check(!killed && !bench_interrupted(), "interrupted");
  return c;
}

std::string self_exe() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  check(n > 0, "cannot read /proc/self/exe: ", std::strerror(errno));
  return std::string(buf, (size_t)n);
}

}  // namespace vgrad::tools::bench
