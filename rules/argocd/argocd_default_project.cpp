// argocd-default-project: an Application in the `default` AppProject.
#include "checker/rule.h"
#include "model/application.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "argocd-default-project",
    "An Application in the default AppProject",
    "The default AppProject allows every source repository, every destination cluster and "
    "namespace, and every resource kind, cluster-scoped ones included. An Application in it has "
    "no RBAC boundary: a change to its source can deploy anything anywhere.",
    "Create an AppProject per team or platform with the repositories, destinations and kinds it "
    "needs, and set spec.project to it.",
    Severity::kWarning,
    DocKind::kApplication | DocKind::kApplicationSet,
    RuleScope::kDocument};

class ArgocdDefaultProject final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    auto app = model::ReadApplication(doc);
    if (!app) return;
    const Node* project = app->project;
    if (project && project->IsScalar() && !project->Text().empty() &&
        project->Text() != "default") {
      return;
    }
    ctx.Report(app->pointer + "/project",
               project ? "project 'default' places no limit on repositories, destinations or kinds"
                       : "no project: ArgoCD uses 'default', which places no limit on "
                         "repositories, destinations or kinds");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdDefaultProject() {
  return std::make_unique<ArgocdDefaultProject>();
}

}  // namespace syncgate::rules
