// The `vgrad` subcommands. Each takes (argc, argv) with argv[0] = its own name, parses its
// flags with CLI11 and returns the process exit code; errors propagate as vgrad::Error and
// main() prints them as one line.
#pragma once

namespace vgrad::tools {
int cmd_gradcheck(int argc, char** argv);
int cmd_dot(int argc, char** argv);
int cmd_data(int argc, char** argv);
int cmd_train(int argc, char** argv);
int cmd_reproduce(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_sample(int argc, char** argv);
int cmd_export(int argc, char** argv);
int cmd_bench(int argc, char** argv);
}  // namespace vgrad::tools
