// Sequential: modules and plain functions applied in order. Modules are registered under
// their position, counting functions too, as PyTorch's nn.Sequential names them:
//   Sequential mlp; mlp.add(std::make_shared<Linear>(2, 8, rng)).add(tanh)
//                      .add(std::make_shared<Linear>(8, 1, rng));   // "0.weight", "2.weight"
#pragma once
#include <functional>
#include <string>

#include "nn/module.h"

namespace vgrad {

class Sequential : public Module {
 public:
  using Step = std::function<Tensor(const Tensor&)>;

  template <typename M>
  Sequential& add(std::shared_ptr<M> module) {
    register_module(std::to_string(steps_.size()), module);
    steps_.push_back([module](const Tensor& x) { return module->forward(x); });
    return *this;
  }
  Sequential& add(Tensor (*fn)(const Tensor&)) { return add(Step(fn)); }
  Sequential& add(Step fn) {
    steps_.push_back(std::move(fn));
    return *this;
  }

  Tensor forward(const Tensor& x) const {
    Tensor y = x;
    for (const Step& step : steps_) y = step(y);
    return y;
  }
  size_t size() const { return steps_.size(); }

 private:
  std::vector<Step> steps_;
};

}  // namespace vgrad
