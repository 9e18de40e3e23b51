#include "datasets/synthetic.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <vector>

#include "autograd/check.h"
#include "autograd/random.h"
#include "datasets/limits.h"

namespace vgrad {
namespace {

// Nodes of class c are c, c + K, c + 2K, ... (node i has class i % K).
int64_t class_size(const SbmOptions& o, int c) {
  return (o.num_nodes - c + o.num_classes - 1) / o.num_classes;
}

// Every pair of block a's nodes with block b's (a < b), or every unordered pair inside block a
// (a == b), is an edge with probability p, independently: the old N^2/2 Bernoulli trials in
// distribution. Instead of one trial per pair, the gap to the next edge is drawn directly:
// the number of failures before a success is geometric, floor(log(1 - r) / log(1 - p)), so
// the cost is O(edges + block sizes) (Batagelj & Brandes 2005; networkx's fast_gnp_random_graph).
void draw_block_pair(const SbmOptions& o, int a, int b, double p, Rng& rng,
                     std::vector<Edge>& out) {
  const int64_t na = class_size(o, a), nb = class_size(o, b), k = o.num_classes;
  if (p <= 0 || na == 0 || nb == 0) return;
  const double log_q = std::log1p(-p);  // -inf for p == 1: every gap is 0
  auto gap = [&]() -> int64_t {
    if (p >= 1) return 0;
    const double g = std::floor(std::log1p(-rng.uniform_double()) / log_q);
    return g < 9.0e18 ? (int64_t)g : INT64_MAX / 2;  // past any block: ends the walk
  };
  if (a != b) {
    // Pairs (x, y) in block a x block b, numbered t = x * nb + y.
    const int64_t pairs = na * nb;
    for (int64_t t = gap(); t < pairs; t += 1 + gap())
      out.emplace_back((int32_t)(a + k * (t / nb)), (int32_t)(b + k * (t % nb)));
    return;
  }
  // Unordered pairs inside the block, row by row: (x, y) with y < x, as networkx walks them.
  int64_t x = 1, y = -1;
  for (;;) {
    y += 1 + gap();
    while (y >= x && x < na) y -= x, ++x;
    if (x >= na) return;
    out.emplace_back((int32_t)(a + k * y), (int32_t)(a + k * x));
  }
}

}  // namespace

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

  // Up front, so a large spec is refused before the draw: each edge is 8 bytes, twice
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

  std::vector<Edge> edges;
  edges.reserve((size_t)(expected + 6 * std::sqrt(expected) + 16));
  for (int a = 0; a < o.num_classes; ++a)
    for (int b = a; b < o.num_classes; ++b)
      draw_block_pair(o, a, b, a == b ? o.p_in : o.p_out, rng, edges);
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
    if (key == "nodes")
      parse_value(key, val, o.num_nodes);
    else if (key == "classes")
      parse_value(key, val, o.num_classes);
    else if (key == "p_in")
      parse_value(key, val, o.p_in);
    else if (key == "p_out")
      parse_value(key, val, o.p_out);
    else if (key == "features")
      parse_value(key, val, o.num_features);
    else if (key == "per_node")
      parse_value(key, val, o.features_per_node);
    else if (key == "signal")
      parse_value(key, val, o.feature_signal);
    else if (key == "seed")
      parse_value(key, val, o.seed);
    else
      fail("synthetic: unknown key '", key,
           "' (expected nodes, classes, p_in, p_out, features, per_node, signal, seed)");
    at = comma + 1;
  }
  return o;
}

}  // namespace vgrad
