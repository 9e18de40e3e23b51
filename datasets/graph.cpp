#include "datasets/graph.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "autograd/check.h"
#include "datasets/fields.h"
#include "datasets/text_file.h"

namespace vgrad {
namespace {

// Bounds node ids and feature indices (and so the N+1 row pointers and identity features
// sized from them): 2^24 is 7x ogbn-products, more than this CPU trainer handles, yet one
// corrupt id such as 2147483646 can no longer ask for 16 GB from a 20-byte file (a fuzz/
// regression).
constexpr int64_t kMaxNodes = int64_t(1) << 24;
// A bound on labels and on meta.txt's num_classes, so one typo cannot allocate a huge
// per-class table downstream.
constexpr int64_t kMaxClasses = 100000;

bool exists(const std::string& p) { return std::filesystem::exists(p); }

// Only the numeric keys that decide or check sizes; the other keys are free-form notes.
std::map<std::string, int64_t> read_meta(const std::string& path) {
  static const char* known[] = {"num_nodes", "num_features", "num_classes", "num_edges_undirected",
                                "num_feature_nonzeros"};
  std::map<std::string, int64_t> meta;
  TextFile f(path);
  std::string_view line;
  Fields fields;
  while (f.next(line)) {
    if (is_blank_or_comment(line)) continue;
    split_line(line, ' ', fields);
    for (const char* k : known) {
      if (fields[0] != k) continue;
      check(fields.size() == 2, f.where(), "expected 'key value' for ", k, ", found ",
            fields.size(), " fields");
      int64_t v = parse_int(f, fields[1], "a non-negative count");
      check(v >= 0, f.where(), "expected a non-negative count for ", k, ", found ", v);
      meta[k] = v;
    }
  }
  return meta;
}

int64_t get(const std::map<std::string, int64_t>& m, const char* k) {
  auto it = m.find(k);
  return it == m.end() ? -1 : it->second;
}

// n < 0: the node count is not known yet; ids need only be non-negative.
int32_t parse_node(const TextFile& f, std::string_view tok, int64_t n) {
  // `if ... fail`, not check(): check's arguments, f.where() among them, would build the
  // message on every line (an ostringstream each: a tenth of a 4M-edge load).
  int64_t v = parse_int(f, tok, "an integer node id");
  if (n >= 0) {
    if (v < 0 || v >= n) fail(f.where(), "expected a node id in 0..", n - 1, ", found ", v);
  } else {
    if (v < 0) fail(f.where(), "expected a node id >= 0, found ", v);
    if (v >= kMaxNodes)
      fail(f.where(), "expected a node id below ", kMaxNodes, " (the node limit), found ", v);
  }
  return (int32_t)v;
}

std::vector<Edge> read_edges(TextFile& f, int64_t n) {
  std::vector<Edge> raw;
  std::string_view line;
  Fields fields;
  while (f.next(line)) {
    if (is_blank_or_comment(line)) continue;
    split_line(line, ' ', fields);
    if (fields.size() != 2) fail(f.where(), "expected 2 fields 'u v', found ", fields.size());
    raw.emplace_back(parse_node(f, fields[0], n), parse_node(f, fields[1], n));
  }
  return raw;
}

struct Coo {
  std::vector<int64_t> r, c;
  std::vector<float> v;
  int64_t max_index = -1;
};

Coo read_features(const std::string& path, int64_t n, int64_t num_features) {
  TextFile f(path);
  Coo coo;
  std::string_view line;
  Fields fields;
  while (f.next(line)) {
    if (is_blank_or_comment(line)) continue;
    split_line(line, ' ', fields);
    if (fields.size() != 3)
      fail(f.where(), "expected 3 fields 'node feature_index value', found ", fields.size());
    int32_t node = parse_node(f, fields[0], n);
    int64_t j = parse_int(f, fields[1], "an integer feature index");
    const int64_t limit = num_features >= 0 ? num_features : kMaxNodes;
    if (j < 0 || j >= limit)
      fail(f.where(), "expected a feature index in 0..", limit - 1, ", found ", j);
    coo.r.push_back(node);
    coo.c.push_back(j);
    coo.v.push_back(parse_finite_float(f, fields[2], "feature value"));
    coo.max_index = std::max(coo.max_index, j);
  }
  return coo;
}

std::vector<int> read_labels(const std::string& path, int64_t n, int64_t num_classes) {
  TextFile f(path);
  std::vector<int> labels;
  std::string_view line;
  Fields fields;
  while (f.next(line)) {
    if (is_blank_or_comment(line)) continue;
    split_line(line, ' ', fields);
    check(fields.size() == 1, f.where(), "expected 1 label per line, found ", fields.size(),
          " fields");
    int64_t v = parse_int(f, fields[0], "an integer label");
    if (num_classes >= 0)
      check(v >= -1 && v < num_classes, f.where(), "expected a label in -1..", num_classes - 1,
            ", found ", v);
    else
      check(v >= -1 && v < kMaxClasses, f.where(), "expected a label in -1..", kMaxClasses - 1,
            ", found ", v);
    labels.push_back((int)v);
  }
  if (n >= 0)
    check((int64_t)labels.size() == n, path, ":", f.line_no(), ": expected ", n,
          " labels (one per node), found ", labels.size());
  return labels;
}

int count_classes(const std::vector<int>& labels) {
  int k = 0;
  for (int l : labels) k = std::max(k, l + 1);
  return k;
}

}  // namespace

CsrPtr Graph::features_or_identity() const {
  return features ? features : Csr::identity(num_nodes);
}

void finish_edges(Graph& g, std::vector<Edge> raw, const std::string& source,
                  std::vector<float> weights) {
  const bool weighted = !weights.empty();
  check(!weighted || weights.size() == raw.size(), "finish_edges: ", weights.size(),
        " weights for ", raw.size(), " edges");
  const size_t before = raw.size();
  int64_t loops = 0, max_u = -1;
  size_t kept = 0;
  for (size_t k = 0; k < raw.size(); ++k) {  // orient u < v in place, dropping self-loops
    const auto [u, v] = raw[k];
    check(u >= 0 && v >= 0, source, ": negative node id in edge (", u, ", ", v, ")");
    if (u == v) {
      ++loops;
      continue;
    }
    max_u = std::max<int64_t>(max_u, std::min(u, v));
    if (weighted) weights[kept] = weights[k];
    raw[kept++] = {std::min(u, v), std::max(u, v)};
  }
  raw.resize(kept);
  // Sorted by counting on u, then each node's few neighbours sorted: O(E + N) where one sort
  // of all E pairs took a tenth of a 4M-edge load.
  std::vector<int64_t> start(max_u + 2, 0);
  for (auto [u, v] : raw) ++start[u + 1];
  for (int64_t i = 0; i <= max_u; ++i) start[i + 1] += start[i];
  std::vector<Edge> out(raw.size());
  std::vector<float> w(weighted ? raw.size() : 0);
  {
    std::vector<int64_t> next(start.begin(), start.end() - 1);
    for (size_t k = 0; k < raw.size(); ++k) {
      const int64_t at = next[raw[k].first]++;
      out[at] = raw[k];
      if (weighted) w[at] = weights[k];
    }
  }
  std::vector<Edge>().swap(raw);
  std::vector<float>().swap(weights);
  int64_t disagreeing = 0;
  size_t m = 0;
  if (!weighted) {
    // Rows are sorted independently, and equal pairs are identical: the same bits on any
    // number of threads.
#pragma omp parallel for schedule(dynamic, 4096)
    for (int64_t i = 0; i <= max_u; ++i)
      if (start[i + 1] - start[i] > 1)
        std::sort(out.begin() + start[i], out.begin() + start[i + 1]);
    m = std::unique(out.begin(), out.end()) - out.begin();
  } else {
    std::vector<std::pair<int32_t, float>> row;
    for (int64_t i = 0; i <= max_u; ++i) {
      row.clear();
      for (int64_t k = start[i]; k < start[i + 1]; ++k) row.emplace_back(out[k].second, w[k]);
      std::stable_sort(row.begin(), row.end(),
                       [](const auto& x, const auto& y) { return x.first < y.first; });
      for (size_t k = 0; k < row.size(); ++k) {
        if (k > 0 && row[k].first == row[k - 1].first) {  // a duplicate: keep the larger weight
          disagreeing += w[m - 1] != row[k].second;
          w[m - 1] = std::max(w[m - 1], row[k].second);
          continue;
        }
        out[m] = {(int32_t)i, row[k].first};
        w[m++] = row[k].second;
      }
    }
    w.resize(m);
  }
  out.resize(m);
  g.self_loops_dropped = loops;
  g.duplicate_edges_dropped = (int64_t)(before - loops - out.size());
  check(!out.empty(), source, ": empty graph: expected at least one edge between two distinct ",
        "nodes, found none");
  if (loops || g.duplicate_edges_dropped)
    g.warnings.push_back(cat(source, ": dropped ", g.duplicate_edges_dropped,
                             " duplicate edge(s) and ", loops, " self-loop(s)"));
  if (disagreeing)
    g.warnings.push_back(cat(source, ": ", disagreeing, " edge(s) given twice (either direction) ",
                             "with different weights: kept the larger"));
  g.edges = std::move(out);
  g.edge_weights = std::move(w);
  g.source = source;
}

Graph read_graph_folder(const std::string& dir, const std::string& name) {
  Graph g;
  g.name = name.empty() ? std::filesystem::path(dir).filename().string() : name;
  const std::string edges_path = dir + "/edges.txt";
  const std::string meta_path = dir + "/meta.txt";
  const std::string labels_path = dir + "/labels.txt";
  std::string features_path = dir + "/features.txt";
  if (!exists(features_path) && exists(features_path + ".gz")) features_path += ".gz";
  check_readable(edges_path);

  std::map<std::string, int64_t> meta;
  if (exists(meta_path)) meta = read_meta(meta_path);
  int64_t n = get(meta, "num_nodes");
  const int64_t f_meta = get(meta, "num_features");
  const int64_t k_meta = get(meta, "num_classes");
  check(n != 0, meta_path, ": empty graph: expected num_nodes > 0, found 0");
  check(n <= kMaxNodes, meta_path, ": expected num_nodes up to ", kMaxNodes, ", found ", n);
  check(f_meta <= kMaxNodes, meta_path, ": expected num_features up to ", kMaxNodes, ", found ",
        f_meta);
  // Labels are ints: a larger num_classes would let (int) casts wrap (a fuzz/ regression).
  check(k_meta <= kMaxClasses, meta_path, ": expected num_classes up to ", kMaxClasses, ", found ",
        k_meta);

  if (exists(labels_path)) {
    g.labels = read_labels(labels_path, n, k_meta);
    if (n < 0) n = (int64_t)g.labels.size();
    check(n > 0, labels_path, ": empty graph: expected one label per node, found none");
    g.num_classes = k_meta >= 0 ? (int)k_meta : count_classes(g.labels);
  }

  TextFile ef(edges_path);
  std::vector<Edge> raw = read_edges(ef, n);
  Coo coo;
  if (exists(features_path)) coo = read_features(features_path, n, f_meta);
  if (n < 0) {
    int64_t m = -1;
    for (auto [u, v] : raw) m = std::max<int64_t>(m, std::max(u, v));
    for (int64_t r : coo.r) m = std::max(m, r);
    n = m + 1;
  }
  g.num_nodes = n;
  finish_edges(g, std::move(raw), edges_path);

  const int64_t m_edges = get(meta, "num_edges_undirected");
  check(m_edges < 0 || m_edges == (int64_t)g.edges.size(), edges_path, ": expected ", m_edges,
        " unique undirected edges (meta.txt num_edges_undirected), found ", g.edges.size());
  if (exists(features_path)) {
    const int64_t nnz = get(meta, "num_feature_nonzeros");
    check(nnz < 0 || nnz == (int64_t)coo.v.size(), features_path, ": expected ", nnz,
          " nonzeros (meta.txt num_feature_nonzeros), found ", coo.v.size());
    const int64_t f = f_meta >= 0 ? f_meta : coo.max_index + 1;
    check(f > 0, features_path, ": expected at least one feature, found none");
    g.features = Csr::from_coo(n, f, coo.r, coo.c, coo.v);
  }
  return g;
}

Graph read_linqs_cora(const std::string& dir) {
  Graph g;
  g.name = "cora-linqs";
  const std::string content = dir + "/cora.content", cites = dir + "/cora.cites";
  check_readable(content);
  check_readable(cites);

  std::unordered_map<std::string, std::pair<int32_t, int64_t>> ids;  // id -> (node, line)
  std::vector<std::string> class_of;
  Coo coo;
  int64_t num_features = -1;
  TextFile cf(content);
  std::string_view line;
  Fields fields;
  while (cf.next(line)) {
    if (is_blank_or_comment(line)) continue;
    split_line(line, ' ', fields);
    check(fields.size() >= 3, cf.where(), "expected 'paper_id flags... class', found ",
          fields.size(), " fields");
    if (num_features < 0) num_features = (int64_t)fields.size() - 2;
    check((int64_t)fields.size() - 2 == num_features, cf.where(), "expected ", num_features,
          " word flags (as on the first line), found ", fields.size() - 2);
    const int32_t node = (int32_t)class_of.size();
    auto [it, fresh] = ids.emplace(std::string(fields[0]), std::make_pair(node, cf.line_no()));
    check(fresh, cf.where(), "expected a new paper id, found '", fields[0],
          "' again (first on line ", it->second.second, ")");
    for (int64_t j = 0; j < num_features; ++j) {
      float v = parse_finite_float(cf, fields[j + 1], "word flag");
      if (v == 0) continue;
      coo.r.push_back(node);
      coo.c.push_back(j);
      coo.v.push_back(v);
    }
    class_of.emplace_back(fields.back());
  }
  check(!class_of.empty(), content, ": empty graph: expected one paper per line, found none");
  g.num_nodes = (int64_t)class_of.size();

  g.class_names = class_of;
  std::sort(g.class_names.begin(), g.class_names.end());
  g.class_names.erase(std::unique(g.class_names.begin(), g.class_names.end()), g.class_names.end());
  g.num_classes = (int)g.class_names.size();
  for (const auto& c : class_of)
    g.labels.push_back(int(std::lower_bound(g.class_names.begin(), g.class_names.end(), c) -
                           g.class_names.begin()));
  g.features = Csr::from_coo(g.num_nodes, num_features, coo.r, coo.c, coo.v);

  TextFile tf(cites);
  std::vector<Edge> raw;
  while (tf.next(line)) {
    if (is_blank_or_comment(line)) continue;
    split_line(line, ' ', fields);
    check(fields.size() == 2, tf.where(), "expected 2 fields 'cited citing', found ",
          fields.size());
    int32_t ends[2];
    for (int k = 0; k < 2; ++k) {
      auto it = ids.find(std::string(fields[k]));
      check(it != ids.end(), tf.where(), "expected a paper id from ", content, ", found '",
            fields[k], "'");
      ends[k] = it->second.first;
    }
    raw.emplace_back(ends[0], ends[1]);
  }
  finish_edges(g, std::move(raw), cites);
  return g;
}

}  // namespace vgrad
