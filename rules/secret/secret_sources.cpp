#include "rules/secret/secret_sources.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <unordered_map>

#include "checker/text_util.h"
#include "model/embedded_yaml.h"

namespace syncgate::secrets {
namespace {

/// Documents rendered from a chart (render/ names their files `<chart>@rendered/<set>`): what
/// they hold is already checked where it is committed (values files, templates as text), and
/// a Secret rendered from `{{ .Values.x | b64enc }}` is not a Secret committed to Git.
bool IsRendered(const Document& doc) {
  return doc.source().path().find("@rendered/") != std::string::npos;
}

bool IsV1Secret(const Document& doc) {
  return doc.kind() == DocKind::kManifest && doc.object().kind == "Secret" &&
         doc.object().api_version == "v1";
}

/// Byte offset of a 1-based position in its source.
size_t OffsetOf(const SourceFile& source, Position pos) {
  if (pos.line < 1 || pos.line > source.line_count()) return 0;
  const std::string_view line = source.Line(pos.line);
  return static_cast<size_t>(line.data() - source.text().data()) +
         static_cast<size_t>(std::max(pos.column - 1, 0));
}

/// Where `needle` (text of the scalar at `node`) starts in the file: searched from the node's
/// position, since escapes and block indentation move text around. The node's own position
/// when not found nearby.
Position Locate(const SourceFile& source, const Node& node, std::string_view needle,
                size_t value_size) {
  const size_t from = OffsetOf(source, node.pos);
  const size_t first_line = needle.find('\n');
  if (first_line != std::string_view::npos) needle = needle.substr(0, first_line);
  if (needle.empty()) return node.pos;
  const size_t found = source.text().find(needle, from);
  if (found == std::string::npos || found - from > value_size * 2 + 256) return node.pos;
  return source.PositionOfOffset(found);
}

std::string LowerPointer(const Document& doc, std::string_view pointer) {
  return ToLower(doc.OuterPointer(pointer));
}

class DocumentScanner {
 public:
  explicit DocumentScanner(std::vector<SecretHit>& out) : out_(out) {}

  void Scan(const Document& doc) {
    // Strings opened as YAML are scanned as their documents, not again as text.
    std::vector<std::string> skip;
    model::ForEachEmbeddedYaml(doc, [&](const Document& child, std::string_view pointer) {
      skip.emplace_back(pointer);
      DocumentScanner(out_).Scan(child);
    });
    if (doc.kind() == DocKind::kSealedSecret) skip.emplace_back("/spec/encryptedData");
    if (IsV1Secret(doc)) {
      skip.emplace_back("/data");
      ScanSecretData(doc, doc.root(), "");
    }
    skip.emplace_back("/sops");  // SOPS metadata: MACs and encrypted data keys
    skip_ = std::move(skip);
    std::string pointer;
    WalkTree(doc.root(), pointer, [&](const Node& node, const std::string& at) {
      if (Skipped(at)) return false;
      if (node.kind == NodeKind::kMapping && !at.empty() && IsNestedSecret(node)) {
        // A Secret manifest inside values (`extraObjects`): its data is base64 too.
        skip_.push_back(at + "/data");
        ScanSecretData(doc, node, at);
      }
      if (node.kind == NodeKind::kMapping) ScanMapping(doc, node, at);
      if (node.kind == NodeKind::kSequence) {
        const std::string_view key = std::string_view(at).substr(at.rfind('/') + 1);
        for (size_t i = 0; i < node.items.size(); ++i) {
          ScanScalar(doc, key, *node.items[i], at + "/" + std::to_string(i));
        }
      }
      if (at.empty() && node.kind == NodeKind::kScalar) ScanScalar(doc, "", node, "");
      return true;
    });
  }

