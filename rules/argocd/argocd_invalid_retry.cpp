// argocd-invalid-retry: a retry backoff ArgoCD cannot use.
#include <fmt/format.h>

#include <optional>

#include "checker/rule.h"
#include "model/application.h"
#include "model/duration.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "argocd-invalid-retry",
    "A syncPolicy.retry backoff with a bad duration, a factor below 1, or maxDuration below "
    "duration",
    "ArgoCD parses the backoff only when it retries: a malformed duration makes the retry itself "
    "fail (\"failed to retry\", argo-cd#5582), so a transient error becomes a failed sync exactly "
    "when retries were meant to help. A factor below 1 shrinks the wait, and a maxDuration below "
    "duration caps every wait at less than the first one.",
    "Write durations as Go durations (5s, 3m, 1h30m) or plain seconds, a whole factor of at "
    "least 1, and maxDuration at least duration.",
    Severity::kError,
    DocKind::kApplication | DocKind::kApplicationSet,
    RuleScope::kDocument};

class ArgocdInvalidRetry final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    auto app = model::ReadApplication(doc);
    if (!app) return;
    const std::string at = app->pointer + "/syncPolicy/retry";
    const Node* backoff = app->sync_policy.backoff;
    if (!backoff) return;
    std::optional<std::chrono::nanoseconds> duration;
    std::optional<std::chrono::nanoseconds> max_duration;
    for (const char* key : {"duration", "maxDuration"}) {
      const Node* value = backoff->Get(key);
      if (!value) continue;
      std::optional<std::chrono::nanoseconds> parsed = model::ParseArgoDuration(value->Text());
      if (!parsed) {
        ctx.Report(fmt::format("{}/backoff/{}", at, key),
                   fmt::format("backoff {} '{}' is not a duration (e.g. 5s, 3m); ArgoCD fails the "
                               "retry itself",
                               key, value->Text()));
      }
      (std::string_view(key) == "duration" ? duration : max_duration) = parsed;
    }
    if (const Node* factor = backoff->Get("factor")) {
      if (factor->Resolved().type != ScalarType::kInt) {
        ctx.Report(at + "/backoff/factor",
                   fmt::format("backoff factor '{}' must be a whole number", factor->Text()));
      } else if (std::stoll(std::string(factor->Text())) < 1) {
        ctx.Report(at + "/backoff/factor",
                   fmt::format("backoff factor {} is below 1: waits would shrink or vanish",
                               factor->Text()));
      }
    }
    if (duration && max_duration && max_duration->count() > 0 && *max_duration < *duration) {
      ctx.Report(
          at + "/backoff/maxDuration",
          fmt::format("maxDuration {} is shorter than duration {}: every wait is capped "
                      "below the first one",
                      backoff->Get("maxDuration")->Text(), backoff->Get("duration")->Text()));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdInvalidRetry() { return std::make_unique<ArgocdInvalidRetry>(); }

}  // namespace syncgate::rules
