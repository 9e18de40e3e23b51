#include "autograd/profile.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "autograd/storage.h"

namespace vgrad::profile {
namespace {

using Clock = std::chrono::steady_clock;

struct Totals {
  uint64_t calls = 0;
  double seconds = 0;
  uint64_t bytes = 0;
};

// Keyed by (name pointer, direction): op names are string literals, so the pointer is a cheap
// key; rows() merges equal names that live at different addresses.
struct State {
  bool on = false;
  std::map<std::pair<const char*, Pass>, Totals> totals;
  Clock::time_point mark;
  uint64_t mark_bytes = 0;
  int scope_depth = 0;  // inside a Scope, ops are the scope's: evaluation is not training
};
State g;  // profiling is single-threaded: ops are issued from one thread

void charge(const char* name, Pass pass, Clock::time_point now, uint64_t bytes_now) {
  Totals& t = g.totals[{name, pass}];
  t.calls++;
  t.seconds += std::chrono::duration<double>(now - g.mark).count();
  t.bytes += bytes_now - g.mark_bytes;
  g.mark = now;
  g.mark_bytes = bytes_now;
}

}  // namespace

const char* pass_name(Pass p) {
  return p == Pass::forward ? "forward" : p == Pass::backward ? "backward" : "other";
}

void enable(bool on) {
  g.on = on;
  g.totals.clear();
  g.scope_depth = 0;
  restart();
}

void restart() {
  g.mark = Clock::now();
  g.mark_bytes = pool_stats().bytes_allocated;
}

void forward_event(const char* op) {
  if (g.on && g.scope_depth == 0)
    charge(op, Pass::forward, Clock::now(), pool_stats().bytes_allocated);
}

void mark(const char* name) {
  if (g.on) charge(name, Pass::other, Clock::now(), pool_stats().bytes_allocated);
}

Scope::Scope(const char* name, Pass pass) : name_(name), pass_(pass) {
  if (!g.on) return;
  if (g.scope_depth++ == 0) restart();  // what ran before the scope is not the scope's
}
Scope::~Scope() {
  if (g.on && g.scope_depth > 0 && --g.scope_depth == 0)
    charge(name_, pass_, Clock::now(), pool_stats().bytes_allocated);
}

std::vector<Row> rows() {
  std::map<std::pair<std::string, Pass>, Row> merged;
  for (const auto& [key, t] : g.totals) {
    Row& r = merged[{key.first, key.second}];
    r.name = key.first;
    r.pass = key.second;
    r.calls += t.calls;
    r.seconds += t.seconds;
    r.bytes += t.bytes;
  }
  std::vector<Row> out;
  for (auto& [key, r] : merged) out.push_back(r);
  std::stable_sort(out.begin(), out.end(),
                   [](const Row& a, const Row& b) { return a.seconds > b.seconds; });
  return out;
}

std::string format_table(const std::vector<Row>& rows, int max_rows) {
  double total = 0;
  uint64_t calls = 0, bytes = 0;
  for (const Row& r : rows) total += r.seconds, calls += r.calls, bytes += r.bytes;
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-28s %-8s %9s %6s %10s %11s %11s\n", "op", "pass", "seconds",
                "%", "calls", "us/call", "MB alloc");
  out += line;
  int shown = 0;
  for (const Row& r : rows) {
    if (shown++ == max_rows) {
      std::snprintf(line, sizeof line, "... %zu more rows\n", rows.size() - (size_t)max_rows);
      out += line;
      break;
    }
    std::snprintf(line, sizeof line, "%-28s %-8s %9.3f %6.1f %10llu %11.1f %11.1f\n",
                  r.name.c_str(), pass_name(r.pass), r.seconds,
                  total > 0 ? 100.0 * r.seconds / total : 0.0, (unsigned long long)r.calls,
                  r.calls ? 1e6 * r.seconds / (double)r.calls : 0.0, (double)r.bytes / 1e6);
    out += line;
  }
  std::snprintf(line, sizeof line, "%-28s %-8s %9.3f %6.1f %10llu %11s %11.1f\n", "total", "",
                total, 100.0, (unsigned long long)calls, "", (double)bytes / 1e6);
  out += line;
  return out;
}

}  // namespace vgrad::profile
