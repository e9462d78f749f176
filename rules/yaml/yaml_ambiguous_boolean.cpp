// yaml-ambiguous-boolean: an unquoted YAML 1.1 boolean word (yes, no, on, off, y, n).
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/scalar_types.h"
#include "model/embedded_yaml.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "yaml-ambiguous-boolean", "An unquoted yes/no/on/off that YAML 1.1 reads as a boolean",
    "Kubernetes and Helm read YAML 1.1, where `on`, `yes`, `NO` and `y` are booleans; YAML 1.2 "
    "tools read them as strings. A country code `NO`, a flag value `on` or an answer `y` turns "
    "into true/false on the way to the cluster, or a string where a boolean was meant.",
    "Quote the value (\"on\") if you mean the string; write true or false if you mean a boolean.",
    Severity::kWarning,
    // Not .syncgate.yaml: there `off`/`on` are our own words, read by us.
    kAnyObject | DocKind::kValues | DocKind::kChart | DocKind::kData, RuleScope::kDocument};

void CheckTree(const Document& doc, RuleContext& ctx) {
  std::string pointer;
  WalkTree(doc.root(), pointer, [&](const Node& node, const std::string& at) {
    if (node.kind == NodeKind::kScalar && node.style == ScalarStyle::kPlain && node.tag.empty() &&
        IsYaml11OnlyBoolean(node.value)) {
      ctx.ReportIn(doc, at,
                   fmt::format("'{}' is a boolean in YAML 1.1 (Kubernetes, Helm) but a string in "
                               "YAML 1.2; quote it or write true/false",
                               node.value),
                   {.at = node.pos});
    }
    return true;
  });
}

class YamlAmbiguousBoolean final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    CheckTree(doc, ctx);
    model::ForEachEmbeddedYaml(
        doc, [&](const Document& child, std::string_view) { CheckTree(child, ctx); });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeYamlAmbiguousBoolean() {
  return std::make_unique<YamlAmbiguousBoolean>();
}

}  // namespace syncgate::rules
