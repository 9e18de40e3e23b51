// The nn library's rows for the gradcheck table: every layer and loss, checked the same way
// as the core ops (autograd/gradcheck.h). `vgrad gradcheck` can list these after the ops.
#pragma once
#include "autograd/gradcheck.h"

namespace vgrad {
std::vector<GradcheckCase> nn_gradcheck_cases();
}
