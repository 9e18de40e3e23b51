// The skip-gram's batches: made ahead on a thread of their own or just before each step, the
// same batches in the same order; the step's end or error ends the making too.
#include <doctest/doctest.h>

#include <omp.h>

#include <stdexcept>

#include "datasets/split.h"
#include "datasets/synthetic.h"
#include "models/deepwalk.h"
#include "models/skipgram_batches.h"

using namespace vgrad;

namespace {

// Everything a batch says, flattened, so two runs compare with ==.
struct Seen {
  std::vector<int64_t> ints;
  std::vector<float> floats;
  void add(const SkipGramBatch& b) {
    ints.insert(ints.end(), {b.epoch, b.begin, b.end, b.terms, b.pairs->rows_a, b.pairs->rows_b});
    ints.insert(ints.end(), b.pairs->a.begin(), b.pairs->a.end());
    ints.insert(ints.end(), b.pairs->b.begin(), b.pairs->b.end());
    ints.insert(ints.end(), b.centre_rows->begin(), b.centre_rows->end());
    ints.insert(ints.end(), b.context_rows->begin(), b.context_rows->end());
    floats.insert(floats.end(), b.sign.begin(), b.sign.end());
    floats.insert(floats.end(), b.weight.begin(), b.weight.end());
  }
};

struct Corpus {
  Graph g = make_sbm({.num_nodes = 150, .p_in = 0.1, .p_out = 0.01, .seed = 6});
  Walks walks = random_walks(*adjacency(g.num_nodes, g.edges), 4, 20, 2);
  DeepWalkConfig c;
  Corpus() {
    c.window = 4, c.epochs = 2;
    c.batch = 7;  // a few thousand batches: the made-ahead slots wrap many times
  }
};

}  // namespace

TEST_CASE("for_each_skipgram_batch: made ahead or not, the batches next() makes, in order") {
  const Corpus corpus;
  for (const char* objective : {"hs", "neg"}) {
    CAPTURE(objective);
    DeepWalkConfig c = corpus.c;
    c.objective = parse_skipgram_objective(objective);
    Seen direct;
    int64_t batches = 0;
    SkipGramBatcher batcher(corpus.walks, corpus.g.num_nodes, c, 9);
    for (SkipGramBatch b; batcher.next(b); ++batches) direct.add(b);
    CHECK(batches == 2 * (((int64_t)corpus.walks.nodes.size() + c.batch - 1) / c.batch));
    for (int threads : {1, 2, 3}) {
      CAPTURE(threads);
      Seen seen;
      const int outer = omp_get_max_threads();
      for_each_skipgram_batch(corpus.walks, corpus.g.num_nodes, c, 9, threads,
                              [&](const SkipGramBatch& b) {
        // the step's regions get the threads the maker leaves
        CHECK(omp_get_max_threads() == (threads < 2 ? outer : threads - 1));
        seen.add(b);
        return true;
      });
      CHECK(omp_get_max_threads() == outer);
      CHECK(seen.ints == direct.ints);
      CHECK(seen.floats == direct.floats);
    }
  }
}

TEST_CASE("for_each_skipgram_batch: stops when the step says so or throws, at any thread count") {
  const Corpus corpus;
  for (int threads : {1, 2}) {
    CAPTURE(threads);
    int calls = 0;
    for_each_skipgram_batch(corpus.walks, corpus.g.num_nodes, corpus.c, 9, threads,
                            [&](const SkipGramBatch&) { return ++calls < 5; });
    CHECK(calls == 5);
    calls = 0;
    auto failing = [&](const SkipGramBatch& b) {
      if (++calls == 20) throw std::runtime_error("step " + std::to_string(b.begin));
      return true;
    };
    CHECK_THROWS_WITH_AS(
        for_each_skipgram_batch(corpus.walks, corpus.g.num_nodes, corpus.c, 9, threads, failing),
        "step 133", std::runtime_error);
    CHECK(calls == 20);
  }
}

TEST_CASE("SkipGramBatcher: a walk through a node outside the tables is refused") {
  Walks walks;
  walks.nodes = {0, 1, 5}, walks.start = {0, 3};
  DeepWalkConfig c;
  CHECK_THROWS_WITH_AS(SkipGramBatcher(walks, 5, c, 1),
                       "SkipGramBatcher: walk node 5 at position 2 is outside the tables' 5 rows",
                       Error);
}
