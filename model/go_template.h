#pragma once
// The two template languages of an ArgoCD ApplicationSet, as its controller renders them:
// fasttemplate (`{{path.basename}}`, the default) and Go's text/template with the sprig
// functions ArgoCD allows (`goTemplate: true`: `{{ .path.basename | upper }}`). Values are
// JSON-like trees that remember where in the ApplicationSet they were written, so that a value
// of a generated Application can be traced back to its line.
//
//   TemplateValue params = TemplateValue::Map();
//   params.Set("name", TemplateValue::String("web"));
//   TemplateResult r = RenderGoTemplate("{{ .name | upper }}-app", params, {});
//   if (!r.ok) Report(r.error, r.unsupported);  // unsupported: syncgate's limit, not the user's
//   std::string flat = RenderFastTemplate("{{ name }}-app", params);  // "web-app"
//
// What is implemented of text/template: text, `{{- -}}` trimming, comments, pipelines, field
// chains (`.a.b`, `$x.a`, `(pipe).a`), variables (`$x := `, `$x = `), `if/else if/else`,
// `range` (lists and maps, with `$i, $v :=`), `with`, and the functions listed in
// go_template.cpp. Anything else (`define`, `template`, an unknown function) fails with
// `unsupported` set, so that the caller reports the template as not expanded rather than
// producing a wrong Application.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checker/document.h"

namespace syncgate::model {

/// Where a value was written in the ApplicationSet: its position and JSON pointer there. Empty
/// (line 0) for values that come from elsewhere (a folder name, a file of the repository).
struct ValueOrigin {
  Position pos;
  std::string pointer;
  bool known() const { return pos.line > 0; }
};

/// A JSON value as Go's encoding/json gives it to the templates (numbers are float64), with
/// the origin of each node. kMissing exists only while a Go template runs (a missing map key,
/// which Go prints as "<no value>").
struct TemplateValue {
  enum class Kind : uint8_t { kMissing, kNull, kBool, kNumber, kString, kList, kMap };
  struct Entry;

  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string text;  // a string; a number as written in YAML (empty when computed)
  std::vector<TemplateValue> items;
  std::vector<Entry> entries;  // map entries in written order
  ValueOrigin origin;
  /// For strings: written as a YAML literal block (`|`), whose lines map one to one.
  bool literal_block = false;
  /// For numbers: a Go int (a template literal, `len`), not encoding/json's float64. Go refuses
  /// to compare the two.
  bool integer = false;

  static TemplateValue Null();
  static TemplateValue Missing();
  static TemplateValue Bool(bool b);
  static TemplateValue Number(double n);
  static TemplateValue String(std::string s);
  static TemplateValue List();
  static TemplateValue Map();

  bool IsMap() const { return kind == Kind::kMap; }
  bool IsList() const { return kind == Kind::kList; }
  bool IsString() const { return kind == Kind::kString; }
  bool IsNullish() const { return kind == Kind::kNull || kind == Kind::kMissing; }
  /// The value of `key` in a map; null when absent or not a map.
  const TemplateValue* Get(std::string_view key) const;
  TemplateValue* Get(std::string_view key);
  /// Sets `key` (replacing an existing entry in place, else appending).
  TemplateValue& Set(std::string key, TemplateValue value, ValueOrigin key_origin = {});
  void Erase(std::string_view key);
};

struct TemplateValue::Entry {
  std::string key;
  ValueOrigin key_origin;
  TemplateValue value;
};

/// A node of the ApplicationSet as the controller reads it (YAML 1.1 typing, as go-yaml does),
/// with origins; `pointer` is where `written_node` sits in its document.
TemplateValue ValueFromNode(const Node& written_node, const std::string& pointer);

/// What rendering one string gave.
struct TemplateResult {
  bool ok = true;
  std::string text;
  std::string error;         // when !ok
  bool unsupported = false;  // the template uses something syncgate does not implement
};

struct GoTemplateOptions {
  bool missing_key_error = false;  // goTemplateOptions: ["missingkey=error"]
};

/// Go text/template with ArgoCD's sprig function map over `data`.
TemplateResult RenderGoTemplate(std::string_view tmpl, const TemplateValue& data,
                                const GoTemplateOptions& options);

/// ArgoCD's fasttemplate replacement: `{{ key }}` becomes the string parameter `key` of the flat
/// map `params`; unknown keys and non-string values stay as written. A `{{` without its `}}`
/// fails as fasttemplate does.
TemplateResult RenderFastTemplate(std::string_view tmpl, const TemplateValue& params);

/// The single parameter a template string is made of (`{{name}}`, `{{ .path.basename }}`),
/// or nullopt when it has other text or expressions: its value then traces to that
/// parameter's line. Keys are the flat key (fasttemplate) or the field chain (Go templates).
std::optional<std::vector<std::string>> SoleParameter(std::string_view tmpl, bool go_template);

/// Go's truth (`if`): false, 0, "", empty lists and maps, null and missing values are false.
bool TruthOf(const TemplateValue& value);
/// sprig's strval: a string as it is, anything else as %v prints it.
std::string StrValOf(const TemplateValue& value);

/// How Go's fmt prints a value with %v (text/template's output): 3 → "3", 1e6 → "1e+06",
/// maps as map[k:v].
std::string GoPrint(const TemplateValue& value);

/// Go's encoding/json of a value (sorted keys, HTML characters escaped), as sprig's toJson.
std::string GoJson(const TemplateValue& value);

/// ArgoCD's `normalize` (utils.SanitizeName): lower-case, [^-a-z0-9.] → '-', at most 253
/// characters, no leading or trailing '-' or '.'.
std::string SanitizeName(std::string_view name);

/// Appends `s` as Go's encoding/json writes a string: HTML-safe (<, >, & escaped), U+2028 and
/// U+2029 escaped (Chart.lock digests and `toJson` must match Go byte for byte).
void AppendGoJsonString(std::string& out, std::string_view s);

}  // namespace syncgate::model
