// schema-unknown-field: a field the schema does not know, usually a typo Kubernetes would drop.
#include <fmt/format.h>

#include "checker/rule.h"
#include "rules/schema/schema_validation.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "schema-unknown-field",
    "A field the schema does not define (a misspelt or misplaced key)",
    "Kubernetes drops unknown fields of most objects silently (or only warns): `replica: 3`, "
    "`imagePullPolicy` under the pod instead of the container or `strategy` under "
    "`template.spec` are accepted and do nothing, so the setting you reviewed never applies.",
    "Rename or move the field to the one the message suggests; if it is meant for a newer "
    "Kubernetes version, pass --kube-version.",
    Severity::kError,
    kAnyObject | DocKind::kChart | DocKind::kConfig,
    RuleScope::kWorkspace};

class SchemaUnknownField final : public SchemaRule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const SchemaCheck& check = Validate(doc, ctx);
    if (check.outcome != SchemaOutcome::kValidated) return;
    for (const SchemaError& e : check.errors) {
      if (e.kind != SchemaErrorKind::kUnknownField) continue;
      const size_t slash = e.pointer.rfind('/');
      const std::string where = DisplayPath(doc, e.pointer.substr(0, slash));
      ctx.Report(e.pointer, where.empty() ? e.message : fmt::format("{} in {}", e.message, where),
                 ReportExtra{.anchor = Anchor::kKey});
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeSchemaUnknownField() { return std::make_unique<SchemaUnknownField>(); }

}  // namespace syncgate::rules
