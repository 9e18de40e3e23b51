// Inputs are drawn away from domain edges (probabilities near 0 or 1), where finite
// differences lie. Layer cases keep the layer alive in the closure through a shared_ptr.
#include "nn/gradcheck_cases.h"

#include "nn/embedding.h"
#include "nn/gat_conv.h"
#include "nn/gaussian.h"
#include "nn/gin_conv.h"
#include "nn/graph_conv.h"
#include "nn/inner_product_loss.h"
#include "nn/linear.h"
#include "nn/losses.h"
#include "nn/sage_conv.h"

namespace vgrad {
namespace {

using Made = GradcheckMade;

// 0/1 targets with both classes, as a leaf: the loss's gradient to its targets is checked too.
Tensor binary_targets(const Shape& s, Rng& rng) {
  Tensor y = Tensor::empty(s);
  for (int64_t i = 0; i < y.numel(); ++i) y.at(i) = i % 3 == 0 || rng.uniform() < 0.3f;
  return y.set_requires_grad();
}

}  // namespace

CsrPtr random_adjacency(int64_t n, int64_t edges, Rng& rng) {
  std::vector<int64_t> r, c;
  std::vector<float> v;
  for (int64_t i = 0; i < n; ++i) r.push_back(i), c.push_back(i), v.push_back(0.5f);
  for (int64_t e = 0; e < edges; ++e)
    r.push_back(rng.below(n)), c.push_back(rng.below(n)), v.push_back(rng.uniform(0.1f, 1));
  return Csr::from_coo(n, n, r, c, v);
}

std::vector<GradcheckCase> nn_gradcheck_cases() {
  std::vector<GradcheckCase> cases;
  cases.push_back({"nn.linear", [](Rng& rng) -> Made {
                     auto l = std::make_shared<Linear>(4, 3, rng);
                     Tensor x = gradcheck_leaf({5, 4}, rng);
                     return {[=] { return l->forward(x); }, {x, l->weight(), l->bias()}};
                   }});
  cases.push_back({"nn.linear_no_bias", [](Rng& rng) -> Made {
                     auto l = std::make_shared<Linear>(4, 3, rng, false);
                     Tensor x = gradcheck_leaf({5, 4}, rng);
                     return {[=] { return l->forward(x); }, {x, l->weight()}};
                   }});
  cases.push_back({"nn.graph_conv", [](Rng& rng) -> Made {
                     auto l =
                         std::make_shared<GraphConv>(random_adjacency(6, 9, rng), 4, 3, rng, true);
                     Tensor x = gradcheck_leaf({6, 4}, rng);
                     return {[=] { return l->forward(x); }, {x, l->weight(), l->bias()}};
                   }});
  cases.push_back({"nn.graph_conv_sparse_x", [](Rng& rng) -> Made {
                     CsrPtr x = random_adjacency(6, 12, rng);  // any sparse 6 x 6 will do
                     auto l = std::make_shared<GraphConv>(random_adjacency(6, 9, rng), 6, 3, rng);
                     return {[=] { return l->forward(x); }, {l->weight()}};
                   }});
  // The GNN layers over a non-symmetric 7-node graph (random_adjacency may leave a node with
  // no neighbour but itself). GAT runs without attention dropout: each call would draw anew.
  for (bool concat : {true, false})
    cases.push_back({concat ? "nn.gat_conv (2 heads, concat)" : "nn.gat_conv (3 heads, mean)",
                     [concat](Rng& rng) -> Made {
                       const GATOptions opt{.heads = concat ? 2 : 3, .concat = concat};
                       auto l =
                           std::make_shared<GATConv>(random_adjacency(7, 10, rng), 4, 3, rng, opt);
                       Tensor x = gradcheck_leaf({7, 4}, rng);
                       return {[=] { return l->forward(x); },
                               {x, l->weight(), l->att_src(), l->att_dst(), l->bias()}};
                     }});
  cases.push_back(
      {"nn.gat_conv_sparse_x", [](Rng& rng) -> Made {
         CsrPtr x = random_adjacency(7, 12, rng);
         auto l = std::make_shared<GATConv>(random_adjacency(7, 10, rng), 7, 2, rng,
                                            GATOptions{.heads = 2});
         return {[=] { return l->forward(x); }, {l->weight(), l->att_src(), l->att_dst()}};
       }});
  cases.push_back({"nn.sage_conv", [](Rng& rng) -> Made {
                     auto l = std::make_shared<SAGEConv>(random_adjacency(7, 10, rng), 4, 3, rng);
                     Tensor x = gradcheck_leaf({7, 4}, rng);
                     return {[=] { return l->forward(x); },
                             {x, l->weight_root(), l->weight_neigh(), l->bias()}};
                   }});
  cases.push_back({"nn.gin_conv (learnable eps)",
                   [](Rng& rng) -> Made {
                     auto l = std::make_shared<GINConv>(random_adjacency(7, 10, rng), 4, 3, rng,
                                                        GINOptions{.eps = 0.3f});
                     Tensor x = gradcheck_leaf({7, 4}, rng);
                     return {
                         [=] { return l->forward(x); },
                         {x, l->eps(), l->lin1().weight(), l->lin1().bias(), l->lin2().weight()}};
                   },
                   // A draw with no pre-relu value within a difference step of 0 (the kink:
                   // seeds 2 and 27 put one there and finite differences lie by ~3%).
                   {.seed = 1}});
  // The options: a fixed eps, neighbours averaged, one Linear (no relu, so no kink).
  cases.push_back(
      {"nn.gin_conv (mean, fixed eps, one Linear)", [](Rng& rng) -> Made {
         auto l = std::make_shared<GINConv>(
             random_adjacency(7, 10, rng), 4, 3, rng,
             GINOptions{.learn_eps = false, .eps = 0.3f, .mean = true, .mlp_layers = 1});
         Tensor x = gradcheck_leaf({7, 4}, rng);
         return {[=] { return l->forward(x); }, {x, l->lin1().weight(), l->lin1().bias()}};
       }});
  cases.push_back({"nn.mse", [](Rng& rng) -> Made {
                     Tensor a = gradcheck_leaf({3, 4}, rng), b = gradcheck_leaf({3, 4}, rng);
                     return {[=] { return mse(a, b, Reduction::mean); }, {a, b}};
                   }});
  cases.push_back(
      {"nn.bce", [](Rng& rng) -> Made {
         Tensor p = gradcheck_leaf({3, 4}, rng, 0.1f, 0.9f), y = binary_targets({3, 4}, rng);
         return {[=] { return bce(p, y, Reduction::sum); }, {p, y}};
       }});
  cases.push_back(
      {"nn.bce_with_logits", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({5, 5}, rng, -4, 4), y = binary_targets({5, 5}, rng);
         return {[=] { return bce_with_logits(x, y, Reduction::mean, 4.5f, 0.7f); }, {x, y}};
       }});
  cases.push_back({"nn.kl_normal_logvar", [](Rng& rng) -> Made {
                     Tensor mu = gradcheck_leaf({3, 4}, rng), lv = gradcheck_leaf({3, 4}, rng);
                     return {[=] { return kl_normal_logvar(mu, lv, Reduction::sum); }, {mu, lv}};
                   }});
  cases.push_back({"nn.kl_normal_logstd", [](Rng& rng) -> Made {
                     Tensor mu = gradcheck_leaf({3, 4}, rng), ls = gradcheck_leaf({3, 4}, rng);
                     return {[=] { return kl_normal_logstd(mu, ls, Reduction::mean); }, {mu, ls}};
                   }});
  // VGAE's fused pieces (nn/gaussian.h); eps a leaf too, so its gradient is checked.
  cases.push_back({"nn.reparameterize_logstd", [](Rng& rng) -> Made {
                     Tensor mu = gradcheck_leaf({3, 4}, rng), ls = gradcheck_leaf({3, 4}, rng);
                     Tensor eps = gradcheck_leaf({3, 4}, rng);
                     return {[=] { return reparameterize_logstd(mu, ls, eps); }, {mu, ls, eps}};
                   }});
  cases.push_back({"nn.kl_normal_logstd_rows", [](Rng& rng) -> Made {
                     Tensor mu = gradcheck_leaf({3, 4}, rng), ls = gradcheck_leaf({3, 4}, rng);
                     return {[=] { return kl_normal_logstd_rows(mu, ls); }, {mu, ls}};
                   }});
  cases.push_back(
      {"nn.reparameterize_logstd_grad", [](Rng& rng) -> Made {
         Tensor gy = gradcheck_leaf({3, 4}, rng), eps = gradcheck_leaf({3, 4}, rng);
         Tensor ls = gradcheck_leaf({3, 4}, rng);
         return {[=] { return reparameterize_logstd_grad(gy, eps, ls); }, {gy, eps, ls}};
       }});
  cases.push_back({"nn.kl_normal_logstd_grad", [](Rng& rng) -> Made {
                     Tensor gk = gradcheck_leaf({3, 1}, rng), ls = gradcheck_leaf({3, 4}, rng);
                     return {[=] { return kl_normal_logstd_grad(gk, ls); }, {gk, ls}};
                   }});
  cases.push_back(
      {"nn.embedding", [](Rng& rng) -> Made {
         auto l = std::make_shared<Embedding>(6, 4, rng, 1.0f);
         return {[=] { return l->forward(std::vector<int64_t>{5, 1, 5, 0}); }, {l->table()}};
       }});
  cases.push_back({"nn.signed_log_sigmoid_loss", [](Rng& rng) -> Made {
                     Tensor x = gradcheck_leaf({7}, rng, -4, 4);
                     const Tensor s = Tensor::from({7}, {1, -1, 1, 1, -1, -1, 1});
                     return {[=] { return signed_log_sigmoid_loss(x, s, Reduction::sum); }, {x}};
                   }});
  cases.push_back(
      {"nn.signed_log_sigmoid_loss (weighted)", [](Rng& rng) -> Made {
         Tensor x = gradcheck_leaf({7}, rng, -4, 4);
         const Tensor s = Tensor::from({7}, {1, -1, 1, 1, -1, -1, 1});
         const Tensor w = Tensor::from({7}, {1, 3, 0, 2, 1, 5, 1});
         return {[=] { return signed_log_sigmoid_loss(x, s, Reduction::mean, w); }, {x}};
       }});
  // The GAE decoder losses: a 9-node label matrix (symmetric, self-loops) over tiles of 4, so
  // diagonal, off-diagonal and ragged tiles all appear.
  auto labels = [] {
    std::vector<int64_t> r, c;
    for (int64_t i = 0; i < 9; ++i) {
      r.push_back(i), c.push_back(i);
      if (i % 3 != 2) r.push_back(i), c.push_back(i + 1), r.push_back(i + 1), c.push_back(i);
    }
    return Csr::from_coo(9, 9, r, c, std::vector<float>(r.size(), 1.0f));
  };
  cases.push_back({"nn.inner_product_bce (fused)", [labels](Rng& rng) -> Made {
                     Tensor z = gradcheck_leaf({9, 3}, rng);
                     const InnerProductLossOptions opt{.pos_weight = 4, .norm = 0.7f, .tile = 4};
                     return {[=] { return inner_product_bce(z, labels(), opt); }, {z}};
                   }});
  cases.push_back({"nn.inner_product_bce_dense", [labels](Rng& rng) -> Made {
                     Tensor z = gradcheck_leaf({9, 3}, rng);
                     const InnerProductLossOptions opt{.pos_weight = 4, .norm = 0.7f};
                     return {[=] { return inner_product_bce_dense(z, labels(), opt); }, {z}};
                   }});
  cases.push_back(
      {"nn.sampled_inner_product_bce", [](Rng& rng) -> Made {
         Tensor z = gradcheck_leaf({9, 3}, rng);
         // The label matrix's edges and fixed non-edges, two per edge; each node
         // is in several pairs, so its gradient gathers several terms.
         const std::vector<NodePair> pos{{0, 1}, {1, 2}, {3, 4}, {4, 5}, {6, 7}, {7, 8}};
         const std::vector<NodePair> neg{{0, 2}, {0, 5}, {1, 4}, {2, 8}, {3, 6}, {5, 7},
                                         {0, 8}, {2, 3}, {1, 7}, {4, 6}, {3, 8}, {5, 0}};
         return {[=] { return sampled_inner_product_bce(z, pos, neg); }, {z}};
       }});
  return cases;
}

}  // namespace vgrad
