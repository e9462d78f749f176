#include "run/check_run.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "checker/cache_dir.h"
#include "checker/text_util.h"
#include "render/render_stage.h"
#include "rule_packs/rule_pack.h"
#include "rules/registry.h"
#include "validation/schema_store.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// A top-level section of the configuration, or null.
const Node* Section(const Config& config, std::string_view name) {
  const Document* doc = config.document();
  return doc && doc->root().IsMap() ? doc->root().Get(name) : nullptr;
}

/// `path` as written in the configuration: relative paths are relative to its folder.
std::string FromConfigFolder(const Config& config, std::string path) {
  if (IsUrl(path) || fs::path(path).is_absolute()) return path;
  return (fs::path(config.root()) / path).generic_string();
}

/// "X.Y" of a version as ArgoCD's KUBE_VERSION gives it ("1.31", "1.31.2", "v1.29.4+k3s1"); empty
/// when it names none.
std::string MajorMinor(std::string_view version) {
  version = Trim(version);
  if (StartsWith(version, "v")) version.remove_prefix(1);
  const size_t major = version.find('.');
  if (major == std::string_view::npos) return "";
  const size_t end = version.find_first_not_of("0123456789", major + 1);
  const std::string_view out = version.substr(0, end);
  return out.size() > major + 1 ? std::string(out) : "";
}

}  // namespace

Expected<Config> LoadConfig(const std::string& path) {
  if (path.empty()) return Config{};
  return Config::Load(path);
}

Expected<RunSettings> ResolveRunSettings(const Config& config, RunSettings settings) {
  // The Kubernetes version: what the command line said, else (in ArgoCD's plugin) the cluster's
  // KUBE_VERSION, else `kube_version:`, else the default.
  if (const char* kube = std::getenv("KUBE_VERSION");
      settings.kube_version.empty() && settings.argocd_plugin && kube) {
    settings.kube_version = MajorMinor(kube);
  }
  if (settings.kube_version.empty()) {
    const Node* version = Section(config, "kube_version");
    settings.kube_version = version && version->IsScalar() && !version->Text().empty()
                                ? std::string(version->Text())
                                : std::string(kDefaultKubeVersion);
  }
  // Schemas: the command line's locations first, then the configuration's; its cache folder
  // unless the command line named one.
  if (const Node* schemas = Section(config, "schemas"); schemas && schemas->IsMap()) {
    if (const Node* locations = schemas->Get("locations"); locations && locations->IsSeq()) {
      for (const Node* item : locations->Resolved().items) {
        settings.schema_locations.push_back(FromConfigFolder(config, std::string(item->Text())));
      }
    }
    if (const Node* cache = schemas->Get("cache"); cache && settings.schema_cache_dir.empty()) {
      settings.schema_cache_dir = (fs::path(config.root()) / std::string(cache->Text())).string();
    }
  }
  if (settings.schema_cache_dir.empty()) settings.schema_cache_dir = CacheDir("schemas");
  settings.render_cache_dir = settings.render_cache ? CacheDir("render") : "";
  // In CI a chart that cannot be rendered fails the run unless the command line says otherwise.
  if (!settings.require_render) settings.require_render = std::getenv("CI") != nullptr;
  return settings;
}

Expected<std::unique_ptr<CheckRun>> CheckRun::Create(RunRequest request) {
  std::unique_ptr<CheckRun> run(new CheckRun());
  // 1. The configuration, owned by the run (the engine and the render stage refer to it).
  if (request.config) {
    run->config_ = std::make_unique<Config>(std::move(*request.config));
  } else {
    std::string path = request.config_path;
    if (path.empty() && !request.config_search_start.empty()) {
      path = Config::FindUpward(request.config_search_start);
    }
    Expected<Config> loaded = LoadConfig(path);
    if (!loaded) return Unexpected(loaded.error());
    run->config_ = std::make_unique<Config>(std::move(*loaded));
  }
  const Config& config = *run->config_;
  // 2. The settings, decided once.
  Expected<RunSettings> settings = ResolveRunSettings(config, std::move(request.settings));
  if (!settings) return Unexpected(settings.error());
  run->settings_ = std::move(*settings);
  // 3. The rules: built-in ones and the configuration's rule packs, unless the caller chose.
  RuleList rules;
  if (request.rules) {
    rules = request.rules();
  } else {
    rules = MakeBuiltinRules();
    if (Status packs = AppendRulePacks(config, rules); !packs) return Unexpected(packs.error());
  }
  // 4. The engine, with rendering timed around its stage.
  const int jobs = request.jobs > 0
                       ? request.jobs
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  run->engine_ = std::make_unique<Engine>(config, std::move(rules),
                                          EngineOptions{jobs, request.environment, run->settings_});
  if (request.render) {
    auto start = std::make_shared<Clock::time_point>();
    std::shared_ptr<double> render_ms = run->render_ms_;
    run->engine_->AddStage([start](Workspace&, RunResult&) { *start = Clock::now(); });
    render::AddRendering(*run->engine_, config, run->settings_, jobs);
    run->engine_->AddStage([start, render_ms](Workspace&, RunResult&) {
      *render_ms = std::chrono::duration<double, std::milli>(Clock::now() - *start).count();
    });
  }
  // 5. Rule options and setup: unknown rule ids and bad options name the configuration line.
  if (Status prepared = run->engine_->Prepare(); !prepared) return Unexpected(prepared.error());
  return run;
}

Discovery CheckRun::Discover(const std::vector<std::string>& paths) const {
  return DiscoverInputs(paths, *config_);
}

RunResult CheckRun::Run(Discovery inputs) { return engine_->Run(std::move(inputs)); }

}  // namespace syncgate
