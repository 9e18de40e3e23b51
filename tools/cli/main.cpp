// vgrad: the command line. `vgrad COMMAND --help` explains each command.
// Only the exception type: the whole of CLI11 would cost this file ~9 s of compile (18 s
// sanitized) for one catch clause.
#include <CLI/Error.hpp>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "autograd/check.h"
#include "tools/cli/commands.h"
#include "tools/train/flag_names.h"
#include "tools/train/signals.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* help;
};

const Command kCommands[] = {
    {"data", vgrad::tools::cmd_data, "print a dataset's summary as one JSON object"},
    {"train", vgrad::tools::cmd_train, "train a model and print its results as JSON"},
    {"reproduce", vgrad::tools::cmd_reproduce, "the paper's Table 1 (6 methods, 3 datasets)"},
    {"eval", vgrad::tools::cmd_eval, "evaluate a checkpoint (AUC/AP or test loss) as JSON"},
    {"sample", vgrad::tools::cmd_sample, "decode VAE prior draws from a checkpoint to a PNG"},
    {"export", vgrad::tools::cmd_export, "write embeddings or latents as .npy or .csv"},
    {"gradcheck", vgrad::tools::cmd_gradcheck, "check every op's gradient by finite differences"},
    {"dot", vgrad::tools::cmd_dot, "write the graph of an expression as Graphviz DOT"},
    {"bench", vgrad::tools::cmd_bench, "time the jobs (and PyTorch's), write runs/bench.md"},
};

int usage(FILE* out) {
  std::fprintf(out, "usage: vgrad COMMAND [options]   (vgrad COMMAND --help for its options)\n\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.help);
  return out == stdout ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  // First: a Ctrl-C while a command loads or builds ends the process at once (130).
  vgrad::tools::install_interrupt_handlers();
  if (argc < 2) return usage(stderr);
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") return usage(stdout);
  for (const Command& c : kCommands) {
    if (name != c.name) continue;
    try {
      return c.run(argc - 1, argv + 1);
    } catch (const CLI::ParseError& e) {  // thrown past a command's own app.exit() handling
      std::fprintf(stderr, "vgrad %s: %s\n", c.name, e.what());
      return 2;
    } catch (const vgrad::Error& e) {  // the library names its parameters; we name flags
      std::fprintf(stderr, "vgrad %s: error: %s\n", c.name,
                   vgrad::tools::with_flag_names(e.what()).c_str());
      return 1;
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "vgrad %s: error: out of memory\n", c.name);
      return 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "vgrad %s: error: %s\n", c.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "vgrad: unknown command '%s'\n", name.c_str());
  return usage(stderr);
}
