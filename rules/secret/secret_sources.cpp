#include "rules/secret/secret_sources.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <unordered_map>

#include "checker/redaction.h"
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

/// Whether a comment on `line` or the line above says the value there is to be replaced
/// (`value: 8312...  # REQUIRED - replace with your access key`): a placeholder by its author's
/// word, however real it looks. A note on a working default ("change in production") is not.
bool AuthorSaysPlaceholder(const SourceFile& source, int line) {
  for (int n = std::max(1, line - 1); n <= line; ++n) {
    const std::string_view text = source.Line(n);
    const size_t hash = text.find('#');
    if (hash == std::string_view::npos) continue;
    const std::string comment = ToLower(text.substr(hash));
    for (std::string_view phrase : {"replace with your", "replace it with your", "insert your",
                                    "put your", "enter your", "add your", "fill in your"}) {
      if (comment.find(phrase) != std::string::npos) return true;
    }
  }
  return false;
}

/// The purpose of the file a document comes from (documentation, test fixture, CI workflow).
FilePurpose PurposeOfDocument(const Document& doc) {
  return PurposeOf(doc.Outermost().source().path());
}

/// The last token of a pointer: the key that holds the node.
std::string_view LastKey(std::string_view pointer) {
  return pointer.substr(pointer.rfind('/') + 1);
}

