// A folder of files keyed by node id, as people keep a graph beside its node table: see
// graph.h for the rules. The edges go through read_edge_list; the features and labels files
// through the same Table (one splitter, one header rule, one column-count rule).
#include <algorithm>
#include <filesystem>
#include <string>
#include <unordered_map>

#include "autograd/check.h"
#include "datasets/fields.h"
#include "datasets/graph.h"

namespace vgrad {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxClasses = 100000;  // as graph.cpp: the label limit

const char* const kEndings[] = {".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz"};

// DIR/STEM.csv, .tsv or .txt (gzipped or not); "" when there is none; two are ambiguous.
std::string find_file(const std::string& dir, const std::string& stem) {
  std::string found;
  for (const char* e : kEndings) {
    const std::string p = dir + "/" + stem + e;
    if (!fs::is_regular_file(p)) continue;
    check(found.empty(), dir, ": expected one ", stem, " file, found both ",
          fs::path(found).filename().string(), " and ", stem, e);
    found = p;
  }
  return found;
}

// Node ids as the edge list has them: the ids it renumbered (node_ids), or, when it kept its
// integer ids as node numbers, the numbers 0..N-1.
class NodeIndex {
 public:
  explicit NodeIndex(const Graph& g) : n_(g.num_nodes), renumbered_(!g.node_ids.empty()) {
    for (size_t i = 0; i < g.node_ids.size(); ++i) index_.emplace(g.node_ids[i], (int32_t)i);
  }
  // -1 when the edge list has no such node. An integer id also matches its plain spelling
  // ("007" and "+7" name node "7"), as the edge list read it.
  int64_t find(std::string_view id) const {
    int64_t v = 0;
    const bool integer = parse_number(id, v) == std::errc();
    if (!renumbered_) return integer && v >= 0 && v < n_ ? v : -1;
    auto it = index_.find(std::string(id));
    if (it == index_.end() && integer) it = index_.find(std::to_string(v));
    return it == index_.end() ? -1 : it->second;
  }

