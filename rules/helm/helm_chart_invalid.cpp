// helm-chart-invalid: a Chart.yaml that Helm refuses or misreads.
#include <fmt/format.h>
#include <re2/re2.h>

#include <set>

#include "checker/rule.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "helm-chart-invalid",
    "Chart.yaml with a missing or malformed apiVersion, name, version, type or dependencies",
    "Helm refuses to load a chart whose Chart.yaml lacks apiVersion, name or version, whose "
    "version is not SemVer 2, whose type is neither application nor library, or whose "
    "dependencies are malformed; ArgoCD then shows a ComparisonError and syncs nothing.",
    "Fix Chart.yaml: apiVersion v2, a lowercase name, a SemVer 2 version (1.2.3), type "
    "application or library, and dependencies as a list of {name, version, repository} with "
    "unique names or aliases.",
    Severity::kError,
    DocKind::kChart,
    RuleScope::kDocument};

class HelmChartInvalid final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const Node& root = doc.root();
    if (!root.IsMap()) {
      ctx.Report("", "Chart.yaml must be a mapping with apiVersion, name and version");
      return;
    }
    const std::string api = Required(root, "apiVersion", ctx);
    if (!api.empty() && api != "v1" && api != "v2") {
      ctx.Report("/apiVersion", fmt::format("apiVersion '{}' is not v1 or v2", api));
    }
    const std::string name = Required(root, "name", ctx);
    static const RE2 kName(R"([a-z0-9]([-a-z0-9_.]*[a-z0-9])?)");
    if (!name.empty() && !RE2::FullMatch(name, kName)) {
      ctx.Report("/name",
                 fmt::format("chart name '{}' must be lowercase letters, digits and dashes", name));
    }
    static const RE2 kSemVer(
        R"((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)");
    const std::string version = Required(root, "version", ctx);
    if (!version.empty() && !RE2::FullMatch(version, kSemVer)) {
      ctx.Report("/version",
                 fmt::format("version '{}' is not SemVer 2 (MAJOR.MINOR.PATCH)", version));
    }
    if (const Node* type = root.Get("type");
        type && type->Text() != "application" && type->Text() != "library") {
      ctx.Report("/type",
                 fmt::format("type '{}' is neither application nor library", type->Text()));
    }
    if (const Node* deps = root.Get("dependencies")) CheckDependencies(*deps, api, ctx);
  }

 private:
  static std::string Required(const Node& root, std::string_view key, RuleContext& ctx) {
    const Node* node = root.Get(key);
    if (!node || node->IsNull() || node->Text().empty()) {
      ctx.Report("", fmt::format("Chart.yaml has no {}", key));
      return "";
    }
    return std::string(node->Text());
  }

  static void CheckDependencies(const Node& deps, const std::string& api, RuleContext& ctx) {
    if (api == "v1") {
      ctx.Report("/dependencies",
                 "dependencies belong in requirements.yaml for apiVersion v1; use apiVersion v2");
    }
    if (!deps.IsSeq()) {
      if (!deps.IsNull()) ctx.Report("/dependencies", "dependencies must be a list");
      return;
    }
    static const RE2 kAlias(R"([a-zA-Z0-9_-]+)");
    std::set<std::string> names;
    const auto& items = deps.Resolved().items;
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string at = fmt::format("/dependencies/{}", i);
      const Node& dep = *items[i];
      if (!dep.IsMap()) {
        ctx.Report(at, "a dependency must be a mapping with name, version and repository");
        continue;
      }
      const Node* name = dep.Get("name");
      if (!name || name->Text().empty()) {
        ctx.Report(at, "dependency has no name");
        continue;
      }
      const Node* version = dep.Get("version");
      if (!version || version->Text().empty()) {
        ctx.Report(at + "/name", fmt::format("dependency '{}' has no version", name->Text()));
      }
      const Node* alias = dep.Get("alias");
      if (alias && !RE2::FullMatch(alias->Text(), kAlias)) {
        ctx.Report(at + "/alias",
                   fmt::format("alias '{}' may only hold letters, digits, _ and -", alias->Text()));
      }
      const std::string effective(alias && !alias->Text().empty() ? alias->Text() : name->Text());
      if (!names.insert(effective).second) {
        ctx.Report(at + (alias ? "/alias" : "/name"),
                   fmt::format("two dependencies are named '{}'; give one an alias", effective));
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeHelmChartInvalid() { return std::make_unique<HelmChartInvalid>(); }

}  // namespace syncgate::rules
