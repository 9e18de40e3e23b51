// Memory limits: a dataset or a training run that would not fit is refused before it is
// loaded or built, with the estimate in the message, rather than ended by the OOM killer
// halfway through (or, worse, swapping for an hour first).
//
// "Available" is the smallest of: MemAvailable in /proc/meminfo, the cgroup's limit
// (/sys/fs/cgroup/memory.max, or memory/memory.limit_in_bytes under cgroup v1), and
// $VGRAD_MEMORY_LIMIT_MB when set. The variable lets a test (or a user sharing a machine)
// exercise the refusal with a small budget, without using the memory.
#pragma once
#include <cstdint>
#include <string>

namespace vgrad {

struct MemoryBudget {
  uint64_t bytes = 0;
  std::string
      source;  // what set it: "MemAvailable", "cgroup memory.max", "VGRAD_MEMORY_LIMIT_MB=..."
};
// Throws when $VGRAD_MEMORY_LIMIT_MB is set but is not a positive whole number.
MemoryBudget available_memory();

// "512 MiB", "3.2 GiB": sizes for messages.
std::string format_bytes(double bytes);

// Throws "WHAT needs about X (DETAIL), more than the Y available (SOURCE)[; HINT]" when
// `bytes` exceeds the budget. `what` should name the file or dataset; `detail` says where the
// estimate comes from (counts and the dominant term).
void check_memory(double bytes, const std::string& what, const std::string& detail,
                  const std::string& hint = "");

}  // namespace vgrad
