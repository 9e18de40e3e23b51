// The report of `vgrad reproduce`: Table 1 as Markdown (mean ± std beside the paper's value),
// as JSON, and as a dot plot (tools/plot/plot.h).
#include <cmath>
#include <cstdio>

#include "nn/atomic_file.h"
#include "tools/cli/reproduce.h"
#include "tools/plot/plot.h"
#include "tools/train/run_files.h"

namespace vgrad::tools {
namespace {

using nlohmann::json;

const char* kDatasetTitle[3] = {"Cora", "Citeseer", "Pubmed"};

std::string fmt(const char* format, double a, double b = 0, double c = 0) {
  char buf[96];
  std::snprintf(buf, sizeof buf, format, a, b, c);
  return buf;
}

std::string cell_text(const Table1Cell& c, const char* key, double paper) {
  if (c.status != "done") return c.status;
  return fmt("%.1f ± %.1f (%.1f)", 100 * c.result[key].get<double>(),
             100 * c.result[std::string(key) + "_std"].get<double>(), paper);
}

}  // namespace

const std::vector<Table1Method>& table1_methods() {
  static const std::vector<Table1Method> methods = {
      {"sc", "SC", "sc", "auto", {{84.6, 88.5}, {80.5, 85.0}, {84.2, 87.8}}},
      {"deepwalk", "DW", "deepwalk", "auto", {{83.1, 85.0}, {80.5, 83.6}, {84.4, 84.1}}},
      {"gae-nf", "GAE*", "gae", "none", {{84.3, 88.1}, {78.7, 84.1}, {82.2, 87.4}}},
      {"vgae-nf", "VGAE*", "vgae", "none", {{84.0, 87.7}, {78.9, 84.1}, {82.7, 87.5}}},
      {"gae", "GAE", "gae", "auto", {{91.0, 92.0}, {89.5, 89.9}, {96.4, 96.5}}},
      {"vgae", "VGAE", "vgae", "auto", {{91.4, 92.6}, {90.8, 92.0}, {94.4, 94.7}}}};
  return methods;
}

const std::vector<std::string>& table1_datasets() {
  static const std::vector<std::string> datasets = {"cora", "citeseer", "pubmed"};
  return datasets;
}

std::string write_table1(const std::string& out_dir, const std::vector<Table1Cell>& cells,
                         const std::vector<int>& datasets, int seeds) {
  std::string md = "# Table 1: link prediction, test ROC AUC and AP (%)\n\nMean ± std over " +
                   std::to_string(seeds) +
                   " seeds (population std), the paper's value in "
                   "brackets. GAE* and VGAE* are GAE and VGAE without input features.\n\n";
  std::string head = "| method |", rule = "|---|", time_head = "| method |", time_rule = "|---|";
  for (int d : datasets) {
    head += std::string(" ") + kDatasetTitle[d] + " AUC | " + kDatasetTitle[d] + " AP |";
    rule += "---|---|";
    time_head += std::string(" ") + kDatasetTitle[d] + " |";
    time_rule += "---|";
  }
  std::string rows, time_rows;
  const Table1Method* current = nullptr;
  json list = json::array();
  for (const Table1Cell& c : cells) {
    if (c.method != current) {
      if (current) rows += "\n", time_rows += "\n";
      current = c.method;
      rows += "| " + c.method->label + " |";
      time_rows += "| " + c.method->label + " |";
    }
    rows += " " + cell_text(c, "test_auc", c.method->paper[c.dataset][0]) + " | " +
            cell_text(c, "test_ap", c.method->paper[c.dataset][1]) + " |";
    // "seconds": each runner's mean wall time of one seed's whole run.
    time_rows += c.status == "done" ? fmt(" %.2f |", c.result.value("seconds", NAN)) : " - |";
    json item = {{"method", c.method->id},
                 {"label", c.method->label},
                 {"dataset", table1_datasets()[c.dataset]},
                 {"status", c.status},
                 {"paper_auc", c.method->paper[c.dataset][0]},
                 {"paper_ap", c.method->paper[c.dataset][1]}};
    if (c.status == "done") {
      for (const char* key : {"test_auc", "test_ap", "val_auc", "val_ap"}) {
        item[key] = 100 * c.result[key].get<double>();
        item[std::string(key) + "_std"] = 100 * c.result[std::string(key) + "_std"].get<double>();
      }
      item["seconds_per_run"] = c.result.value("seconds", NAN);
      item["reused"] = c.reused;
    } else {
      item["message"] = c.message;
    }
    list.push_back(item);
  }
  md += head + "\n" + rule + "\n" + rows +
        "\n\nSeconds per run (one seed: split, training or "
        "solve, evaluation):\n\n" +
        time_head + "\n" + time_rule + "\n" + time_rows + "\n";
  for (const Table1Cell& c : cells)
    if (c.status != "done")
      md += "\n- " + c.method->label + " on " + kDatasetTitle[c.dataset] + ": " + c.status + " (" +
            c.message + ")";
  md += "\n";

  // The picture: one panel per dataset and metric (AUC row, then AP row).
  std::vector<plot::DotPanel> panels;
  for (int metric = 0; metric < 2; ++metric)
    for (int d : datasets) {
      plot::DotPanel p{
          cat(kDatasetTitle[d], metric == 0 ? ": test AUC (%)" : ": test AP (%)"), {}, {}};
      for (const Table1Cell& c : cells) {
        if (c.dataset != d) continue;
        const char* key = metric == 0 ? "test_auc" : "test_ap";
        p.labels.push_back(c.method->label);
        plot::Estimate e{NAN, 0, c.method->paper[d][metric]};
        if (c.status == "done")
          e.mean = 100 * c.result[key].get<double>(),
          e.error = 100 * c.result[std::string(key) + "_std"].get<double>();
        p.items.push_back(e);
      }
      panels.push_back(p);
    }
  plot::dot_panels_png(join_path(out_dir, "table1.png"), "Table 1: link prediction", panels,
                       (int)datasets.size(), cat("vgrad, mean +- std over ", seeds, " seeds"),
                       "the paper");
  write_file_atomically(join_path(out_dir, "table.md"), md);
  write_file_atomically(join_path(out_dir, "table.json"),
                        json({{"seeds", seeds}, {"cells", list}}).dump(2) + "\n");
  return md;
}

}  // namespace vgrad::tools
