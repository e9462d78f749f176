// schema-violation: an object, Chart.yaml or .syncgate.yaml that its schema rejects.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/text_util.h"
#include "checker/workspace.h"
#include "rules/schema/schema_validation.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "schema-violation",
    "A field with the wrong type, a missing required field, a value outside its enum or pattern",
    "The API server rejects the object, so the sync fails half-way (ArgoCD applies the other "
    "objects of the Application and reports it degraded); worse, some mistakes are accepted and "
    "mean something else. Schemas come from syncgate itself (Chart.yaml, Chart.lock, ArgoCD, "
    "SealedSecret, .syncgate.yaml), the CRDs of the checked set (committed, a chart's crds/, "
    "rendered), then the Kubernetes schemas of the target version: --schema-location, the "
    "installed folder, the cache (`syncgate schemas fetch`), a download once per kind.",
    "Fix the field as the message says. The Kubernetes schemas follow --kube-version (or "
    "`kube_version:`): set it to the cluster's version.",
    Severity::kError,
    kAnyObject | DocKind::kChart | DocKind::kConfig,
    RuleScope::kWorkspace};

class SchemaViolation final : public SchemaRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const SchemaCheck& check = Validate(doc, ctx);
    switch (check.outcome) {
      case SchemaOutcome::kNotApplicable:
        return;
      case SchemaOutcome::kMissing:
        ctx.Count("schema-missing");
        return;
      case SchemaOutcome::kUnusable:
        ctx.Count("schema-unusable");
        ctx.Report("", fmt::format("{} was not validated: the schema from {} cannot be used: {}",
                                   check.what, check.source, check.error));
        return;
      case SchemaOutcome::kValidated:
        ctx.Count("schema-validated");
        break;
    }
    for (const SchemaError& e : check.errors) {
      if (e.kind != SchemaErrorKind::kViolation) continue;
      const Node* node = doc.Find(e.pointer);
      const bool container = node && (node->IsMap() || node->IsSeq());
      const std::string path = DisplayPath(doc, e.pointer);
      ctx.Report(e.pointer, path.empty() ? e.message : fmt::format("{}: {}", path, e.message),
                 ReportExtra{.anchor = container ? Anchor::kKey : Anchor::kValue});
    }
  }

  /// Chart.lock is not YAML-named, so it arrives as a text file.
  void CheckFile(const FileUnit& file, RuleContext& ctx) const override {
    if (!EndsWith(file.input.display_path, "Chart.lock") || !file.source) return;
    LoadResult loaded = LoadYaml(file.source);
    if (loaded.error || loaded.documents.empty()) return;  // yaml-syntax's business
    const Document& lock = *loaded.documents.front();
    SchemaLookup lookup = validation().store().Embedded("chart-lock.json");
    if (!lookup.schema) return;
    ctx.Count("schema-validated");
    for (const SchemaError& e : lookup.schema->Validate(lock)) {
      const std::string path = DisplayPath(lock, e.pointer);
      ctx.Report(e.pointer, path.empty() ? e.message : fmt::format("{}: {}", path, e.message),
                 ReportExtra{.at = KeyPositionOf(lock, e.pointer)});
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSchemaViolation() { return std::make_unique<SchemaViolation>(); }

}  // namespace syncgate::rules
