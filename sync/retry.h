#pragma once
// ArgoCD's retry backoff (`syncPolicy.retry`), for the transient failures of a sync: a fetch,
// a push, a lost race on the environment branch. A failed verdict is never retried.
//
//   RetryPolicy policy = RetryPolicy::FromApplication(app_root);   // ArgoCD's defaults if absent
//   Status ok = WithRetry(policy, [&] { return Fetch(); }, sleep);  // 5s, 10s, 20s ... capped

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "checker/document.h"
#include "checker/expected.h"

namespace syncgate::sync {

struct RetryPolicy {
  int limit = 5;  // retries after the first attempt; < 0: unlimited; 0: none
  std::chrono::milliseconds duration{5000};
  long factor = 2;
  std::chrono::milliseconds max_duration{180000};

  /// `spec.syncPolicy.retry` of an Application root, with ArgoCD's defaults (limit 5, 5s,
  /// factor 2, max 3m) for what is absent. Errors name the field that does not parse.
  static Expected<RetryPolicy> FromApplication(const Node& app_root);
  /// The wait before retry number `n` (0-based): duration * factor^n, capped at max_duration.
  std::chrono::milliseconds Delay(int n) const;
};

/// Runs `attempt` until it succeeds or the policy's limit is spent, waiting with `sleep`
/// between attempts. Returns the last error.
Status WithRetry(const RetryPolicy& policy, const std::function<Status()>& attempt,
                 const std::function<void(std::chrono::milliseconds)>& sleep);

}  // namespace syncgate::sync
