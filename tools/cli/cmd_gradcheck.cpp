// vgrad gradcheck: the op table of autograd/gradcheck_cases.cpp, one row per op.
#include "tools/cli/cli.h"
#include <cstdio>

#include "autograd/gradcheck.h"
#include "nn/gradcheck_cases.h"
#include "tools/cli/commands.h"

namespace vgrad::tools {

int cmd_gradcheck(int argc, char** argv) {
  CLI::App app("Check every op's, layer's and loss's backward against central finite differences.", "vgrad gradcheck");
  std::string only;
  app.add_option("--op", only, "check only the ops whose name contains this text");
  VGRAD_PARSE(app, argc, argv);

  std::vector<GradcheckCase> cases;
  std::vector<GradcheckCase> all = op_gradcheck_cases();
  for (auto& c : nn_gradcheck_cases()) all.push_back(c);
  for (auto& c : all)
    if (only.empty() || c.name.find(only) != std::string::npos) cases.push_back(c);
  if (cases.empty()) fail("gradcheck: no op matches --op '", only, "'");
  int failed = 0;
  std::printf("%-36s %12s %12s  %s\n", "op", "max abs err", "max rel err", "result");
  for (const GradcheckRow& row : run_gradcheck(cases)) {
    std::printf("%-36s %12.3g %12.3g  %s\n", row.name.c_str(), row.result.max_abs_err,
                row.result.max_rel_err, row.result.ok ? "pass" : "FAIL");
    if (!row.result.ok) std::printf("    %s\n", row.result.worst.c_str()), failed++;
  }
  std::printf("%zu ops checked, %d failed\n", cases.size(), failed);
  return failed ? 1 : 0;
}

}  // namespace vgrad::tools
