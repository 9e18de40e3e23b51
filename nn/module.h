// Module: a registry of named parameters and named child modules, as libtorch does it. A
// layer registers its tensors in its constructor; parameters() walks the tree in
// registration order, so one optimizer serves every model, and the dotted names
// ("gc1.weight") are what checkpoints and error messages use.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autograd/ops.h"
#include "nn/checkpoint.h"

namespace vgrad {

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  // Copies would share parameter storage with the original: a trap, so there are none.
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  std::vector<Tensor> parameters() const;
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const {
    return children_;
  }
  Tensor parameter(const std::string& dotted_name) const;  // throws listing the known names
  int64_t parameter_count() const;                         // total number of floats

  // Train/eval reaches every child (Dropout reads it).
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  void zero_grad();

  // The parameters as a checkpoint of their own (file) or inside a bigger one under a prefix
  // ("model."), next to optimizer state. Loading checks every name and shape before it
  // copies anything, so a refused load leaves the module untouched.
  void save(const std::string& path) const;
  void load(const std::string& path);  // strict: a tensor the model lacks is an error too
  void save_to(Checkpoint& ckpt, const std::string& prefix = "") const;
  void load_from(const Checkpoint& ckpt, const std::string& prefix = "");

 protected:
  // Marks the tensor as a leaf that requires grad and returns the same handle.
  Tensor register_parameter(const std::string& name, Tensor value);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }

 private:
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  void check_new_name(const std::string& name) const;
  void collect(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out) const;

  std::vector<std::pair<std::string, Tensor>> params_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

// The first parameter whose gradient holds a NaN or inf, or "" when all are finite.
std::string first_nonfinite_gradient(const Module& model);

}  // namespace vgrad
