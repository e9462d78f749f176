#include "run/check_run.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "checker/cache_dir.h"
#include "checker/parallel_for.h"
#include "checker/scalar_types.h"
#include "checker/text_util.h"
#include "model/duration.h"
#include "render/application_sets.h"
#include "render/render_stage.h"
#include "rule_packs/rule_pack.h"
#include "rules/registry.h"
#include "run/run_cache.h"
#include "run/shard.h"
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

/// `<prefix>/share/syncgate/schemas` for the running binary `<prefix>/bin/syncgate`: where the
/// package installs the Kubernetes schemas (tools/fetch-schemas.sh). Empty when the binary's
/// path cannot be read.
std::string InstalledSchemaDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return "";
  return (exe.parent_path().parent_path() / "share" / "syncgate" / "schemas").string();
}

/// syncgate's own build: its version and the running binary's size and time, so that a rebuilt
/// binary (new rules, fixed rules) never reads findings an older one stored.
std::string BuildIdentity() {
  std::string identity = SYNCGATE_VERSION;
  struct stat st {};
  if (stat("/proc/self/exe", &st) == 0) {
    identity += fmt::format(" {} {}.{}", st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  }
  return identity;
}

/// Every resolved setting, written out: what the result cache keys findings on besides the
/// file. A setting added to RunSettings must be added here too (the size check below is the
/// reminder).
std::string SettingsIdentity(const RunSettings& s) {
  std::string out = fmt::format("kube {}\nplugin {}\nnamespace {}\noffline {}\n", s.kube_version,
                                s.argocd_plugin, s.default_namespace, s.offline);
  for (const std::string& location : s.schema_locations)
    out += fmt::format("schema {}\n", location);
  for (const std::string& folder : s.schema_folders.value_or(std::vector<std::string>{}))
    out += fmt::format("schema-folder {}\n", folder);
  out += fmt::format("schema-download {}\nschema-cache {}\n", s.schema_download.value_or(""),
                     s.schema_cache_dir);
  // The sealing keys by content: a certificate renewed at the same path changes what
  // sealed-secret-wrong-key finds.
  for (const std::string& cert : s.sealed_certs)
    out += fmt::format("cert {} {}\n", cert, Sha256Hex(ReadFileBytes(cert).value_or("")));
  for (const std::string& key : s.sealed_keys)
    out += fmt::format("key {} {}\n", key, Sha256Hex(ReadFileBytes(key).value_or("")));
  out += fmt::format("helm {}\nkustomize {}\n", s.helm_binary, s.kustomize_binary);
  for (const auto& [url, location] : s.repo_map) out += fmt::format("repo {} {}\n", url, location);
  out += fmt::format("caches {} {} {} {}\n", s.cache_dir, s.chart_cache_dir, s.render_cache,
                     s.render_cache_dir);
  out += fmt::format("require-render {}\napplications-only {}\n", s.require_render.value_or(false),
                     s.render_applications_only);
  out += fmt::format("archives {} {} {}\n", s.archive_limits.max_total_bytes,
                     s.archive_limits.max_file_bytes, s.archive_limits.max_entries);
  out += fmt::format("render-limits {} {}\n", s.render_limits.timeout_seconds,
                     s.render_limits.max_output_bytes);
  // Not here: the result cache's own folder and bound, and the shard (a file's findings are the
  // same in every shard).
  return out;
}
/// The render limits: the command line's, else `render:` of the configuration, else the
/// defaults; each with where it was set, for the message of a render stopped at it.
Status ResolveRenderLimits(const Config& config, RenderLimits& limits) {
  auto wrong = [&](const Node& node, std::string_view message) {
    return Unexpected(
        Error{fmt::format("{}:{}:{}: {}", config.path(), node.pos.line, node.pos.column, message)});
  };
  const Node* render = Section(config, "render");
  if (render && !render->IsNull() && !render->IsMap()) {
    return wrong(*render, "render: must be a map such as {timeout: 120s, max_output: 64MiB}");
  }
  const std::vector<MapEntry> none;
  for (const MapEntry& entry : render && render->IsMap() ? render->Resolved().entries : none) {
    const std::string& key = entry.key->value;
    const Node& value = *entry.value;
    const std::string_view text = value.IsScalar() ? value.Text() : std::string_view();
    const std::string origin = fmt::format("render.{} in {}", key, config.path());
    if (key == "timeout") {
      const std::optional<int> seconds = ParseRenderTimeout(text);
      if (!seconds) {
        return wrong(value, "render.timeout must be a duration from 1s to 24h, such as 120s or 5m");
      }
      if (limits.timeout_seconds == 0) {
        limits.timeout_seconds = *seconds;
        limits.timeout_origin = origin;
      }
    } else if (key == "max_output") {
      const std::optional<std::uintmax_t> bytes = ParseRenderMaxOutput(text);
      if (!bytes) {
        return wrong(value, "render.max_output must be a size of at least 1KiB, such as 64MiB");
      }
      if (limits.max_output_bytes == 0) {
        limits.max_output_bytes = *bytes;
        limits.max_output_origin = origin;
      }
    } else {
      return wrong(*entry.key,
                   fmt::format("unknown render setting '{}' (expected timeout or max_output){}",
                               key, DidYouMean(key, {"timeout", "max_output"})));
    }
  }
  if (limits.timeout_seconds == 0) {
    limits.timeout_seconds = kDefaultRenderTimeoutSeconds;
    limits.timeout_origin = "the default; render.timeout in .syncgate.yaml or --render-timeout";
  }
  if (limits.max_output_bytes == 0) {
    limits.max_output_bytes = kDefaultRenderMaxOutput;
    limits.max_output_origin =
        "the default; render.max_output in .syncgate.yaml or --render-max-output";
  }
  return Ok{};
}

// A new field of RunSettings changes its size: decide whether it joins SettingsIdentity, then
// update the size (x86-64, libstdc++).
static_assert(sizeof(RunSettings) == 648, "a new run setting: add it to SettingsIdentity");

}  // namespace

