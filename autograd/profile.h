// Per-op profile of a training run: wall time, calls and bytes of buffers allocated, forward
// and backward apart. Off by default (one branch per op when off).
//
// How the forward side is measured without a line in every op: each op ends with record()
// (tape.h), so the time and allocations since the previous event on this thread belong to the
// op that records now. Work between ops that is not an op (the optimizer step, batching,
// evaluation bookkeeping) is wrapped in a profile::Scope, which closes the running interval
// under its own name. Backward closures are timed one by one in Tensor::backward.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vgrad::profile {

void enable(bool on);  // also clears what was collected

enum class Pass { forward, backward, other };  // other: a Scope (optimizer, batching, ...)
const char* pass_name(Pass p);

struct Row {
  std::string name;
  Pass pass = Pass::forward;
  uint64_t calls = 0;
  double seconds = 0;
  uint64_t bytes = 0;  // bytes of tensor buffers allocated (pool hits included)
};
std::vector<Row> rows();  // sorted by time, largest first

// The table `vgrad train --profile` prints: one line per (op, direction) plus totals.
std::string format_table(const std::vector<Row>& rows, int max_rows = 40);

// Called by record() with the op's name: closes the interval since the previous event.
void forward_event(const char* op);
// Restart the interval clock without charging anyone.
void restart();
// Charge the interval since the previous event to `name` as non-op work (for set-up code
// whose results are needed afterwards, so it cannot sit inside a Scope).
void mark(const char* name);

// Times a block under `name`, ops inside it included (evaluation, the optimizer step; with
// Pass::backward, one backward closure). Nested scopes are charged to the outermost. Nothing
// happens when profiling is off.
class Scope {
 public:
  explicit Scope(const char* name, Pass pass = Pass::other);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  const char* name_;
  Pass pass_;
};

}  // namespace vgrad::profile
