// vgrad dot: the tape of a small expression as Graphviz DOT, for students to look at.
// Render with `dot -Tpng graph.dot -o graph.png` (Debian package graphviz).
#include <cstdio>
#include "tools/cli/cli.h"

#include "autograd/ops.h"
#include "nn/atomic_file.h"
#include "tools/cli/commands.h"

namespace vgrad::tools {

int cmd_dot(int argc, char** argv) {
  CLI::App app(
      "Write the graph of one logistic-regression loss, "
      "mean(softplus(-y * (x W + b))), as Graphviz DOT.",
      "vgrad dot");
  std::string out = "-";
  bool backward = false;
  app.add_option("-o,--out", out, "output file ('-' for stdout)");
  app.add_flag("--backward", backward,
               "the graph of dloss/dW instead, recorded with create_graph: the backward pass "
               "as ops, which a second derivative walks");
  VGRAD_PARSE(app, argc, argv);

  Rng rng(0);
  Tensor x = randn({8, 3}, rng), y = randn({8, 1}, rng);
  Tensor w = randn({3, 1}, rng, 0.1f, true), b = Tensor::zeros({1}, true);
  Tensor loss = mean(softplus(neg(mul(y, add(matmul(x, w), b)))));
  const std::string dot =
      backward ? to_dot(grad(loss, {w}, {}, /*create_graph=*/true)[0]) : to_dot(loss);
  if (out == "-")
    std::fputs(dot.c_str(), stdout);
  else
    write_file_atomically(out, dot);
  return 0;
}

}  // namespace vgrad::tools
