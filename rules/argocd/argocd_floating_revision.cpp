// argocd-floating-revision: a targetRevision that follows a branch instead of pinning a release.
#include <fmt/format.h>

#include <cctype>

#include "checker/rule.h"
#include "checker/text_util.h"
#include "model/application.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "argocd-floating-revision",
    "An Application targetRevision that is a branch, HEAD or empty",
    "A branch (main, develop), HEAD or an empty targetRevision makes ArgoCD sync whatever was "
    "pushed last: a commit that skipped review or the gate reaches the cluster, and two syncs of "
    "the same Application can deploy different code. Severity follows the environment: an error "
    "in production, a warning in staging or unknown environments, info in development.",
    "Pin a tag (v1.4.2), a commit SHA, or for Helm repositories a chart version; promote by "
    "changing the pinned revision in Git.",
    Severity::kWarning,
    DocKind::kApplication | DocKind::kApplicationSet,
    RuleScope::kDocument};

bool IsHex(std::string_view text) {
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

/// A tag, a commit SHA or a version constraint pins; branch names and HEAD float.
bool IsPinned(std::string_view revision) {
  if (StartsWith(revision, "refs/tags/")) return true;
  if (StartsWith(revision, "refs/")) return false;  // refs/heads/..., refs/pull/...
  if (revision.size() >= 7 && revision.size() <= 40 && IsHex(revision)) return true;
  if (revision == "*" || revision.find('/') != std::string_view::npos) return false;
  const char first = revision.front();
  if (first == '~' || first == '^' || first == '>' || first == '<' || first == '=') return true;
  // Release tags and versions carry a number (v1.0.1, 1.21.0, release-2024.03); branch names
  // such as main, develop or production do not.
  for (char c : revision) {
    if (std::isdigit(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

class ArgocdFloatingRevision final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    auto app = model::ReadApplication(doc);
    if (!app) return;
    const Severity severity = ctx.production()                   ? Severity::kError
                              : IsDevelopment(ctx.environment()) ? Severity::kInfo
                                                                 : Severity::kWarning;
    for (const model::AppSource& source : app->sources) {
      const Node* revision = source.target_revision;
      const std::string_view text = revision ? Trim(revision->Text()) : "";
      // A template parameter: the Applications the ApplicationSet generates are checked with
      // the value each one gets.
      if (doc.kind() == DocKind::kApplicationSet && text.find("{{") != std::string_view::npos) {
        continue;
      }
      std::string why;
      if (text.empty()) {
        why = "no targetRevision: ArgoCD follows HEAD of the default branch";
      } else if (EqualsIgnoreCase(text, "HEAD")) {
        why = "targetRevision HEAD follows the default branch";
      } else if (!IsPinned(text)) {
        why =
            fmt::format("targetRevision '{}' is a branch: it syncs whatever was pushed last", text);
      } else {
        continue;
      }
      const std::string env(ctx.environment());
      ctx.Report(revision ? source.pointer + "/targetRevision" : source.pointer,
                 fmt::format("{}{}; pin a tag or a commit SHA", why,
                             env.empty() ? "" : fmt::format(" (environment {})", env)),
                 {.severity = severity});
    }
  }

 private:
  static bool IsDevelopment(std::string_view env) {
    return env == "development" || env == "dev" || env == "develop" || env == "local" ||
           env == "sandbox";
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdFloatingRevision() {
  return std::make_unique<ArgocdFloatingRevision>();
}

}  // namespace syncgate::rules