std::optional<int> ParseRenderTimeout(std::string_view text) {
  const std::optional<std::chrono::nanoseconds> duration = model::ParseArgoDuration(Trim(text));
  if (!duration || *duration <= std::chrono::nanoseconds::zero() ||
      *duration > std::chrono::hours(24)) {
    return std::nullopt;
  }
  return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(*duration).count());
}

std::optional<std::uintmax_t> ParseRenderMaxOutput(std::string_view text) {
  const std::optional<std::uintmax_t> bytes = ParseByteSize(Trim(text));
  if (!bytes || *bytes < 1024) return std::nullopt;
  return bytes;
}

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
  auto cache = [&](std::string_view purpose) {
    return settings.cache_dir.empty() ? CacheDir(purpose)
                                      : (fs::path(settings.cache_dir) / purpose).string();
  };
  if (settings.schema_cache_dir.empty()) settings.schema_cache_dir = cache("schemas");
  settings.render_cache_dir = settings.render_cache ? cache("render") : "";
  settings.result_cache_dir = settings.result_cache ? cache("results") : "";
  if (settings.chart_cache_dir.empty()) settings.chart_cache_dir = cache("charts");
  // Repository mirrors: the command line's --repo-map first, then `repositories:`.
  if (const Node* repos = Section(config, "repositories"); repos && repos->IsMap()) {
    for (const MapEntry& entry : repos->Resolved().entries) {
      if (!entry.value->IsScalar() || entry.value->Text().empty()) {
        return Unexpected(Error{
            fmt::format("{}:{}:{}: repositories: '{}' must map to a folder or a URL", config.path(),
                        entry.value->pos.line, entry.value->pos.column, entry.key->value)});
      }
      settings.repo_map.emplace_back(entry.key->value,
                                     FromConfigFolder(config, std::string(entry.value->Text())));
    }
  }
  // The network: --offline wins; `offline: true` in the configuration forbids it too.
  if (const Node* offline = Section(config, "offline"); offline && IsYaml11True(offline)) {
    settings.offline = true;
  }
  // The chart archives helm may open: helm's own bounds unless `chart_archives:` says others.
  if (const Node* archives = Section(config, "chart_archives"); archives && archives->IsMap()) {
    ArchiveLimits& limits = settings.archive_limits;
    for (const MapEntry& entry : archives->Resolved().entries) {
      const std::string& key = entry.key->value;
      std::uint64_t* limit = key == "max_size"        ? &limits.max_total_bytes
                             : key == "max_file_size" ? &limits.max_file_bytes
                             : key == "max_entries"   ? &limits.max_entries
                                                      : nullptr;
      const std::string what = "chart_archives." + key;
      Expected<size_t> value = limit ? ParseSize(config.document()->source(), *entry.value, what)
                                     : Expected<size_t>(size_t{0});
      if (!value) return Unexpected(value.error());
      if (!limit || *value == 0) {
        return Unexpected(Error{fmt::format(
            "{}:{}:{}: {}", config.path(), entry.key->pos.line, entry.key->pos.column,
            limit
                ? what + " must be more than 0"
                : "chart_archives: '" + key + "' is not max_size, max_file_size or max_entries")});
      }
      *limit = *value;
    }
  }
  // The Kubernetes schemas after the locations: the installed folder, then the cache; the
  // download last, never offline.
  if (!settings.schema_folders) {
    std::vector<std::string> folders;
    const char* installed = std::getenv("SYNCGATE_SCHEMA_DIR");
    if (installed && *installed) {
      folders.emplace_back(installed);
    } else if (std::string dir = InstalledSchemaDir(); !dir.empty()) {
      folders.push_back(std::move(dir));
    }
    if (!settings.schema_cache_dir.empty()) folders.push_back(settings.schema_cache_dir);
    settings.schema_folders = std::move(folders);
  }
  if (!settings.schema_download) {
    settings.schema_download = settings.offline ? "" : std::string(kKubeconformLocation);
  }
  if (Status limits = ResolveRenderLimits(config, settings.render_limits); !limits)
    return Unexpected(limits.error());
  // In CI a chart that cannot be rendered fails the run unless the command line says otherwise.
  if (!settings.require_render) settings.require_render = std::getenv("CI") != nullptr;
  // The shard of a check split across CI jobs: --shard I/N, or `auto` from the CI's variables.
  Expected<ShardSpec> shard =
      ParseShardSpec(settings.shard, [](const char* name) { return std::getenv(name); });
  if (!shard) return Unexpected(shard.error());
  settings.shard_index = shard->index;
  settings.shard_count = shard->count;
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
  std::string pack_identity;
  if (request.rules) {
    rules = request.rules();
  } else {
    rules = MakeBuiltinRules();
    if (Status packs = AppendRulePacks(config, rules, &pack_identity); !packs)
      return Unexpected(packs.error());
  }
  // What besides a file decides its file- and document-scope findings: the result cache's
  // identity of this run (rules a caller made itself have no identity to key on: not cached).
  std::string run_identity;
  if (!request.rules && !run->settings_.result_cache_dir.empty()) {
    const std::string config_text =
        config.document() ? config.document()->source().text() : std::string();
    run_identity = fmt::format("syncgate-results-1\n{}\nconfig {}\n{}\n{}env {}\n{}",
                               BuildIdentity(), config.path(), config_text, pack_identity,
                               request.environment, SettingsIdentity(run->settings_));
  }
  // 4. The engine, with rendering timed around its stage.
  const int jobs = ResolveJobs(request.jobs);
  run->engine_ = std::make_unique<Engine>(
      config, std::move(rules),
      EngineOptions{jobs, request.environment, run->settings_, run_identity});
  // ApplicationSets first: the Applications they generate are checked and rendered like
  // written ones.
  render::AddApplicationSets(*run->engine_, run->settings_);
  AddSharding(*run->engine_, config, run->settings_);  // one shard of several: its units only
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

RunResult CheckRun::RunReports(const std::vector<std::string>& roots, Discovery inputs) {
  const WholeRunCache cache(settings_, engine_->results_identity());
  DeclarePathsPublic(inputs);  // before a cache hit remembers the run's secrets
  const WholeRunCache::Inputs read = cache.Read(roots, inputs);
  if (std::optional<RunResult> hit = cache.Get(read, inputs, engine_->RuleMetas()))
    return std::move(*hit);
  RunResult result = engine_->Run(std::move(inputs));
  cache.Put(read, result);
  return result;
}

}  // namespace syncgate
