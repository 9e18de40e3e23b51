// The embedding lookup and its row-sparse gradient, and the optimizers' row-sparse steps.
#include <doctest/doctest.h>

#include <cstring>

#include "autograd/gradcheck.h"
#include "autograd/row_sparse.h"
#include "nn/nn.h"

using namespace vgrad;

namespace {

bool same_bits(const float* a, const float* b, int64_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

Tensor row_of(const Tensor& t, int64_t r) {
  const int64_t d = t.cols();
  return Tensor::from({d}, std::vector<float>(t.data() + r * d, t.data() + (r + 1) * d));
}

}  // namespace

TEST_CASE("embedding: finite differences with a repeated index (its gradients add)") {
  Rng rng(3);
  Tensor table = rand_uniform({5, 4}, rng, -1, 1, true);
  const std::vector<int64_t> rows = {3, 1, 3, 3, 0};
  auto r = gradcheck([&] { return embedding(table, rows); }, {table});
  INFO(r.worst);
  CHECK(r.ok);
}

TEST_CASE("embedding: the table's gradient is row-sparse, coalesced, and equals the dense one") {
  Rng rng(4);
  Tensor table = rand_uniform({6, 3}, rng, -1, 1, true);
  Tensor y = embedding(table, std::vector<int64_t>{4, 1, 4});
  Tensor w = Tensor::from({3, 3}, {1, 2, 3, 10, 20, 30, 100, 200, 300});
  sum(mul(y, w)).backward();
  CHECK_FALSE(table.grad().defined());  // nothing dense: O(rows touched)
  const RowSparse* s = table.sparse_grad();
  REQUIRE(s != nullptr);
  CHECK(s->rows == std::vector<int64_t>{1, 4});
  CHECK(Tensor(s->values).to_vector() == std::vector<float>{10, 20, 30, 101, 202, 303});
  // grad() cannot hand back a row-sparse tensor: it gets the dense sum, the same numbers.
  const Tensor dense = vgrad::grad(sum(mul(embedding(table, std::vector<int64_t>{4, 1, 4}), w)), {table})[0];
  std::vector<float> expect(18, 0.0f);
  add_row_sparse_to(expect.data(), *s);
  CHECK(dense.to_vector() == expect);
  // A second backward accumulates into the same rows and adds new ones, still coalesced.
  sum(embedding(table, std::vector<int64_t>{0, 4})).backward();
  CHECK(table.sparse_grad()->rows == std::vector<int64_t>{0, 1, 4});
  CHECK(Tensor(table.sparse_grad()->values).to_vector() ==
        std::vector<float>{1, 1, 1, 10, 20, 30, 102, 203, 304});
  table.zero_grad();
  CHECK(table.sparse_grad() == nullptr);
}

TEST_CASE("embedding: an index out of range is refused, naming it") {
  Tensor table = Tensor::zeros({3, 2}, true);
  CHECK_THROWS_WITH_AS(embedding(table, std::vector<int64_t>{0, 3}),
                       "embedding: index 3 at position 1 is out of range for a table of 3 rows", Error);
}

// One step of `make_opt` on a table after a lookup of `rows`, with the row-sparse gradient or
// the same gradient made dense (through grad()); returns the table after the step.
template <typename MakeOpt>
Tensor step_once(const std::vector<int64_t>& rows, bool sparse, MakeOpt make_opt, Tensor start) {
  Tensor table = start.clone().set_requires_grad();
  auto opt = make_opt(std::vector<Tensor>{table});
  Rng rng(1);
  Tensor w = rand_uniform({(int64_t)rows.size(), table.cols()}, rng, -1, 1);
  Tensor loss = sum(mul(embedding(table, rows), w));
  if (sparse) {
    loss.backward();
    REQUIRE(table.sparse_grad() != nullptr);
  } else {
    table.impl().grad = vgrad::grad(loss, {table})[0].impl_ptr();
  }
  opt->step();
  return table;
}

TEST_CASE("optim: a row-sparse step equals the dense step on the rows touched, leaves the rest") {
  Rng rng(5);
  const Tensor start = rand_uniform({7, 4}, rng, -1, 1);
  const std::vector<int64_t> rows = {5, 2, 5};
  auto sgd = [](std::vector<Tensor> p) { return std::make_unique<Sgd>(p, SgdOptions{.lr = 0.1, .weight_decay = 0.01}); };
  auto adam = [](std::vector<Tensor> p) { return std::make_unique<Adam>(p, AdamOptions{.lr = 0.05}); };
  for (int which = 0; which < 2; ++which) {
    CAPTURE(which);
    const Tensor s = which ? step_once(rows, true, adam, start) : step_once(rows, true, sgd, start);
    const Tensor d = which ? step_once(rows, false, adam, start) : step_once(rows, false, sgd, start);
    for (int64_t r = 0; r < 7; ++r) {
      CAPTURE(r);
      const bool touched = r == 2 || r == 5;
      CHECK(same_bits(row_of(s, r).data(), row_of(d, r).data(), 4) == (touched || which == 1));
      if (touched)
        CHECK(same_bits(row_of(s, r).data(), row_of(d, r).data(), 4));
      else
        CHECK(same_bits(row_of(s, r).data(), row_of(start, r).data(), 4));  // not touched: as it was
    }
  }
}

TEST_CASE("optim: lazy Adam keeps the moments of rows not touched; dense Adam decays them") {
  Rng rng(6);
  const Tensor start = rand_uniform({4, 2}, rng, -1, 1);
  Tensor table = start.clone().set_requires_grad();
  Adam opt({table}, AdamOptions{.lr = 0.1});
  sum(embedding(table, std::vector<int64_t>{1})).backward();
  opt.step();
  const Tensor after_first = table.clone();
  Checkpoint first;
  opt.save_to(first);
  opt.zero_grad();
  sum(embedding(table, std::vector<int64_t>{3})).backward();
  opt.step();
  Checkpoint second;
  opt.save_to(second);
  // Row 1 was not touched by the second step: its value and both moments are unchanged.
  CHECK(same_bits(row_of(table, 1).data(), row_of(after_first, 1).data(), 2));
  CHECK(same_bits(row_of(*second.find("optim.0.exp_avg"), 1).data(),
                  row_of(*first.find("optim.0.exp_avg"), 1).data(), 2));
  CHECK(same_bits(row_of(*second.find("optim.0.exp_avg_sq"), 1).data(),
                  row_of(*first.find("optim.0.exp_avg_sq"), 1).data(), 2));
  CHECK(opt.steps(0) == 2);  // the step count is the parameter's (bias correction as SparseAdam)
  CHECK_FALSE(same_bits(row_of(table, 3).data(), row_of(start, 3).data(), 2));
  // Dense Adam on the same gradients moves row 1 again in the second step (its momentum).
  Tensor dense = start.clone().set_requires_grad();
  Adam dense_opt({dense}, AdamOptions{.lr = 0.1});
  for (int64_t r : {1, 3}) {
    dense.impl().grad = vgrad::grad(sum(embedding(dense, std::vector<int64_t>{r})), {dense})[0].impl_ptr();
    dense_opt.step();
  }
  CHECK_FALSE(same_bits(row_of(dense, 1).data(), row_of(after_first, 1).data(), 2));
}

TEST_CASE("optim: a parameter with dense and row-sparse gradients steps on their sum") {
  Tensor table = Tensor::from({3, 2}, {1, 1, 1, 1, 1, 1}, true);
  Sgd opt({table}, SgdOptions{.lr = 1.0});
  Tensor loss = sum(embedding(table, std::vector<int64_t>{2})) + sum(mul(table, 2.0f));
  loss.backward();
  CHECK(table.grad().defined());
  CHECK(table.sparse_grad() != nullptr);
  opt.step();
  CHECK(table.to_vector() == std::vector<float>{-1, -1, -1, -1, -2, -2});
}

TEST_CASE("optim: row-sparse Adam over two tables at once: each its rows, width, step count") {
  // Big enough (41.6k elements) for the one parallel region over both tables' rows; table a
  // takes a step alone first, so the two step with different bias corrections.
  Rng rng(11);
  const Tensor start_a = rand_uniform({400, 64}, rng, -1, 1), start_b = rand_uniform({600, 96}, rng, -1, 1);
  std::vector<int64_t> rows_a, rows_b;
  for (int64_t r = 0; r < 400; r += 2) rows_a.push_back(r);
  for (int64_t r = 1; r < 600; r += 2) rows_b.push_back(r);
  const Tensor w_a = rand_uniform({200, 64}, rng, -1, 1), w_b = rand_uniform({300, 96}, rng, -1, 1);
  auto run = [&](bool sparse, int threads) {
    set_threads(threads);
    Tensor a = start_a.clone().set_requires_grad(), b = start_b.clone().set_requires_grad();
    Adam opt({a, b}, AdamOptions{.lr = 0.05});
    auto step = [&](const Tensor& loss, std::vector<Tensor> params) {
      opt.zero_grad();
      if (sparse) {
        loss.backward();
      } else {
        const std::vector<Tensor> g = vgrad::grad(loss, params);
        for (size_t k = 0; k < params.size(); ++k) params[k].impl().grad = g[k].impl_ptr();
      }
      opt.step();
    };
    step(sum(mul(embedding(a, rows_a), w_a)), {a});
    step(sum(mul(embedding(a, rows_a), w_a)) + sum(mul(embedding(b, rows_b), w_b)), {a, b});
    return std::make_pair(a, b);
  };
  const auto [sa, sb] = run(true, 2);
  const auto [da, db] = run(false, 2);
  const auto [one_a, one_b] = run(true, 1);
  set_threads(0);
  CHECK(same_bits(sa.data(), one_a.data(), sa.numel()));  // any thread count: the same bits
  CHECK(same_bits(sb.data(), one_b.data(), sb.numel()));
  for (int64_t r = 0; r < 400; ++r) {
    CAPTURE(r);
    CHECK(same_bits(row_of(sa, r).data(), row_of(r % 2 ? start_a : da, r).data(), 64));
  }
  for (int64_t r = 0; r < 600; ++r) {
    CAPTURE(r);
    CHECK(same_bits(row_of(sb, r).data(), row_of(r % 2 ? db : start_b, r).data(), 96));
  }
}

TEST_CASE("pair_dot with lookups: pair_dot of two embedding lookups to the bit, gradients too") {
  Rng rng(8);
  const int64_t d = 37;  // not a multiple of 32 or 64: the kernels' tails run too
  Tensor a = rand_uniform({9, d}, rng, -1, 1, true), b = rand_uniform({12, d}, rng, -1, 1, true);
  const PairsPtr p = Pairs::make(3, 4, {0, 1, 0, 2, 2, 0, 1}, {1, 0, 1, 2, 0, 3, 3});
  for (bool repeated : {false, true}) {
    CAPTURE(repeated);
    const std::vector<int64_t> ra = repeated ? std::vector<int64_t>{7, 2, 7} : std::vector<int64_t>{2, 5, 7};
    const std::vector<int64_t> rb = {11, 0, 4, 6};
    auto ia = std::make_shared<const std::vector<int64_t>>(ra);
    auto ib = std::make_shared<const std::vector<int64_t>>(rb);
    Tensor w = rand_uniform({p->size()}, rng, -1, 1);
    Tensor looked = pair_dot(embedding(a, ra), embedding(b, rb), p);
    sum(mul(looked, w)).backward();
    const RowSparse ga = *a.sparse_grad(), gb = *b.sparse_grad();
    a.zero_grad(), b.zero_grad();
    Tensor direct = pair_dot(a, b, p, ia, ib);
    CHECK(same_bits(direct.data(), looked.data(), p->size()));
    sum(mul(direct, w)).backward();
    REQUIRE(a.sparse_grad() != nullptr);
    REQUIRE(b.sparse_grad() != nullptr);
    CHECK_FALSE(a.grad().defined());  // read in place, still row-sparse: O(rows touched)
    CHECK(a.sparse_grad()->rows == ga.rows);
    CHECK(b.sparse_grad()->rows == gb.rows);
    CHECK(same_bits(a.sparse_grad()->values->data->data(), ga.values->data->data(), (int64_t)ga.rows.size() * d));
    CHECK(same_bits(b.sparse_grad()->values->data->data(), gb.values->data->data(), (int64_t)gb.rows.size() * d));
    a.zero_grad(), b.zero_grad();
    // pair_scatter through a lookup equals the scatter of the looked-up rows.
    Tensor s1 = pair_scatter(w, embedding(b, rb), p, PairSide::a);
    Tensor s2 = pair_scatter(w, b, p, PairSide::a, ib);
    CHECK(same_bits(s1.data(), s2.data(), s1.numel()));
  }
}

TEST_CASE("pair_dot with lookups: a lookup of the wrong length or out of range is refused") {
  Tensor a = Tensor::zeros({5, 2}, true), b = Tensor::zeros({4, 2}, true);
  const PairsPtr p = Pairs::make(2, 2, {0, 1}, {1, 0});
  auto rows = [](std::vector<int64_t> r) { return std::make_shared<const std::vector<int64_t>>(r); };
  CHECK_THROWS_WITH_AS(pair_dot(a, b, p, rows({0, 1, 2}), rows({0, 1})),
                       "pair_dot: A's lookup has 3 rows, expected 2 (one per row of the pairs' side)",
                       Error);
  CHECK_THROWS_WITH_AS(pair_dot(a, b, p, rows({0, 1}), rows({0, 4})),
                       "pair_dot: index 4 at position 1 is out of range for a table of 4 rows", Error);
  CHECK_THROWS_WITH_AS(pair_scatter(Tensor::zeros({2}), b, p, PairSide::a, rows({3})),
                       "pair_scatter: X's lookup has 1 rows, expected 2 (one per row of the pairs' side)",
                       Error);
}

TEST_CASE("Pairs::remake: the grouping make gives, in place when alone, fresh when held") {
  // Side a in runs (a centre's terms together, as DeepWalk lists them), side b scattered.
  const std::vector<int32_t> a = {2, 2, 2, 0, 0, 1, 2, 2}, b = {3, 0, 3, 1, 2, 0, 0, 3};
  const PairsPtr want = Pairs::make(3, 4, a, b);
  CHECK(want->a_ptr == std::vector<int64_t>{0, 2, 3, 8});
  CHECK(want->a_terms == std::vector<int32_t>{3, 4, 5, 0, 1, 2, 6, 7});
  CHECK(want->b_ptr == std::vector<int64_t>{0, 3, 4, 5, 8});
  CHECK(want->b_terms == std::vector<int32_t>{1, 5, 6, 3, 4, 0, 2, 7});
  std::shared_ptr<Pairs> buffer;
  std::vector<int32_t> xa = a, xb = b;
  PairsPtr held = Pairs::remake(buffer, 3, 4, xa, xb);
  const Pairs* first = held.get();
  CHECK(held->a_terms == want->a_terms);
  CHECK(held->b_terms == want->b_terms);
  xa = a, xb = b;
  PairsPtr again = Pairs::remake(buffer, 3, 4, xa, xb);  // `held` still holds it: a new one
  CHECK(again.get() != first);
  held.reset(), again.reset();
  xa = {1, 0}, xb = {0, 0};
  const Pairs* reused = buffer.get();
  const PairsPtr small = Pairs::remake(buffer, 2, 1, xa, xb);  // alone: refilled in place
  CHECK(small.get() == reused);
  CHECK(small->a_ptr == std::vector<int64_t>{0, 1, 2});
  CHECK(small->b_ptr == std::vector<int64_t>{0, 2});
  CHECK(small->b_terms == std::vector<int32_t>{0, 1});
  xa = {0}, xb = {5};
  CHECK_THROWS_WITH(Pairs::remake(buffer, 1, 1, xa, xb),
                    doctest::Contains("Pairs: pair 0 (0, 5) is out of range"));
}
