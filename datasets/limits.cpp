#include "datasets/limits.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include "autograd/check.h"

namespace vgrad {
namespace {

// The first number in a one-line file ("max" and unreadable files give 0: no limit).
uint64_t read_number(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text)) return 0;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && p == text.data() + text.size() ? v : 0;
}

uint64_t mem_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024;
  return 0;
}

}  // namespace

MemoryBudget available_memory() {
  if (const char* env = std::getenv("VGRAD_MEMORY_LIMIT_MB"); env && *env) {
    const std::string_view text(env);
    uint64_t mb = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), mb);
    check(ec == std::errc() && p == text.data() + text.size() && mb > 0 && mb < (1ull << 40),
          "VGRAD_MEMORY_LIMIT_MB: expected a positive whole number of MiB, found '", text, "'");
    return {mb << 20, cat("VGRAD_MEMORY_LIMIT_MB=", text)};
  }
  MemoryBudget b{mem_available(), "MemAvailable in /proc/meminfo"};
  // cgroup v1 writes "no limit" as a huge number (2^63 - 4096): treated as none.
  const uint64_t v2 = read_number("/sys/fs/cgroup/memory.max");
  const uint64_t v1 = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
  for (auto [limit, name] :
       {std::pair{v2, "cgroup memory.max"}, std::pair{v1, "cgroup memory.limit_in_bytes"}})
    if (limit > 0 && limit < (1ull << 62) && (b.bytes == 0 || limit < b.bytes)) b = {limit, name};
  if (b.bytes == 0) b = {UINT64_MAX, "no limit found"};  // not Linux: nothing to go by
  return b;
}

std::string format_bytes(double bytes) {
  char buf[32];
  if (bytes >= 1024.0 * 1024 * 1024 * 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.3g PiB", bytes / (1024.0 * 1024 * 1024 * 1024 * 1024));
  else if (bytes >= 1024.0 * 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  else if (bytes >= 1024.0 * 1024)
    std::snprintf(buf, sizeof buf, "%.0f MiB", bytes / (1024.0 * 1024));
  else
    std::snprintf(buf, sizeof buf, "%.0f KiB", bytes / 1024.0);
  return buf;
}

void check_memory(double bytes, const std::string& what, const std::string& detail,
                  const std::string& hint) {
  const MemoryBudget budget = available_memory();
  if (bytes <= (double)budget.bytes) return;
  fail(what, " needs about ", format_bytes(bytes), " (", detail, "), more than the ",
       format_bytes((double)budget.bytes), " available (", budget.source, ")",
       hint.empty() ? "" : "; ", hint);
}

}  // namespace vgrad
