// The tape. Define-by-run: every op that has a parent requiring grad records a Node on its
// result: the op's name, its parents and a backward closure. Tensor::backward() sorts the
// nodes reachable from the loss (parents first), seeds dL/dloss, and runs the closures in
// reverse order; each closure adds its parents' gradients through Grads.
#pragma once
#include <functional>
#include <vector>

#include "autograd/tensor.h"

namespace vgrad {

using Inputs = std::vector<Tensor>;
using RowIndex = std::shared_ptr<const std::vector<int64_t>>;  // row numbers of a lookup
struct Sweep;  // the state of one backward pass (tape.cpp)

// What a backward closure writes into: the gradient of each parent, accumulated (a tensor
// used twice, as in x*x, receives two contributions). The closure computes those gradients
// with vgrad ops only, from gy, the parents `in` and output(): run under NoGradGuard they are
// plain arithmetic, and under create_graph the same lines are recorded, so the backward can
// be differentiated again.
class Grads {
 public:
  Grads(const char* op, const Inputs& inputs, const Tensor& output, const Sweep& sweep)
      : op_(op), inputs_(inputs), output_(output), sweep_(sweep) {}
  // Parent i requires grad and its gradient is wanted (grad() asks for some inputs only).
  bool wants(size_t i) const;
  void add(size_t i, const Tensor& g);  // checks g has parent i's shape, naming the op
  // Adds rows of a gradient: row k of `values` [B, D] to row (*rows)[k] of parent i (a repeated
  // row gets each contribution). In a plain backward() into a leaf (an Embedding's table) this
  // stays row-sparse, O(B D), in the leaf's sparse_grad; otherwise (grad(), create_graph, a
  // parent that is not a leaf) it is the dense op embedding_dense_backward, differentiable.
  void add_rows(size_t i, const RowIndex& rows, const Tensor& values);
  // The op's own result y, with its node: a derivative written with y (exp: gy * y) is then
  // differentiated through this op again under create_graph. Never capture y in the closure
  // (a reference cycle): take it from here.
  const Tensor& output() const { return output_; }

 private:
  const char* op_;
  const Inputs& inputs_;
  const Tensor& output_;
  const Sweep& sweep_;
};

// gy = dL/d(result). The closure must not capture the result itself (a shared_ptr cycle):
// parents arrive through `in`, the result through g.output(); values it needs from the
// forward pass it captures by value.
using BackwardFn = std::function<void(const Tensor& gy, const Inputs& in, Grads& g)>;

struct Node {
  ~Node();  // iterative: dropping a 100k-op chain must not recurse 100k deep
  const char* op;
  Inputs inputs;  // parents; cleared once this node has run backward
  BackwardFn backward;
  int64_t id;  // creation order: makes traversal and DOT output deterministic
  // Set by fused kernels whose backward is a kernel, not ops: why, and what to use instead.
  // A backward with create_graph through such a node throws NoSecondDerivative.
  const char* no_second_derivative = nullptr;
};

// Thrown when create_graph meets a fused op without a differentiable backward.
struct NoSecondDerivative : Error {
  using Error::Error;
};

// Attach a node to `result` when grad mode is on and some parent requires grad; returns
// `result` either way. Ops in autograd/, nn/ and models/ all end with this.
// `no_second_derivative` marks a fused kernel whose backward is not written in ops (see Node).
Tensor record(const char* op, Tensor result, Inputs inputs, BackwardFn backward,
              const char* no_second_derivative = nullptr);

// While alive, ops record nothing (used for evaluation and inside backward closures).
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};
bool grad_enabled();

// While alive, ops record even inside a NoGradGuard (gradcheck's second-order check evaluates
// a gradient, which needs the forward graph, from inside code that turned recording off).
class EnableGradGuard {
 public:
  EnableGradGuard();
  ~EnableGradGuard();
  EnableGradGuard(const EnableGradGuard&) = delete;
  EnableGradGuard& operator=(const EnableGradGuard&) = delete;

 private:
  bool previous_;
};

// The analogue of torch.autograd.grad: d(output)/d(inputs) weighted by `seed` (needed unless
// output is a scalar), returned in the order of `inputs`, without touching any .grad. An
// input the output does not depend on gets an undefined Tensor. With create_graph the
// gradients are themselves on the tape and can be differentiated again, to any order; the
// graph is then kept (retain_graph) unless asked otherwise.
std::vector<Tensor> grad(const Tensor& output, const std::vector<Tensor>& inputs,
                         const Tensor& seed = {}, bool create_graph = false);
std::vector<Tensor> grad(const Tensor& output, const std::vector<Tensor>& inputs,
                         const Tensor& seed, bool create_graph, bool retain_graph);

// Nodes reachable from `root`, parents before children (iterative DFS: a long chain cannot
// overflow the stack).
std::vector<TensorImpl*> topo_order(const Tensor& root);

// Graphviz DOT of the graph that produced `root`: one box per tensor, labelled op and shape.
std::string to_dot(const Tensor& root);

}  // namespace vgrad
