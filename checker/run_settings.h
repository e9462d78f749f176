#pragma once
// Run-wide settings that subsystems (schemas, sealing, rendering) read in Rule::Setup. Plain
// data: the command line fills what the user said, and run/check_run.h resolves the rest once
// (configuration, environment, defaults) before any rule sees it.
//
//   RunSettings settings;
//   settings.kube_version = "1.21";               // empty: `kube_version:` or kDefaultKubeVersion
//   RunRequest request{.settings = settings};     // run/check_run.h

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace syncgate {

/// The Kubernetes version a run targets when neither the command line nor the configuration
/// names one.
inline constexpr std::string_view kDefaultKubeVersion = "1.31";

/// The bound of each cache of computed results (renders, findings) when --cache-max-mb does not
/// name one: big enough for every render and finding of a few thousand charts.
inline constexpr std::uintmax_t kDefaultCacheMaxBytes = std::uintmax_t{512} << 20;

/// The bounds of one chart archive syncgate lets helm open (render/chart_archive.h), from
/// `chart_archives:` in .syncgate.yaml. The defaults are helm's (pkg/chart/loader/archive.go:
/// MaxDecompressedChartSize 100 MiB, MaxDecompressedFileSize 5 MiB); helm has no bound on the
/// number of entries, 10000 is ours (the largest public charts hold a few hundred files).
struct ArchiveLimits {
  std::uint64_t max_total_bytes = std::uint64_t{100} << 20;  // `max_size`: all bytes inflated
  std::uint64_t max_file_bytes = std::uint64_t{5} << 20;     // `max_file_size`: one entry
  std::uint64_t max_entries = 10000;                         // `max_entries`: headers
};

/// The limits of each helm and kustomize run (a render, a build, a dependency fetch) when neither
/// the command line nor `render:` in the configuration names them: generous for real charts (the
/// largest public ones render a few MiB in seconds), small enough that a runaway template (a
/// `range` over a huge list) fails in bounded time and memory.
inline constexpr int kDefaultRenderTimeoutSeconds = 120;
inline constexpr std::uintmax_t kDefaultRenderMaxOutput = std::uintmax_t{64} << 20;

/// Limits on each helm and kustomize run: a run still going at the timeout, or writing more than
/// the output bound, is stopped (with everything it started) and its render fails naming the
/// limit.
struct RenderLimits {
  /// Seconds (--render-timeout, else `render.timeout`, else kDefaultRenderTimeoutSeconds); 0
  /// until resolved.
  int timeout_seconds = 0;
  /// Bytes on stdout or stderr (--render-max-output, else `render.max_output`, else
  /// kDefaultRenderMaxOutput); 0 until resolved.
  std::uintmax_t max_output_bytes = 0;
  /// Where each limit was set, for messages ("--render-timeout", "render.timeout in
  /// .syncgate.yaml"); resolved to a hint naming both when it is the default.
  std::string timeout_origin;
  std::string max_output_origin;
};

struct RunSettings {
  /// Target Kubernetes version "X.Y" for rendering, schemas and deprecated APIs
  /// (--kube-version, else KUBE_VERSION when argocd_plugin, else `kube_version:`, else
  /// kDefaultKubeVersion). Empty until resolved.
  std::string kube_version;
  /// The run is ArgoCD's Config Management Plugin (`cmp generate`): the environment ArgoCD sets
  /// for it (KUBE_VERSION, the destination cluster's version) is part of the run's settings.
  bool argocd_plugin = false;
  /// kubeconform-style schema locations, folder or URL template (--schema-location, then the
  /// configuration's `schemas.locations`, resolved against its folder).
  std::vector<std::string> schema_locations;
  /// Where fetched schemas are cached (--cache of `schemas fetch`, `schemas.cache`, else
  /// `<cache_dir>/schemas`, else CacheDir("schemas")).
  std::string schema_cache_dir;
  /// Folders of Kubernetes schemas (kubeconform's layout, `<folder>/vX.Y.Z-standalone-strict/`,
  /// `_definitions.json` beside the per-kind files) searched after `schema_locations`, in order:
  /// the installed folder ($SYNCGATE_SCHEMA_DIR, else `<prefix>/share/syncgate/schemas` of the
  /// running binary), then `schema_cache_dir`. Resolved once; a caller that sets it keeps it.
  std::optional<std::vector<std::string>> schema_folders;
  /// The URL template the schema of a built-in kind that no folder has is downloaded from, once
  /// per kind into `schema_cache_dir` (resolved: kubeconform's default location, empty when
  /// `offline`: never). A caller that sets it keeps it.
  std::optional<std::string> schema_download;
  /// Sealed Secrets controller certificates and private keys (--sealed-cert / --sealed-key).
  std::vector<std::string> sealed_certs;
  std::vector<std::string> sealed_keys;
  /// Namespace for objects that name none (--namespace).
  std::string default_namespace;
  /// The helm binary (--helm); empty: render::FindTool's search ($SYNCGATE_HELM, PATH, the
  /// installed libexec/syncgate, the development tree's .tools/bin).
  std::string helm_binary;
  /// What builds Kustomize sources (--kustomize): a `kustomize` binary, or a `kubectl` (its
  /// built-in `kubectl kustomize`); empty: render::FindTool's search ($SYNCGATE_KUSTOMIZE, then
  /// kustomize, then kubectl, on PATH, in the installed libexec/syncgate, in .tools/bin).
  std::string kustomize_binary;
  /// Where repository URLs are found without the network, in precedence order: each
  /// `--repo-map URL=LOCATION`, then `repositories:` of the configuration (relative locations
  /// resolved against its folder). A location is a folder (a checkout of a git repository, a
  /// folder of charts, a local Helm repository with index.yaml) or another URL (a mirror
  /// registry). Read it through model::MapRepository (model/repositories.h).
  std::vector<std::pair<std::string, std::string>> repo_map;
  /// The network is never used: charts and dependencies come from the tree, the dependency
  /// cache and mirrors only (--offline, `offline: true`).
  bool offline = false;
  /// The root of every cache of the run (--cache-dir); empty: CacheDir's XDG default.
  std::string cache_dir;
  /// Fetched charts, keyed by repository, name and version (resolved: `<cache_dir>/charts`, else
  /// CacheDir("charts")).
  std::string chart_cache_dir;
  /// Whether renders are cached between runs, and where (resolved: CacheDir("render"); empty
  /// when `render_cache` is false or no cache folder can be had).
  bool render_cache = true;
  std::string render_cache_dir;
  /// Whether file- and document-scope findings are kept between runs (checker/result_store.h),
  /// and where (resolved: `<cache_dir>/results`, else CacheDir("results"); empty when
  /// `result_cache` is false or no cache folder can be had). --no-cache turns off both caches.
  bool result_cache = true;
  std::string result_cache_dir;
  /// The bound of each cache of computed results (renders, findings); least recently used
  /// entries go beyond it (--cache-max-mb).
  std::uintmax_t result_cache_max_bytes = kDefaultCacheMaxBytes;
  /// A chart that cannot be rendered is an error (exit 2) rather than a skip (--require-render;
  /// resolved: on when the CI environment variable is set and the flag was not given).
  std::optional<bool> require_render;
  /// Render each chart only as the Applications in the checked set source it, not once per
  /// values file (the gated sync: another environment's values set is not what it publishes).
  bool render_applications_only = false;
  /// Time and output limits of every helm and kustomize run.
  RenderLimits render_limits;
  /// One shard of a check split across CI jobs (run/shard.h): what --shard said ("I/N", "auto"
  /// or empty), resolved into the 0-based `shard_index` of `shard_count` shards ("auto": GitLab's
  /// CI_NODE_INDEX/CI_NODE_TOTAL, else SYNCGATE_SHARD_INDEX/SYNCGATE_SHARD_TOTAL). A count of 1
  /// checks everything.
  std::string shard;
  int shard_index = 0;
  int shard_count = 1;
  /// The bounds of the chart archives a render may hand to helm (`chart_archives:`).
  ArchiveLimits archive_limits;
};

}  // namespace syncgate
