// vgrad gradcheck: the op table of autograd/gradcheck_cases.cpp (and nn's), one row per op;
// --order 2 checks each op's second derivative the same way.
#include <cstdio>
#include "tools/cli/cli.h"

#include "autograd/gradcheck.h"
#include "nn/gradcheck_cases.h"
#include "tools/cli/commands.h"

namespace vgrad::tools {

int cmd_gradcheck(int argc, char** argv) {
  CLI::App app("Check every op's, layer's and loss's backward against central finite differences.",
               "vgrad gradcheck");
  std::string only;
  int order = 1;
  app.add_option("--op", only, "check only the ops whose name contains this text");
  app.add_option("--order", order,
                 "1: the gradient; 2: the gradient of (gradient . v), a Hessian-vector product")
      ->check(CLI::Range(1, 2));
  VGRAD_PARSE(app, argc, argv);

  std::vector<GradcheckCase> cases;
  std::vector<GradcheckCase> all = op_gradcheck_cases();
  for (auto& c : nn_gradcheck_cases()) all.push_back(c);
  for (auto& c : all)
    if (only.empty() || c.name.find(only) != std::string::npos) cases.push_back(c);
  if (cases.empty()) fail("gradcheck: no op matches --op '", only, "'");
  int failed = 0, refused = 0;
  std::printf("%-36s %12s %12s  %s\n", "op", "max abs err", "max rel err", "result");
  for (const GradcheckRow& row : run_gradcheck(cases, order)) {
    const GradcheckResult& r = row.result;
    // A fused kernel that refuses a second derivative says so; that is not a failure.
    std::printf("%-36s %12.3g %12.3g  %s\n", row.name.c_str(), r.max_abs_err, r.max_rel_err,
                r.ok        ? "pass"
                : r.refused ? "refused"
                            : "FAIL");
    if (r.refused)
      std::printf("    %s\n", r.worst.c_str()), refused++;
    else if (!r.ok)
      std::printf("    %s\n", r.worst.c_str()), failed++;
  }
  std::printf("%zu ops checked (order %d), %d failed, %d refused\n", cases.size(), order, failed,
              refused);
  return failed ? 1 : 0;
}

}  // namespace vgrad::tools
