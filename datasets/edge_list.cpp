// Edge lists as people have them: see graph.h for the rules (separator, header, ids, weights).
#include <algorithm>
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

std::string columns_text(const Table& t, size_t n) {
  return t.join(n == 3 ? std::vector<std::string>{"u", "v", "weight"}
                       : std::vector<std::string>{"u", "v"});
}

}  // namespace

Graph read_edge_list(const std::string& path, const std::string& name, const EdgeListOptions& opt) {
  Graph g;
  g.name = name.empty() ? std::filesystem::path(path).stem().string() : name;
  Table table(path, opt.sep, 2, "edges");
  if (table.empty()) {
    finish_edges(g, {}, path);  // throws: empty graph
    return g;
  }
  const size_t columns = table.columns();
  check(columns == 2 || columns == 3, path, ":", table.columns_line(), ": expected 2 or 3 fields '",
        columns_text(table, 2), "[", table.sep() == ' ' ? " " : std::string(1, table.sep()),
        "weight]', found ", columns);
  const std::string names = columns_text(table, columns);
  const int64_t ids_line = table.first_data_line();
  Fields fs;
  int64_t line_no = 0;
  table.next(fs, line_no);
  table.check_columns(fs, line_no, names);
  const bool integer_ids = is_number(fs[0], true) && is_number(fs[1], true);

  std::vector<int64_t> int_ends;  // integer ids, as read
  std::vector<int32_t> str_ends;  // string ids, numbered by first appearance
  std::unordered_map<std::string, int32_t> str_index;
  std::vector<std::string> str_ids;
  std::vector<float> weights;
  int64_t max_id = -1;

  auto id_of = [&](std::string_view t, int64_t line_no) {
    if (integer_ids) {
      int64_t v = 0;
      if (parse_number(t, v) != std::errc())
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
    table.check_columns(fs, line_no, names);
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
  do take(fs, line_no);
  while (table.next(fs, line_no));

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
