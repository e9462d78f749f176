#pragma once
// A check run, assembled in this one place for every command and test: the configuration (owned
// by the run), the settings resolved once (Kubernetes version, schema locations and caches,
// require-render, environment), the rules (built-in and the configuration's rule packs),
// rendering, and the services its rules share. `check`, `checklist`, `sync`, `cmp generate` and
// the tests all build their run here.
//
//   RunRequest request;
//   request.config_search_start = "examples/";     // .syncgate.yaml found upward from here
//   request.settings.kube_version = "1.30";        // what the command line said
//   Expected<std::unique_ptr<CheckRun>> run = CheckRun::Create(std::move(request));
//   if (!run) Fail(run.error().message);           // a configuration error: exit 2
//   RunResult result = (*run)->Run((*run)->Discover({"examples/"}));

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/config.h"
#include "checker/engine.h"
#include "checker/expected.h"
#include "checker/run_settings.h"
#include "checker/workspace.h"

namespace syncgate {

struct RunRequest {
  /// The configuration file (--config). Empty: `.syncgate.yaml` found upward from
  /// `config_search_start`; both empty: the defaults.
  std::string config_path;
  std::string config_search_start;
  /// A configuration already made (the sync's pinned-tree configuration); wins over the paths.
  std::optional<Config> config;
  /// --env: the environment of subjects no profile claims.
  std::string environment;
  /// -j: worker threads; 0 = all cores.
  int jobs = 0;
  /// The settings as the command line gave them; CheckRun::settings() has them resolved.
  RunSettings settings;
  /// Charts are rendered (helm template) and their renders checked.
  bool render = true;
  /// The rules to run; default: every built-in rule and the configuration's rule packs.
  std::function<RuleList()> rules;
};

class CheckRun {
 public:
  /// Loads the configuration, resolves the settings, makes the rules, adds rendering and
  /// prepares every rule. An error is a configuration error naming its file and line (exit 2).
  static Expected<std::unique_ptr<CheckRun>> Create(RunRequest request);

  /// The inputs under `paths`, classified and filtered by the configuration.
  Discovery Discover(const std::vector<std::string>& paths) const;
  /// Loads, renders and checks `inputs`. May be called again (`--new-only` checks the base).
  RunResult Run(Discovery inputs);
  /// Run, for a caller that needs the reports only (findings, summary, skips, sources; the
  /// workspace holds the inputs without their documents): when nothing under `roots` (the paths
  /// `inputs` were discovered from) or else that the run reads has changed since a run that
  /// stayed inside them, its stored result is returned without loading anything
  /// (run/run_cache.h).
  RunResult RunReports(const std::vector<std::string>& roots, Discovery inputs);

  const Config& config() const { return *config_; }
  /// The settings every rule and stage of this run sees.
  const RunSettings& settings() const { return settings_; }
  /// The rules that run (enabled ones, packs included).
  const RuleList& rules() const { return engine_->rules(); }
  /// Milliseconds the last Run spent rendering (0 when nothing was rendered).
  double render_ms() const { return *render_ms_; }

 private:
  CheckRun() = default;
  std::unique_ptr<Config> config_;  // the engine keeps a reference: owned here, never moved
  RunSettings settings_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<double> render_ms_ = std::make_shared<double>(0);
};

/// The configuration at `path` (the defaults when empty).
Expected<Config> LoadConfig(const std::string& path);

/// A render time limit as --render-timeout and `render.timeout` write it ("120", "90s", "5m"):
/// whole seconds (rounded up) from 1 s to 24 h; nothing otherwise.
std::optional<int> ParseRenderTimeout(std::string_view text);
/// A render output limit as --render-max-output and `render.max_output` write it ("64MiB"): at
/// least 1 KiB; nothing otherwise.
std::optional<std::uintmax_t> ParseRenderMaxOutput(std::string_view text);

/// `settings` as given, completed from the configuration and the environment: the one place
/// each run setting is decided. Errors name the configuration line.
Expected<RunSettings> ResolveRunSettings(const Config& config, RunSettings settings);

}  // namespace syncgate
