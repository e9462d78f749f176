#pragma once
// The Renderer that builds Kustomize sources as ArgoCD does: in a private copy of every file
// the build reads, the Application's `kustomize:` options applied to the kustomization as
// `kustomize edit` would, then `kubectl kustomize DIR` (or `kustomize build DIR`) as a
// subprocess (no shell), several at once, cached by the bytes of those files, the options and
// the binary. The build asks for origin annotations so that every object says which file
// declared it; they are taken out of the manifest again (ArgoCD's has none) and returned.
//
//   KustomizeRendererOptions options{.binary = FindKustomize(settings.kustomize_binary),
//                                    .cache_dir = settings.render_cache_dir};
//   auto renderer = MakeKustomizeRenderer(options);
//   std::vector<RenderResult> out = renderer->RenderAll({plan.request}, /*jobs=*/2);
//   // out[0].origins[i]: the file that declared document i, relative to the kustomization

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "checker/expected.h"
#include "checker/run_settings.h"
#include "render/renderer.h"

namespace syncgate::render {

struct KustomizeRendererOptions {
  std::string binary;                                      // kustomize or kubectl; empty: not found
  std::string cache_dir;                                   // empty: no cache
  RenderLimits limits;                                     // of each build (settings.render_limits)
  std::uintmax_t cache_max_bytes = kDefaultCacheMaxBytes;  // renders kept beyond it are pruned
};

/// What builds Kustomize: `explicit_binary` when given, else `kustomize` then `kubectl` on PATH,
/// else the project-local .tools/bin (tools/install-helm.sh installs kubectl there); empty when
/// none exists.
std::string FindKustomize(const std::string& explicit_binary);

std::unique_ptr<Renderer> MakeKustomizeRenderer(KustomizeRendererOptions options);

/// The text of a kustomization after ArgoCD's `kustomize edit` for `request`'s options (and
/// `buildMetadata: [originAnnotations]`); an error where kustomize edit refuses (a label that
/// is already set without forceCommonLabels, an invalid image). `user_origins` says whether the
/// kustomization already asked for origin annotations itself.
Expected<std::string> EditKustomization(const std::string& text,
                                        const model::RenderRequest::Kustomize& request,
                                        const std::string& dir, bool& user_origins);

/// Takes `config.kubernetes.io/origin` out of every object of a built stream (and the
/// annotations map it leaves empty) unless `keep`, and says per document where it came from
/// (paths relative to the built kustomization).
std::string StripOrigins(const std::string& manifest, bool keep,
                         std::vector<model::RenderOutcome::Origin>& origins);

}  // namespace syncgate::render
