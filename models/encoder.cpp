#include "models/encoder.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace vgrad {
namespace {

template <typename Layer>
EncoderLayer wrap(std::shared_ptr<Layer> layer) {
  return {layer, [layer](const Tensor& x) { return layer->forward(x); },
          [layer](const CsrPtr& x) { return layer->forward(x); }};
}

// "k=v,k=v" -> pairs; a piece without '=' is refused naming the spec.
std::vector<std::pair<std::string, std::string>> split_options(const std::string& spec,
                                                               const std::string& options) {
  std::vector<std::pair<std::string, std::string>> kv;
  size_t start = 0;
  while (start <= options.size()) {
    const size_t end = std::min(options.find(',', start), options.size());
    const std::string piece = options.substr(start, end - start);
    const size_t eq = piece.find('=');
    check(eq != std::string::npos && eq > 0, "encoder: '", spec, "': expected key=value, got '",
          piece, "'");
    kv.emplace_back(piece.substr(0, eq), piece.substr(eq + 1));
    start = end + 1;
  }
  return kv;
}

float parse_eps(const std::string& spec, const std::string& v) {
  char* end = nullptr;
  const float eps = std::strtof(v.c_str(), &end);
  check(!v.empty() && end == v.c_str() + v.size() && std::isfinite(eps) && eps > -1.0f,
        "encoder: '", spec, "': eps must be learn or a number above -1, got '", v, "'");
  return eps;
}

}  // namespace

std::string encoder_name(const std::string& spec) { return spec.substr(0, spec.find(':')); }

GINOptions gin_options(const std::string& spec) {
  GINOptions o;
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) return o;
  for (const auto& [k, v] : split_options(spec, spec.substr(colon + 1))) {
    if (k == "eps") {
      o.learn_eps = v == "learn";
      if (!o.learn_eps) o.eps = parse_eps(spec, v);
    } else if (k == "aggr") {
      check(v == "sum" || v == "mean", "encoder: '", spec, "': aggr must be sum or mean, got '", v,
            "'");
      o.mean = v == "mean";
    } else if (k == "mlp") {
      check(v == "1" || v == "2", "encoder: '", spec, "': mlp must be 1 or 2, got '", v, "'");
      o.mlp_layers = v == "1" ? 1 : 2;
    } else {
      fail("encoder: '", spec, "': unknown option '", k, "' (expected eps, aggr or mlp)");
    }
  }
  return o;
}

void check_encoder(const std::string& spec) {
  const std::string name = encoder_name(spec);
  bool known = false;
  for (const std::string& n : encoder_names()) known = known || n == name;
  check(known, "unknown encoder '", spec, "' (expected gcn, gat, sage or gin)");
  check(name == "gin" || name == spec, "encoder: '", spec,
        "': only gin takes options (gin:eps=..,aggr=..,mlp=..)");
  if (name == "gin") gin_options(spec);
}

EncoderLayer make_encoder_layer(const std::string& encoder, const CsrPtr& a_hat, int64_t in,
                                int64_t out, bool first, int64_t heads, float dropout, Rng& rng) {
  check_encoder(encoder);
  const std::string name = encoder_name(encoder);
  if (name == "gcn") return wrap(std::make_shared<GraphConv>(a_hat, in, out, rng));
  if (name == "sage") return wrap(std::make_shared<SAGEConv>(a_hat, in, out, rng));
  if (name == "gin")
    return wrap(std::make_shared<GINConv>(a_hat, in, out, rng, gin_options(encoder)));
  const int64_t h = first ? heads : 1;
  check(h >= 1 && out % h == 0, "gat encoder: the hidden width ", out, " does not split into ", h,
        " heads");
  const GATOptions opt{.heads = h, .concat = true, .attention_dropout = dropout};
  return wrap(std::make_shared<GATConv>(a_hat, in, out / h, rng, opt));
}

Tensor encoder_activation(const std::string& encoder, const Tensor& h) {
  return encoder_name(encoder) == "gat" ? elu(h) : relu(h);
}

}  // namespace vgrad
