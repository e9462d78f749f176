// metadata-invalid-name: a metadata.name the API server rejects for its kind.
#include <fmt/format.h>
#include <re2/re2.h>

#include "checker/rule.h"
#include "checker/text_util.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "metadata-invalid-name",
    "A metadata.name that is not a valid name for its kind (DNS-1123 label or subdomain)",
    "The API server rejects the object (`metadata.name: Invalid value`), so the sync fails. "
    "Services and Namespaces need a DNS label (63 characters, lower case, digits and '-'), "
    "because their name becomes a DNS name; most other kinds a DNS subdomain (253 characters, "
    "'.' allowed). Upper case and '_' are the usual culprits, often from a Helm value.",
    "Use lower-case letters, digits and '-' (and '.' where the kind allows it), starting and "
    "ending with a letter or digit.",
    Severity::kError,
    kAnyObject,
    RuleScope::kDocument};

enum class NameKind { kLabel, kServiceLabel, kSubdomain, kPathSegment };

NameKind KindOf(std::string_view kind) {
  if (kind == "Service") return NameKind::kServiceLabel;  // DNS-1035: starts with a letter
  if (kind == "Namespace") return NameKind::kLabel;
  if (kind == "Role" || kind == "ClusterRole" || kind == "RoleBinding" ||
      kind == "ClusterRoleBinding") {
    return NameKind::kPathSegment;  // RBAC names only need to be usable in a URL path
  }
  return NameKind::kSubdomain;
}

class MetadataInvalidName final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    const Node* name = doc.root().Path({"metadata", "name"});
    if (!name || !name->IsScalar() || name->IsNull()) return;
    const std::string_view text = name->Text();
    if (text.find("{{") != std::string_view::npos) return;  // a template placeholder
    const std::string problem = Problem(KindOf(doc.object().kind), text);
    if (!problem.empty()) {
      ctx.Report("/metadata/name",
                 fmt::format("'{}' is not a valid {} name: {}", text, doc.object().kind, problem));
    }
  }

 private:
  std::string Problem(NameKind kind, std::string_view text) const {
    if (text.empty()) return "it is empty";
    if (kind == NameKind::kPathSegment) {
      if (text == "." || text == "..") return "'.' and '..' are not allowed";
      if (text.find_first_of("/%") != std::string_view::npos) return "'/' and '%' are not allowed";
      return "";
    }
    if (kind == NameKind::kSubdomain) {
      if (text.size() > 253) return fmt::format("{} characters, at most 253", text.size());
      if (!RE2::FullMatch(text, subdomain_)) {
        return "use lower-case letters, digits, '-' and '.', starting and ending with a letter "
               "or digit (DNS-1123 subdomain)";
      }
      return "";
    }
    if (text.size() > 63) return fmt::format("{} characters, at most 63", text.size());
    if (kind == NameKind::kServiceLabel && !RE2::FullMatch(text, label1035_)) {
      return "use lower-case letters, digits and '-', starting with a letter and ending with a "
             "letter or digit (DNS-1035 label)";
    }
    if (!RE2::FullMatch(text, label_)) {
      return "use lower-case letters, digits and '-', starting and ending with a letter or digit "
             "(DNS-1123 label)";
    }
    return "";
  }

  const RE2 label_{"[a-z0-9]([-a-z0-9]*[a-z0-9])?"};
  const RE2 label1035_{"[a-z]([-a-z0-9]*[a-z0-9])?"};
  const RE2 subdomain_{"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"};
};

}  // namespace

std::unique_ptr<Rule> MakeMetadataInvalidName() { return std::make_unique<MetadataInvalidName>(); }

}  // namespace syncgate::rules
