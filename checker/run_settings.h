#pragma once
// Run-wide settings that subsystems (schemas, sealing, rendering) read in Rule::Setup. Plain
// data: the command line fills what the user said, and run/check_run.h resolves the rest once
// (configuration, environment, defaults) before any rule sees it.
//
//   RunSettings settings;
//   settings.kube_version = "1.21";               // empty: `kube_version:` or kDefaultKubeVersion
//   RunRequest request{.settings = settings};     // run/check_run.h

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncgate {

/// The Kubernetes version a run targets when neither the command line nor the configuration
/// names one.
inline constexpr std::string_view kDefaultKubeVersion = "1.31";

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
  /// Where fetched schemas are cached (--cache-dir of `schemas`, `schemas.cache`, else
  /// CacheDir("schemas")).
  std::string schema_cache_dir;
  /// Sealed Secrets controller certificates and private keys (--sealed-cert / --sealed-key).
  std::vector<std::string> sealed_certs;
  std::vector<std::string> sealed_keys;
  /// Namespace for objects that name none (--namespace).
  std::string default_namespace;
  /// The helm binary (--helm); empty: look on PATH.
  std::string helm_binary;
  /// Whether renders are cached between runs, and where (resolved: CacheDir("render"); empty
  /// when `render_cache` is false or no cache folder can be had).
  bool render_cache = true;
  std::string render_cache_dir;
  /// A chart that cannot be rendered is an error (exit 2) rather than a skip (--require-render;
  /// resolved: on when the CI environment variable is set and the flag was not given).
  std::optional<bool> require_render;
  /// Render each chart only as the Applications in the checked set source it, not once per
  /// values file (the gated sync: another environment's values set is not what it publishes).
  bool render_applications_only = false;
};

}  // namespace syncgate
