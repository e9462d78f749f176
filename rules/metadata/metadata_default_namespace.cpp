// metadata-default-namespace: an object or Application destination in the `default` namespace.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/text_util.h"
#include "checker/workspace.h"
#include "model/application.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "metadata-default-namespace",
    "An object, or an Application's destination, in the default namespace",
    "The default namespace is where everything lands that names no namespace: objects there "
    "share one set of quotas, NetworkPolicies and RoleBindings with every stray manifest, and "
    "nothing marks who owns them (CIS Kubernetes Benchmark 5.7.4). In `helm template` output the "
    "namespace is the one helm was given: syncgate's renders are not reported (it renders with "
    "the Application's destination, reported on the Application), and a committed render made "
    "without --namespace is noted once per file, as info.",
    "Give the application its own namespace (metadata.namespace, or the Application's "
    "destination.namespace with CreateNamespace=true).",
    Severity::kWarning,
    kAnyObject,
    RuleScope::kFile};

/// Whether `doc` is a document of `helm template` output: Helm writes `# Source: <chart>/...`
/// between the `---` and the object.
bool IsHelmOutput(const Document& doc) {
  const SourceFile& src = doc.source();
  for (int line = doc.root().pos.line - 1; line >= 1; --line) {
    const std::string_view text = src.Line(line);
    if (StartsWith(text, "# Source: ")) return true;
    // Only the comments between the document's start and its first key belong to it.
    if (StartsWith(text, "---") || (!Trim(text).empty() && !StartsWith(Trim(text), "#"))) break;
  }
  return false;
}

class MetadataDefaultNamespace final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    // In `helm template` output the namespace is the one helm was given: see CheckFile.
    if (doc.object().ns == "default" && (doc.parent() || !IsHelmOutput(doc))) {
      ctx.Report("/metadata/namespace", "the object is placed in the default namespace");
    }
    if (auto app = model::ReadApplication(doc)) {
      if (model::Text(app->destination_namespace) == "default") {
        ctx.Report(app->pointer + "/destination/namespace",
                   "the Application deploys into the default namespace");
      }
    }
  }

  /// `namespace: {{ .Release.Namespace }}` writes the namespace helm was given. syncgate
  /// renders with the Application's destination (reported on the Application when it is
  /// `default`) or, for a chart without one, with `default` as a stand-in: not the chart's
  /// choice either way, so its renders are not reported. A committed render made without
  /// --namespace is bound to `default` when applied as is: worth one note per file, not a
  /// verdict on each object.
  void CheckFile(const FileUnit& file, RuleContext& ctx) const override {
    if (file.input.display_path.find("@rendered/") != std::string::npos) return;
    const Document* first = nullptr;
    int count = 0;
    for (const auto& doc : file.documents) {
      if (doc->object().ns != "default" || !IsHelmOutput(*doc)) continue;
      if (!first) first = doc.get();
      ++count;
    }
    if (!first) return;
    ctx.ReportIn(*first, "/metadata/namespace",
                 fmt::format("{} of this helm template render {} in the default namespace, which "
                             "helm writes for a render without --namespace; render with the "
                             "destination namespace",
                             count == 1 ? "1 object" : fmt::format("{} objects", count),
                             count == 1 ? "is" : "are"),
                 {.severity = Severity::kInfo});
  }
};

}  // namespace

std::unique_ptr<Rule> MakeMetadataDefaultNamespace() {
  return std::make_unique<MetadataDefaultNamespace>();
}

}  // namespace syncgate::rules
