#include <doctest/doctest.h>

#include "nn/gradcheck_cases.h"

using namespace vgrad;

TEST_CASE("gradcheck: every nn layer and loss in the table passes") {
  const auto rows = run_gradcheck(nn_gradcheck_cases());
  // 10 layers (GAT in 3 forms), 6 losses, 2 fused Gaussian ops, 3 decoder losses: none dropped
  CHECK(rows.size() == 21);
  for (const GradcheckRow& row : rows) {
    INFO(row.name, ": ", row.result.worst);
    CHECK(row.result.ok);
  }
}
