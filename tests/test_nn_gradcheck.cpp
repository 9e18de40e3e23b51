#include <doctest/doctest.h>

#include "nn/gradcheck_cases.h"

using namespace vgrad;

TEST_CASE("gradcheck: every nn layer and loss in the table passes") {
  const auto rows = run_gradcheck(nn_gradcheck_cases());
  // 11 layers (GAT in 3 forms, GIN in 2), 7 losses, 2 fused Gaussian ops and their 2 fused
  // d/dlog_std, 3 decoder losses:
  // none dropped silently
  CHECK(rows.size() == 25);
  for (const GradcheckRow& row : rows) {
    INFO(row.name, ": ", row.result.worst);
    CHECK(row.result.ok);
  }
}
