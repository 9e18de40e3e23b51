// vgrad reproduce: a cell is computed once and read back by a rerun with the same settings,
// computed again when the settings change; the table names the paper's value beside ours.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "tests/test_datasets_util.h"
#include "tools/cli/commands.h"
#include "tools/cli/reproduce.h"

using nlohmann::json;

namespace {

int reproduce(std::vector<std::string> args) {
  args.insert(args.begin(), "reproduce");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return vgrad::tools::cmd_reproduce((int)argv.size(), argv.data());
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("reproduce: every Table 1 method has the paper's six numbers") {
  const auto& methods = vgrad::tools::table1_methods();
  REQUIRE(methods.size() == 6);
  CHECK(methods[0].paper[0][0] == 84.6);  // SC on Cora, AUC
  CHECK(methods[5].paper[2][1] == 94.7);  // VGAE on Pubmed, AP
  CHECK(methods[2].features == "none");   // GAE*
}

TEST_CASE("reproduce: a finished cell is read back; other settings compute it again") {
  if (vgrad::testing::real_data("planetoid-text/cora").empty()) {
    MESSAGE("data/planetoid-text/cora absent: run `make data` to include this test");
    return;
  }
  vgrad::testing::TempDir dir;
  const std::vector<std::string> args = {"--methods", "sc", "--datasets", "cora", "--seeds", "1",
                                         "--threads", "1", "--out", dir.str()};
  REQUIRE(reproduce(args) == 0);
  const std::string cell = slurp(dir / "cells/sc-cora.json");
  const json first = json::parse(slurp(dir / "table.json"));
  REQUIRE(first["cells"].size() == 1);
  CHECK(first["cells"][0]["reused"] == false);
  CHECK(first["cells"][0]["paper_auc"] == 84.6);
  CHECK(std::filesystem::exists(dir / "table1.png"));
  CHECK(slurp(dir / "table.md").find("(84.6)") != std::string::npos);

  REQUIRE(reproduce(args) == 0);
  const json again = json::parse(slurp(dir / "table.json"));
  CHECK(again["cells"][0]["reused"] == true);
  CHECK(again["cells"][0]["test_auc"] == first["cells"][0]["test_auc"]);
  CHECK(slurp(dir / "cells/sc-cora.json") == cell);

  std::vector<std::string> two = args;
  two[5] = "2";  // --seeds 2: other settings
  REQUIRE(reproduce(two) == 0);
  const json other = json::parse(slurp(dir / "table.json"));
  CHECK(other["cells"][0]["reused"] == false);
  CHECK(slurp(dir / "cells/sc-cora.json") != cell);
}
