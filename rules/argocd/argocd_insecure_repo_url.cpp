// argocd-insecure-repo-url: an Application source fetched over plain http:// or git://.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/text_util.h"
#include "model/application.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "argocd-insecure-repo-url",
    "An Application source repoURL over unencrypted http:// or git://",
    "ArgoCD fetches the manifests it applies from repoURL. Over http:// or git:// both the "
    "manifests and the repository credentials travel in clear text: anyone on the path can read "
    "the credentials or change what the cluster runs, and the gate checked something else than "
    "what ArgoCD receives.",
    "Serve the repository over https:// (or ssh://git@...) and register that URL in ArgoCD.",
    Severity::kError,
    DocKind::kApplication | DocKind::kApplicationSet,
    RuleScope::kDocument};

class ArgocdInsecureRepoUrl final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    auto app = model::ReadApplication(doc);
    if (!app) return;
    for (const model::AppSource& source : app->sources) {
      const Node* url = source.repo_url;
      if (!url || !url->IsScalar()) continue;
      const std::string lower = ToLower(url->Text());
      for (std::string_view scheme : {"http://", "git://"}) {
        if (StartsWith(lower, scheme)) {
          ctx.Report(source.pointer + "/repoURL",
                     fmt::format("repoURL '{}' uses unencrypted {}; manifests and credentials "
                                 "travel in clear text (use https:// or ssh://)",
                                 url->Text(), scheme.substr(0, scheme.size() - 3)));
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdInsecureRepoUrl() {
  return std::make_unique<ArgocdInsecureRepoUrl>();
}

}  // namespace syncgate::rules
