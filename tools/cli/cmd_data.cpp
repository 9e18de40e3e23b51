// vgrad data NAME: load a dataset exactly as training would and print its summary as one
// JSON object, so a user can check what was loaded before training on it.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "datasets/fields.h"
#include "datasets/registry.h"
#include "datasets/split.h"
#include "tools/cli/cli.h"
#include "tools/cli/commands.h"

namespace vgrad::tools {
namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\', out += c;
    else if ((unsigned char)c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      out += b;
    } else
      out += c;
  }
  return out + "\"";
}

template <typename Seq>
std::string json_array(const Seq& xs) {
  std::ostringstream o;
  o << "[";
  bool first = true;
  for (const auto& x : xs) o << (first ? "" : ", ") << x, first = false;
  o << "]";
  return o.str();
}

std::string image_set_json(const ImageSet& s) {
  return cat("{\"count\": ", s.size(), ", \"shape\": [", s.rows, ", ", s.cols,
             "], \"label_counts\": ", json_array(s.label_counts()), "}");
}

std::string graph_json(const Graph& g, uint64_t seed) {
  std::vector<int64_t> counts(g.num_classes, 0);
  int64_t unlabelled = 0;
  for (int l : g.labels) l < 0 ? ++unlabelled : ++counts[l];
  const LinkSplit s = mask_test_edges(g, seed);
  std::ostringstream o;
  o << "{\"dataset\": " << json_string(g.name) << ", \"kind\": \"graph\""
    << ", \"nodes\": " << g.num_nodes << ", \"features\": " << g.num_features()
    << ", \"feature_nonzeros\": " << g.feature_nonzeros()
    << ", \"featureless\": " << (g.features ? "false" : "true")
    << ", \"weighted\": " << (g.edge_weights.empty() ? "false" : "true")
    << ", \"renumbered_ids\": " << (g.node_ids.empty() ? "false" : "true")
    << ", \"edges\": " << g.edges.size() << ", \"classes\": " << g.num_classes
    << ", \"label_counts\": " << json_array(counts)
    << ", \"unlabelled\": " << (g.labels.empty() ? g.num_nodes : unlabelled)
    << ", \"self_loops_dropped\": " << g.self_loops_dropped
    << ", \"duplicate_edges_dropped\": " << g.duplicate_edges_dropped
    << ", \"split\": {\"seed\": " << seed << ", \"train_edges\": " << s.train_pos.size()
    << ", \"val_edges\": " << s.val_pos.size() << ", \"val_negatives\": " << s.val_neg.size()
    << ", \"test_edges\": " << s.test_pos.size() << ", \"test_negatives\": " << s.test_neg.size()
    << "}}";
  return o.str();
}

}  // namespace

int cmd_data(int argc, char** argv) {
  CLI::App app("Load a dataset and print its summary as one JSON object.", "vgrad data");
  std::string name, data_dir = default_data_dir(), sep = "auto";
  uint64_t seed = 0;
  app.add_option("name", name,
                 "mnist, fashion-mnist, cora, citeseer, pubmed, cora-linqs, synthetic[:k=v,...], "
                 "edgelist:PATH")
      ->required();
  app.add_option("--seed", seed, "seed of the link split whose sizes are reported")
      ->check(non_negative_integer());
  app.add_option("--data-dir", data_dir, "where `make data` put the datasets");
  add_sep_flag(app, sep, " (default auto)");
  VGRAD_PARSE(app, argc, argv);
  EdgeListOptions edge_list;
  if (auto code = check_flag_values(app, [&] { edge_list.sep = parse_separator(sep); }))
    return *code;

  if (is_image_dataset(name)) {
    const ImageDataset d = load_image_dataset(name, data_dir);
    std::printf("{\"dataset\": %s, \"kind\": \"images\", \"train\": %s, \"test\": %s}\n",
                json_string(d.name).c_str(), image_set_json(d.train).c_str(),
                image_set_json(d.test).c_str());
    return 0;
  }
  const Graph g = load_graph_dataset(name, data_dir, edge_list);
  for (const std::string& w : g.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  check_link_split_possible(g);  // the summary reports the split, as training would make it
  std::printf("%s\n", graph_json(g, seed).c_str());
  return 0;
}

}  // namespace vgrad::tools
