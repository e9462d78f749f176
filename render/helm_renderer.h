#pragma once
// The Renderer that runs a real `helm template` as a subprocess (no shell), several charts at
// once, with results cached by the hash of the chart's files, the values and the helm binary.
//
//   HelmOptions options{.binary = FindHelm(settings.helm_binary), .cache_dir =
//   settings.render_cache_dir}; auto renderer = MakeHelmRenderer(options);

#include <cstdint>
#include <memory>
#include <string>

#include "checker/run_settings.h"
#include "render/renderer.h"

namespace syncgate::render {

struct HelmOptions {
  std::string binary;     // path or name on PATH; empty: not found
  std::string cache_dir;  // empty: no cache
  RenderLimits limits;    // of each `helm template` (settings.render_limits)
  std::uintmax_t cache_max_bytes = kDefaultCacheMaxBytes;  // renders kept beyond it are pruned
};

/// The helm to use: `explicit_binary` when given, else `helm` on PATH, else the project-local
/// `.tools/bin/helm` (what tools/install-helm.sh installs); empty when none exists.
std::string FindHelm(const std::string& explicit_binary);

std::unique_ptr<Renderer> MakeHelmRenderer(HelmOptions options);

}  // namespace syncgate::render
