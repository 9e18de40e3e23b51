// vgrad reproduce: Table 1 of Kipf & Welling (2016), six methods (SC, DeepWalk, GAE*, VGAE*,
// GAE, VGAE) on Cora, Citeseer and Pubmed, test AUC / AP as mean ± std over seeds beside the
// paper's numbers. Each cell runs through `vgrad train`'s own runner (run_training), keyed by
// model name, and is kept in OUT/cells/METHOD-DATASET.json with the settings it ran with: a
// rerun reads back every cell whose settings match instead of computing it again.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "autograd/check.h"
#include "nn/atomic_file.h"
#include "tools/cli/cli.h"
#include "tools/cli/commands.h"
#include "tools/cli/gemm_flag.h"
#include "tools/cli/reproduce.h"
#include "tools/train/run_files.h"
#include "tools/train/train.h"

namespace vgrad::tools {
namespace {

using nlohmann::json;

// "a,b,c" -> indices into `known` (by name or alias); an unknown name throws naming the flag.
std::vector<int> parse_list(const std::string& flag, const std::string& text,
                            const std::vector<std::string>& known,
                            const std::vector<std::pair<std::string, std::string>>& aliases = {}) {
  std::string valid;
  for (const std::string& k : known) valid += (valid.empty() ? "" : ", ") + k;
  std::vector<int> out;
  std::stringstream list(text);
  for (std::string name; std::getline(list, name, ',');) {
    for (const auto& [alias, to] : aliases)
      if (name == alias) name = to;
    int found = -1;
    for (size_t i = 0; i < known.size(); ++i)
      if (known[i] == name) found = (int)i;
    check(found >= 0, flag, ": unknown name '", name, "'; expected a comma-separated list of ",
          valid);
    if (std::find(out.begin(), out.end(), found) == out.end()) out.push_back(found);
  }
  check(!out.empty(), flag, ": empty; expected a comma-separated list of ", valid);
  std::sort(out.begin(), out.end());  // the table's order, whatever the flag's
  return out;
}

// The cell's stored result when it was computed with exactly these settings, else null.
json stored_cell(const std::string& path, const json& settings) {
  std::ifstream in(path);
  if (!in) return nullptr;
  try {
    json cell = json::parse(in);
    if (cell.value("settings", json()) == settings && cell.contains("result"))
      return cell["result"];
  } catch (const json::exception&) {
    std::fprintf(stderr, "reproduce: %s is not valid JSON; computing the cell again\n",
                 path.c_str());
  }
  return nullptr;
}

}  // namespace

int cmd_reproduce(int argc, char** argv) {
  CLI::App app(
      "Reproduce the paper's Table 1 (link prediction) and write it to OUT/table.md, "
      "table.json and table1.png; finished cells are kept in OUT/cells/ and read back "
      "by a rerun with the same settings.",
      "vgrad reproduce");
  int seeds = 10, threads = 0;
  std::string out = "runs/reproduce", datasets_flag = "cora,citeseer,pubmed",
              methods_flag = "sc,deepwalk,gae-nf,vgae-nf,gae,vgae";
  app.add_option("--methods", methods_flag,
                 "comma-separated: sc, deepwalk, gae-nf (the paper's "
                 "GAE*: no features), vgae-nf (VGAE*), gae, vgae")
      ->capture_default_str();
  app.add_option("--datasets", datasets_flag, "comma-separated: cora, citeseer, pubmed")
      ->capture_default_str();
  app.add_option("--seeds", seeds, "seeds per cell (0..K-1)")->capture_default_str();
  app.add_option("--threads", threads, "OpenMP and OpenBLAS threads (0: all cores)");
  std::string gemm;
  add_gemm_flag(app, gemm);
  app.add_option("--out", out, "folder for the cells, their runs and the table")
      ->capture_default_str();
  VGRAD_PARSE(app, argc, argv);
  std::vector<int> methods, datasets;
  std::vector<std::string> method_ids;
  for (const Table1Method& m : table1_methods()) method_ids.push_back(m.id);
  if (auto code = check_flag_values(app, [&] {
        methods = parse_list("--methods", methods_flag, method_ids,
                             {{"gae*", "gae-nf"}, {"vgae*", "vgae-nf"}, {"dw", "deepwalk"}});
        datasets = parse_list("--datasets", datasets_flag, table1_datasets());
        check(seeds >= 1 && seeds <= 1000, "--seeds: expected 1..1000, got ", seeds);
        check(threads >= 0 && threads <= 1024, "--threads: expected 0 (all) .. 1024, got ",
              threads);
      }))
    return *code;
  make_dirs(join_path(out, "cells"));
  install_interrupt_handlers();
  // Cheap datasets first, so a long run shows every method on Cora early on.
  std::vector<std::vector<Table1Cell>> grid(methods.size(),
                                            std::vector<Table1Cell>(datasets.size()));
  bool failed = false;
  for (size_t d = 0; d < datasets.size(); ++d) {
    for (size_t m = 0; m < methods.size(); ++m) {
      const Table1Method& method = table1_methods()[methods[m]];
      const std::string& dataset = table1_datasets()[datasets[d]];
      Table1Cell& cell = grid[m][d];
      cell.method = &method;
      cell.dataset = datasets[d];
      TrainFlags f;
      f.model = method.model;
      f.dataset = dataset;
      f.features = method.features;
      f.seeds = seeds;
      f.seed = 0;
      f.threads = threads;
      f.gemm = gemm;
      f.eval_every = 0;  // the table needs test scores only
      f.quiet = true;
      f.out = join_path(out, method.id + "-" + dataset);
      try {
        resolve_defaults(f);
      } catch (const Error& e) {
        // A model this build lacks (--model refused) is a cell to fill later, not a failure.
        if (std::string(e.what()).rfind("--model", 0) != 0) throw;
        cell.status = "not available";
        cell.message = "vgrad train has no --model " + method.model + " in this build";
        std::fprintf(stderr, "reproduce: %s on %s: not available\n", method.label.c_str(),
                     dataset.c_str());
        continue;
      }
      json settings = train_settings(f);
      settings["method"] = method.id;
      const std::string path =
          join_path(join_path(out, "cells"), method.id + "-" + dataset + ".json");
      cell.result = stored_cell(path, settings);
      cell.reused = !cell.result.is_null();
      if (!cell.reused) {
        std::fprintf(stderr, "reproduce: %s on %s, %d seeds...\n", method.label.c_str(),
                     dataset.c_str(), seeds);
        try {
          cell.result = run_training(f);
        } catch (const Interrupted& stop) {
          std::fprintf(stderr,
                       "reproduce: interrupted in %s on %s; the finished cells are kept "
                       "in %s/cells (run again to continue)\n",
                       method.label.c_str(), dataset.c_str(), out.c_str());
          return 128 + stop.signal;
        } catch (const Error& e) {
          cell.status = "failed";
          cell.message = e.what();
          failed = true;
          std::fprintf(stderr, "reproduce: %s on %s failed: %s\n", method.label.c_str(),
                       dataset.c_str(), e.what());
          continue;
        }
        write_file_atomically(path, json({{"method", method.id},
                                          {"dataset", dataset},
                                          {"settings", settings},
                                          {"result", cell.result}})
                                            .dump(1) +
                                        "\n");
      }
      cell.status = "done";
      std::fprintf(stderr,
                   "reproduce: %s on %s: AUC %.1f ± %.1f, AP %.1f ± %.1f (paper %.1f / %.1f), "
                   "%.2f s per run%s\n",
                   method.label.c_str(), dataset.c_str(),
                   100 * cell.result["test_auc"].get<double>(),
                   100 * cell.result["test_auc_std"].get<double>(),
                   100 * cell.result["test_ap"].get<double>(),
                   100 * cell.result["test_ap_std"].get<double>(), method.paper[datasets[d]][0],
                   method.paper[datasets[d]][1], cell.result.value("seconds", NAN),
                   cell.reused ? " (read back)" : "");
    }
  }
  std::vector<Table1Cell> cells;  // the table's order: method by method
  for (const auto& row : grid) cells.insert(cells.end(), row.begin(), row.end());
  std::printf("%s", write_table1(out, cells, datasets, seeds).c_str());
  return failed ? 1 : 0;
}

}  // namespace vgrad::tools
