#pragma once
// Run-wide settings from the command line that subsystems (schemas, sealing, rendering) read
// in Rule::Setup. Plain data; the CLI fills it, tests build it directly.
//
//   RunSettings settings;
//   settings.kube_version = "1.21";
//   Engine engine(config, MakeBuiltinRules(), {.jobs = 2, .settings = settings});

#include <map>
#include <string>
#include <vector>

namespace syncgate {

struct RunSettings {
  /// Target Kubernetes version for schemas and deprecated APIs (--kube-version), "X.Y".
  std::string kube_version = "1.31";
  /// kubeconform-style schema locations, folder or URL template (--schema-location).
  std::vector<std::string> schema_locations;
  /// Where fetched schemas are cached.
  std::string schema_cache_dir;
  /// Sealed Secrets controller certificates and private keys (--sealed-cert / --sealed-key).
  std::vector<std::string> sealed_certs;
  std::vector<std::string> sealed_keys;
  /// Namespace for objects that name none (--namespace).
  std::string default_namespace;
  /// The helm binary (--helm); empty: look on PATH.
  std::string helm_binary;
  /// A chart that cannot be rendered is an error (exit 2) rather than a skip (--require-render;
  /// on by default when the CI environment variable is set).
  bool require_render = false;
  /// Render each chart only as the Applications in the checked set source it, not once per
  /// values file (the gated sync: another environment's values set is not what it publishes).
  bool render_applications_only = false;
  /// Anything else a subsystem needs without a dedicated field ("name" → value).
  std::map<std::string, std::string> extra;
};

}  // namespace syncgate
