// CLI11 parsing with vgrad's exit codes: --help prints and exits 0; a bad flag prints one
// line naming it and exits 2 (usage), not CLI11's own codes.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>

#include "autograd/check.h"

namespace vgrad::tools {

// Returns an exit code when the command should stop now, nothing when parsing succeeded.
inline std::optional<int> parse_flags(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s (see --help)\n", app.get_name().c_str(), e.what());
    return 2;
  }
}

// For unsigned flags such as --seed: CLI11 would take "-1" as 2^64 - 1.
inline CLI::Validator non_negative_integer() {
  return CLI::Validator(
      [](std::string& text) {
    return text.find('-') == std::string::npos ? std::string()
                                               : "expected a non-negative integer, got " + text;
      },
      "UINT");
}

// Flag values out of range (checks that throw vgrad::Error) are usage errors too: one line
// naming the flag, exit code 2. Nothing when every check passes.
template <typename Checks>
std::optional<int> check_flag_values(const CLI::App& app, Checks&& checks) {
  try {
    checks();
    return std::nullopt;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s (see --help)\n", app.get_name().c_str(), e.what());
    return 2;
  }
}

// --sep on train, data, eval and export: how edgelist:FILE (or a keyed folder's files) splits
// its fields.
inline void add_sep_flag(CLI::App& app, std::string& sep, const char* default_text) {
  app.add_option("--sep", sep,
                 std::string("edgelist:FILE (or a folder's edges/features/labels.csv) field "
                             "separator: auto (a comma if the first data line has one, else "
                             "spaces/tabs), comma, tab or space") +
                     default_text);
}

}  // namespace vgrad::tools
#define VGRAD_PARSE(app, argc, argv) \
  if (auto code = ::vgrad::tools::parse_flags(app, argc, argv)) return *code
