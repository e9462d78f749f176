// What every checking command shares, so that `check` and `checklist` read the same flags and
// run the same rules the same way.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"

namespace syncgate::cli {

void AddRenderLimitOptions(CLI::App& cmd, RenderLimits& limits) {
  cmd.add_option_function<std::string>(
      "--render-timeout",
      [&limits](const std::string& text) {
        const std::optional<int> seconds = ParseRenderTimeout(text);
        if (!seconds) {
          throw CLI::ValidationError(
              "--render-timeout",
              "needs a duration from 1s to 24h (120, 90s, 5m), not '" + text + "'");
        }
        limits.timeout_seconds = *seconds;
        limits.timeout_origin = "--render-timeout";
      },
      fmt::format("Stop a helm or kustomize run (render, build, chart fetch) after this long; "
                  "its render fails (default: render.timeout in .syncgate.yaml, else {}s)",
                  kDefaultRenderTimeoutSeconds));
  cmd.add_option_function<std::string>(
      "--render-max-output",
      [&limits](const std::string& text) {
        const std::optional<std::uintmax_t> bytes = ParseRenderMaxOutput(text);
        if (!bytes) {
          throw CLI::ValidationError("--render-max-output",
                                     "needs a size of at least 1KiB (64MiB), not '" + text + "'");
        }
        limits.max_output_bytes = *bytes;
        limits.max_output_origin = "--render-max-output";
      },
      fmt::format("Stop a helm or kustomize run that writes more than this; its render fails "
                  "(default: render.max_output in .syncgate.yaml, else {}MiB)",
                  kDefaultRenderMaxOutput >> 20));
}

void AddRunOptions(CLI::App& cmd, RunOptions& opts) {
  cmd.add_option("--config", opts.config_path,
                 "Configuration file (default: .syncgate.yaml found upward from the first path)");
  cmd.add_option("--env", opts.environment,
                 "Environment for subjects no profile in .syncgate.yaml claims");
  cmd.add_option("-j,--jobs", opts.jobs, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option(
      "--kube-version", opts.settings.kube_version,
      fmt::format("Target Kubernetes version X.Y for rendering, schemas and deprecated APIs "
                  "(default: kube_version in .syncgate.yaml, else {})",
                  kDefaultKubeVersion));
  cmd.add_option("--schema-location", opts.settings.schema_locations,
                 "kubeconform-style schema location: a folder or URL template. Repeatable")
      ->allow_extra_args(false);
  cmd.add_option("--sealed-cert", opts.settings.sealed_certs,
                 "Sealed Secrets controller certificate (PEM). Repeatable")
      ->allow_extra_args(false);
  cmd.add_option(
         "--sealed-key", opts.settings.sealed_keys,
         "Sealed Secrets controller private key (PEM or kubernetes.io/tls Secrets). Repeatable")
      ->allow_extra_args(false);
  cmd.add_option("--namespace", opts.settings.default_namespace,
                 "Namespace for objects that name none");
  cmd.add_option("--helm", opts.settings.helm_binary,
                 "The helm binary (default: $SYNCGATE_HELM, helm on PATH, then the "
                 "copy installed in <prefix>/libexec/syncgate)");
  cmd.add_option("--kustomize", opts.settings.kustomize_binary,
                 "The kustomize (or kubectl) binary that builds Kustomize sources (default: "
                 "$SYNCGATE_KUSTOMIZE, kustomize, then kubectl, on PATH, then in "
                 "<prefix>/libexec/syncgate)");
  cmd.add_option("--repo-map",
                 "URL=LOCATION: find this repository URL (git, Helm repository or "
                 "OCI prefix) in a local folder or another URL. Repeatable; "
                 "before `repositories:` in .syncgate.yaml")
      ->allow_extra_args(false)
      ->each([&opts](const std::string& spec) {
        const size_t eq = spec.rfind('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
          throw CLI::ValidationError("--repo-map", "needs URL=LOCATION, not '" + spec + "'");
        }
        opts.settings.repo_map.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
      });
  cmd.add_flag("--offline", opts.settings.offline,
               "Never use the network: charts come from the tree, the cache and mirrors only, "
               "Kubernetes schemas from their folders only");
  cmd.add_option("--cache-dir", opts.settings.cache_dir,
                 "Root of syncgate's caches: fetched charts, Kubernetes schemas, renders "
                 "(default: $SYNCGATE_CACHE_DIR, else $XDG_CACHE_HOME/syncgate)");
  cmd.add_flag_function(
      "--no-cache",
      [&opts](std::int64_t) {
        opts.settings.render_cache = false;
        opts.settings.result_cache = false;
      },
      "Neither read nor keep renders and findings between runs (a cold run)");
  cmd.add_option_function<std::uintmax_t>(
         "--cache-max-mb",
         [&opts](std::uintmax_t mb) { opts.settings.result_cache_max_bytes = mb << 20; },
         "Bound of the render and the findings cache each, in MiB; the least recently used "
         "entries go beyond it (default 512)")
      ->check(CLI::Range(std::uintmax_t{1}, std::uintmax_t{1} << 20));
  AddRenderLimitOptions(cmd, opts.settings.render_limits);
  cmd.add_option("--shard", opts.settings.shard,
                 "Check one shard of the tree, I/N (a chart with its values and Applications is "
                 "always in one shard), or auto: GitLab's CI_NODE_INDEX/CI_NODE_TOTAL, else "
                 "SYNCGATE_SHARD_INDEX/SYNCGATE_SHARD_TOTAL. Merge the reports with "
                 "`syncgate merge-reports`");
}

std::unique_ptr<CheckRun> MakeCheckRun(const RunOptions& opts,
                                       const std::string& config_search_start,
                                       const RunSettings& settings) {
  RunRequest request;
  request.config_path = opts.config_path;
  request.config_search_start = config_search_start;
  request.environment = opts.environment;
  request.jobs = opts.jobs;
  request.settings = settings;
  Expected<std::unique_ptr<CheckRun>> run = CheckRun::Create(std::move(request));
  if (!run) {
    std::cerr << "syncgate: configuration error: " << run.error().message << "\n";
    return nullptr;
  }
  return std::move(*run);
}

}  // namespace syncgate::cli
