// vgrad's Tensor: a float32, row-major, contiguous N-d array that may sit on the tape.
//
// Shape letters used everywhere (kernels open with them):
//   N rows (samples or nodes), F input features, H hidden, Z latent, E non-zeros.
//
// A Tensor is a cheap handle (shared_ptr) to its storage and, when it was produced by an op
// that had a parent requiring grad, to the tape Node that produced it.
#pragma once
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "autograd/check.h"
#include "autograd/storage.h"

namespace vgrad {

using Shape = std::vector<int64_t>;
std::string shape_str(const Shape& s);  // "[2, 3]"
int64_t numel_of(const Shape& s);

// shape_str's lazy form, for check()'s pieces (check.h): it holds a reference and formats only
// when a failing check streams it, so a passing check builds no string. The shape must
// outlive the check: shape_of(x) inside the check's own call.
struct ShapeOf {
  const Shape& shape;
};
inline ShapeOf shape_of(const Shape& s) { return {s}; }
std::ostream& operator<<(std::ostream& out, ShapeOf s);  // what shape_str(s.shape) returns

class Tensor;
struct Node;

struct TensorImpl;

// A gradient that is zero outside a few rows, as an Embedding's table receives: rows[k] is
// the table row that values' row k belongs to. Rows are sorted and distinct (each backward
// merges what it adds), so an optimizer updates R rows in O(R D), not the whole table.
struct RowSparse {
  std::vector<int64_t> rows;
  std::shared_ptr<TensorImpl> values;  // [R, D]: the table's shape with R rows
};

struct TensorImpl : std::enable_shared_from_this<TensorImpl> {
  Shape shape;
  std::shared_ptr<Buffer> data;      // numel floats; shared with detached views
  bool requires_grad = false;        // leaves: set by the user; results: any parent requires it
  std::shared_ptr<TensorImpl> grad;  // dL/d(this), same shape; kept for leaves only
  // dL/d(this) from row lookups (Grads::add_rows), leaves only; the true gradient is
  // grad + sparse_grad, and either may be absent.
  std::shared_ptr<RowSparse> sparse_grad;
  std::shared_ptr<Node> node;  // the op that produced this tensor (null for leaves)
  // While a backward sweep runs: dL/d(this) gathered so far (moved out once complete).
  std::shared_ptr<TensorImpl> sweep_grad;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // Factories. All randomness goes through an explicit Rng (autograd/random.h).
  static Tensor empty(const Shape& shape, bool requires_grad = false);  // uninitialised
  static Tensor zeros(const Shape& shape, bool requires_grad = false);
  static Tensor full(const Shape& shape, float value, bool requires_grad = false);
  static Tensor from(const Shape& shape, const std::vector<float>& values,
                     bool requires_grad = false);
  static Tensor scalar(float value, bool requires_grad = false);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  int64_t dim() const { return (int64_t)impl().shape.size(); }
  int64_t size(int64_t axis) const;  // negative axis counts from the end
  int64_t numel() const { return impl().data->size(); }
  int64_t rows() const { return size(0); }
  int64_t cols() const { return size(-1); }
  std::string shape_str() const { return vgrad::shape_str(shape()); }

  float* data() { return impl().data->data(); }
  const float* data() const { return impl().data->data(); }
  float& at(int64_t i) { return impl().data->data()[i]; }
  float at(int64_t i) const { return impl().data->data()[i]; }
  float item() const;  // the single value of a 1-element tensor
  std::vector<float> to_vector() const;

  bool requires_grad() const { return impl_ && impl_->requires_grad; }
  Tensor& set_requires_grad(bool on = true);
  bool is_leaf() const { return !impl().node; }
  Tensor grad() const;  // undefined until backward reaches this leaf
  // The row-sparse part of the gradient (embedding lookups), or null: see RowSparse.
  const RowSparse* sparse_grad() const { return impl().sparse_grad.get(); }
  void zero_grad();       // drops the accumulated gradient, dense and sparse
  Tensor detach() const;  // the same storage (writes show in both), off the tape
  Tensor clone() const;   // a copy of the values, off the tape

  // Reverse-mode sweep from this tensor, accumulating into the .grad of every leaf that
  // requires grad. A scalar needs no seed; any other shape needs dL/d(this) as `seed`. The
  // graph is released as it is walked unless retain_graph. With create_graph the backward's
  // own ops are recorded (so .grad can be differentiated again) and the graph is kept.
  void backward(const Tensor& seed = Tensor(), bool retain_graph = false,
                bool create_graph = false) const;

  TensorImpl& impl() const;
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  const char* op_name() const;  // "leaf" or the op that produced it

 private:
  std::shared_ptr<TensorImpl> impl_;
};

inline ShapeOf shape_of(const Tensor& t) { return {t.shape()}; }  // t.shape_str(), lazily

}  // namespace vgrad
