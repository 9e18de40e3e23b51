// SIGINT and SIGTERM, heard at every moment. By default (loading, generating, splitting,
// building, writing results) a signal ends the process at once with exit code 128 + signal
// (130, 143), after removing the temporary file of an atomic write in progress, so nothing
// half-done is left. While a DeferSignals is alive (the training loop) a signal is only
// recorded: the runner finishes its step, writes a checkpoint and throws Interrupted.
#pragma once
#include <string>

namespace vgrad::tools {

// Installs the handler for both signals; main calls it first, before any command runs.
void install_interrupt_handlers();

int pending_signal();  // the signal recorded under DeferSignals, 0 when none
void clear_pending_signal();

class DeferSignals {
 public:
  DeferSignals();
  // Back to ending at once. A signal recorded meanwhile that no runner acted on (it came
  // after the last step) ends the process now, unless an exception (Interrupted) is already
  // carrying it to main.
  ~DeferSignals();
  DeferSignals(const DeferSignals&) = delete;
  DeferSignals& operator=(const DeferSignals&) = delete;
};

struct Interrupted {
  int signal;
  std::string checkpoint;
  bool resumable = true;  // false: the checkpoint keeps the weights, --resume cannot go on
};

}  // namespace vgrad::tools
