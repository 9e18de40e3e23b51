// Errors: library code throws vgrad::Error with a message built from pieces, naming the op
// and the shapes or the file and offset; only tools/ catches, prints one line and exits.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace vgrad {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename... Parts>
std::string cat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

template <typename... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  throw Error(cat(parts...));
}

// The pieces are evaluated on every call, also when ok holds, so they should be cheap: check()
// sits on paths run hundreds of times a step (every Tensor::empty, every broadcast, every
// matmul), where a piece that builds a string, such as shape_str(), costs a string and a
// malloc each time. shape_of(x) (tensor.h) is shape_str's lazy form: it is formatted only
// when the check fails.
template <typename... Parts>
inline void check(bool ok, const Parts&... parts) {
  if (!ok) fail(parts...);
}

}  // namespace vgrad
