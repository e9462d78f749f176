// metadata-invalid-label: a label key or value the API server rejects.
#include <fmt/format.h>
#include <re2/re2.h>

#include "checker/rule.h"
#include "checker/text_util.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "metadata-invalid-label",
    "A label whose key or value is not valid Kubernetes label syntax",
    "The API server rejects the whole object. Label values are limited to 63 characters of "
    "letters, digits, '-', '_' and '.', so a version string with '+', a URL or a long "
    "generated value breaks the sync; keys are an optional DNS-subdomain prefix and a name.",
    "Shorten the value or replace the characters that are not allowed; long or free-form "
    "metadata belongs in an annotation.",
    Severity::kError,
    kAnyObject,
    RuleScope::kDocument};

class MetadataInvalidLabel final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckDocument(const Document& doc, RuleContext& ctx) const override {
    // The object's labels and the pod template's (Deployments, StatefulSets, Jobs...).
    for (const char* pointer :
         {"/metadata/labels", "/spec/template/metadata/labels",
          "/spec/jobTemplate/spec/template/metadata/labels", "/spec/selector/matchLabels"}) {
      const Node* labels = doc.Find(pointer);
      if (!labels || !labels->IsMap()) continue;
      for (const MapEntry& e : labels->Resolved().entries) {
        const std::string& key = e.key->value;
        const std::string at = JoinPointer(pointer, key);
        if (key.find("{{") != std::string::npos) continue;
        if (std::string problem = KeyProblem(key); !problem.empty()) {
          ctx.Report(at, fmt::format("label key '{}' is invalid: {}", key, problem),
                     ReportExtra{.anchor = Anchor::kKey});
        }
        if (!e.value->IsScalar() || e.value->IsNull()) continue;
        const std::string_view value = e.value->Text();
        if (value.find("{{") != std::string_view::npos) continue;
        if (std::string problem = ValueProblem(value); !problem.empty()) {
          ctx.Report(at, fmt::format("value of label '{}' is invalid: {}", key, problem));
        }
      }
    }
  }

 private:
  std::string KeyProblem(std::string_view key) const {
    std::string_view name = key;
    if (const size_t slash = key.find('/'); slash != std::string_view::npos) {
      const std::string_view prefix = key.substr(0, slash);
      name = key.substr(slash + 1);
      if (prefix.empty() || prefix.size() > 253 || !RE2::FullMatch(prefix, subdomain_)) {
        return fmt::format(
            "the prefix '{}' must be a DNS subdomain (lower case, digits, '-', "
            "'.', at most 253 characters)",
            prefix);
      }
    }
    if (name.empty()) return "the name part is empty";
    if (name.size() > 63)
      return fmt::format("the name part has {} characters, at most 63", name.size());
    if (!RE2::FullMatch(name, name_)) {
      return "the name part must be letters, digits, '-', '_' and '.', starting and ending with "
             "a letter or digit";
    }
    return "";
  }

  std::string ValueProblem(std::string_view value) const {
    if (value.empty()) return "";
    if (value.size() > 63) return fmt::format("{} characters, at most 63", value.size());
    if (!RE2::FullMatch(value, name_)) {
      return "use letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
    }
    return "";
  }

  const RE2 name_{"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"};
  const RE2 subdomain_{"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"};
};

}  // namespace

std::unique_ptr<Rule> MakeMetadataInvalidLabel() {
  return std::make_unique<MetadataInvalidLabel>();
}

}  // namespace syncgate::rules
