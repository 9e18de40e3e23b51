// CLI11 parsing with vgrad's exit codes: --help prints and exits 0; a bad flag prints one
// line naming it and exits 2 (usage), not CLI11's own codes.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>

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

}  // namespace vgrad::tools
#define VGRAD_PARSE(app, argc, argv) \
  if (auto code = ::vgrad::tools::parse_flags(app, argc, argv)) return *code
