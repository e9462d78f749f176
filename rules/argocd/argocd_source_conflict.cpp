// argocd-source-conflict: an Application with both `source` and `sources` (one is ignored).
#include "checker/rule.h"
#include "model/application.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "argocd-source-conflict",
    "An Application with both source and sources, or a source written as a list",
    "When `sources` is set ArgoCD ignores `source` entirely, without a warning "
    "(akuity/kargo#4856): "
    "whatever the singular source says (a chart path, inline values, a pinned revision) is not "
    "what gets deployed. A `source:` written as a list is dropped the same way.",
    "Keep one of them: move the singular source into the `sources` list, or remove `sources`.",
    Severity::kError,
    DocKind::kApplication | DocKind::kApplicationSet,
    RuleScope::kDocument};

class ArgocdSourceConflict final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    auto app = model::ReadApplication(doc);
    if (!app) return;
    const Node* source = app->source_field;
    const Node* sources = app->sources_field;
    if (source && source->IsSeq()) {
      ctx.Report(app->pointer + "/source",
                 "source is written as a list; a single source is a map, several go under "
                 "`sources:`",
                 {.anchor = Anchor::kKey});
    } else if (source && !source->IsNull() && sources && sources->IsSeq() &&
               !sources->Resolved().items.empty()) {
      ctx.Report(app->pointer + "/source",
                 "both source and sources are set: ArgoCD ignores source and deploys only sources",
                 {.anchor = Anchor::kKey});
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdSourceConflict() {
  return std::make_unique<ArgocdSourceConflict>();
}

}  // namespace syncgate::rules
