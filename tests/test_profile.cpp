#include <doctest/doctest.h>

#include "autograd/ops.h"
#include "autograd/profile.h"
#include "autograd/random.h"

using namespace vgrad;

namespace {
const profile::Row* find(const std::vector<profile::Row>& rows, const char* name,
                         profile::Pass pass) {
  for (const profile::Row& r : rows)
    if (r.name == name && r.pass == pass) return &r;
  return nullptr;
}
}  // namespace

TEST_CASE("profile: ops are counted forward and backward apart, scopes own their ops") {
  Rng rng(3);
  Tensor w = randn({64, 32}, rng), x = randn({16, 64}, rng);
  w.set_requires_grad(true);
  profile::enable(true);
  for (int step = 0; step < 3; ++step) {
    Tensor loss = sum(relu(matmul(x, w)));
    loss.backward();
    profile::Scope scope("optimizer step");
    Tensor unused = matmul(x, w);  // inside a scope: charged to the scope, not to matmul
  }
  const auto rows = profile::rows();
  profile::enable(false);
  const profile::Row* mm = find(rows, "matmul", profile::Pass::forward);
  const profile::Row* mm_back = find(rows, "matmul", profile::Pass::backward);
  const profile::Row* step = find(rows, "optimizer step", profile::Pass::other);
  REQUIRE(mm);
  REQUIRE(mm_back);
  REQUIRE(step);
  CHECK(mm->calls == 3);
  CHECK(mm_back->calls == 3);
  CHECK(step->calls == 3);
  CHECK(find(rows, "relu", profile::Pass::backward)->calls == 3);
  // the forward matmul allocates its [16, 32] result each time; the backward allocates dW
  CHECK(mm->bytes == 3 * 16 * 32 * sizeof(float));
  CHECK(mm_back->bytes >= 3 * 64 * 32 * sizeof(float));
  for (size_t i = 1; i < rows.size(); ++i) CHECK(rows[i - 1].seconds >= rows[i].seconds);
  const std::string table = profile::format_table(rows);
  CHECK(table.find("matmul") != std::string::npos);
  CHECK(table.find("backward") != std::string::npos);
  CHECK(table.rfind("op ", 0) == 0);  // the header comes first, the totals last
  CHECK(table.find("\ntotal ") != std::string::npos);
}

TEST_CASE("profile: off by default and when disabled nothing is collected") {
  profile::enable(false);
  Tensor a = Tensor::full({4, 4}, 1.0f);
  Tensor b = matmul(a, a);
  CHECK(profile::rows().empty());
}