 private:
  void ScanMapping(const Document& doc, const Node& map, const std::string& at) {
    // `{name: DB_PASSWORD, value: ...}` (env, Helm parameters): the name is the key.
    const Node* name = map.Get("name");
    for (const MapEntry& entry : map.entries) {
      const std::string& key = entry.key->value;
      std::string_view context_key = key;
      if (key == "value" && name && name->IsScalar()) context_key = name->Text();
      ScanScalar(doc, context_key, *entry.value, JoinPointer(at, key));
    }
  }

  bool Skipped(const std::string& pointer) const {
    for (const std::string& s : skip_) {
      if (pointer == s) return true;
    }
    return false;
  }

  void ScanScalar(const Document& doc, std::string_view key, const Node& node,
                  const std::string& pointer) {
    // Aliases are scanned where their anchor is defined.
    if (node.kind != NodeKind::kScalar || node.value.empty() || Skipped(pointer)) return;
    if (node.type != ScalarType::kString && node.type != ScalarType::kInt) return;
    const std::vector<ValueHit> hits = ScanString(LowerPointer(doc, pointer), key, node.value);
    for (const ValueHit& hit : hits) {
      const std::string_view raw = std::string_view(node.value).substr(hit.offset, hit.length);
      SecretHit out{hit.kind, hit.what, hit.decoded.empty() ? std::string(raw) : hit.decoded,
                    &doc,     pointer,  hit.key.empty() ? std::string(key) : hit.key};
      // The whole value: its node's position (the opening quote, as the JSON contract shows);
      // part of it: where that part is in the file.
      const bool whole = hit.offset == 0 && hit.length == node.value.size();
      const bool inline_style = node.style == ScalarStyle::kPlain ||
                                node.style == ScalarStyle::kSingleQuoted ||
                                node.style == ScalarStyle::kDoubleQuoted;
      out.at =
          whole && inline_style ? node.pos : Locate(doc.source(), node, raw, node.value.size());
      out.weak = hit.weak;
      out_.push_back(std::move(out));
    }
  }

  static bool IsNestedSecret(const Node& map) {
    const Node* kind = map.Get("kind");
    const Node* data = map.Get("data");
    return kind && kind->Text() == "Secret" && data && data->IsMap();
  }

  /// A Secret's `data` is base64: decode each value and scan what it says.
  void ScanSecretData(const Document& doc, const Node& secret, const std::string& at) {
    const Node* data = secret.Get("data");
    if (!data || !data->IsMap()) return;
    for (const MapEntry& entry : data->Resolved().entries) {
      const Node& value = entry.value->Resolved();
      if (value.kind != NodeKind::kScalar || value.value.empty()) continue;
      std::optional<std::string> decoded = DecodeBase64(value.value);
      if (!decoded || !IsPrintableText(*decoded)) continue;
      const std::string pointer = JoinPointer(at + "/data", entry.key->value);
      for (const ValueHit& hit :
           ScanString(LowerPointer(doc, pointer), entry.key->value, *decoded)) {
        SecretHit out{hit.kind,
                      hit.what,
                      hit.decoded.empty() ? decoded->substr(hit.offset, hit.length) : hit.decoded,
                      &doc,
                      pointer,
                      entry.key->value};
        out.at = value.pos;
        out.weak = hit.weak;
        out.decoded = true;
        out_.push_back(std::move(out));
      }
    }
  }

