#include "sync/retry.h"

#include <fmt/format.h>

#include <string>

#include "model/application.h"
#include "model/duration.h"

namespace syncgate::sync {

Expected<RetryPolicy> RetryPolicy::FromApplication(const Node& app_root) {
  RetryPolicy policy;
  const model::SyncPolicy view =
      model::ReadApplicationSpec(app_root.Get("spec"), "/spec").sync_policy;
  if (!view.retry) return policy;
  if (const Node* limit = view.retry_limit; limit && limit->IsScalar()) {
    try {
      policy.limit = std::stoi(std::string(limit->Text()));
    } catch (...) {
      return Unexpected(
          fmt::format("line {}: retry.limit '{}' is not a number", limit->pos.line, limit->Text()));
    }
  }
  if (!view.backoff) return policy;
  auto duration = [&](const Node* node, std::string_view key,
                      std::chrono::milliseconds& out) -> Status {
    if (!node || !node->IsScalar()) return Ok{};
    auto parsed = model::ParseArgoDuration(node->Text());
    // ArgoCD's retry itself fails on a malformed duration (argo-cd#5582): so does the gate.
    if (!parsed) {
      return Unexpected(fmt::format("line {}: retry.backoff.{} '{}' is not a duration",
                                    node->pos.line, key, node->Text()));
    }
    out = std::chrono::duration_cast<std::chrono::milliseconds>(*parsed);
    return Ok{};
  };
  if (Status s = duration(view.backoff_duration, "duration", policy.duration); !s) {
    return Unexpected(s.error());
  }
  if (Status s = duration(view.backoff_max_duration, "maxDuration", policy.max_duration); !s) {
    return Unexpected(s.error());
  }
  if (const Node* factor = view.backoff_factor; factor && factor->IsScalar()) {
    try {
      policy.factor = std::stol(std::string(factor->Text()));
    } catch (...) {
      return Unexpected(fmt::format("line {}: retry.backoff.factor '{}' is not a number",
                                    factor->pos.line, factor->Text()));
    }
  }
  return policy;
}

std::chrono::milliseconds RetryPolicy::Delay(int n) const {
  double wait = static_cast<double>(duration.count());
  for (int i = 0; i < n; ++i) {
    wait *= static_cast<double>(factor);
    if (max_duration.count() > 0 && wait > static_cast<double>(max_duration.count())) break;
  }
  if (max_duration.count() > 0 && wait > static_cast<double>(max_duration.count())) {
    return max_duration;
  }
  return std::chrono::milliseconds(static_cast<long long>(wait));
}

Status WithRetry(const RetryPolicy& policy, const std::function<Status()>& attempt,
                 const std::function<void(std::chrono::milliseconds)>& sleep) {
  for (int n = 0;; ++n) {
    Status result = attempt();
    if (result) return result;
    if (policy.limit >= 0 && n >= policy.limit) return result;
    sleep(policy.Delay(n));
  }
}

}  // namespace syncgate::sync
