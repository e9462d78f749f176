// schema-missing: an object of a kind no schema covers, so nothing checked its fields. When the
// Kubernetes schemas of the run's version are nowhere to be had, that is said once for all the
// objects of built-in kinds, with their count, not once per object.
#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <vector>

#include "checker/rule.h"
#include "checker/workspace.h"
#include "rules/schema/schema_validation.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "schema-missing",
    "An object whose kind has no schema: its fields were not validated",
    "A check that could not run is not a pass. Without a schema, typos and wrong types in the "
    "object go unnoticed; the summary counts validated and unvalidated objects so a run that "
    "validated nothing cannot look green. When the Kubernetes schemas of the target version are "
    "not there at all, one finding says so with the number of objects left unvalidated; "
    "otherwise each object of a kind without a schema is named (usually a custom resource "
    "whose CRD is not in the checked files).",
    "Install the Kubernetes schemas once: they come with the syncgate package "
    "(<prefix>/share/syncgate/schemas), or `syncgate schemas fetch --kube-version X.Y` fills "
    "the cache (from kubeconform's location or any --schema-location); a run that is not "
    "--offline downloads a missing kind once into the cache. Keep the CRDs of your custom "
    "resources in the checked files (a chart's crds/ and rendered CRDs count).",
    Severity::kInfo,
    kAnyObject,
    RuleScope::kWorkspace};

class SchemaMissing final : public SchemaRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  // Everything is decided over the whole run: whether the Kubernetes schemas were there at all
  // is known only once every object has been looked up.
  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    std::vector<const Document*> builtin_missing;
    bool builtin_validated = false;
    workspace.ForEachDocument(kAnyObject, [&](const Document& doc) {
      const SchemaCheck& check = validation().Check(doc, &workspace);
      if (check.builtin && check.outcome == SchemaOutcome::kValidated) builtin_validated = true;
      if (check.outcome != SchemaOutcome::kMissing) return;
      if (check.builtin) {
        builtin_missing.push_back(&doc);
      } else {
        ReportOne(doc, check, ctx);
      }
    });
    if (builtin_missing.empty()) return;
    if (builtin_validated) {
      // The schemas of the version are there; these kinds are not in them (removed APIs).
      for (const Document* doc : builtin_missing) {
        ReportOne(*doc, validation().Check(*doc, &workspace), ctx);
      }
      return;
    }
    const auto first = std::min_element(
        builtin_missing.begin(), builtin_missing.end(), [](const Document* a, const Document* b) {
          return std::make_tuple(a->source().path(), a->root().pos.line) <
                 std::make_tuple(b->source().path(), b->root().pos.line);
        });
    const int count = static_cast<int>(builtin_missing.size());
    const std::string& version = validation().store().options().kube_version;
    ctx.Count("schema-kubernetes-unavailable", count);
    ctx.ReportIn(
        **first, "/kind",
        fmt::format("no Kubernetes {} schemas: {} object{} of built-in kinds (this one first) "
                    "not validated; looked in {}. Install them once: syncgate schemas fetch "
                    "--kube-version {}",
                    version, count, count == 1 ? "" : "s", validation().store().SearchedPlaces(),
                    version));
  }

 private:
  static void ReportOne(const Document& doc, const SchemaCheck& check, RuleContext& ctx) {
    ctx.ReportIn(doc, "/kind",
                 fmt::format("no schema for {} (not shipped with syncgate, no CRD in the checked "
                             "files, not in the Kubernetes schemas): not validated",
                             check.what));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSchemaMissing() { return std::make_unique<SchemaMissing>(); }

}  // namespace syncgate::rules
