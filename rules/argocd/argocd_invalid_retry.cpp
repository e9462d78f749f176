// argocd-invalid-retry: a retry backoff ArgoCD cannot use.
#include <optional>

#include <fmt/format.h>

#include "checker/rule.h"
#include "model/application.h"

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
    DocKind::kApplication | DocKind::kApplicationSet};

/// Seconds of a Go duration ("1h30m", "2.5s") or of a plain number (read as seconds).
std::optional<double> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  size_t i = 0;
  bool plain = true;
  while (i < text.size()) {
    const size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    double number = 0;
    try {
      number = std::stod(std::string(text.substr(start, i - start)));
    } catch (...) {
      return std::nullopt;
    }
    const size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    if (unit.empty()) {
      if (i != text.size() || !plain) return std::nullopt;
      return number;  // ArgoCD reads a bare number as seconds
    }
    plain = false;
    if (unit == "h") number *= 3600;
    else if (unit == "m") number *= 60;
    else if (unit == "s") {}
    else if (unit == "ms") number /= 1e3;
    else if (unit == "us") number /= 1e6;
    else if (unit == "ns") number /= 1e9;
    else return std::nullopt;
    total += number;
  }
  return total;
}

class ArgocdInvalidRetry final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    auto app = FindAppSpec(doc);
    if (!app) return;
    const std::string at = app->pointer + "/syncPolicy/retry";
    const Node* backoff = app->spec->Path({"syncPolicy", "retry", "backoff"});
    if (!backoff || !backoff->IsMap()) return;
    std::optional<double> duration;
    std::optional<double> max_duration;
    for (const char* key : {"duration", "maxDuration"}) {
      const Node* value = backoff->Get(key);
      if (!value) continue;
      std::optional<double> seconds = ParseDuration(value->Text());
      if (!seconds) {
        ctx.Report(fmt::format("{}/backoff/{}", at, key),
                   fmt::format("backoff {} '{}' is not a duration (e.g. 5s, 3m); ArgoCD fails the "
                               "retry itself", key, value->Text()));
      }
      (std::string_view(key) == "duration" ? duration : max_duration) = seconds;
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
    if (duration && max_duration && *max_duration > 0 && *max_duration < *duration) {
      ctx.Report(at + "/backoff/maxDuration",
                 fmt::format("maxDuration {} is shorter than duration {}: every wait is capped "
                             "below the first one", backoff->Get("maxDuration")->Text(),
                             backoff->Get("duration")->Text()));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdInvalidRetry() { return std::make_unique<ArgocdInvalidRetry>(); }

}  // namespace syncgate::rules
