// vgrad reproduce: Table 1 of Kipf & Welling (2016), GAE and VGAE on Cora, Citeseer and
// Pubmed, test AUC / AP as mean ± std over seeds, beside the paper's numbers.
#include <cstdio>
#include <map>
#include <sstream>
#include <vector>

#include "nn/atomic_file.h"
#include "tools/cli/cli.h"
#include "tools/cli/gemm_flag.h"
#include "tools/cli/commands.h"
#include "models/registry.h"
#include "tools/train/run_files.h"
#include "tools/train/train.h"

namespace vgrad::tools {

int cmd_reproduce(int argc, char** argv) {
  CLI::App app("Reproduce the paper's Table 1 and write it as Markdown.", "vgrad reproduce");
  int seeds = 10, threads = 0;
  std::string out = "runs/reproduce", datasets_flag = "cora,citeseer,pubmed", models_flag = "gae,vgae";
  app.add_option("--seeds", seeds, "seeds per cell")->capture_default_str();
  app.add_option("--threads", threads, "OpenMP and OpenBLAS threads (0: all cores)");
  std::string gemm;
  add_gemm_flag(app, gemm);
  app.add_option("--datasets", datasets_flag, "comma-separated")->capture_default_str();
  app.add_option("--models", models_flag, "comma-separated, of " + model_names(ModelKind::graph))
      ->capture_default_str();
  app.add_option("--out", out, "folder for each cell's runs and table.md")->capture_default_str();
  VGRAD_PARSE(app, argc, argv);
  std::vector<std::string> models;
  std::stringstream model_list(models_flag);
  for (std::string m; std::getline(model_list, m, ',');) models.push_back(m);
  if (auto code = check_flag_values(app, [&] {
        check(!models.empty(), "--models: expected at least one model");
        for (const std::string& m : models) {
          check(find_model_or_null(m) != nullptr, "--models: expected ", model_names(), ", got '",
                m, "'");
          check(find_model(m).kind == ModelKind::graph, "--models: expected ",
                model_names(ModelKind::graph), " (Table 1 is link prediction), got '", m, "'");
        }
        check(seeds >= 1 && seeds <= 1000, "--seeds: expected 1..1000, got ", seeds);
      }))
    return *code;
  struct Paper { double auc, ap; };
  const std::map<std::string, Paper> paper = {
      {"gae-cora", {91.0, 92.0}},     {"vgae-cora", {91.4, 92.6}},
      {"gae-citeseer", {89.5, 89.9}}, {"vgae-citeseer", {90.8, 92.0}},
      {"gae-pubmed", {96.4, 96.5}},   {"vgae-pubmed", {94.4, 94.7}}};
  std::ostringstream table;
  table << "| dataset | model | test AUC (%) | paper | test AP (%) | paper | s/epoch |\n"
        << "|---|---|---|---|---|---|---|\n";
  std::stringstream list(datasets_flag);
  for (std::string dataset; std::getline(list, dataset, ',');) {
    for (const std::string& model : models) {
      const std::string cell = model + "-" + dataset;
      std::fprintf(stderr, "reproduce: %s on %s, %d seeds\n", model.c_str(), dataset.c_str(), seeds);
      TrainFlags f;
      f.model = model;
      f.dataset = dataset;
      f.seeds = seeds;
      f.seed = 0;
      f.threads = threads;
      f.gemm = gemm;
      f.eval_every = 0;  // the table needs test scores only
      f.quiet = true;
      f.out = join_path(out, cell);
      resolve_defaults(f);
      nlohmann::json r;
      try {
        r = run_graph_training(f);
      } catch (const Interrupted& stop) {
        std::fprintf(stderr, "vgrad reproduce: interrupted; %s not written, the cell's run so far "
                     "is in %s\n", join_path(out, "table.md").c_str(), stop.checkpoint.c_str());
        return 128 + stop.signal;
      }
      write_file_atomically(join_path(f.out, "result.json"), r.dump(2) + "\n");
      char row[256];
      const auto it = paper.find(cell);
      std::snprintf(row, sizeof row, "| %s | %s | %.1f ± %.1f | %s | %.1f ± %.1f | %s | %.3f |\n",
                    dataset.c_str(), model.c_str(), 100 * r["test_auc"].get<double>(),
                    100 * r["test_auc_std"].get<double>(),
                    it == paper.end() ? "-" : std::to_string(it->second.auc).substr(0, 4).c_str(),
                    100 * r["test_ap"].get<double>(), 100 * r["test_ap_std"].get<double>(),
                    it == paper.end() ? "-" : std::to_string(it->second.ap).substr(0, 4).c_str(),
                    r["sec_per_epoch"].get<double>());
      table << row;
      std::fputs(row, stderr);
    }
  }
  write_file_atomically(join_path(out, "table.md"), table.str());
  std::printf("%s", table.str().c_str());
  return 0;
}

}  // namespace vgrad::tools
