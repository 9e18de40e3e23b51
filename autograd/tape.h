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

// What a backward closure writes into: the gradient of each parent, accumulated (a tensor
// used twice, as in x*x, receives two contributions).
class Grads {
 public:
  Grads(const char* op, const Inputs& inputs) : op_(op), inputs_(inputs) {}
  bool wants(size_t i) const { return inputs_[i].requires_grad(); }
  void add(size_t i, const Tensor& g);  // checks g has parent i's shape, naming the op
 private:
  const char* op_;
  const Inputs& inputs_;
};

// gy = dL/d(result). The closure must not capture the result itself (a shared_ptr cycle):
// parents arrive through `in`; values it needs from the forward pass it captures by value.
using BackwardFn = std::function<void(const Tensor& gy, const Inputs& in, Grads& g)>;

struct Node {
  ~Node();              // iterative: dropping a 100k-op chain must not recurse 100k deep
  const char* op;
  Inputs inputs;        // parents; cleared once this node has run backward
  BackwardFn backward;
  int64_t id;           // creation order: makes traversal and DOT output deterministic
};

// Attach a node to `result` when grad mode is on and some parent requires grad; returns
// `result` either way. Ops in autograd/, nn/ and models/ all end with this.
Tensor record(const char* op, Tensor result, Inputs inputs, BackwardFn backward);

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

// Nodes reachable from `root`, parents before children (iterative DFS: a long chain cannot
// overflow the stack).
std::vector<TensorImpl*> topo_order(const Tensor& root);

// Graphviz DOT of the graph that produced `root`: one box per tensor, labelled op and shape.
std::string to_dot(const Tensor& root);

}  // namespace vgrad
