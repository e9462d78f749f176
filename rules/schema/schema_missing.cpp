// schema-missing: an object of a kind no schema covers, so nothing checked its fields.
#include <fmt/format.h>

#include "checker/rule.h"
#include "rules/schema/schema_validation.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "schema-missing",
    "An object whose kind has no schema: its fields were not validated",
    "A check that could not run is not a pass. Without a schema, typos and wrong types in the "
    "object go unnoticed; the summary counts validated and unvalidated objects so a run that "
    "validated nothing cannot look green.",
    "Pass --schema-location with the Kubernetes schemas of your cluster version (a local folder "
    "for offline CI; `syncgate schemas fetch` fills the cache), and keep the CRDs of your custom "
    "resources in the checked files (a chart's crds/ counts).",
    Severity::kInfo,
    kAnyObject,
    RuleScope::kWorkspace};

class SchemaMissing final : public SchemaRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const SchemaCheck& check = Validate(doc, ctx);
    if (check.outcome != SchemaOutcome::kMissing) return;
    ctx.Report("/kind", fmt::format("no schema for {} (not shipped with syncgate, no CRD in the "
                                    "checked files, not in any --schema-location): not validated",
                                    check.what));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSchemaMissing() { return std::make_unique<SchemaMissing>(); }

}  // namespace syncgate::rules
