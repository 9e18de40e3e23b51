#include "autograd/tensor.h"

#include <cstring>
#include <ostream>

#include "autograd/tape.h"

namespace vgrad {

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

std::ostream& operator<<(std::ostream& out, ShapeOf s) { return out << shape_str(s.shape); }

int64_t numel_of(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    check(d >= 0, "tensor: negative dimension in shape ", shape_of(s));
    n *= d;
  }
  return n;
}

Tensor Tensor::empty(const Shape& shape, bool requires_grad) {
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->data = std::make_shared<Buffer>(numel_of(shape));
  impl->requires_grad = requires_grad;
  return Tensor(std::move(impl));
}

Tensor Tensor::zeros(const Shape& shape, bool requires_grad) {
  return full(shape, 0.0f, requires_grad);
}

Tensor Tensor::full(const Shape& shape, float value, bool requires_grad) {
  Tensor t = empty(shape, requires_grad);
  float* p = t.data();
  const int64_t n = t.numel();
  for (int64_t i = 0; i < n; ++i) p[i] = value;
  return t;
}

Tensor Tensor::from(const Shape& shape, const std::vector<float>& values, bool requires_grad) {
  const int64_t n = numel_of(shape);
  check(n == (int64_t)values.size(), "Tensor::from: shape ", shape_of(shape), " holds ", n,
        " values but ", values.size(), " were given");
  Tensor t = empty(shape, requires_grad);
  if (!values.empty()) std::memcpy(t.data(), values.data(), values.size() * sizeof(float));
  return t;
}

Tensor Tensor::scalar(float value, bool requires_grad) { return full({}, value, requires_grad); }

TensorImpl& Tensor::impl() const {
  check(impl_ != nullptr, "tensor: use of an undefined (default-constructed) Tensor");
  return *impl_;
}

int64_t Tensor::size(int64_t axis) const {
  const int64_t d = dim();
  const int64_t a = axis < 0 ? axis + d : axis;
  check(a >= 0 && a < d, "tensor: axis ", axis, " out of range for shape ", shape_of(*this));
  return shape()[a];
}

float Tensor::item() const {
  check(numel() == 1, "item: expected a single value, got shape ", shape_of(*this));
  return at(0);
}

std::vector<float> Tensor::to_vector() const {
  return std::vector<float>(data(), data() + numel());
}

Tensor& Tensor::set_requires_grad(bool on) {
  check(is_leaf() || on, "set_requires_grad(false) on a non-leaf (", op_name(), "): use detach()");
  impl().requires_grad = on;
  return *this;
}

Tensor Tensor::grad() const { return impl().grad ? Tensor(impl().grad) : Tensor(); }

void Tensor::zero_grad() {
  impl().grad.reset();
  impl().sparse_grad.reset();
}

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape();
  impl->data = impl_ptr()->data;  // shares the floats, not the graph
  return Tensor(std::move(impl));
}

Tensor Tensor::clone() const {
  Tensor t = empty(shape());
  if (numel()) std::memcpy(t.data(), data(), numel() * sizeof(float));
  return t;
}

const char* Tensor::op_name() const { return impl().node ? impl().node->op : "leaf"; }

}  // namespace vgrad
