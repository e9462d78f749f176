// yaml-duplicate-key: a mapping that sets the same key twice.
#include <fmt/format.h>

#include "checker/rule.h"
#include "model/embedded_yaml.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "yaml-duplicate-key",
    "The same key twice in one mapping",
    "Kubernetes (sigs.k8s.io/yaml) and Helm silently keep the last value, so the first one, "
    "often the one a reviewer reads, has no effect.",
    "Delete one of the two keys, keeping the value you mean.",
    Severity::kError,
    DocKind::kAny,
    RuleScope::kDocument};

void ReportDuplicates(const Document& doc, RuleContext& ctx) {
  for (const DuplicateKey& dup : doc.duplicate_keys()) {
    ctx.ReportIn(doc, JoinPointer(dup.pointer, dup.duplicate->value),
                 fmt::format("key '{}' is already set on line {}; the last value wins",
                             dup.duplicate->value, dup.first->pos.line),
                 {.at = dup.duplicate->pos});
  }
}

class YamlDuplicateKey final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    ReportDuplicates(doc, ctx);
    model::ForEachEmbeddedYaml(
        doc, [&](const Document& child, std::string_view) { ReportDuplicates(child, ctx); });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeYamlDuplicateKey() { return std::make_unique<YamlDuplicateKey>(); }

}  // namespace syncgate::rules
