#include "sync/retry.h"

#include <cctype>
#include <string>

#include <fmt/format.h>

namespace syncgate::sync {

std::optional<std::chrono::milliseconds> ParseGoDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    return std::chrono::milliseconds(std::stoll(std::string(text)) * 1000);
  }
  double total_ms = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (start == i) return std::nullopt;
    const double number = std::stod(std::string(text.substr(start, i - start)));
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60000;
    else if (unit == "h") scale = 3600000;
    else return std::nullopt;
    total_ms += number * scale;
  }
  return std::chrono::milliseconds(static_cast<long long>(total_ms));
}

Expected<RetryPolicy> RetryPolicy::FromApplication(const Node& app_root) {
  RetryPolicy policy;
  const Node* retry = app_root.Path({"spec", "syncPolicy", "retry"});
  if (!retry || !retry->IsMap()) return policy;
  if (const Node* limit = retry->Get("limit"); limit && limit->IsScalar()) {
    try {
      policy.limit = std::stoi(std::string(limit->Text()));
    } catch (...) {
      return Unexpected(fmt::format("line {}: retry.limit '{}' is not a number", limit->pos.line,
                                    limit->Text()));
    }
  }
  const Node* backoff = retry->Get("backoff");
  if (!backoff || !backoff->IsMap()) return policy;
  auto duration = [&](std::string_view key, std::chrono::milliseconds& out) -> Status {
    const Node* node = backoff->Get(key);
    if (!node || !node->IsScalar()) return Ok{};
    auto parsed = ParseGoDuration(node->Text());
    // ArgoCD's retry itself fails on a malformed duration (argo-cd#5582): so does the gate.
    if (!parsed) {
      return Unexpected(fmt::format("line {}: retry.backoff.{} '{}' is not a duration", node->pos.line,
                                    key, node->Text()));
    }
    out = *parsed;
    return Ok{};
  };
  if (Status s = duration("duration", policy.duration); !s) return Unexpected(s.error());
  if (Status s = duration("maxDuration", policy.max_duration); !s) return Unexpected(s.error());
  if (const Node* factor = backoff->Get("factor"); factor && factor->IsScalar()) {
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
