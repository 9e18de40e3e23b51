// The bench's speed and memory targets: one table in code (bench_targets.cpp), each row named
// by what it measures, with its bound; the verdicts are computed from the measured numbers.
// Where a target is measured at 1 and 2 threads it is judged at 2, and the 1-thread verdict is
// shown beside it when the two differ.
#pragma once
#include <string>
#include <vector>

#include "tools/bench/bench_report.h"

namespace vgrad::tools::bench {

enum class Verdict { met, missed, not_measured };

struct TargetResult {
  std::string name;      // what is measured and its bound: "VGAE Cora s/epoch / PyTorch's <= 0.25"
  std::string measured;  // the numbers, as the page shows them
  Verdict verdict = Verdict::not_measured;  // at 2 threads where two counts are measured
  std::string verdict_text;                 // "yes", "**no**", "2 thr: yes; 1 thr: **no**"
};

std::vector<TargetResult> judge_targets(const Report& report);

// A verdict at 2 threads with the 1-thread verdict beside it when the two differ: "yes",
// "**no**", or "2 thr: yes; 1 thr: **no**". NaN: not measured.
std::string verdict_at_two_threads(double one_thread, double two_threads, bool (*pass)(double));

}  // namespace vgrad::tools::bench
