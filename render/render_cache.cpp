#include "render/render_cache.h"

namespace syncgate::render {

namespace {
// The payload: a status line ("ok" or "failed"), then the manifest or the error.
constexpr std::string_view kOk = "ok\n";
constexpr std::string_view kFailed = "failed\n";
}  // namespace

std::optional<RenderResult> RenderCache::Get(std::string_view key) const {
  std::optional<std::string> payload = store_.Get(key);
  if (!payload) return std::nullopt;
  RenderResult r;
  r.cached = true;
  if (payload->starts_with(kOk)) {
    r.status = RenderStatus::kOk;
    r.manifest = payload->substr(kOk.size());
  } else if (payload->starts_with(kFailed)) {
    r.status = RenderStatus::kFailed;
    r.error = payload->substr(kFailed.size());
  } else {
    return std::nullopt;
  }
  return r;
}

void RenderCache::Put(std::string_view key, const RenderResult& result) const {
  if (result.status == RenderStatus::kUnavailable || result.stopped) return;
  const bool ok = result.status == RenderStatus::kOk;
  std::string payload(ok ? kOk : kFailed);
  payload += ok ? result.manifest : result.error;
  store_.Put(key, payload);
  stored_ = true;
}

RenderCache::~RenderCache() {
  if (stored_) store_.Prune();
}

}  // namespace syncgate::render