/// Lower case letters and digits only, as the scanner compares keys.
std::string Normalized(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

class DocumentScanner {
 public:
  DocumentScanner(std::vector<SecretHit>& out, FilePurpose purpose) : out_(out), purpose_(purpose) {
    options_.no_password_heuristic = purpose == FilePurpose::kDocumentation;
  }

  void Scan(const Document& doc) {
    // Strings opened as YAML are scanned as their documents, not again as text.
    std::vector<std::string> skip;
    model::ForEachEmbeddedYaml(doc, [&](const Document& child, std::string_view pointer) {
      skip.emplace_back(pointer);
      DocumentScanner(out_, purpose_).Scan(child);
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
      if (Skipped(at) || NotScanned(LastKey(at))) return false;
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
  /// Keys whose values are not read for secrets: prose (a CRD's `description`), and a CI
  /// workflow's `permissions` (`id-token: write`).
  bool NotScanned(std::string_view key) const {
    return key == "description" || (purpose_ == FilePurpose::kCiWorkflow && key == "permissions");
  }

  void ScanMapping(const Document& doc, const Node& map, const std::string& at) {
    // `{name: DB_PASSWORD, value: ...}` (env, Helm parameters): the name is the key.
    const Node* name = map.Get("name");
    // An ExternalSecret's `{secretKey: password, remoteRef: {...}}`: secretKey names the key
    // to fill.
    const bool external_ref = map.Get("remoteRef") != nullptr;
    for (const MapEntry& entry : map.entries) {
      const std::string& key = entry.key->value;
      if (NotScanned(key)) continue;
      std::string_view context_key = key;
      if (key == "value" && name && name->IsScalar()) context_key = name->Text();
      if ((external_ref && key == "secretKey") || NamesKeyOfSibling(map, key)) context_key = {};
      ScanScalar(doc, context_key, *entry.value, JoinPointer(at, key));
    }
  }

  /// `clusterSecretKey` beside `clusterSecretName`: the key to read in the Secret the sibling
  /// names, not a secret key.
  static bool NamesKeyOfSibling(const Node& map, std::string_view key) {
    const std::string norm = Normalized(key);
    if (norm.size() <= 3 || !EndsWith(norm, "key")) return false;
    const std::string sibling = norm.substr(0, norm.size() - 3) + "name";
    for (const MapEntry& entry : map.entries) {
      if (Normalized(entry.key->value) == sibling) return true;
    }
    return false;
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
    const std::vector<ValueHit> hits =
        ScanString(LowerPointer(doc, pointer), key, node.value, options_);
    for (const ValueHit& hit : hits) {
      // Judged by its key only: the author's comment can say it is a placeholder.
      const bool by_key = hit.kind == SecretKind::kPasswordValue && !hit.hash;
      if (by_key && AuthorSaysPlaceholder(doc.source(), node.pos.line)) continue;
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
      out.info = hit.example;
      out.hash = hit.hash;
      out_.push_back(std::move(out));
    }
  }

  static bool IsNestedSecret(const Node& map) {
    const Node* kind = map.Get("kind");
    const Node* data = map.Get("data");
    return kind && kind->Text() == "Secret" && data && data->IsMap();
  }

  /// A Secret's `data` is base64: decode each value and scan what it says. Bytes that are not
  /// text are still a credential when the key names one (a raw `AWS_SECRET_ACCESS_KEY` put in
  /// `data` without encoding it decodes to binary).
  void ScanSecretData(const Document& doc, const Node& secret, const std::string& at) {
    const Node* data = secret.Get("data");
    if (!data || !data->IsMap()) return;
    ScanOptions options = options_;
    options.secret_data = true;
    for (const MapEntry& entry : data->Resolved().entries) {
      const Node& value = entry.value->Resolved();
      if (value.kind != NodeKind::kScalar || value.value.empty()) continue;
      std::optional<std::string> decoded = DecodeBase64(value.value);
      if (!decoded) continue;
      const std::string& key = entry.key->value;
      const std::string pointer = JoinPointer(at + "/data", key);
      const bool binary = !IsPrintableText(*decoded);
      if (binary && (options.no_password_heuristic || !IsSecretKey(key))) continue;
      // Binary: the committed text is the credential; judge it as it stands.
      const std::string& text = binary ? value.value : *decoded;
      std::vector<ValueHit> hits = ScanString(LowerPointer(doc, pointer), key, text, options);
      if (binary && hits.empty()) {
        ValueHit hit{SecretKind::kPasswordValue, "literal value", 0, text.size()};
        hit.key = key;
        hits.push_back(std::move(hit));
      }
      for (const ValueHit& hit : hits) {
        SecretHit out{hit.kind,
                      hit.what,
                      hit.decoded.empty() ? text.substr(hit.offset, hit.length) : hit.decoded,
                      &doc,
                      pointer,
                      key};
        out.at = value.pos;
        out.weak = hit.weak;
        out.info = hit.example;
        out.hash = hit.hash;
        out.decoded = !binary;
        out_.push_back(std::move(out));
      }
    }
  }

  std::vector<SecretHit>& out_;
  FilePurpose purpose_;
  ScanOptions options_;
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
/// not SOPS ciphertext. Whether it is a credential is IsSensitiveSecretEntry's question.
bool IsCommittedValue(std::string_view value) {
  const std::string_view v = Trim(value);
  return !v.empty() && v.find("{{") == std::string_view::npos &&
         v.find("${") == std::string_view::npos && !StartsWith(v, "ENC[");
}

/// Whether a Secret entry holds a credential, judging `data` values by what they decode to.
/// Bytes that are not text (a keystore, a raw key) cannot be read: a credential unless the key
/// names public material (a certificate, a trust store).
bool IsSensitiveValue(std::string_view key, std::string_view value, bool base64) {
  if (base64) {
    std::optional<std::string> decoded = DecodeBase64(value);
    if (decoded && IsPrintableText(*decoded)) return IsSensitiveSecretEntry(key, *decoded);
    if (decoded && !decoded->empty()) {
      const std::string k = ToLower(key);
      for (std::string_view public_material : {"crt", "cert", "pub", "truststore"}) {
        if (k.find(public_material) != std::string::npos) return false;
      }
      return true;
    }
  }
  return IsSensitiveSecretEntry(key, value);
}

/// Whether a text entry holds a literal credential: its inline value, or the lines of its
/// block (a configuration file).
bool IsSensitiveTextEntry(const SourceFile& source, const TextEntry& entry, bool base64) {
  std::optional<LineKeyValue> kv = SplitKeyValue(source.Line(entry.line));
  if (!kv) return false;
  const std::string_view value = Trim(kv->value);
  if (!value.empty() && (value.front() == '|' || value.front() == '>')) {
    std::string content;
    bool committed = false;
    for (int n : entry.continuation) {
      const std::string_view text = Trim(source.Line(n));
      committed |= IsCommittedValue(text);
      content.append(text).append("\n");
    }
    return committed && IsSensitiveSecretEntry(kv->key, content);
  }
  return IsCommittedValue(value) && IsSensitiveValue(kv->key, value, base64);
}

/// Marks (0-based) the lines of a template that begin inside a `{{ ... }}` action or comment
/// opened on an earlier line: a template expression or comment spanning lines, not YAML.
void MarkTemplateActionLines(const SourceFile& source, std::vector<bool>& skip) {
  // What closes what is open: nothing (""), an action ("}}") or a comment ("*/", which may hold
  // `{{ ... }}` examples of its own).
  std::string_view closing;
  for (int n = 1; n <= source.line_count(); ++n) {
    const std::string_view line = source.Line(n);
    if (!closing.empty()) skip[static_cast<size_t>(n - 1)] = true;
    size_t i = 0;
    while (i < line.size()) {
      const size_t next = line.find(closing.empty() ? "{{" : closing, i);
      if (next == std::string_view::npos) break;
      i = next + 2;
      if (!closing.empty()) {
        closing = {};
        continue;
      }
      size_t body = i;
      if (body < line.size() && line[body] == '-') ++body;
      while (body < line.size() && line[body] == ' ') ++body;
      closing = line.compare(body, 2, "/*") == 0 ? "*/" : "}}";
      if (closing == "*/") i = body + 2;
    }
  }
}

void ScanText(const FileUnit& file, std::vector<SecretHit>& out) {
  const SourceFile& source = *file.source;
  const std::vector<TextSecret> text_secrets = FindTextSecrets(source);
  std::vector<bool> skip(static_cast<size_t>(source.line_count()) + 1, false);
  for (const TextSecret& secret : text_secrets) {
    for (const TextEntry& entry : secret.data) skip[static_cast<size_t>(entry.line - 1)] = true;
  }
  if (file.input.kind == FileKind::kTemplate) MarkTemplateActionLines(source, skip);
  ScanOptions options;
  options.no_password_heuristic = PurposeOf(file.input.display_path) == FilePurpose::kDocumentation;
  options.skip_key_lines = &skip;
  const std::string& text = source.text();
  for (const ValueHit& hit : ScanString("", "", text, options)) {
    const Position at = source.PositionOfOffset(hit.offset);
    const bool by_key = hit.kind == SecretKind::kPasswordValue && !hit.hash;
    if (by_key && AuthorSaysPlaceholder(source, at.line)) continue;
    SecretHit s{hit.kind, hit.what,
                hit.decoded.empty() ? text.substr(hit.offset, hit.length) : hit.decoded};
    s.at = at;
    s.key = hit.key;
    s.weak = hit.weak;
    s.info = hit.example;
    s.hash = hit.hash;
    out.push_back(std::move(s));
  }
  // Decoded Secret data, judged by the data key; positioned at the base64 value.
  ScanOptions data_options;
  data_options.no_password_heuristic = options.no_password_heuristic;
  data_options.secret_data = true;
  for (const TextSecret& secret : text_secrets) {
    for (const TextEntry& entry : secret.data) {
      const int n = entry.line;
      const std::string_view line = source.Line(n);
      std::optional<LineKeyValue> kv = SplitKeyValue(line);
      if (!kv || IsPlaceholder(kv->value)) continue;
      std::optional<std::string> decoded = DecodeBase64(kv->value);
      if (!decoded) continue;
      // Binary once decoded: the committed text is the credential when the key names one.
      const bool binary = !IsPrintableText(*decoded);
      if (binary && (data_options.no_password_heuristic || !IsSecretKey(kv->key))) continue;
      const std::string value = binary ? std::string(kv->value) : *decoded;
      std::vector<ValueHit> hits =
          ScanString("/data/" + ToLower(kv->key), kv->key, value, data_options);
      if (binary && hits.empty()) {
        ValueHit hit{SecretKind::kPasswordValue, "literal value", 0, value.size()};
        hit.key = std::string(kv->key);
        hits.push_back(std::move(hit));
      }
      for (const ValueHit& hit : hits) {
        bool seen = false;  // a pattern already matched the raw line (base64 PEM)
        for (const SecretHit& prior : out) seen |= prior.at.line == n && prior.kind == hit.kind;
        if (seen) continue;
        SecretHit s{hit.kind, hit.what,
                    hit.decoded.empty() ? value.substr(hit.offset, hit.length) : hit.decoded};
        s.at = {n, static_cast<int>(kv->value_offset) + 1};
        s.key = std::string(kv->key);
        s.weak = hit.weak;
        s.info = hit.example;
        s.hash = hit.hash;
        s.decoded = !binary;
        out.push_back(std::move(s));
      }
    }
  }
}

/// Test fixtures are inputs of tests, not deployed: a weak value there is no finding, and a
/// real-shaped credential is worth an info.
void AsTestFixture(std::vector<SecretHit>& hits) {
  std::erase_if(hits, [](const SecretHit& hit) {
    return hit.kind == SecretKind::kPasswordValue && hit.weak && !hit.hash;
  });
  for (SecretHit& hit : hits) hit.info = true;
}

bool IsJsonFile(const FileUnit& file) {
  return file.input.kind == FileKind::kText && EndsWith(ToLower(file.input.display_path), ".json");
}

std::string Article(std::string_view kind) {
  return (!kind.empty() && std::string_view("AEIOU").find(kind[0]) != std::string_view::npos) ? "an"
                                                                                              : "a";
}

}  // namespace

std::vector<SecretHit> SecretsInDocument(const Document& doc) {
  std::vector<SecretHit> hits;
  if (doc.kind() == DocKind::kConfig || IsRendered(doc)) return hits;
  const FilePurpose purpose = PurposeOfDocument(doc);
  DocumentScanner(hits, purpose).Scan(doc);
  if (purpose == FilePurpose::kTestFixture) AsTestFixture(hits);
  return hits;
}

std::vector<SecretHit> SecretsInTextFile(const FileUnit& file) {
  std::vector<SecretHit> hits;
  const bool text = file.input.kind == FileKind::kText || file.input.kind == FileKind::kTemplate;
  if (!text || !file.source) return hits;
  const FilePurpose purpose = PurposeOf(file.input.display_path);
  bool structured = false;
  if (IsJsonFile(file)) {
    // JSON is YAML: read it as documents, so that keys reach the values in arrays (the
    // `unseal_keys_b64` of `vault operator init -format=json`). Text when it does not parse.
    LoadResult loaded = LoadYaml(file.source);
    if (!loaded.error && !loaded.documents.empty()) {
      structured = true;
      for (const auto& doc : loaded.documents) DocumentScanner(hits, purpose).Scan(*doc);
      for (SecretHit& hit : hits) {  // the documents end here; positions are kept
        hit.doc = nullptr;
        hit.pointer.clear();
      }
    }
  }
  if (!structured) ScanText(file, hits);
  if (purpose == FilePurpose::kTestFixture) AsTestFixture(hits);
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

namespace {

/// Every form a secret has in the file is remembered, so that no channel prints it
/// (checker/redaction.h): the secret, and for decoded Secret data the base64 text it came from.
void RememberHits(const std::vector<SecretHit>& hits, const SourceFile* source) {
  for (const SecretHit& hit : hits) {
    RememberSecret(hit.secret);
    if (!hit.decoded || !source || hit.at.line < 1 || hit.at.column < 1) continue;
    std::string_view rest = source->Line(hit.at.line);
    if (static_cast<size_t>(hit.at.column - 1) >= rest.size()) continue;
    rest.remove_prefix(static_cast<size_t>(hit.at.column - 1));
    if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) rest.remove_prefix(1);
    const std::string_view encoded = rest.substr(0, rest.find_first_of(" \"'#"));
    // Only what really encodes the secret (an embedded document's positions may not be lines
    // of `source`): scrubbing a word that is not secret would garble every report.
    if (DecodeBase64(encoded) == hit.secret) RememberSecret(encoded);
  }
}

}  // namespace

const std::vector<SecretHit>& SecretScans::InDocument(const Document& doc) {
  Slot& slot = SlotFor(&doc, doc.source_ptr());
  std::call_once(slot.once, [&] {
    slot.hits = SecretsInDocument(doc);
    RememberHits(slot.hits, doc.source_ptr().get());
  });
  return slot.hits;
}

const std::vector<SecretHit>& SecretScans::InTextFile(const FileUnit& file) {
  Slot& slot = SlotFor(&file, file.source);
  std::call_once(slot.once, [&] {
    slot.hits = SecretsInTextFile(file);
    RememberHits(slot.hits, file.source.get());
  });
  return slot.hits;
}

std::vector<PlaintextSecret> PlaintextSecretsIn(const Document& doc) {
  if (!IsV1Secret(doc) || IsRendered(doc) || doc.root().Get("sops")) return {};
  // Helm's own release records (gzipped release metadata), not a credential Secret.
  if (const Node* type = doc.root().Get("type"); type && type->Text() == "helm.sh/release.v1") {
    return {};
  }
  const FilePurpose purpose = PurposeOfDocument(doc);
  if (purpose == FilePurpose::kDocumentation || purpose == FilePurpose::kTestFixture) return {};
  PlaintextSecret secret{doc.object().name, {}, doc.PositionOf("/kind")};
  for (const char* block : {"data", "stringData"}) {
    const Node* values = doc.root().Get(block);
    if (!values || !values->IsMap()) continue;
    for (const MapEntry& entry : values->Resolved().entries) {
      if (!entry.value->IsScalar() || !IsCommittedValue(entry.value->Text())) continue;
      const bool base64 = std::string_view(block) == "data";
      if (!IsSensitiveValue(entry.key->value, entry.value->Text(), base64)) continue;
      secret.keys.push_back(entry.key->value);
    }
  }
  if (secret.keys.empty()) return {};
  return {std::move(secret)};
}

std::vector<PlaintextSecret> PlaintextSecretsIn(const FileUnit& file) {
  if (!file.source) return {};
  const FilePurpose purpose = PurposeOf(file.input.display_path);
  if (purpose == FilePurpose::kDocumentation || purpose == FilePurpose::kTestFixture) return {};
  std::vector<PlaintextSecret> out;
  if (IsJsonFile(file)) {
    LoadResult loaded = LoadYaml(file.source);
    if (!loaded.error) {
      for (const auto& doc : loaded.documents) {
        for (PlaintextSecret& secret : PlaintextSecretsIn(*doc)) out.push_back(std::move(secret));
      }
      return out;
    }
  }
  for (const TextSecret& text : FindTextSecrets(*file.source)) {
    PlaintextSecret secret{text.name, {}, {text.kind_line, text.kind_column}};
    for (const auto* entries : {&text.data, &text.string_data}) {
      for (const TextEntry& entry : *entries) {
        if (!IsSensitiveTextEntry(*file.source, entry, entries == &text.data)) continue;
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
  std::string after;
  if (hit.hash) {
    if (!hit.key.empty()) what += fmt::format(" for '{}'", hit.key);
    after = ": not the password, but crackable offline (a weak one in minutes)";
  } else if (hit.kind == SecretKind::kPasswordValue) {
    what =
        hit.key.empty() ? "literal secret value" : fmt::format("literal value for '{}'", hit.key);
  }
  const std::string_view path =
      file ? std::string_view(file->input.display_path)
           : (hit.doc ? std::string_view(hit.doc->Outermost().source().path()) : "");
  const std::string where = PurposeOf(path) == FilePurpose::kTestFixture
                                ? "in a test fixture (an input of tests, not deployed)"
                                : WhereItEndsUp(hit.doc, file);
  return fmt::format("{} ({}){}{}, {}", what, Redact(hit.secret),
                     hit.decoded ? " in base64-decoded Secret data" : "", after, where);
}

ReportExtra HitExtra(const SecretHit& hit) {
  ReportExtra extra;
  if (hit.weak) extra.severity = Severity::kWarning;
  if (hit.info) extra.severity = Severity::kInfo;
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
