#include "autograd/tape.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "autograd/ops.h"
#include "autograd/profile.h"
#include "autograd/row_sparse.h"

namespace vgrad {
namespace {
// The one piece of global state the design allows: whether ops record. Thread-local so a
// guard in one thread does not silence another.
thread_local bool g_grad_enabled = true;
std::atomic<int64_t> g_next_node_id{0};

// dst += src, elementwise, same length.
void accumulate(TensorImpl& dst, const TensorImpl& src) {
  float* d = dst.data->data();
  const float* s = src.data->data();
  const int64_t n = (int64_t)dst.data->size();
#pragma omp parallel for simd if (n > 65536) schedule(static)
  for (int64_t i = 0; i < n; ++i) d[i] += s[i];
}

// slot += g. Untaped, in place into a buffer nobody else holds: `g` is taken as it is when
// no one else has it (a closure that passes gy straight on hands its buffer over), else
// copied, since it may alias a tensor the closure still uses. Under create_graph the sum is
// the op `add`, so the accumulation is differentiated too.
void accumulate_into(std::shared_ptr<TensorImpl>& slot, const Tensor& g, bool create_graph) {
  if (create_graph) {
    slot = slot ? add(Tensor(slot), g).impl_ptr() : g.impl_ptr();
  } else if (!slot) {
    const bool alone = g.impl_ptr().use_count() == 1 && g.impl().data.use_count() == 1;
    slot = alone ? g.impl_ptr() : g.clone().impl_ptr();
    slot->node.reset();
    slot->requires_grad = false;
  } else {
    accumulate(*slot, g.impl());
  }
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
EnableGradGuard::EnableGradGuard() : previous_(g_grad_enabled) { g_grad_enabled = true; }
EnableGradGuard::~EnableGradGuard() { g_grad_enabled = previous_; }

Tensor record(const char* op, Tensor result, Inputs inputs, BackwardFn backward,
              const char* no_second_derivative) {
  profile::forward_event(op);
  if (!g_grad_enabled) return result;
  bool any = false;
  for (const Tensor& t : inputs) any = any || t.requires_grad();
  if (!any) return result;
  TensorImpl& r = result.impl();
  r.requires_grad = true;
  r.node = std::make_shared<Node>(
      Node{op, std::move(inputs), std::move(backward), g_next_node_id++, no_second_derivative});
  return result;
}

// One backward pass: its switches, and (for grad()) which tensors lead to a requested input.
struct Sweep {
  bool create_graph = false;
  const std::unordered_set<TensorImpl*>* needed = nullptr;  // null: every leaf (backward())
};

bool Grads::wants(size_t i) const {
  TensorImpl* p = inputs_[i].impl_ptr().get();
  return p->requires_grad && (!sweep_.needed || sweep_.needed->count(p));
}

void Grads::add(size_t i, const Tensor& g) {
  if (!wants(i)) return;
  TensorImpl& parent = inputs_[i].impl();
  check(g.shape() == parent.shape, op_, " backward: gradient for input ", i, " has shape ",
        shape_of(g), " but the input has shape ", shape_of(parent.shape));
  accumulate_into(parent.sweep_grad, g, sweep_.create_graph);
}

void Grads::add_rows(size_t i, const RowIndex& rows, const Tensor& values) {
  if (!wants(i)) return;
  TensorImpl& parent = inputs_[i].impl();
  const bool sparse = !parent.node && !sweep_.create_graph && !sweep_.needed;
  if (!sparse) return add(i, embedding_dense_backward(values, rows, parent.shape.at(0)));
  check(values.dim() == 2 && parent.shape.size() == 2 && values.cols() == parent.shape[1] &&
            values.rows() == (int64_t)rows->size(),
        op_, " backward: row gradient ", shape_of(values), " for ", rows->size(),
        " rows does not fit input ", i, " of shape ", shape_of(parent.shape));
  merge_row_sparse(parent.sparse_grad, *rows, values);
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

namespace {

// The reverse sweep shared by Tensor::backward and grad(): seed dL/droot, then visit the
// graph children first; when a tensor is reached its gradient is complete, so it is handed
// to `deliver` (a leaf's .grad, or grad()'s result) and its node's closure runs.
template <typename Deliver>
void sweep(const Tensor& root, const Tensor& seed, const Sweep& how, bool retain_graph,
           Deliver deliver) {
  check(root.requires_grad(), "backward: this tensor (", root.op_name(),
        ") does not require grad: did you forget set_requires_grad() on a parameter?");
  Tensor g = seed;
  if (!g.defined()) {
    check(root.numel() == 1, "backward: a non-scalar tensor of shape ", shape_of(root),
          " needs an explicit seed gradient");
    g = Tensor::full(root.shape(), 1.0f);
  }
  check(g.shape() == root.shape(), "backward: seed has shape ", shape_of(g), " but the tensor has ",
        shape_of(root));
  // Hold every node of the sweep: clearing a child's inputs below may drop the last other
  // reference to a parent that has not run yet.
  std::vector<std::shared_ptr<TensorImpl>> order;
  {
    profile::Scope sort("backward: sort the graph");
    for (TensorImpl* t : topo_order(root)) order.push_back(t->shared_from_this());
  }
  // Untaped unless create_graph: then the backward's ops are recorded like any others.
  std::optional<NoGradGuard> no_tape;
  std::optional<EnableGradGuard> tape;
  if (how.create_graph)
    tape.emplace();
  else
    no_tape.emplace();
  // A throw half-way (a refused second derivative, a bad shape) must not leave partial
  // gradients parked on tensors for the next sweep to add to.
  struct Cleanup {
    std::vector<std::shared_ptr<TensorImpl>>& order;
    ~Cleanup() {
      for (auto& t : order)
        if (t) t->sweep_grad.reset();
    }
  } cleanup{order};
  accumulate_into(root.impl().sweep_grad, how.create_graph ? g : g.clone(), how.create_graph);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    std::shared_ptr<TensorImpl> t = std::move(*it);  // released at the end of this step
    std::shared_ptr<TensorImpl> gy = std::move(t->sweep_grad);
    if (gy) deliver(*t, gy);
    if (!t->node) continue;  // a leaf
    Node& node = *t->node;
    check(!node.inputs.empty() || !node.backward, "backward: the graph through '", node.op,
          "' was already freed; pass "
          "retain_graph=true to the first backward() to go through it twice");
    const bool runs = gy && node.backward && (!how.needed || how.needed->count(t.get()));
    if (runs) {
      if (how.create_graph && node.no_second_derivative)
        throw NoSecondDerivative(
            cat(node.op, ": no second derivative; ", node.no_second_derivative));
      const Tensor output(t);
      Grads grads(node.op, node.inputs, output, how);
      profile::Scope timer(node.op, profile::Pass::backward);
      // Moved in, so a closure that passes gy straight on (add, a same-shape sum_to) hands
      // the buffer over instead of copying it.
      node.backward(Tensor(std::move(gy)), node.inputs, grads);
    }
    if (!retain_graph) node.inputs.clear();  // parents' buffers go as soon as nobody needs them
  }
}

}  // namespace

void Tensor::backward(const Tensor& seed, bool retain_graph, bool create_graph) const {
  const Sweep how{create_graph, nullptr};
  sweep(*this, seed, how, retain_graph || create_graph,
        [&](TensorImpl& t, std::shared_ptr<TensorImpl>& g) {
    if (!t.node) accumulate_into(t.grad, Tensor(std::move(g)), create_graph);
  });
}

std::vector<Tensor> grad(const Tensor& output, const std::vector<Tensor>& inputs,
                         const Tensor& seed, bool create_graph) {
  return grad(output, inputs, seed, create_graph, create_graph);
}

std::vector<Tensor> grad(const Tensor& output, const std::vector<Tensor>& inputs,
                         const Tensor& seed, bool create_graph, bool retain_graph) {
  std::unordered_map<TensorImpl*, size_t> wanted;
  for (size_t k = 0; k < inputs.size(); ++k) {
    check(inputs[k].requires_grad(), "grad: input ", k, " (", inputs[k].op_name(), ", ",
          inputs[k].shape_str(), ") does not require grad");
    wanted.emplace(inputs[k].impl_ptr().get(), k);
  }
  std::vector<Tensor> result(inputs.size());
  if (!output.requires_grad()) return result;  // depends on none of them
  // Only tensors with a path to a requested input need their closures run (parents first,
  // so one pass over the topological order marks them).
  std::unordered_set<TensorImpl*> needed;
  for (TensorImpl* t : topo_order(output)) {
    bool need = wanted.count(t) > 0;
    if (t->node)
      for (const Tensor& p : t->node->inputs) need = need || needed.count(p.impl_ptr().get());
    if (need) needed.insert(t);
  }
  const Sweep how{create_graph, &needed};
  sweep(output, seed, how, retain_graph, [&](TensorImpl& t, std::shared_ptr<TensorImpl>& g) {
    auto it = wanted.find(&t);
    if (it != wanted.end()) result[it->second] = Tensor(g);
    for (size_t k = 0; k < inputs.size(); ++k)  // the same tensor asked for twice
      if (inputs[k].impl_ptr().get() == &t) result[k] = Tensor(g);
  });
  return result;
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
    out << "  t" << i << " [label=\"" << op << "\\n"
        << shape_str(t->shape) << "\"" << (t->node ? "" : ", style=filled, fillcolor=lightblue")
        << "];\n";
    if (t->node)
      for (const Tensor& p : t->node->inputs)
        if (index.count(p.impl_ptr().get()))
          out << "  t" << index[p.impl_ptr().get()] << " -> t" << i << ";\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace vgrad
