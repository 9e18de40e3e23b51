#include "tools/run_files.h"

#include <filesystem>

#include "tools/atomic_file.h"

namespace vgrad::tools {

void save_run_checkpoint(const std::string& path, const Module& model, const Optimizer& opt,
                         const Rng& rng, const nlohmann::json& meta, Checkpoint ckpt) {
  model.save_to(ckpt, "model.");
  opt.save_to(ckpt, "optim.");
  save_rng_to(ckpt, "rng", rng);
  ckpt.set("run", meta.dump());
  save_checkpoint(path, ckpt);
}

nlohmann::json read_checkpoint_meta(const Checkpoint& ckpt) {
  const std::string& text = ckpt.get("run");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    fail(ckpt.source, ": the run description is not valid JSON");
  }
}

nlohmann::json load_run_checkpoint(const std::string& path, Module& model, Optimizer& opt,
                                   Rng& rng, const nlohmann::json& expect, Checkpoint* all) {
  Checkpoint ckpt = load_checkpoint(path);
  nlohmann::json meta = read_checkpoint_meta(ckpt);
  for (const auto& [key, value] : expect.items())
    check(meta.contains(key) && meta[key] == value, path, ": this checkpoint is for ", key, " ",
          meta.contains(key) ? meta[key].dump() : "(none)", ", but the run asks for ",
          value.dump());
  model.load_from(ckpt, "model.");
  opt.load_from(ckpt, "optim.");
  load_rng_from(ckpt, "rng", rng);
  if (all) *all = std::move(ckpt);
  return meta;
}

void write_jsonl(const std::string& path, const nlohmann::json& lines) {
  std::string text;
  for (const auto& line : lines) text += line.dump() + "\n";
  write_file_atomically(path, text);
}

std::string join_path(const std::string& dir, const std::string& name) {
  return (std::filesystem::path(dir) / name).string();
}

void make_dirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  check(!ec, dir, ": cannot create the output folder: ", ec.message());
}

}  // namespace vgrad::tools
