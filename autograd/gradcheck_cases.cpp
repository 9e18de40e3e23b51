// The op table that `vgrad gradcheck` and tests/test_gradcheck.cpp both run. Adding an op:
// add one case here. Inputs are drawn away from kinks (relu at 0) and from domain edges
// (log, sqrt and div near 0), where finite differences lie.
#include "autograd/gradcheck.h"

namespace vgrad {
namespace {

using Made = GradcheckMade;
// Values with |v| in [lo, hi] and a random sign: away from 0.
Tensor away_from_zero(const Shape& s, Rng& rng, float lo, float hi) {
  Tensor t = rand_uniform(s, rng, lo, hi, true);
  for (int64_t i = 0; i < t.numel(); ++i)
    if (rng.uniform() < 0.5f) t.at(i) = -t.at(i);
  return t;
}

GradcheckCase unary_case(const std::string& name, Tensor (*op)(const Tensor&), float lo, float hi,
                         bool signed_away = false) {
  return {name, [=](Rng& rng) -> Made {
            Tensor x = signed_away ? away_from_zero({3, 4}, rng, lo, hi)
                                   : gradcheck_leaf({3, 4}, rng, lo, hi);
            return {[=] { return op(x); }, {x}};
          }};
}

template <typename Op>
GradcheckCase binary_case(const std::string& name, Shape sa, Shape sb, Op op, float b_lo = -1.0f,
                          float b_hi = 1.0f) {
  return {name, [=](Rng& rng) -> Made {
            Tensor a = gradcheck_leaf(sa, rng), b = away_from_zero(sb, rng, b_lo, b_hi);
            return {[=] { return op(a, b); }, {a, b}};
          }};
}

// A random non-symmetric CSR with some empty rows.
CsrPtr random_csr(int64_t rows, int64_t cols, Rng& rng) {
  std::vector<int64_t> r, c;
  std::vector<float> v;
  for (int64_t i = 0; i < rows; ++i) {
    if (i % 3 == 1) continue;  // an empty row
    for (int64_t j = 0; j < cols; ++j)
      if (rng.uniform() < 0.4f) r.push_back(i), c.push_back(j), v.push_back(rng.uniform(-1, 1));
  }
  return Csr::from_coo(rows, cols, r, c, v);
}

// The edge ops' rows (autograd/ops/edge.cpp, index.cpp, activation.cpp): a 7 x 6 pattern,
// non-symmetric, with empty rows; per-edge tensors [E] and [E, heads].
std::vector<GradcheckCase> edge_op_cases() {
  auto pattern = [](Rng& rng) { return random_csr(7, 6, rng); };
  std::vector<GradcheckCase> cases;
  for (int64_t heads : {0, 3}) {  // 0: values [E], one head
    const std::string tag = heads ? " (3 heads)" : "";
    const int64_t h = std::max<int64_t>(heads, 1);
    auto edge_shape = [heads](const CsrPtr& p) {
      return heads ? Shape{p->nnz(), heads} : Shape{p->nnz()};
    };
    cases.push_back(
        {"spmm (values learn)" + tag, [=](Rng& rng) -> Made {
           CsrPtr p = pattern(rng);
           Tensor v = gradcheck_leaf(edge_shape(p), rng), x = gradcheck_leaf({6, 2 * h}, rng);
           return {[=] { return spmm(p, v, x); }, {v, x}};
         }});
    cases.push_back(
        {"sddmm" + tag, [=](Rng& rng) -> Made {
           CsrPtr p = pattern(rng);
           Tensor a = gradcheck_leaf({7, 2 * h}, rng), b = gradcheck_leaf({6, 2 * h}, rng);
           return {[=] { return sddmm(p, a, b, heads); }, {a, b}};
         }});
    cases.push_back({"edge_softmax" + tag, [=](Rng& rng) -> Made {
                       CsrPtr p = pattern(rng);
                       Tensor s = gradcheck_leaf(edge_shape(p), rng, -2, 2);
                       return {[=] { return edge_softmax(p, s); }, {s}};
                     }});
    cases.push_back({"edge_row_sum" + tag, [=](Rng& rng) -> Made {
                       CsrPtr p = pattern(rng);
                       Tensor v = gradcheck_leaf(edge_shape(p), rng);
                       return {[=] { return edge_row_sum(p, v); }, {v}};
                     }});
    cases.push_back({"edge_broadcast" + tag, [=](Rng& rng) -> Made {
                       CsrPtr p = pattern(rng);
                       Tensor r = gradcheck_leaf(heads ? Shape{7, heads} : Shape{7}, rng);
                       return {[=] { return edge_broadcast(p, r); }, {r}};
                     }});
  }
  // Indices repeat and skip rows, so index_add sums several sources and leaves zeros.
  const auto idx =
      std::make_shared<const std::vector<int64_t>>(std::vector<int64_t>{3, 0, 3, 1, 3, 0});
  cases.push_back({"index_select (repeats)", [=](Rng& rng) -> Made {
                     Tensor x = gradcheck_leaf({5, 3}, rng);
                     return {[=] { return index_select(x, idx); }, {x}};
                   }});
  cases.push_back({"index_add (repeats)", [=](Rng& rng) -> Made {
                     Tensor src = gradcheck_leaf({6, 2, 2}, rng);
                     return {[=] { return index_add(src, idx, 5); }, {src}};
                   }});
  cases.push_back({"leaky_relu", [](Rng& rng) -> Made {
                     Tensor x = away_from_zero({3, 4}, rng, 0.1f, 2);
                     return {[=] { return leaky_relu(x, 0.2f); }, {x}};
                   }});
  cases.push_back({"elu", [](Rng& rng) -> Made {
                     Tensor x = away_from_zero({3, 4}, rng, 0.1f, 2);
                     return {[=] { return elu(x); }, {x}};
                   }});
  return cases;
}

}  // namespace

std::vector<GradcheckCase> op_gradcheck_cases() {
  std::vector<GradcheckCase> cases = {
      binary_case("add", {3, 4}, {3, 4}, [](auto a, auto b) { return add(a, b); }),
      binary_case("add (row broadcast)", {3, 4}, {4}, [](auto a, auto b) { return add(a, b); }),
      binary_case("sub (column broadcast)", {3, 4}, {3, 1},
                  [](auto a, auto b) { return sub(a, b); }),
      binary_case("mul", {3, 4}, {3, 4}, [](auto a, auto b) { return mul(a, b); }),
      binary_case("mul (scalar tensor)", {3, 4}, {}, [](auto a, auto b) { return mul(a, b); }),
      binary_case("div", {3, 4}, {3, 4}, [](auto a, auto b) { return div(a, b); }, 0.5f, 2.0f),
      binary_case("div (row broadcast)", {2, 3, 4}, {4},
                  [](auto a, auto b) { return div(a, b); }, 0.5f, 2.0f),
      {"add_scalar", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({3, 4}, rng);
         return {[=] { return add(x, 0.7f); }, {x}};
       }},
      {"mul_scalar", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({3, 4}, rng);
         return {[=] { return mul(x, -1.5f); }, {x}};
       }},
      {"rsub", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({3, 4}, rng);
         return {[=] { return rsub(2.0f, x); }, {x}};
       }},
      {"x*x (used twice)", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({5}, rng);
         return {[=] { return mul(x, x); }, {x}};
       }},
      {"sum_to (leading axes: a bias gradient)", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({2, 3, 4}, rng);
         return {[=] { return sum_to(x, {1, 4}); }, {x}};
       }},
      {"expand (row to matrix)", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({1, 4}, rng);
         return {[=] { return expand(x, {3, 4}); }, {x}};
       }},
      {"step_mask (relu's derivative)", [](Rng& rng) -> Made {
         Tensor gy = gradcheck_leaf({3, 4}, rng), x = away_from_zero({3, 4}, rng, 0.1f, 1);
         return {[=] { return step_mask(gy, x, 0.0f); }, {gy}};
       }},
      {"clamp_min", [](Rng& rng) -> Made {
         Tensor x = away_from_zero({3, 4}, rng, 0.1f, 1);
         return {[=] { return clamp_min(x, 0.0f); }, {x}};
       }},
      {"pad", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({3, 2}, rng);
         return {[=] { return pad(x, 1, 5); }, {x}};
       }},
      {"linear (X W + b)", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({3, 4}, rng), w = gradcheck_leaf({4, 5}, rng);
         Tensor b = gradcheck_leaf({5}, rng);
         return {[=] { return linear(x, w, b); }, {x, w, b}};
       }},
      {"sum_to", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({2, 3, 4}, rng);
         return {[=] { return sum_to(x, {3, 1}); }, {x}};
       }},
      unary_case("neg", neg, -1, 1),
      unary_case("exp", exp, -2, 2),
      unary_case("log", log, 0.5f, 3),
      unary_case("square", square, -2, 2),
      unary_case("sqrt", sqrt, 0.5f, 3),
      unary_case("relu", relu, 0.1f, 1, /*signed_away=*/true),
      unary_case("sigmoid", sigmoid, -4, 4),
      unary_case("tanh", tanh, -2, 2),
      unary_case("softplus", softplus, -5, 5),
      unary_case("log_sigmoid", log_sigmoid, -5, 5),
      {"dropout", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({4, 5}, rng);
         // A fresh generator per call: the same mask on every evaluation.
         return {[=] { Rng r(99); return dropout(x, 0.3f, true, r); }, {x}};
       }},
      {"sum", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({3, 4}, rng);
         return {[=] { return sum(x); }, {x}};
       }},
      {"mean", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({3, 4}, rng);
         return {[=] { return mean(x); }, {x}};
       }},
      {"sum (axis 0)", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({3, 4}, rng);
         return {[=] { return sum(x, 0); }, {x}};
       }},
      {"mean (axis 1, keepdim)", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({2, 3, 4}, rng);
         return {[=] { return mean(x, 1, true); }, {x}};
       }},
      {"transpose", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({3, 4}, rng);
         return {[=] { return transpose(x); }, {x}};
       }},
      {"reshape", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({3, 4}, rng);
         return {[=] { return reshape(x, {2, -1}); }, {x}};
       }},
      {"concat", [](Rng& rng) -> Made {
         Tensor a = gradcheck_leaf({3, 2}, rng), b = gradcheck_leaf({3, 4}, rng);
         return {[=] { return concat({a, b}); }, {a, b}};
       }},
      {"slice", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({3, 5}, rng);
         return {[=] { return slice(x, 1, 4); }, {x}};
       }},
      {"spmm (non-symmetric, empty rows)", [](Rng& rng) -> Made {
         CsrPtr a = random_csr(6, 5, rng);
         Tensor x = gradcheck_leaf({5, 3}, rng);
         return {[=] { return spmm(a, x); }, {x}};
       }},
      {"spmm (A^T)", [](Rng& rng) -> Made {
         CsrPtr a = random_csr(6, 5, rng);
         Tensor x = gradcheck_leaf({6, 3}, rng);
         return {[=] { return spmm(a, x, /*transpose_a=*/true); }, {x}};
       }},
  };
  // Row lookups: index 2 three times and 4 never, so the table's gradient adds repeats and
  // leaves a row at zero. The table is a leaf: its gradient arrives row-sparse.
  const std::vector<int64_t> rows = {2, 0, 2, 3, 2, 1};
  cases.push_back({"embedding (repeated rows, row-sparse gradient)", [=](Rng& rng) -> Made {
                     Tensor table = gradcheck_leaf({5, 3}, rng);
                     return {[=] { return embedding(table, rows); }, {table}};
                   }});
  cases.push_back({"embedding (dense gradient: table not a leaf)", [=](Rng& rng) -> Made {
                     Tensor table = gradcheck_leaf({5, 3}, rng);
                     return {[=] { return embedding(mul(table, 1.5f), rows); }, {table}};
                   }});
  cases.push_back({"embedding_dense_backward", [=](Rng& rng) -> Made {
                     Tensor y = gradcheck_leaf({6, 3}, rng);
                     auto idx = std::make_shared<const std::vector<int64_t>>(rows);
                     return {[=] { return embedding_dense_backward(y, idx, 5); }, {y}};
                   }});
  cases.push_back({"rowdot", [](Rng& rng) -> Made {
                     Tensor a = gradcheck_leaf({4, 5}, rng), b = gradcheck_leaf({4, 5}, rng);
                     return {[=] { return rowdot(a, b); }, {a, b}};
                   }});
  // Pairs with repeats on both sides and a row of B (3) in no pair.
  auto pairs = [] { return Pairs::make(3, 4, {0, 1, 0, 2, 2, 0}, {1, 0, 1, 2, 0, 0}); };
  cases.push_back({"pair_dot", [=](Rng& rng) -> Made {
                     Tensor a = gradcheck_leaf({3, 5}, rng), b = gradcheck_leaf({4, 5}, rng);
                     const PairsPtr p = pairs();
                     return {[=] { return pair_dot(a, b, p); }, {a, b}};
                   }});
  for (PairSide side : {PairSide::a, PairSide::b})
    cases.push_back({side == PairSide::a ? "pair_scatter (onto A)" : "pair_scatter (onto B)",
                     [=](Rng& rng) -> Made {
                       Tensor w = gradcheck_leaf({6}, rng);
                       Tensor x = gradcheck_leaf({side == PairSide::a ? 4 : 3, 5}, rng);
                       const PairsPtr p = pairs();
                       return {[=] { return pair_scatter(w, x, p, side); }, {w, x}};
                     }});
  // The same pairs read through lookups into larger tables (row 1 of A's table looked up
  // twice, rows of B's table in no lookup): row-sparse gradients into the leaves.
  auto look = [](std::vector<int64_t> r) {
    return std::make_shared<const std::vector<int64_t>>(std::move(r));
  };
  const RowIndex look_a = look({4, 1, 1}), look_b = look({5, 0, 3, 2});
  cases.push_back({"pair_dot (lookups into both tables)", [=](Rng& rng) -> Made {
                     Tensor a = gradcheck_leaf({5, 5}, rng), b = gradcheck_leaf({6, 5}, rng);
                     const PairsPtr p = pairs();
                     return {[=] { return pair_dot(a, b, p, look_a, look_b); }, {a, b}};
                   }});
  for (PairSide side : {PairSide::a, PairSide::b})
    cases.push_back({side == PairSide::a ? "pair_scatter (onto A, X by lookup)"
                                         : "pair_scatter (onto B, X by lookup)",
                     [=](Rng& rng) -> Made {
                       Tensor w = gradcheck_leaf({6}, rng);
                       Tensor x = gradcheck_leaf({side == PairSide::a ? 6 : 5, 5}, rng);
                       const PairsPtr p = pairs();
                       const RowIndex xr = side == PairSide::a ? look_b : look_a;
                       return {[=] { return pair_scatter(w, x, p, side, xr); }, {w, x}};
                     }});
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      std::string name = cat("matmul", ta ? " A^T" : " A", tb ? " B^T" : " B");
      cases.push_back({name, [=](Rng& rng) -> Made {
                         Tensor a = gradcheck_leaf(ta ? Shape{4, 3} : Shape{3, 4}, rng);
                         Tensor b = gradcheck_leaf(tb ? Shape{5, 4} : Shape{4, 5}, rng);
                         return {[=] { return matmul(a, b, ta, tb); }, {a, b}};
                       }});
    }
  for (GradcheckCase& c : edge_op_cases()) cases.push_back(std::move(c));
  return cases;
}

}  // namespace vgrad
