// Progress on stderr: a live bar with ETA on a terminal, plain lines otherwise (a log file or
// CI gets one line per report, not carriage returns).
#pragma once
#include <chrono>
#include <string>

namespace vgrad::tools {

class Progress {
 public:
  // `every`: in plain mode, print one line per this many steps (and the last).
  Progress(std::string label, int64_t total, int64_t every = 1);
  ~Progress();
  void update(int64_t done, const std::string& text);
  void finish();  // ends the bar's line
  static bool stderr_is_terminal();

 private:
  std::string label_;
  int64_t total_, every_;
  bool tty_, open_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace vgrad::tools
