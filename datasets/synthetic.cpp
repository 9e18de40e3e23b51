#include "datasets/synthetic.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "autograd/check.h"
#include "autograd/random.h"
#include "datasets/limits.h"

namespace vgrad {

void check_sbm_options(const SbmOptions& o) {
  check(o.num_nodes >= 2, "synthetic: expected nodes >= 2, found ", o.num_nodes);
  check(o.num_classes >= 1 && o.num_classes <= o.num_nodes,
        "synthetic: expected classes in 1..nodes, found ", o.num_classes);
  check(o.p_in >= 0 && o.p_in <= 1 && o.p_out >= 0 && o.p_out <= 1,
        "synthetic: expected p_in and p_out in [0, 1], found ", o.p_in, " and ", o.p_out);
  check(o.num_features >= o.num_classes, "synthetic: expected features >= classes (one block ",
        "per class), found ", o.num_features);
  check(o.features_per_node >= 0 && o.features_per_node <= o.num_features,
        "synthetic: expected per_node in 0..features, found ", o.features_per_node);
  check(o.feature_signal >= 0 && o.feature_signal <= 1,
        "synthetic: expected signal in [0, 1], found ", o.feature_signal);
}

Graph make_sbm(const SbmOptions& o) {
  check_sbm_options(o);

  // Up front, so a large spec is refused before the O(N^2) draw: each edge is 8 bytes, twice
  // while finish_edges sorts a copy; each feature nonzero a COO triple and a CSR entry.
  const double n = (double)o.num_nodes, k = (double)o.num_classes;
  const double expected = o.p_in * n * (n / k - 1) / 2 + o.p_out * n * n * (k - 1) / k / 2;
  check_memory(16 * expected + 28 * n * o.features_per_node, cat("synthetic:nodes=", o.num_nodes),
               cat("about ", (int64_t)expected, " edges expected, 16 bytes each while sorted"));

  Rng rng(o.seed);
  Graph g;
  g.name = "synthetic";
  g.num_nodes = o.num_nodes;
  g.num_classes = o.num_classes;
  g.labels.resize(o.num_nodes);
  for (int64_t i = 0; i < o.num_nodes; ++i) g.labels[i] = (int)(i % o.num_classes);

  // O(N^2) Bernoulli trials: fine for the few thousand nodes a test or demo needs.
  std::vector<Edge> edges;
  for (int64_t i = 0; i < o.num_nodes; ++i)
    for (int64_t j = i + 1; j < o.num_nodes; ++j) {
      const double p = g.labels[i] == g.labels[j] ? o.p_in : o.p_out;
      if (rng.uniform_double() < p) edges.emplace_back((int32_t)i, (int32_t)j);
    }
  finish_edges(g, std::move(edges), "synthetic (seed " + std::to_string(o.seed) + ")");

  const int64_t block = o.num_features / o.num_classes;
  std::vector<int64_t> r, c;
  std::vector<float> v;
  for (int64_t i = 0; i < o.num_nodes; ++i) {
    std::vector<int64_t> picked;
    while ((int)picked.size() < o.features_per_node) {
      int64_t j = rng.uniform_double() < o.feature_signal
                      ? g.labels[i] * block + (int64_t)rng.below(block)
                      : (int64_t)rng.below(o.num_features);
      if (std::find(picked.begin(), picked.end(), j) != picked.end()) continue;
      picked.push_back(j);
      r.push_back(i);
      c.push_back(j);
      v.push_back(1.0f);
    }
  }
  g.features = Csr::from_coo(o.num_nodes, o.num_features, r, c, v);
  return g;
}

namespace {

template <typename T>
void parse_value(const std::string& key, const std::string& text, T& out) {
  T v{};
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  check(ec == std::errc() && p == text.data() + text.size() && !text.empty(),
        "synthetic: expected a number for ", key, ", found '", text, "'");
  out = v;
}

}  // namespace

SbmOptions parse_sbm_spec(const std::string& spec) {
  SbmOptions o;
  check(spec.rfind("synthetic", 0) == 0, "synthetic: expected 'synthetic[:key=value,...]', found '",
        spec, "'");
  std::string rest = spec.substr(9);
  if (rest.empty()) return o;
  check(rest[0] == ':', "synthetic: expected 'synthetic[:key=value,...]', found '", spec, "'");
  rest = rest.substr(1);
  size_t at = 0;
  while (at <= rest.size()) {
    size_t comma = rest.find(',', at);
    if (comma == std::string::npos) comma = rest.size();
    const std::string item = rest.substr(at, comma - at);
    const size_t eq = item.find('=');
    check(eq != std::string::npos, "synthetic: expected key=value, found '", item, "'");
    const std::string key = item.substr(0, eq), val = item.substr(eq + 1);
    if (key == "nodes") parse_value(key, val, o.num_nodes);
    else if (key == "classes") parse_value(key, val, o.num_classes);
    else if (key == "p_in") parse_value(key, val, o.p_in);
    else if (key == "p_out") parse_value(key, val, o.p_out);
    else if (key == "features") parse_value(key, val, o.num_features);
    else if (key == "per_node") parse_value(key, val, o.features_per_node);
    else if (key == "signal") parse_value(key, val, o.feature_signal);
    else if (key == "seed") parse_value(key, val, o.seed);
    else fail("synthetic: unknown key '", key,
              "' (expected nodes, classes, p_in, p_out, features, per_node, signal, seed)");
    at = comma + 1;
  }
  return o;
}

}  // namespace vgrad
