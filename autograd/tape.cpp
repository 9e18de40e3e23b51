#include "autograd/tape.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "autograd/profile.h"

namespace vgrad {
namespace {
// The one piece of global state the design allows: whether ops record. Thread-local so a
// guard in one thread does not silence another.
thread_local bool g_grad_enabled = true;
std::atomic<int64_t> g_next_node_id{0};

// dst += src, elementwise, same length.
void accumulate(TensorImpl& dst, const TensorImpl& src) {
  float* d = dst.data.data();
  const float* s = src.data.data();
  const int64_t n = (int64_t)dst.data.size();
#pragma omp parallel for simd if (n > 65536) schedule(static)
  for (int64_t i = 0; i < n; ++i) d[i] += s[i];
}
}  // namespace

Node::~Node() {
  // Parents whose last owner is this node would be destroyed recursively (each destroying its
  // own node, and so on). Move such parents' nodes onto a local stack and destroy them here.
  std::vector<std::shared_ptr<Node>> pending;
  auto adopt = [&pending](Inputs& inputs) {
    for (Tensor& t : inputs) {
      const auto& impl = t.impl_ptr();
      if (impl && impl.use_count() == 1 && impl->node) pending.push_back(std::move(impl->node));
    }
    inputs.clear();
  };
  adopt(inputs);
  while (!pending.empty()) {
    std::shared_ptr<Node> n = std::move(pending.back());
    pending.pop_back();
    if (n.use_count() == 1) adopt(n->inputs);  // n dies at the end of this iteration
  }
}

bool grad_enabled() { return g_grad_enabled; }
NoGradGuard::NoGradGuard() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { g_grad_enabled = previous_; }

Tensor record(const char* op, Tensor result, Inputs inputs, BackwardFn backward) {
  profile::forward_event(op);
  if (!g_grad_enabled) return result;
  bool any = false;
  for (const Tensor& t : inputs) any = any || t.requires_grad();
  if (!any) return result;
  TensorImpl& r = result.impl();
  r.requires_grad = true;
  r.node = std::make_shared<Node>(Node{op, std::move(inputs), std::move(backward),
                                       g_next_node_id++});
  return result;
}

void Grads::add(size_t i, const Tensor& g) {
  TensorImpl& parent = inputs_[i].impl();
  if (!parent.requires_grad) return;
  check(g.shape() == parent.shape, op_, " backward: gradient for input ", i, " has shape ",
        g.shape_str(), " but the input has shape ", shape_str(parent.shape));
  if (!parent.grad) {
    // Take a private copy: `g` may alias a tensor the closure still uses elsewhere.
    parent.grad = g.impl_ptr().use_count() == 1 ? g.impl_ptr() : g.clone().impl_ptr();
    parent.grad->node.reset();
    parent.grad->requires_grad = false;
  } else {
    accumulate(*parent.grad, g.impl());
  }
}

std::vector<TensorImpl*> topo_order(const Tensor& root) {
  std::vector<TensorImpl*> order;
  std::unordered_set<TensorImpl*> seen;
  // Explicit stack of (tensor, next parent to visit): post-order without recursion.
  std::vector<std::pair<TensorImpl*, size_t>> stack;
  stack.push_back({root.impl_ptr().get(), 0});
  seen.insert(root.impl_ptr().get());
  while (!stack.empty()) {
    auto& [t, next] = stack.back();
    const size_t n_parents = t->node ? t->node->inputs.size() : 0;
    if (next < n_parents) {
      TensorImpl* p = t->node->inputs[next++].impl_ptr().get();
      if (p->requires_grad && seen.insert(p).second) stack.push_back({p, 0});
    } else {
      order.push_back(t);
      stack.pop_back();
    }
  }
  return order;
}

void Tensor::backward(const Tensor& seed, bool retain_graph) const {
  check(requires_grad(), "backward: this tensor (", op_name(),
        ") does not require grad: did you forget set_requires_grad() on a parameter?");
  Tensor g = seed;
  if (!g.defined()) {
    check(numel() == 1, "backward: a non-scalar tensor of shape ", shape_str(),
          " needs an explicit seed gradient");
    g = Tensor::full(shape(), 1.0f);
  }
  check(g.shape() == shape(), "backward: seed has shape ", g.shape_str(), " but the tensor has ",
        shape_str());
  // Hold every node of the sweep: clearing a child's inputs below may drop the last other
  // reference to a parent that has not run yet.
  std::vector<std::shared_ptr<TensorImpl>> order;
  {
    profile::Scope sort("backward: sort the graph");
    for (TensorImpl* t : topo_order(*this)) order.push_back(t->shared_from_this());
  }
  NoGradGuard no_tape;  // the backward math itself is not recorded
  if (impl().grad) {
    accumulate(*impl().grad, g.impl());
  } else {
    impl().grad = g.clone().impl_ptr();
  }
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    std::shared_ptr<TensorImpl> t = std::move(*it);  // released at the end of this step
    if (!t->node) continue;  // a leaf: its .grad is the result
    std::shared_ptr<TensorImpl> gy = std::move(t->grad);  // non-leaf grads are not kept
    Node& node = *t->node;
    check(!node.inputs.empty() || !node.backward,
          "backward: the graph through '", node.op, "' was already freed; pass "
          "retain_graph=true to the first backward() to go through it twice");
    if (gy && node.backward) {
      Grads grads(node.op, node.inputs);
      profile::Scope timer(node.op, profile::Pass::backward);
      // Moved in, so a closure that passes gy straight on (add, a same-shape sum_to) hands
      // the buffer over instead of copying it (Grads::add takes a tensor nobody else holds).
      node.backward(Tensor(std::move(gy)), node.inputs, grads);
    }
    if (!retain_graph) node.inputs.clear();  // parents' buffers go as soon as nobody needs them
  }
}

std::string to_dot(const Tensor& root) {
  std::vector<TensorImpl*> order = topo_order(root);
  std::unordered_map<TensorImpl*, size_t> index;
  for (size_t i = 0; i < order.size(); ++i) index[order[i]] = i;
  std::ostringstream out;
  out << "digraph vgrad {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (size_t i = 0; i < order.size(); ++i) {
    TensorImpl* t = order[i];
    const char* op = t->node ? t->node->op : "leaf";
    out << "  t" << i << " [label=\"" << op << "\\n" << shape_str(t->shape) << "\""
        << (t->node ? "" : ", style=filled, fillcolor=lightblue") << "];\n";
    if (t->node)
      for (const Tensor& p : t->node->inputs)
        if (index.count(p.impl_ptr().get()))
          out << "  t" << index[p.impl_ptr().get()] << " -> t" << i << ";\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace vgrad
