// `vgrad reproduce`: the methods and datasets of Kipf & Welling's Table 1 with the paper's
// numbers, and the report (table.md, table.json, table1.png) written from the finished cells.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vgrad::tools {

struct Table1Method {
  std::string id;        // what --methods takes, and the cell files' prefix
  std::string label;     // the paper's row name
  std::string model;     // vgrad train --model
  std::string features;  // vgrad train --features
  double paper[3][2];    // test AUC, AP (%) on cora, citeseer, pubmed
};
const std::vector<Table1Method>& table1_methods();
const std::vector<std::string>& table1_datasets();  // cora, citeseer, pubmed

struct Table1Cell {
  const Table1Method* method = nullptr;
  int dataset = 0;        // index into table1_datasets()
  std::string status;     // "done", "not available" (the model is not in this build), "failed"
  std::string message;    // why not done
  bool reused = false;    // read back from cells/, not recomputed
  nlohmann::json result;  // vgrad train's JSON, when done
};

// Writes OUT/table.md, OUT/table.json and OUT/table1.png; returns table.md's text.
std::string write_table1(const std::string& out_dir, const std::vector<Table1Cell>& cells,
                         const std::vector<int>& datasets, int seeds);

}  // namespace vgrad::tools
