// argocd-invalid-sync-option: a syncOptions entry ArgoCD does not know (and silently ignores).
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "checker/rule.h"
#include "checker/text_util.h"
#include "model/application.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "argocd-invalid-sync-option",
    "A syncOptions entry or sync-options annotation that ArgoCD does not recognise",
    "ArgoCD matches sync options as exact strings and ignores anything else without a word: "
    "`ServerSideApply=True` (capital T), `Prune=False` or `ServerSideAply=true` are stored, shown "
    "in the UI, and do nothing (argo-cd#17759). The option the author relied on is not in effect.",
    "Write the option exactly as documented (case matters), e.g. ServerSideApply=true; see "
    "https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/.",
    Severity::kError,
    kAnyObject,
    RuleScope::kDocument};

// gitops-engine pkg/sync/common/types.go and argo-cd controller/sync.go (Argo CD 3.x).
constexpr std::string_view kAppOptions[] = {"CreateNamespace=true",
                                            "PrunePropagationPolicy=foreground",
                                            "PrunePropagationPolicy=background",
                                            "PrunePropagationPolicy=orphan",
                                            "PruneLast=true",
                                            "Prune=false",
                                            "Prune=confirm",
                                            "Delete=false",
                                            "Delete=confirm",
                                            "Validate=false",
                                            "Validate=true",
                                            "SkipDryRunOnMissingResource=true",
                                            "ApplyOutOfSyncOnly=true",
                                            "Replace=true",
                                            "Replace=false",
                                            "ServerSideApply=true",
                                            "ServerSideApply=false",
                                            "ClientSideApplyMigration=false",
                                            "RespectIgnoreDifferences=true",
                                            "FailOnSharedResource=true"};
// Options a resource may carry in its argocd.argoproj.io/sync-options annotation.
constexpr std::string_view kResourceOptions[] = {
    "Prune=false",          "Prune=confirm",         "Delete=false",
    "Delete=confirm",       "Validate=false",        "SkipDryRunOnMissingResource=true",
    "Replace=true",         "Replace=false",         "Force=true",
    "ServerSideApply=true", "ServerSideApply=false", "PruneLast=true"};

template <size_t N>
std::string Problem(std::string_view option, const std::string_view (&known)[N],
                    std::string_view where) {
  if (std::find(std::begin(known), std::end(known), option) != std::end(known)) return {};
  for (std::string_view candidate : known) {
    if (EqualsIgnoreCase(candidate, option)) {
      return fmt::format(
          "sync option '{}' does nothing: options are case-sensitive (did you "
          "mean '{}'?)",
          option, candidate);
    }
  }
  if (option == "Force=true") {
    return "sync option 'Force=true' only works as a resource annotation; for the whole "
           "Application use syncPolicy.syncStrategy or `argocd app sync --force`";
  }
  const std::vector<std::string_view> candidates(std::begin(known), std::end(known));
  return fmt::format("unknown {} sync option '{}': ArgoCD ignores it{}", where, option,
                     DidYouMean(option, candidates));
}

class ArgocdInvalidSyncOption final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    if (auto app = model::ReadApplication(doc)) {
      const Node* options = app->sync_policy.sync_options;
      if (options && options->IsSeq()) {
        const auto& items = options->Resolved().items;
        for (size_t i = 0; i < items.size(); ++i) {
          // A template parameter (`Replace={{replace}}`): the Applications the ApplicationSet
          // generates are checked with the value each one gets.
          if (doc.kind() == DocKind::kApplicationSet &&
              items[i]->Text().find("{{") != std::string_view::npos) {
            continue;
          }
          std::string problem = Problem(Trim(items[i]->Text()), kAppOptions, "Application");
          if (!problem.empty()) {
            ctx.Report(app->pointer + "/syncPolicy/syncOptions/" + std::to_string(i), problem);
          }
        }
      }
    }
    const Node* annotation =
        doc.root().Path({"metadata", "annotations", "argocd.argoproj.io/sync-options"});
    if (!annotation || !annotation->IsScalar()) return;
    for (std::string_view option : Split(annotation->Text(), ',')) {
      std::string problem = Problem(Trim(option), kResourceOptions, "resource");
      if (!problem.empty()) {
        ctx.Report("/metadata/annotations/argocd.argoproj.io~1sync-options", problem);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeArgocdInvalidSyncOption() {
  return std::make_unique<ArgocdInvalidSyncOption>();
}

}  // namespace syncgate::rules