  std::vector<SecretHit>& out_;
  std::vector<std::string> skip_;  // pointers whose subtrees are not scanned as such
};

// ---- Text files: Helm templates, .env, NOTES.txt --------------------------------------------

size_t Indent(std::string_view line) {
  const size_t first = line.find_first_not_of(' ');
  return first == std::string_view::npos ? line.size() : first;
}

/// One `key: value` entry of a Secret's data written as text, with its continuation lines
/// (a `key: |` block).
struct TextEntry {
  int line = 0;
  std::vector<int> continuation;
};

/// A `kind: Secret` manifest written as text (a Helm template): its lines, 1-based.
struct TextSecret {
  int kind_line = 0;
  int kind_column = 0;
  std::string name;
  std::vector<TextEntry> data;         // entries of `data:` (base64)
  std::vector<TextEntry> string_data;  // entries of `stringData:`
};

std::string_view UnquoteValue(std::string_view v) {
  if (const size_t comment = v.find(" #"); comment != std::string_view::npos)
    v = v.substr(0, comment);
  v = Trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

/// Finds Secrets in a multi-document text by its top-level keys; template directives
/// (`{{- if }}`) are ignored so that they do not end a block.
std::vector<TextSecret> FindTextSecrets(const SourceFile& source) {
  std::vector<TextSecret> out;
  TextSecret current;
  bool v1 = false;
  std::vector<TextEntry>* block = nullptr;
  size_t entry_indent = 0;
  auto flush = [&] {
    if (current.kind_line > 0 && v1) out.push_back(std::move(current));
    current = TextSecret{};
    v1 = false;
    block = nullptr;
  };
  for (int n = 1; n <= source.line_count(); ++n) {
    const std::string_view line = source.Line(n);
    const std::string_view trimmed = Trim(line);
    if (StartsWith(line, "---")) {
      flush();
      continue;
    }
    if (trimmed.empty() || trimmed.front() == '#' || StartsWith(trimmed, "{{")) continue;
    const size_t indent = Indent(line);
    if (indent == 0) {
      block = nullptr;
      if (StartsWith(line, "kind:") && UnquoteValue(line.substr(5)) == "Secret") {
        current.kind_line = n;
        current.kind_column = static_cast<int>(line.find("Secret")) + 1;
      } else if (StartsWith(line, "apiVersion:")) {
        v1 = UnquoteValue(line.substr(11)) == "v1";
      } else if (trimmed == "data:") {
        block = &current.data;
      } else if (trimmed == "stringData:") {
        block = &current.string_data;
      }
      continue;
    }
    if (block) {
      if (block->empty()) entry_indent = indent;
      if (indent == entry_indent) {
        block->push_back({n, {}});
      } else if (indent > entry_indent && !block->empty()) {
        block->back().continuation.push_back(n);
      }
    }
    if (indent == 2 && StartsWith(trimmed, "name:") && current.name.empty()) {
      const std::string_view name = UnquoteValue(trimmed.substr(5));
      if (name.find("{{") == std::string_view::npos) current.name = std::string(name);
    }
  }
  flush();
  return out;
}

/// Whether a Secret value is committed as is: not empty, not filled in at render or deploy time,
/// not SOPS ciphertext. (A placeholder like `changeme` is still a committed Secret value.)
bool IsCommittedValue(std::string_view value) {
  const std::string_view v = Trim(value);
  return !v.empty() && v.find("{{") == std::string_view::npos &&
         v.find("${") == std::string_view::npos && !StartsWith(v, "ENC[");
}

/// Whether a text entry holds a literal value: its inline value, or the lines of its block.
bool IsLiteralEntry(const SourceFile& source, const TextEntry& entry) {
  std::optional<LineKeyValue> kv = SplitKeyValue(source.Line(entry.line));
  if (!kv) return false;
  const std::string_view value = Trim(kv->value);
  if (!value.empty() && (value.front() == '|' || value.front() == '>')) {
    for (int n : entry.continuation) {
      const std::string_view text = Trim(source.Line(n));
      if (IsCommittedValue(text)) return true;
    }
    return false;
  }
  return IsCommittedValue(value);
}

/// Documentation (README.md, README.md.gotmpl, .rst): its values are examples.
bool IsDocumentation(std::string_view path) {
  const std::string lower = ToLower(path);
  return lower.find(".md") != std::string::npos || lower.find(".rst") != std::string::npos ||
         lower.find(".adoc") != std::string::npos;
}

void ScanText(const FileUnit& file, std::vector<SecretHit>& out) {
  const SourceFile& source = *file.source;
  const std::vector<TextSecret> text_secrets = FindTextSecrets(source);
  std::vector<bool> skip(static_cast<size_t>(source.line_count()) + 1, false);
  for (const TextSecret& secret : text_secrets) {
    for (const TextEntry& entry : secret.data) skip[static_cast<size_t>(entry.line - 1)] = true;
  }
  ScanOptions options;
  options.no_password_heuristic = IsDocumentation(file.input.display_path);
  options.skip_key_lines = &skip;
  const std::string& text = source.text();
  for (const ValueHit& hit : ScanString("", "", text, options)) {
    SecretHit s{hit.kind, hit.what,
                hit.decoded.empty() ? text.substr(hit.offset, hit.length) : hit.decoded};
    s.at = source.PositionOfOffset(hit.offset);
    s.key = hit.key;
    s.weak = hit.weak;
    out.push_back(std::move(s));
  }
  // Decoded Secret data, judged by the data key; positioned at the base64 value.
  for (const TextSecret& secret : text_secrets) {
    for (const TextEntry& entry : secret.data) {
      const int n = entry.line;
      const std::string_view line = source.Line(n);
      std::optional<LineKeyValue> kv = SplitKeyValue(line);
      if (!kv || IsPlaceholder(kv->value)) continue;
      std::optional<std::string> decoded = DecodeBase64(kv->value);
      if (!decoded || !IsPrintableText(*decoded)) continue;
      for (const ValueHit& hit : ScanString("/data/" + ToLower(kv->key), kv->key, *decoded)) {
        bool seen = false;  // a pattern already matched the raw line (base64 PEM)
        for (const SecretHit& prior : out) seen |= prior.at.line == n && prior.kind == hit.kind;
        if (seen) continue;
        SecretHit s{hit.kind, hit.what,
                    hit.decoded.empty() ? decoded->substr(hit.offset, hit.length) : hit.decoded};
        s.at = {n, static_cast<int>(kv->value_offset) + 1};
        s.key = std::string(kv->key);
        s.weak = hit.weak;
        s.decoded = true;
        out.push_back(std::move(s));
      }
    }
  }
}

std::string Article(std::string_view kind) {
  return (!kind.empty() && std::string_view("AEIOU").find(kind[0]) != std::string_view::npos) ? "an"
                                                                                              : "a";
}

}  // namespace

std::vector<SecretHit> SecretsInDocument(const Document& doc) {
  std::vector<SecretHit> hits;
  if (doc.kind() != DocKind::kConfig && !IsRendered(doc)) DocumentScanner(hits).Scan(doc);
  return hits;
}

std::vector<SecretHit> SecretsInTextFile(const FileUnit& file) {
  std::vector<SecretHit> hits;
  const bool text = file.input.kind == FileKind::kText || file.input.kind == FileKind::kTemplate;
  if (text && file.source) ScanText(file, hits);
  return hits;
}

SecretScans::Slot& SecretScans::SlotFor(const void* subject,
                                        const std::shared_ptr<const SourceFile>& source) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::unique_ptr<Slot>& slot = slots_[{subject, source.get()}];
  if (!slot) {
    slot = std::make_unique<Slot>();
    slot->source = source;
  }
  return *slot;
}

const std::vector<SecretHit>& SecretScans::InDocument(const Document& doc) {
  Slot& slot = SlotFor(&doc, doc.source_ptr());
  std::call_once(slot.once, [&] { slot.hits = SecretsInDocument(doc); });
  return slot.hits;
}

const std::vector<SecretHit>& SecretScans::InTextFile(const FileUnit& file) {
  Slot& slot = SlotFor(&file, file.source);
  std::call_once(slot.once, [&] { slot.hits = SecretsInTextFile(file); });
  return slot.hits;
}

std::vector<PlaintextSecret> PlaintextSecretsIn(const Document& doc) {
  if (!IsV1Secret(doc) || IsRendered(doc) || doc.root().Get("sops")) return {};
  PlaintextSecret secret{doc.object().name, {}, doc.PositionOf("/kind")};
  for (const char* block : {"data", "stringData"}) {
    const Node* values = doc.root().Get(block);
    if (!values || !values->IsMap()) continue;
    for (const MapEntry& entry : values->Resolved().entries) {
      if (!entry.value->IsScalar() || !IsCommittedValue(entry.value->Text())) continue;
      secret.keys.push_back(entry.key->value);
    }
  }
  if (secret.keys.empty()) return {};
  return {std::move(secret)};
}

std::vector<PlaintextSecret> PlaintextSecretsIn(const FileUnit& file) {
  if (!file.source) return {};
  std::vector<PlaintextSecret> out;
  for (const TextSecret& text : FindTextSecrets(*file.source)) {
    PlaintextSecret secret{text.name, {}, {text.kind_line, text.kind_column}};
    for (const auto* entries : {&text.data, &text.string_data}) {
      for (const TextEntry& entry : *entries) {
        if (!IsLiteralEntry(*file.source, entry)) continue;
        secret.keys.emplace_back(SplitKeyValue(file.source->Line(entry.line))->key);
      }
    }
    if (!secret.keys.empty()) out.push_back(std::move(secret));
  }
  return out;
}

std::string WhereItEndsUp(const Document* doc, const FileUnit* file) {
  if (!doc) {
    if (file && file->input.kind == FileKind::kTemplate) {
      return "written in a Helm template committed to the repository and rendered into every "
             "release of the chart";
    }
    return "committed to the repository in plain text";
  }
  const Document& outer = doc->Outermost();
  const std::string& kind = outer.object().kind;
  switch (outer.kind()) {
    case DocKind::kApplication:
      return "stored in the Application object, readable by anyone who can read Applications "
             "in ArgoCD and the repository";
    case DocKind::kApplicationSet:
      return "stored in the ApplicationSet and every Application it generates, readable by "
             "anyone who can read Applications in ArgoCD and the repository";
    case DocKind::kValues:
      return "committed in Helm values, readable by anyone who can read the repository, and "
             "rendered into the release";
    case DocKind::kSealedSecret:
      return "in the SealedSecret's template, which is not encrypted";
    case DocKind::kManifest:
      if (kind == "Secret") {
        return "in a Secret committed to the repository (base64 is an encoding, not "
               "encryption), readable by anyone who can read the repository";
      }
      if (kind == "ConfigMap") {
        return "in a ConfigMap, readable by anyone who can read ConfigMaps in its namespace and "
               "the repository";
      }
      return fmt::format(
          "in {} {} committed to the repository, readable by anyone who can read "
          "the repository or the object in the cluster",
          Article(kind), kind);
    default:
      return "committed to the repository in plain text";
  }
}

std::string HitMessage(const SecretHit& hit, const FileUnit* file) {
  std::string what = hit.what;
  if (hit.kind == SecretKind::kPasswordValue) {
    what =
        hit.key.empty() ? "literal secret value" : fmt::format("literal value for '{}'", hit.key);
  }
  return fmt::format("{} ({}){}, {}", what, Redact(hit.secret),
                     hit.decoded ? " in base64-decoded Secret data" : "",
                     WhereItEndsUp(hit.doc, file));
}

ReportExtra HitExtra(const SecretHit& hit) {
  ReportExtra extra;
  if (hit.weak) extra.severity = Severity::kWarning;
  extra.secret = hit.secret;
  extra.at = hit.at;
  return extra;
}

Expected<Allowlist> Allowlist::FromConfig(const Config& config) {
  Allowlist allowlist;
  allowlist.root_ = config.root();
  const Document* doc = config.document();
  const Node* section = doc ? doc->root().Get("secrets") : nullptr;
  if (!section || section->IsNull()) return allowlist;
  auto error = [&](std::string_view pointer, const std::string& message) {
    const Position pos = doc->PositionOf(pointer);
    return Unexpected(fmt::format("{}:{}:{}: {}", config.path(), pos.line, pos.column, message));
  };
  if (!section->IsMap()) return error("/secrets", "secrets must be a mapping (allowlist: ...)");
  for (const MapEntry& entry : section->Resolved().entries) {
    if (entry.key->value != "allowlist") {
      return error(JoinPointer("/secrets", entry.key->value),
                   fmt::format("unknown key secrets.{}{}", entry.key->value,
                               DidYouMean(entry.key->value, {"allowlist"})));
    }
  }
  const Node* list = section->Get("allowlist");
  if (!list || list->IsNull()) return allowlist;
  if (!list->IsMap()) return error("/secrets/allowlist", "secrets.allowlist must be a mapping");
  for (const MapEntry& entry : list->Resolved().entries) {
    const std::string& name = entry.key->value;
    const std::string pointer = JoinPointer("/secrets/allowlist", name);
    if (name != "paths" && name != "values" && name != "fingerprints") {
      return error(pointer, fmt::format("unknown key secrets.allowlist.{}{}", name,
                                        DidYouMean(name, {"paths", "values", "fingerprints"})));
    }
    if (!entry.value->IsSeq()) {
      return error(pointer, fmt::format("secrets.allowlist.{} must be a list of strings", name));
    }
    const auto& items = entry.value->Resolved().items;
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string item_pointer = pointer + "/" + std::to_string(i);
      if (!items[i]->IsScalar() || items[i]->Text().empty()) {
        return error(item_pointer, fmt::format("secrets.allowlist.{}[{}] must be a non-empty "
                                               "string",
                                               name, i));
      }
      const std::string text(items[i]->Text());
      if (name == "paths") allowlist.paths_.push_back(text);
      if (name == "fingerprints") allowlist.fingerprints_.push_back(text);
      if (name == "values") {
        RE2::Options options;
        options.set_log_errors(false);
        auto re = std::make_shared<const RE2>(text, options);
        if (!re->ok()) {
          return error(item_pointer, fmt::format("secrets.allowlist.values[{}]: invalid regular "
                                                 "expression: {}",
                                                 i, re->error()));
        }
        allowlist.values_.push_back(std::move(re));
      }
    }
  }
  return allowlist;
}

