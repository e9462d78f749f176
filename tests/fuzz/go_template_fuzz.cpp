// Fuzz target for the ApplicationSet template languages (model/go_template): Go text/template
// with ArgoCD's sprig subset, and fasttemplate. The input's first part is the template, the
// second (after a line "%%", else the same text) YAML whose first document gives the parameters.
// Invariants: a failed render says why; text without "{{" renders as itself in both languages;
// SanitizeName gives a Kubernetes name (at most 253 of [-a-z0-9.], no '-' or '.' at its ends).
#include <string>

#include "checker/document.h"
#include "model/go_template.h"
#include "tests/fuzz/fuzz_target.h"

using namespace syncgate;

SYNCGATE_FUZZ_TARGET(go_template) {
  const std::vector<std::string> parts = fuzz::SplitParts(fuzz::AsText(data, size), 2);
  const std::string& tmpl = parts[0];
  LoadResult loaded = LoadYaml(SourceFile::FromText("params.yaml", parts[1]));
  model::TemplateValue params = model::TemplateValue::Map();
  if (!loaded.documents.empty()) {
    params = model::ValueFromNode(loaded.documents.front()->root(), "");
    if (!params.IsMap()) params = model::TemplateValue::Map();
  }
  params.Set("path", model::TemplateValue::String("apps/web"));

  const bool plain = tmpl.find("{{") == std::string::npos;
  for (const bool missing_key_error : {false, true}) {
    const model::TemplateResult go = model::RenderGoTemplate(tmpl, params, {missing_key_error});
    FUZZ_CHECK(go.ok || !go.error.empty(), "Go template failed without saying why");
    if (plain) FUZZ_CHECK(go.ok && go.text == tmpl, "plain text does not render as itself");
  }
  const model::TemplateResult fast = model::RenderFastTemplate(tmpl, params);
  FUZZ_CHECK(fast.ok || !fast.error.empty(), "fasttemplate failed without saying why");
  if (plain) FUZZ_CHECK(fast.ok && fast.text == tmpl, "plain text does not render as itself");
  (void)model::SoleParameter(tmpl, true);
  (void)model::SoleParameter(tmpl, false);

  const std::string name = model::SanitizeName(tmpl);
  FUZZ_CHECK(name.size() <= 253, "sanitized name too long");
  FUZZ_CHECK(name.find_first_not_of("-abcdefghijklmnopqrstuvwxyz0123456789.") == std::string::npos,
             "sanitized name has other characters");
  if (!name.empty())
    FUZZ_CHECK(
        name.front() != '-' && name.front() != '.' && name.back() != '-' && name.back() != '.',
        "sanitized name starts or ends with '-' or '.'");
  (void)model::GoJson(params);
  (void)model::GoPrint(params);
  return 0;
}
