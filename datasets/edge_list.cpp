// Edge lists as people have them: see graph.h for the rules (separator, header, ids, weights).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <string>
#include <unordered_map>

#include "autograd/check.h"
#include "datasets/fields.h"
#include "datasets/graph.h"
#include "datasets/text_file.h"

namespace vgrad {
namespace {

constexpr int64_t kMaxNodes = int64_t(1) << 24;  // as graph.cpp: the node limit

struct Line {
  std::string text;
  int64_t no = 0;
};

// The next line that carries data (not blank, not a '#' comment), copied; false at the end.
bool next_data_line(TextFile& f, Line& out) {
  std::string_view line;
  while (f.next(line))
    if (!is_blank_or_comment(line)) {
      out.text.assign(line);
      out.no = f.line_no();
      return true;
    }
  return false;
}

bool is_number(std::string_view t, bool integer) {
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  const char* e = t.data() + t.size();
  if (integer) {
    int64_t v;
    auto [p, ec] = std::from_chars(t.data(), e, v);
    return !t.empty() && ec == std::errc() && p == e;
  }
  double v;
  auto [p, ec] = std::from_chars(t.data(), e, v);
  return !t.empty() && ec == std::errc() && p == e;
}

// Column names people give edge lists; a first line made only of these is a header.
bool is_column_name(std::string_view t) {
  static const char* names[] = {"source", "target",    "src",      "dst",   "from",   "to",
                                "u",      "v",         "node1",    "node2", "node_1", "node_2",
                                "id1",    "id2",       "head",     "tail",  "weight", "w",
                                "value",  "source_id", "target_id"};
  std::string low(t);
  for (char& c : low) c = (char)std::tolower((unsigned char)c);
  for (const char* n : names)
    if (low == n) return true;
  return false;
}

// The header rule: line 1 is a header when every field is a known column name, or when one
// of its fields is not a number where the next data line has one (as Python's csv.Sniffer
// votes on column types): "source,target,weight" above "a,b,0.5", "u v" above "3 7".
bool looks_like_header(const Fields& first, const Fields* second) {
  bool all_names = true;
  for (size_t k = 0; k < first.size(); ++k) all_names = all_names && is_column_name(first[k]);
  if (all_names) return true;
  if (!second || second->size() != first.size()) return false;
  for (size_t k = 0; k < first.size(); ++k) {
    const bool integer = k < 2;
    if (!is_number(first[k], integer) && is_number((*second)[k], integer)) return true;
  }
  return false;
}

const char* columns_text(size_t n, char sep) {
  if (n == 3) return sep == ',' ? "u,v,weight" : sep == '\t' ? "u<TAB>v<TAB>weight" : "u v weight";
  return sep == ',' ? "u,v" : sep == '\t' ? "u<TAB>v" : "u v";
}

}  // namespace

Graph read_edge_list(const std::string& path, const std::string& name, const EdgeListOptions& opt) {
  Graph g;
  g.name = name.empty() ? std::filesystem::path(path).stem().string() : name;
  TextFile f(path);
  Line first, second;
  if (!next_data_line(f, first)) {
    finish_edges(g, {}, path);  // throws: empty graph
    return g;
  }
  const char sep = opt.sep ? opt.sep : detect_separator(first.text);
  Fields a, b;
  split_line(first.text, sep, a);
  const bool have_second = next_data_line(f, second);
  if (have_second) split_line(second.text, sep, b);
  const bool header = looks_like_header(a, have_second ? &b : nullptr);
  check(!header || have_second, path, ":", first.no, ": found only a header line ('", first.text,
        "'), expected edges after it");
  const size_t columns = a.size();
  check(columns == 2 || columns == 3, path, ":", first.no, ": expected 2 or 3 fields '",
        columns_text(2, sep), "[", sep == ' ' ? " " : std::string(1, sep), "weight]', found ",
        columns);
  const int64_t columns_line = first.no;
  const Fields& data0 = header ? b : a;
  const bool integer_ids = is_number(data0[0], true) && is_number(data0[1], true);
  const int64_t ids_line = header ? second.no : first.no;

  std::vector<int64_t> int_ends;  // integer ids, as read
  std::vector<int32_t> str_ends;  // string ids, numbered by first appearance
  std::unordered_map<std::string, int32_t> str_index;
  std::vector<std::string> str_ids;
  std::vector<float> weights;
  int64_t max_id = -1;

  auto id_of = [&](std::string_view t, int64_t line_no) {
    if (integer_ids) {
      int64_t v = 0;
      const char* b = t.data() + (!t.empty() && t[0] == '+');
      const auto [p, ec] = std::from_chars(b, t.data() + t.size(), v);
      if (ec != std::errc() || p != t.data() + t.size() || t.empty())
        fail(path, ":", line_no, ": expected an integer node id, found '", t, "' (the first edge, ",
             "on line ", ids_line, ", has integer ids, so every id must be one)");
      if (v < 0) fail(path, ":", line_no, ": expected a node id >= 0, found ", v);
      int_ends.push_back(v);
      max_id = std::max(max_id, v);
      return;
    }
    check(!t.empty(), path, ":", line_no, ": expected a node id, found an empty field");
    auto [it, fresh] = str_index.try_emplace(std::string(t), (int32_t)str_ids.size());
    if (fresh) {
      check((int64_t)str_ids.size() < kMaxNodes, path, ":", line_no, ": expected at most ",
            kMaxNodes, " distinct node ids (the node limit)");
      str_ids.emplace_back(t);
    }
    str_ends.push_back(it->second);
  };
  auto take = [&](const Fields& fs, int64_t line_no) {
    if (fs.size() != columns)
      fail(path, ":", line_no, ": expected ", columns, " fields '", columns_text(columns, sep),
           "', found ", fs.size(), " (line ", columns_line, header ? ", the header," : "",
           " sets the column count)");
    id_of(fs[0], line_no);
    id_of(fs[1], line_no);
    if (columns == 3) {
      const double w = parse_double_at(path, line_no, fs[2], "weight");
      if (!(w > 0) || !std::isfinite((float)w))
        fail(path, ":", line_no, ": expected a weight that is a finite positive number, found '",
             fs[2], "'");
      weights.push_back((float)w);
    }
  };
  if (!header) take(a, first.no);
  if (have_second) take(b, second.no);
  std::string_view line;
  Fields fs;
  while (f.next(line)) {
    if (is_blank_or_comment(line)) continue;
    split_line(line, sep, fs);
    take(fs, f.line_no());
  }

  std::vector<Edge> raw;
  if (integer_ids) {
    // Kept as node numbers (N = largest + 1, gaps are isolated nodes, as in vgrad's own and
    // Planetoid's files) when they fit the node limit and fill at least half of 0..largest;
    // otherwise sparse: mapped to 0..N-1 in increasing order, the ids kept in g.node_ids.
    bool dense = max_id < kMaxNodes;
    if (dense) {
      std::vector<char> seen(max_id + 1, 0);
      int64_t distinct = 0;
      for (int64_t v : int_ends) distinct += !seen[v], seen[v] = 1;
      dense = max_id + 1 <= 2 * distinct;
    }
    raw.resize(int_ends.size() / 2);
    if (dense) {
      for (size_t k = 0; k < raw.size(); ++k)
        raw[k] = {(int32_t)int_ends[2 * k], (int32_t)int_ends[2 * k + 1]};
      g.num_nodes = max_id + 1;
    } else {
      std::vector<int64_t> sorted = int_ends;
      std::sort(sorted.begin(), sorted.end());
      sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
      check((int64_t)sorted.size() <= kMaxNodes, path, ": expected at most ", kMaxNodes,
            " distinct node ids (the node limit), found ", sorted.size());
      auto rank = [&](int64_t v) {
        return (int32_t)(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
      };
      for (size_t k = 0; k < raw.size(); ++k)
        raw[k] = {rank(int_ends[2 * k]), rank(int_ends[2 * k + 1])};
      g.num_nodes = (int64_t)sorted.size();
      g.node_ids.reserve(sorted.size());
      for (int64_t v : sorted) g.node_ids.push_back(std::to_string(v));
    }
  } else {
    // Sorted by bytes, not by first appearance: the numbering (and so the split for a seed)
    // then depends on the graph alone, not on the order of the file's lines.
    std::vector<int32_t> order(str_ids.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = (int32_t)k;
    std::sort(order.begin(), order.end(),
              [&](int32_t x, int32_t y) { return str_ids[x] < str_ids[y]; });
    std::vector<int32_t> rank(order.size());
    for (size_t k = 0; k < order.size(); ++k) rank[order[k]] = (int32_t)k;
    raw.resize(str_ends.size() / 2);
    for (size_t k = 0; k < raw.size(); ++k)
      raw[k] = {rank[str_ends[2 * k]], rank[str_ends[2 * k + 1]]};
    g.num_nodes = (int64_t)str_ids.size();
    g.node_ids.reserve(order.size());
    for (int32_t k : order) g.node_ids.push_back(std::move(str_ids[k]));
  }
  finish_edges(g, std::move(raw), path, std::move(weights));
  return g;
}

}  // namespace vgrad
