#include "tools/train/signals.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <exception>

#include "nn/atomic_file.h"

namespace vgrad::tools {
namespace {

std::atomic<int> g_signal{0};
std::atomic<int> g_defer_depth{0};

// Only async-signal-safe calls: unlink (inside remove_file_in_progress) and _exit.
extern "C" void on_signal(int sig) {
  if (g_defer_depth.load() > 0) {
    g_signal.store(sig);
    return;
  }
  remove_file_in_progress();
  _exit(128 + sig);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  // SA_RESTART: under DeferSignals the handler returns, and a read or write it interrupted
  // resumes instead of failing with EINTR.
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int pending_signal() { return g_signal.load(); }
void clear_pending_signal() { g_signal.store(0); }

DeferSignals::DeferSignals() { g_defer_depth.fetch_add(1); }

DeferSignals::~DeferSignals() {
  if (g_defer_depth.fetch_sub(1) != 1) return;
  const int sig = g_signal.load();
  if (sig != 0 && std::uncaught_exceptions() == 0) {
    remove_file_in_progress();
    _exit(128 + sig);
  }
}

}  // namespace vgrad::tools
