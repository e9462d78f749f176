// workload-image-mutable-tag: an image reference that does not pin what runs.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "checker/rule.h"
#include "checker/text_util.h"
#include "model/embedded_yaml.h"
#include "model/pod_spec.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "workload-image-mutable-tag",
    "A container image with :latest, no tag, or a branch-like tag",
    "A tag like latest, develop or main moves: the cluster runs whatever was pushed last, nodes "
    "can run different builds of the same spec, ArgoCD sees no change to sync when the image "
    "moves, and a rollback to the previous manifest does not bring back the previous build.",
    "Use an immutable tag (a release version such as v1.0.1, or a build id) or pin the digest "
    "(image@sha256:...). In Helm values, set image.tag per environment (values-prod.yaml).",
    Severity::kError,
    kAnyObject | DocKind::kValues,
    RuleScope::kDocument};

class WorkloadImageMutableTag final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  Status Configure(const Node* options) override {
    if (!options) return Ok{};
    if (const Node* tags = options->Get("mutable_tags")) {
      if (!tags->IsSeq()) return Unexpected("mutable_tags must be a list of tag names");
      mutable_tags_.clear();
      for (const Node* tag : tags->Resolved().items) mutable_tags_.emplace_back(tag->Text());
    }
    return Ok{};
  }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    model::ForEachContainer(doc, [&](const Node& container, const std::string& pointer) {
      const Node* image = container.Get("image");
      if (image && image->IsScalar()) CheckReference(doc, image->Text(), pointer + "/image", ctx);
    });
    if (doc.kind() == DocKind::kValues) CheckValues(doc, ctx);
    model::ForEachEmbeddedYaml(doc, [&](const Document& values, std::string_view) {
      if (doc.kind() == DocKind::kApplication || doc.kind() == DocKind::kApplicationSet) {
        CheckValues(values, ctx);
      }
    });
  }

 private:
  /// Helm values: `image: {repository, tag}` maps (or just `tag` in an environment overlay)
  /// and `image: repo:tag` strings.
  void CheckValues(const Document& values, RuleContext& ctx) const {
    std::string pointer;
    WalkTree(values.root(), pointer, [&](const Node& node, const std::string& at) {
      if (node.kind != NodeKind::kMapping) return true;
      const Node* image = node.Get("image");
      if (!image) return true;
      const std::string image_at = at + "/image";
      if (image->IsScalar() && image->Text().find('/') != std::string_view::npos) {
        // `image: registry/app` beside `tag:` (or `imageTag:`, `digest:`) is the repository; the
        // template joins the two, so the tag decides.
        const Node* digest = node.Get("digest");
        const Node* tag = node.Get("tag") ? node.Get("tag") : node.Get("imageTag");
        if (image->Text().find(':') != std::string_view::npos || (!tag && !digest)) {
          CheckReference(values, image->Text(), image_at, ctx);
        } else if (!(digest && !digest->Text().empty()) && tag && tag->IsScalar() &&
                   IsMutable(tag->Text())) {
          const std::string key = node.Get("tag") ? "/tag" : "/imageTag";
          ctx.ReportIn(
              values, at + key,
              fmt::format("image tag '{}' is mutable; pin a release tag or a digest", tag->Text()));
        }
      } else if (image->IsMap() && image->Get("tag")) {  // overlays often set only the tag
        const Node* digest = image->Get("digest");
        if (digest && !digest->Text().empty()) return true;
        const Node* tag = image->Get("tag");
        if (tag && tag->IsScalar() && IsMutable(tag->Text())) {
          ctx.ReportIn(
              values, image_at + "/tag",
              fmt::format("image tag '{}' is mutable; pin a release tag or a digest", tag->Text()));
        }
      }
      return true;
    });
  }

  void CheckReference(const Document& doc, std::string_view ref, const std::string& pointer,
                      RuleContext& ctx) const {
    if (ref.empty() || ref.find("{{") != std::string_view::npos) return;
    if (ref.find("@sha256:") != std::string_view::npos) return;  // digest-pinned
    const size_t slash = ref.rfind('/');
    const size_t colon = ref.rfind(':');
    if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) {
      ctx.ReportIn(doc, pointer,
                   fmt::format("image '{}' has no tag, so it runs ':latest'; pin a release tag or "
                               "a digest",
                               ref));
      return;
    }
    const std::string_view tag = ref.substr(colon + 1);
    if (IsMutable(tag)) {
      ctx.ReportIn(doc, pointer,
                   fmt::format("image '{}' uses the mutable tag '{}'; pin a release tag or a "
                               "digest",
                               ref, tag));
    }
  }

  bool IsMutable(std::string_view tag) const {
    const std::string lower = ToLower(tag);
    return std::find(mutable_tags_.begin(), mutable_tags_.end(), lower) != mutable_tags_.end();
  }

  std::vector<std::string> mutable_tags_ = {
      "latest", "develop", "development", "dev",      "main",    "master", "trunk",
      "head",   "edge",    "nightly",     "snapshot", "staging", "canary", "unstable"};
};

}  // namespace

std::unique_ptr<Rule> MakeWorkloadImageMutableTag() {
  return std::make_unique<WorkloadImageMutableTag>();
}

}  // namespace syncgate::rules
