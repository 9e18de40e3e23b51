// The commands' files compiled as one translation unit (the Makefile compiles none of them on
// its own). Each includes CLI11 2.1, which is header-only with no precompiled mode, and most
// include nlohmann json: about two thirds of a command's compile time is code generation
// (-ftime-report), mostly of the same inline CLI11 and json functions in every command.
// Together they are generated once: 131 CPU s for the eight files alone, 34 s as one.
// A new tools/cli/cmd_NAME.cpp goes here too (the link names its cmd_NAME when it is missing).
#include "tools/cli/cmd_bench.cpp"
#include "tools/cli/cmd_checkpoint.cpp"
#include "tools/cli/cmd_data.cpp"
#include "tools/cli/cmd_dot.cpp"
#include "tools/cli/cmd_gradcheck.cpp"
#include "tools/cli/cmd_reproduce.cpp"
#include "tools/cli/cmd_train.cpp"
#include "tools/cli/reproduce_report.cpp"
