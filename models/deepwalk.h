// DeepWalk (Perozzi et al. 2014): uniform random walks on the training graph, then skip-gram
// over them, as the original code trains gensim's Word2Vec (sg=1, hs=1): for each (centre,
// context) pair within a window, the terms log sigmoid(sign * u_centre . v_inner) along the
// context's path in a Huffman tree of node frequencies. Negative sampling (K draws from the
// unigram distribution to the 0.75) is the alternative. Trained by vgrad's autodiff: two
// Embedding tables, pair_dot, the loss library's signed_log_sigmoid_loss, one optimizer.
#pragma once
#include <functional>
#include <string>

#include "datasets/walks.h"
#include "models/link_model.h"
#include "nn/nn.h"

namespace vgrad {

enum class SkipGramObjective { hs, neg };
SkipGramObjective parse_skipgram_objective(const std::string& name);  // "hs" or "neg"

struct DeepWalkConfig {
  int walks_per_node = 10;
  int walk_length = 80;
  int window = 10;  // word2vec's: each centre draws its window uniformly in 1..window
  int64_t latent = 128;
  int epochs = 1;  // passes over the walks
  SkipGramObjective objective = SkipGramObjective::hs;
  int negatives = 5;  // objective neg only
  // adam: lazy (row-sparse) Adam, as PyTorch's SparseAdam; sgd: word2vec's lr decaying
  // linearly to lr * 1e-4, on the batch's summed loss (diverges on Cora at lr 0.025: a batch
  // sums hundreds of terms into the tree's top rows, which word2vec applies one by one).
  std::string optimizer = "adam";
  double lr = 0.001;   // chosen on the validation edges of Cora, Citeseer and Pubmed
  int64_t batch = 50;  // centre positions per optimizer step
};

// A LinkModel like GAE's, so `vgrad eval` and `vgrad export` restore it through the model
// registry; it is trained by train_deepwalk below, not by link-training steps.
class DeepWalk : public LinkModel {
 public:
  // "node": the embeddings (word2vec's syn0, uniform in +-0.5/D); "context": the tree's
  // inner nodes (hs: N-1 are used) or the output vectors (neg: N), zeros as in word2vec.
  // The context table has N rows for either objective (hs never touches the last one), so
  // one shape restores either from a checkpoint.
  DeepWalk(int64_t nodes, const DeepWalkConfig& config, Rng& rng);
  Tensor embed() override { return node_->table().detach(); }  // [N, D]
  Tensor loss(const LinkTargets& targets, Rng& rng) override;  // throws: see train_deepwalk
  std::string kind() const override { return "deepwalk"; }
  Embedding& node() { return *node_; }
  Embedding& context() { return *context_; }

 private:
  std::shared_ptr<Embedding> node_, context_;
};

struct DeepWalkStats {
  double walk_seconds = 0, train_seconds = 0;
  int64_t steps = 0, terms = 0;  // optimizer steps; logistic terms of the objective in all
  int64_t dot_products = 0;      // terms after merging a batch's repeats (one dot each)
  double mean_loss = 0;          // per term, over the last epoch
};

// Walks on `adj_train` (seeded by `seed`), then config.epochs passes of skip-gram. Throws,
// naming `source`, when the graph has no edges. `on_progress(done, total)` is called now and
// then with centre positions done; returning true from `stop` ends training early.
DeepWalkStats train_deepwalk(DeepWalk& model, const Csr& adj_train, const DeepWalkConfig& config,
                             uint64_t seed, const std::string& source,
                             const std::function<void(int64_t, int64_t, double)>& on_progress = {},
                             const std::function<bool()>& stop = {});

}  // namespace vgrad
