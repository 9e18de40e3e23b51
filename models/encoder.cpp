#include "models/encoder.h"

namespace vgrad {
namespace {

template <typename Layer>
EncoderLayer wrap(std::shared_ptr<Layer> layer) {
  return {layer, [layer](const Tensor& x) { return layer->forward(x); },
          [layer](const CsrPtr& x) { return layer->forward(x); }};
}

}  // namespace

void check_encoder(const std::string& name) {
  for (const std::string& n : encoder_names())
    if (n == name) return;
  fail("unknown encoder '", name, "' (expected gcn, gat, sage or gin)");
}

EncoderLayer make_encoder_layer(const std::string& encoder, const CsrPtr& a_hat, int64_t in,
                                int64_t out, bool first, int64_t heads, float dropout, Rng& rng) {
  check_encoder(encoder);
  if (encoder == "gcn") return wrap(std::make_shared<GraphConv>(a_hat, in, out, rng));
  if (encoder == "sage") return wrap(std::make_shared<SAGEConv>(a_hat, in, out, rng));
  if (encoder == "gin") return wrap(std::make_shared<GINConv>(a_hat, in, out, rng));
  const int64_t h = first ? heads : 1;
  check(h >= 1 && out % h == 0, "gat encoder: the hidden width ", out, " does not split into ", h,
        " heads");
  const GATOptions opt{.heads = h, .concat = true, .attention_dropout = dropout};
  return wrap(std::make_shared<GATConv>(a_hat, in, out / h, rng, opt));
}

Tensor encoder_activation(const std::string& encoder, const Tensor& h) {
  return encoder == "gat" ? elu(h) : relu(h);
}

}  // namespace vgrad
