// The GAE/VGAE encoder's layers, by kind: gcn (Kipf & Welling's GraphConv, the default and
// the paper's), gat, sage or gin. Each layer reads the encoder's graph: the normalised
// training adjacency A_hat (never a validation or test edge); GraphConv uses its values, the
// others only its pattern (GAT with self-loops, SAGE and GIN without).
#pragma once
#include <functional>
#include <string>

#include "nn/nn.h"

namespace vgrad {

// The encoders `--encoder` accepts, in the order help text lists them.
inline const std::vector<std::string>& encoder_names() {
  static const std::vector<std::string> names = {"gcn", "gat", "sage", "gin"};
  return names;
}
// An encoder is named by a spec: a name from encoder_names(), for gin optionally followed by
// options, "gin:eps=0,aggr=mean,mlp=1" (eps: learn (default, from 0) or a fixed number; aggr:
// sum (default) or mean over the neighbours; mlp: 2 (default) or 1 Linear layers).
// The spec's name: "gin" for "gin:eps=0".
std::string encoder_name(const std::string& spec);
// GIN's options from a spec (the defaults for plain "gin"); throws naming a bad option.
GINOptions gin_options(const std::string& spec);
// Throws naming `spec` and what was expected (library code: the caller maps it to a flag).
void check_encoder(const std::string& spec);

// One layer as the encoder uses it: the module (registered by the model under its name)
// and its forward on dense or sparse input.
struct EncoderLayer {
  std::shared_ptr<Module> module;
  std::function<Tensor(const Tensor&)> forward;
  std::function<Tensor(const CsrPtr&)> forward_sparse;
};

// `first`: the hidden layer (GAT: `heads` heads of out / heads, concatenated), else an output
// layer (mu, log sigma, or GAE's Z: one head). GAT's attention dropout is `dropout`.
EncoderLayer make_encoder_layer(const std::string& encoder, const CsrPtr& a_hat, int64_t in,
                                int64_t out, bool first, int64_t heads, float dropout, Rng& rng);

// The activation after the hidden layer: relu as the GCN reference, elu for GAT as the paper.
Tensor encoder_activation(const std::string& encoder, const Tensor& h);

}  // namespace vgrad
