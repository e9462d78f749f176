#pragma once
// Renders kept between runs, for the helm and the Kustomize renderer alike: a render's result
// stored under a digest of everything it was made from (the renderer's own key), in the run's
// result store (checker/result_store.h: atomic, bounded, a corrupt entry is a miss).
//
// A render holds what its values gave it, passwords included, and the cache may travel (a CI
// job's cache is shared between pipelines): each entry is encrypted with a key derived from
// the render's inputs, never stored. Whoever holds the cache alone cannot read it; whoever can
// compute the key holds the chart and values, and so the secrets, already.
//
//   RenderCache cache(settings.render_cache_dir, ".render", settings.result_cache_max_bytes);
//   if (std::optional<RenderResult> hit = cache.Get(key)) return *hit;
//   RenderResult r = Render(req);
//   cache.Put(key, r);  // unavailable renderers are never cached

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "checker/result_store.h"
#include "render/renderer.h"

namespace syncgate::render {

class RenderCache {
 public:
  /// `folder` empty: no cache.
  RenderCache(std::string folder, std::string suffix, std::uintmax_t max_bytes)
      : store_(std::move(folder), std::move(suffix), max_bytes) {}
  /// Prunes the least recently used renders when this renderer stored any.
  ~RenderCache();
  RenderCache(const RenderCache&) = delete;
  RenderCache& operator=(const RenderCache&) = delete;

  /// The stored render (marked `cached`), or nothing. `key` is the renderer's digest of
  /// everything the render was made from; the entry's name and its encryption key are both
  /// derived from it, and neither gives it away.
  std::optional<RenderResult> Get(std::string_view key) const;
  /// Stores a finished render: a success or a failure of the chart, not a renderer that did
  /// not run or was stopped (that says nothing lasting about the chart).
  void Put(std::string_view key, const RenderResult& result) const;

 private:
  ResultStore store_;
  mutable std::atomic<bool> stored_{false};
};

}  // namespace syncgate::render
