#include <doctest/doctest.h>

#include "autograd/gradcheck.h"

using namespace vgrad;

TEST_CASE("gradcheck: every op in the table passes") {
  for (const GradcheckRow& row : run_gradcheck(op_gradcheck_cases())) {
    INFO(row.name, ": ", row.result.worst);
    CHECK(row.result.ok);
  }
}

// mul with the derivative of one side deliberately wrong (b instead of a for db).
Tensor wrong_mul(const Tensor& a, const Tensor& b) {
  Tensor y = Tensor::from(a.shape(), mul(a.detach(), b.detach()).to_vector());
  return record("wrong_mul", y, {a, b}, [](const Tensor& gy, const Inputs& in, Grads& g) {
    if (g.wants(0)) g.add(0, mul(gy, in[1]));
    if (g.wants(1)) g.add(1, mul(gy, in[1]));  // should be in[0]
  });
}

// sigmoid whose backward forgets the (1 - y) factor: right sign, wrong size.
Tensor wrong_sigmoid(const Tensor& x) {
  Tensor y = sigmoid(x.detach());
  return record("wrong_sigmoid", y, {x}, [](const Tensor& gy, const Inputs& in, Grads& g) {
    g.add(0, mul(gy, sigmoid(in[0])));
  });
}

TEST_CASE("gradcheck: a deliberately wrong backward is reported as failing") {
  std::vector<GradcheckCase> cases = op_gradcheck_cases();
  cases.push_back({"wrong_mul", [](Rng& rng) {
                     Tensor a = rand_uniform({3, 3}, rng, -1, 1, true);
                     Tensor b = rand_uniform({3, 3}, rng, -1, 1, true);
                     return std::pair<std::function<Tensor()>, std::vector<Tensor>>{
                         [=] { return wrong_mul(a, b); }, {a, b}};
                   }});
  cases.push_back({"wrong_sigmoid", [](Rng& rng) {
                     Tensor x = rand_uniform({3, 3}, rng, -2, 2, true);
                     return std::pair<std::function<Tensor()>, std::vector<Tensor>>{
                         [=] { return wrong_sigmoid(x); }, {x}};
                   }});
  int failed = 0;
  for (const GradcheckRow& row : run_gradcheck(cases)) {
    const bool planted = row.name.rfind("wrong_", 0) == 0;
    CHECK_MESSAGE(row.result.ok != planted, row.name);
    if (!row.result.ok) {
      failed++;
      CHECK(row.result.worst.find("analytic") != std::string::npos);
    }
  }
  CHECK(failed == 2);
}

TEST_CASE("gradcheck: a gradient off by 2% is caught, one off by 0.01% is not") {
  // Pins the tolerance: it must catch small systematic errors, not only sign errors.
  for (float scale : {1.02f, 1.0001f}) {
    Rng rng(1);
    Tensor x = rand_uniform({4, 4}, rng, 0.5f, 2.0f, true);
    auto f = [&x, scale] {
      Tensor y = square(x.detach());
      return record("scaled_square", y, {x}, [scale](const Tensor& gy, const Inputs& in, Grads& g) {
        g.add(0, mul(mul(gy, in[0]), 2.0f * scale));
      });
    };
    CHECK(gradcheck(f, {x}).ok == (scale < 1.01f));
  }
}