bool Allowlist::Allows(std::string_view display_path, std::string_view secret) const {
  std::string rel(display_path);
  if (!root_.empty() && root_ != "." && rel.rfind(root_ + "/", 0) == 0)
    rel = rel.substr(root_.size() + 1);
  for (const std::string& glob : paths_) {
    if (GlobMatch(glob, rel) || GlobMatch(glob, display_path)) return true;
  }
  for (const auto& re : values_) {
    if (RE2::PartialMatch(re2::StringPiece(secret.data(), secret.size()), *re)) return true;
  }
  return false;
}

void ReportHits(SecretKind kind, const Document& doc, const Allowlist& allowlist,
                SecretScans& scans, RuleContext& ctx) {
  for (const SecretHit& hit : scans.InDocument(doc)) {
    if (hit.kind != kind || allowlist.Allows(doc.source().path(), hit.secret)) continue;
    ctx.ReportIn(*hit.doc, hit.pointer, HitMessage(hit, nullptr), HitExtra(hit));
  }
}

void ReportHits(SecretKind kind, const FileUnit& file, const Allowlist& allowlist,
                SecretScans& scans, RuleContext& ctx) {
  for (const SecretHit& hit : scans.InTextFile(file)) {
    if (hit.kind != kind || allowlist.Allows(file.input.display_path, hit.secret)) continue;
    ctx.Report("", HitMessage(hit, &file), HitExtra(hit));
  }
}

}  // namespace syncgate::secrets