 private:
  int64_t n_;
  bool renumbered_;
  std::unordered_map<std::string, int32_t> index_;
};

// The node named by `id` on this line; refuses an empty id, an id the edge list does not
// have, and a node given twice in the same file.
int32_t node_of(const Table& t, const NodeIndex& nodes, const std::string& edges,
                std::string_view id, int64_t line_no, std::vector<int64_t>& first_line) {
  check(!id.empty(), t.path(), ":", line_no, ": expected a node id, found an empty field");
  const int64_t node = nodes.find(id);
  if (node < 0)
    fail(t.path(), ":", line_no, ": expected the id of a node in ", edges, ", found '", id,
         "' (ids absent from the edge list are refused: list an isolated node there as a ",
         "self-loop '", id, t.sep() == ' ' ? " " : std::string(1, t.sep()), id, "')");
  if (first_line[node])
    fail(t.path(), ":", line_no, ": expected each node once, found '", id,
         "' again (first on line ", first_line[node], ")");
  first_line[node] = line_no;
  return (int32_t)node;
}

void read_keyed_features(Graph& g, const std::string& path, const std::string& edges,
                         const NodeIndex& nodes, char sep) {
  Table t(path, sep, 1, "rows");
  check(!t.empty(), path, ": expected rows 'id,f0,f1,...', found none");
  check(t.columns() >= 2, path, ":", t.columns_line(), ": expected at least 2 fields '",
        t.join({"id", "f0", "..."}), "', found ", t.columns());
  const int64_t f = (int64_t)t.columns() - 1;
  const std::string names = f <= 2 ? t.join(f == 1 ? std::vector<std::string>{"id", "f0"}
                                                   : std::vector<std::string>{"id", "f0", "f1"})
                                   : t.join({"id", "f0", "...", cat("f", f - 1)});
  std::vector<int64_t> first_line(g.num_nodes, 0), rows, cols;
  std::vector<float> values;
  Fields fs;
  int64_t line_no = 0;
  while (t.next(fs, line_no)) {
    t.check_columns(fs, line_no, names);
    const int32_t node = node_of(t, nodes, edges, fs[0], line_no, first_line);
    for (int64_t j = 0; j < f; ++j) {
      const float v = parse_float_at(path, line_no, fs[j + 1], "feature value");
      if (v == 0) continue;
      rows.push_back(node);
      cols.push_back(j);
      values.push_back(v);
    }
  }
  g.features = Csr::from_coo(g.num_nodes, f, rows, cols, values);
}

void read_keyed_labels(Graph& g, const std::string& path, const std::string& edges,
                       const NodeIndex& nodes, char sep) {
  Table t(path, sep, 1, "rows");
  check(!t.empty(), path, ": expected rows 'id,label', found none");
  const std::string names = t.join({"id", "label"});
  check(t.columns() == 2, path, ":", t.columns_line(), ": expected 2 fields '", names, "', found ",
        t.columns());
  std::vector<int64_t> first_line(g.num_nodes, 0);
  std::vector<std::pair<int32_t, std::string>> named;  // string labels, mapped at the end
  g.labels.assign(g.num_nodes, -1);
  int64_t integer_line = 0, text_line = 0;  // the first label of each kind decides
  Fields fs;
  int64_t line_no = 0;
  while (t.next(fs, line_no)) {
    t.check_columns(fs, line_no, names);
    const int32_t node = node_of(t, nodes, edges, fs[0], line_no, first_line);
    const std::string_view label = fs[1];
    if (label.empty()) continue;  // unlabelled, as pandas writes a missing value
    if (!integer_line && !text_line) (is_number(label, true) ? integer_line : text_line) = line_no;
    if (text_line) {
      named.emplace_back(node, std::string(label));
      continue;
    }
    int64_t v = 0;
    if (parse_number(label, v) != std::errc())
      fail(path, ":", line_no, ": expected an integer label, found '", label,
           "' (the first label, on line ", integer_line, ", is an integer, so every label must ",
           "be one)");
    check(v >= -1 && v < kMaxClasses, path, ":", line_no, ": expected a label in -1..",
          kMaxClasses - 1, ", found ", v);
    g.labels[node] = (int)v;
  }
  if (text_line) {
    // Named classes are numbered in sorted (byte) order: the numbering then depends on the
    // names alone, not on the order of the rows.
    for (const auto& [node, name] : named) g.class_names.push_back(name);
    std::sort(g.class_names.begin(), g.class_names.end());
    g.class_names.erase(std::unique(g.class_names.begin(), g.class_names.end()),
                        g.class_names.end());
    check((int64_t)g.class_names.size() <= kMaxClasses, path, ": expected at most ", kMaxClasses,
          " classes, found ", g.class_names.size());
    for (const auto& [node, name] : named)
      g.labels[node] = int(std::lower_bound(g.class_names.begin(), g.class_names.end(), name) -
                           g.class_names.begin());
  }
  for (int l : g.labels) g.num_classes = std::max(g.num_classes, l + 1);
  check(g.num_classes > 0, path, ": expected at least one labelled node, found none");
}

}  // namespace

bool is_keyed_folder(const std::string& dir) {
  for (const char* stem : {"edges", "features", "labels"})
    for (const char* e : {".csv", ".tsv", ".csv.gz", ".tsv.gz"})
      if (fs::is_regular_file(dir + "/" + stem + e)) return true;
  return false;
}

Graph read_keyed_folder(const std::string& dir, const std::string& name,
                        const EdgeListOptions& opt) {
  const std::string edges = find_file(dir, "edges");
  check(!edges.empty(), dir, "/edges.csv: cannot open (no such file); expected the edge list as ",
        "edges.csv, edges.tsv or edges.txt beside features and labels files");
  const std::string features = find_file(dir, "features"), labels = find_file(dir, "labels");
  Graph g = read_edge_list(edges, name.empty() ? fs::path(dir).filename().string() : name, opt);
  const NodeIndex nodes(g);
  const std::string edges_name = fs::path(edges).filename().string();
  if (!features.empty()) read_keyed_features(g, features, edges_name, nodes, opt.sep);
  if (!labels.empty()) read_keyed_labels(g, labels, edges_name, nodes, opt.sep);
  return g;
}

}  // namespace vgrad
