// yaml-syntax: a file (or a YAML string that tools parse, such as an Application's
// helm.values) that does not parse.
#include "checker/rule.h"
#include "checker/workspace.h"
#include "model/embedded_yaml.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "yaml-syntax",
    "YAML that does not parse",
    "A file that does not parse is not applied at all: ArgoCD marks the Application as failed "
    "(or, for a values block, fails the render), and every other check is blind to it.",
    "Fix the YAML at the position shown. Indent with spaces only, quote values that contain "
    "': ' or start with a special character, and close every bracket and quote.",
    Severity::kError,
    DocKind::kApplication | DocKind::kApplicationSet | DocKind::kManifest,
    RuleScope::kFile};

class YamlSyntax final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckFile(const FileUnit& file, RuleContext& ctx) const override {
    if (!file.parse_error) return;
    ctx.Report("", file.parse_error->message, {.at = file.parse_error->pos});
  }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    model::ForEachBrokenEmbeddedYaml(doc, [&](const ParseError& error, std::string_view pointer) {
      ctx.Report(pointer, "YAML in this string does not parse: " + error.message,
                 {.at = error.pos});
    });
  }
};

}  // namespace

std::unique_ptr<Rule> MakeYamlSyntax() { return std::make_unique<YamlSyntax>(); }

}  // namespace syncgate::rules
