#include "tools/train/progress.h"

#include <unistd.h>

#include <cstdio>

namespace vgrad::tools {

bool Progress::stderr_is_terminal() { return isatty(fileno(stderr)) == 1; }

Progress::Progress(std::string label, int64_t total, int64_t every)
    : label_(std::move(label)),
      total_(total),
      every_(every < 1 ? 1 : every),
      tty_(stderr_is_terminal()),
      start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { finish(); }

void Progress::update(int64_t done, const std::string& text) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = done > 0 ? elapsed * (double)(total_ - done) / (double)done : 0.0;
  if (tty_) {
    constexpr int kWidth = 24;
    const int filled = total_ > 0 ? (int)(kWidth * done / total_) : kWidth;
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r\033[K%s [%s] %lld/%lld %s  ETA %.0fs", label_.c_str(), bar.c_str(),
                 (long long)done, (long long)total_, text.c_str(), eta);
    std::fflush(stderr);
    open_ = true;
  } else if (done % every_ == 0 || done == total_) {
    std::fprintf(stderr, "%s %lld/%lld %s (%.1fs)\n", label_.c_str(), (long long)done,
                 (long long)total_, text.c_str(), elapsed);
  }
}

void Progress::finish() {
  if (open_) std::fputc('\n', stderr);
  open_ = false;
}

}  // namespace vgrad::tools
