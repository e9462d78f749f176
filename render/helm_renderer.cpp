#include "render/helm_renderer.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include "checker/finding.h"
#include "checker/parallel_for.h"
#include "checker/text_util.h"
#include "render/render_cache.h"
#include "render/subprocess.h"
#include "render/tool_locator.h"

namespace syncgate::render {
namespace fs = std::filesystem;

namespace {

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Every file of a chart folder (subcharts and archives included), by relative path: what Helm
/// reads, so a change anywhere invalidates the cache.
std::string HashChartFolder(const fs::path& dir) {
  std::vector<std::pair<std::string, fs::path>> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      files.emplace_back(fs::relative(it->path(), dir, ec).generic_string(), it->path());
    }
  }
  std::sort(files.begin(), files.end());
  std::string all;
  for (const auto& [rel, path] : files) {
    all += rel;
    all += '\0';
    all += Sha256Hex(ReadAll(path));
    all += '\n';
  }
  return Sha256Hex(all);
}

/// `message` with each line cut to its head and its end: helm writes a chain of nested template
/// calls on one line (a recursive `include` makes it about 100 KB), and the finding is that line.
std::string Shortened(std::string_view message) {
  constexpr size_t kKeep = 500;
  std::string out;
  for (std::string_view line : Split(message, '\n')) {
    if (!out.empty()) out += '\n';
    if (line.size() <= 3 * kKeep) {
      out += line;
      continue;
    }
    out += fmt::format("{} … [{} characters] … {}", line.substr(0, kKeep), line.size() - 2 * kKeep,
                       line.substr(line.size() - kKeep));
  }
  return out;
}

class HelmRenderer final : public Renderer {
 public:
  explicit HelmRenderer(HelmOptions options)
      : options_(std::move(options)),
        cache_(options_.cache_dir, ".render", options_.cache_max_bytes) {}

  std::string Describe() const override {
    return version_.empty() ? fmt::format("helm ({})", options_.binary)
                            : fmt::format("helm {}", version_);
  }

  Status Available() override {
    if (checked_) return available_;
    checked_ = true;
    if (options_.binary.empty()) {
      available_ = Unexpected(
          fmt::format("helm not found (looked in $SYNCGATE_HELM, on PATH and in {}): install it "
                      "(tools/install-helm.sh puts v3.17.2 in .tools/bin) or pass --helm PATH",
                      fmt::join(InstalledToolDirs(), ", ")));
      return available_;
    }
    ProcessResult r = RunProcess({options_.binary, "version", "--short"}, "", 30);
    if (!r.started || r.exit_code != 0) {
      available_ = Unexpected(
          fmt::format("helm at '{}' does not run: {}", options_.binary,
                      !r.started ? r.error : std::string(Trim(r.err.empty() ? r.out : r.err))));
      return available_;
    }
    version_ = std::string(Trim(r.out));
    struct stat st {};
    std::string identity = version_;
    if (stat(options_.binary.c_str(), &st) == 0) {
      identity += fmt::format("|{}|{}|{}", options_.binary, st.st_size, st.st_mtime);
    }
    identity_ = identity;
    available_ = Ok{};
    return available_;
  }

  std::vector<RenderResult> RenderAll(const std::vector<RenderRequest>& requests,
                                      int jobs) override {
    std::vector<RenderResult> results(requests.size());
    if (Status ok = Available(); !ok) {
      for (RenderResult& r : results) r.error = ok.error().message;
      return results;
    }
    ParallelFor(requests.size(), jobs, [&](size_t i) { results[i] = RenderOne(requests[i]); });
    return results;
  }

 private:
  std::string ChartHash(const std::string& dir) {
    {
      std::lock_guard lock(mutex_);
      if (auto it = chart_hashes_.find(dir); it != chart_hashes_.end()) return it->second;
    }
    std::string hash = HashChartFolder(dir);
    std::lock_guard lock(mutex_);
    chart_hashes_.emplace(dir, hash);
    return hash;
  }

  std::string CacheKey(const RenderRequest& req) {
    std::string key = fmt::format("syncgate-render-1\n{}\n{}\n{}\n{}\n{}\n{}\n", identity_,
                                  ChartHash(req.chart_dir), req.release_name, req.namespace_name,
                                  req.kube_version, req.include_crds);
    for (const std::string& file : req.value_files) {
      key += fmt::format("f {} {}\n", file, Sha256Hex(ReadAll(file)));
    }
    key += fmt::format("v {}\n", Sha256Hex(req.inline_values));
    for (const std::string& api : req.api_versions) key += fmt::format("a {}\n", api);
    for (const SetParameter& p : req.parameters) {
      key += fmt::format("p {}\n{}\n{}\n", p.name, p.value, p.force_string);
    }
    return Sha256Hex(key);
  }

  RenderResult RenderOne(const RenderRequest& req) {
    const std::string key = CacheKey(req);
    if (std::optional<RenderResult> hit = cache_.Get(key)) return *hit;
    std::vector<std::string> argv = {options_.binary, "template", req.release_name, req.chart_dir};
    if (!req.namespace_name.empty()) argv.insert(argv.end(), {"--namespace", req.namespace_name});
    if (!req.kube_version.empty()) argv.insert(argv.end(), {"--kube-version", req.kube_version});
    for (const std::string& api : req.api_versions)
      argv.insert(argv.end(), {"--api-versions", api});
    if (req.include_crds) argv.push_back("--include-crds");
    for (const std::string& file : req.value_files) argv.insert(argv.end(), {"--values", file});
    if (!req.inline_values.empty()) argv.insert(argv.end(), {"--values", "-"});
    for (const SetParameter& p : req.parameters) {
      argv.insert(argv.end(), {p.force_string ? "--set-string" : "--set", p.name + "=" + p.value});
    }
    ProcessResult p = RunProcess(argv, req.inline_values, options_.limits);
    RenderResult r;
    if (!p.started) {
      r.error = p.error;
    } else if (std::string stopped = StoppedReason(p, Describe(), options_.limits);
               !stopped.empty()) {
      // A render that hangs, floods or crashes fails the chart (helm-render-failed), as it
      // would fail ArgoCD's repo-server; never cached (RenderResult::stopped).
      r.status = RenderStatus::kFailed;
      r.error = std::move(stopped);
      r.stopped = true;
    } else if (p.exit_code != 0) {
      r.status = RenderStatus::kFailed;
      std::string message(Trim(p.err.empty() ? p.out : p.err));
      if (StartsWith(message, "Error: ")) message = message.substr(7);
      r.error = message.empty() ? fmt::format("helm exited with code {}", p.exit_code)
                                : Shortened(message);
    } else {
      r.status = RenderStatus::kOk;
      r.manifest = std::move(p.out);
    }
    cache_.Put(key, r);
    return r;
  }

  HelmOptions options_;
  RenderCache cache_;
  bool checked_ = false;
  Status available_ = Ok{};
  std::string version_;
  std::string identity_;
  std::mutex mutex_;
  std::map<std::string, std::string> chart_hashes_;
};

}  // namespace

std::string FindHelm(const std::string& explicit_binary) {
  return FindTool(
      {.explicit_path = explicit_binary, .env_var = "SYNCGATE_HELM", .names = {"helm"}});
}

std::unique_ptr<Renderer> MakeHelmRenderer(HelmOptions options) {
  return std::make_unique<HelmRenderer>(std::move(options));
}

}  // namespace syncgate::render
