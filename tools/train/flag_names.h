// The library names its own parameters ("decoder: expected ...", "dataset: ...", "try a
// smaller lr"); the command line speaks of flags. This maps the first to the second, so a
// message the user reads names the flag to change.
#pragma once
#include <string>

#include "autograd/check.h"

namespace vgrad::tools {

// "decoder: x" -> "--decoder: x" for each parameter that is also a flag of the same name, and
// "(try a smaller lr)" -> "(try a smaller --lr)". Other messages are returned unchanged.
std::string with_flag_names(const std::string& message);

// Runs `body`; a vgrad::Error it throws is thrown again with its parameters named as flags.
template <typename Body>
decltype(auto) naming_flags(Body&& body) {
  try {
    return body();
  } catch (const Error& e) {
    throw Error(with_flag_names(e.what()));
  }
}

}  // namespace vgrad::tools
