#include "model/seal_secret.h"

#include <fmt/format.h>

#include <map>

#include "checker/scalar_types.h"
#include "model/sealed_secret.h"
#include "model/values_text.h"

namespace syncgate::model {
namespace {

constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

struct OutEntry;

/// An ordered YAML tree for output: mappings keep the order we build them in. (The members that
/// touch `map` are defined after OutEntry: clang wants the entry type complete there.)
struct Out {
  enum class Kind { kScalar, kRaw, kMap, kSeq } kind = Kind::kMap;
  std::string text;  // kScalar: quoted when needed; kRaw: written as is (true, 3)
  std::vector<OutEntry> map;
  std::vector<Out> seq;

  static Out Scalar(std::string_view s);
  Out& Set(std::string_view key, Out value);
  Out* Find(std::string_view key);
  bool Empty() const;
};

struct OutEntry {
  std::string key;
  Out value;
};

Out Out::Scalar(std::string_view s) { return Out{Kind::kScalar, std::string(s), {}, {}}; }

Out& Out::Set(std::string_view key, Out value) {
  for (auto& [k, v] : map) {
    if (k == key) return v = std::move(value);
  }
  map.push_back(OutEntry{std::string(key), std::move(value)});
  return map.back().value;
}

Out* Out::Find(std::string_view key) {
  for (auto& [k, v] : map) {
    if (k == key) return &v;
  }
  return nullptr;
}

bool Out::Empty() const {
  return kind == Kind::kMap ? map.empty() : kind == Kind::kSeq && seq.empty();
}

Out FromNode(const Node& node) {
  const Node& n = node.Resolved();
  if (n.kind == NodeKind::kMapping) {
    Out out;
    for (const MapEntry& e : n.entries) out.Set(e.key->value, FromNode(*e.value));
    return out;
  }
  if (n.kind == NodeKind::kSequence) {
    Out out{Out::Kind::kSeq, "", {}, {}};
    for (const Node* item : n.items) out.seq.push_back(FromNode(*item));
    return out;
  }
  if (n.type != ScalarType::kString && n.style == ScalarStyle::kPlain) {
    return Out{Out::Kind::kRaw, n.value, {}, {}};
  }
  return Out::Scalar(n.value);
}

void Emit(const Out& value, int indent, std::string& out);

void EmitEntries(const Out& map, int indent, std::string& out, bool first_inline) {
  bool first = true;
  for (const auto& [key, value] : map.map) {
    if (!(first && first_inline)) out.append(indent, ' ');
    first = false;
    out += YamlQuote(key) + ":";
    if ((value.kind == Out::Kind::kMap || value.kind == Out::Kind::kSeq) && !value.Empty()) {
      out += "\n";
      Emit(value, value.kind == Out::Kind::kMap ? indent + 2 : indent, out);
    } else {
      out += " ";
      Emit(value, indent, out);
    }
  }
}

void Emit(const Out& value, int indent, std::string& out) {
  switch (value.kind) {
    case Out::Kind::kScalar:
      out += YamlQuote(value.text) + "\n";
      return;
    case Out::Kind::kRaw:
      out += value.text + "\n";
      return;
    case Out::Kind::kMap:
      if (value.map.empty()) {
        out += "{}\n";
        return;
      }
      EmitEntries(value, indent, out, false);
      return;
    case Out::Kind::kSeq:
      if (value.seq.empty()) {
        out += "[]\n";
        return;
      }
      for (const Out& item : value.seq) {
        out.append(indent, ' ');
        out += "- ";
        if (item.kind == Out::Kind::kMap && !item.Empty()) {
          EmitEntries(item, indent + 2, out, true);
        } else if (item.kind == Out::Kind::kSeq && !item.Empty()) {
          out += "\n";
          Emit(item, indent + 2, out);
        } else {
          Emit(item, indent + 2, out);
        }
      }
      return;
  }
}

Error At(const Document& doc, const Node* node, std::string_view message) {
  const Position pos = node ? node->pos : doc.start();
  return Error{fmt::format("{}:{}:{}: {}", doc.source().path(), pos.line, pos.column, message)};
}

std::string_view TextAt(const Node& root, std::initializer_list<std::string_view> path) {
  const Node* n = root.Path(path);
  return n && n->IsScalar() ? n->Text() : std::string_view();
}

/// The Secret's values as kubeseal reads them: `data` decoded, then `stringData` over it.
Expected<std::map<std::string, sealing::SecretBytes>> SecretValues(const Document& secret) {
  std::map<std::string, sealing::SecretBytes> values;
  const Node& root = secret.root();
  if (const Node* data = root.Get("data"); data && data->IsMap()) {
    for (const MapEntry& e : data->Resolved().entries) {
      std::optional<std::string> decoded = sealing::DecodeBase64Strict(e.value->Text());
      if (!decoded && !e.value->Text().empty()) {
        return Unexpected(At(secret, e.value,
                             fmt::format("data.{} is not base64: values under "
                                         "data are base64, use stringData for "
                                         "plain text",
                                         e.key->value)));
      }
      values[e.key->value] = sealing::SecretBytes(decoded ? std::move(*decoded) : std::string());
    }
  }
  if (const Node* data = root.Get("stringData"); data && data->IsMap()) {
    for (const MapEntry& e : data->Resolved().entries) {
      values[e.key->value] = sealing::SecretBytes(std::string(e.value->Text()));
    }
  }
  if (values.empty()) return Unexpected(At(secret, &root, "the Secret has no data to seal"));
  return values;
}

Status CheckIsSecret(const Document& doc) {
  const Node& root = doc.root();
  if (!root.IsMap() || TextAt(root, {"kind"}) != "Secret" || TextAt(root, {"apiVersion"}) != "v1") {
    return Unexpected(At(doc, &root, "not a plain Secret (apiVersion: v1, kind: Secret)"));
  }
  return Ok{};
}

void SetScopeAnnotation(Out& metadata, sealing::Scope scope) {
  if (scope == sealing::Scope::kStrict) return;
  Out* annotations = metadata.Find("annotations");
  if (!annotations || annotations->kind != Out::Kind::kMap)
    annotations = &metadata.Set("annotations", Out{});
  annotations->Set(
      scope == sealing::Scope::kClusterWide ? kClusterWideAnnotation : kNamespaceWideAnnotation,
      Out::Scalar("true"));
}

/// The Secret's metadata as the template keeps it: identity, labels, annotations.
Out TemplateMetadata(const Node& root, std::string_view ns, sealing::Scope scope) {
  Out meta;
  meta.Set("name", Out::Scalar(TextAt(root, {"metadata", "name"})));
  if (!ns.empty()) meta.Set("namespace", Out::Scalar(ns));
  for (std::string_view field : {"labels", "annotations"}) {
    const Node* map = root.Path({"metadata", field});
    if (!map || !map->IsMap()) continue;
    Out copy;
    for (const MapEntry& e : map->Resolved().entries) {
      if (e.key->value != kLastApplied) copy.Set(e.key->value, FromNode(*e.value));
    }
    if (!copy.Empty()) meta.Set(field, std::move(copy));
  }
  SetScopeAnnotation(meta, scope);
  return meta;
}

Expected<Out> SealValues(const Document& secret, std::string_view label, const SealRequest& request,
                         const sealing::Keyring& keyring) {
  Expected<std::map<std::string, sealing::SecretBytes>> values = SecretValues(secret);
  if (!values) return Unexpected(values.error());
  Out encrypted;
  for (const auto& [key, value] : *values) {  // std::map: sorted keys
    // A fixed stream is for one value only (tests); every other value draws fresh randomness.
    Expected<std::string> sealed =
        sealing::Seal(value.view(), label, keyring, 0,
                      encrypted.Empty() ? request.fixed_random : std::string_view());
    if (!sealed) return Unexpected(sealed.error());
    encrypted.Set(key, Out::Scalar(*sealed));
  }
  return encrypted;
}

}  // namespace

std::string YamlQuote(std::string_view text) {
  bool plain = !text.empty() && std::isalpha(static_cast<unsigned char>(text[0]));
  for (char c : text) {
    plain &= std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
             c == '/' || c == '+' || c == '=';
  }
  // A word YAML 1.1 or 1.2 reads as a boolean or null (`yes`, `No`, `null`) must stay a string.
  plain = plain && ResolveYaml11(text) == ScalarType::kString;
  if (plain) return std::string(text);
  return YamlDoubleQuoted(text);
}

Expected<std::string> SealSecret(const Document& secret, const SealRequest& request,
                                 const sealing::Keyring& keyring) {
  if (Status ok = CheckIsSecret(secret); !ok) return Unexpected(ok.error());
  const Node& root = secret.root();
  const std::string name(TextAt(root, {"metadata", "name"}));
  if (name.empty()) return Unexpected(At(secret, &root, "the Secret has no metadata.name"));
  std::string ns(TextAt(root, {"metadata", "namespace"}));
  if (!ns.empty() && !request.ns.empty() && ns != request.ns) {
    return Unexpected(At(
        secret, root.Path({"metadata", "namespace"}),
        fmt::format("the Secret's namespace '{}' differs from --namespace '{}'", ns, request.ns)));
  }
  if (ns.empty()) ns = request.ns;
  if (ns.empty() && request.scope != sealing::Scope::kClusterWide) {
    return Unexpected(At(secret, root.Get("metadata"),
                         fmt::format("a {} SealedSecret needs a namespace: set metadata.namespace "
                                     "or pass --namespace",
                                     sealing::ScopeName(request.scope))));
  }
  Expected<Out> encrypted =
      SealValues(secret, sealing::LabelFor(request.scope, ns, name), request, keyring);
  if (!encrypted) return Unexpected(encrypted.error());

  Out doc;
  doc.Set("apiVersion", Out::Scalar("bitnami.com/v1alpha1"));
  doc.Set("kind", Out::Scalar("SealedSecret"));
  Out& metadata = doc.Set("metadata", Out{});
  metadata.Set("name", Out::Scalar(name));
  if (!ns.empty()) metadata.Set("namespace", Out::Scalar(ns));
  SetScopeAnnotation(metadata, request.scope);
  Out& spec = doc.Set("spec", Out{});
  spec.Set("encryptedData", std::move(*encrypted));
  Out& tmpl = spec.Set("template", Out{});
  tmpl.Set("metadata", TemplateMetadata(root, ns, request.scope));
  if (const Node* type = root.Get("type")) tmpl.Set("type", FromNode(*type));
  if (const Node* immutable = root.Get("immutable")) tmpl.Set("immutable", FromNode(*immutable));
  std::string out;
  Emit(doc, 0, out);
  return out;
}

Expected<std::string> MergeIntoSealedSecret(const Document& sealed, const Document& secret,
                                            const SealRequest& request,
                                            const sealing::Keyring& keyring) {
  if (Status ok = CheckIsSecret(secret); !ok) return Unexpected(ok.error());
  if (sealed.kind() != DocKind::kSealedSecret) {
    return Unexpected(At(sealed, &sealed.root(), "--merge-into needs a SealedSecret"));
  }
  // The existing object decides the label, as kubeseal --merge-into does.
  const SealedObject target = ReadSealedSecret(sealed);
  std::string ns = target.ns.empty() ? request.ns : target.ns;
  if (ns.empty() && target.scope != sealing::Scope::kClusterWide) {
    return Unexpected(At(sealed, sealed.root().Get("metadata"),
                         "the SealedSecret has no namespace: pass --namespace"));
  }
  Expected<Out> encrypted =
      SealValues(secret, sealing::LabelFor(target.scope, ns, target.name), request, keyring);
  if (!encrypted) return Unexpected(encrypted.error());

  Out doc = FromNode(sealed.root());
  Out* spec = doc.Find("spec");
  if (!spec || spec->kind != Out::Kind::kMap) spec = &doc.Set("spec", Out{});
  Out* data = spec->Find("encryptedData");
  if (!data || data->kind != Out::Kind::kMap) data = &spec->Set("encryptedData", Out{});
  for (auto& [key, value] : encrypted->map) data->Set(key, std::move(value));
  Out* tmpl = spec->Find("template");
  if (!tmpl || tmpl->kind != Out::Kind::kMap) tmpl = &spec->Set("template", Out{});
  Out* tmeta = tmpl->Find("metadata");
  if (!tmeta || tmeta->kind != Out::Kind::kMap) tmeta = &tmpl->Set("metadata", Out{});
  const Out incoming = TemplateMetadata(secret.root(), ns, target.scope);
  for (std::string_view field : {"labels", "annotations"}) {
    const Out* from = nullptr;
    for (const auto& [k, v] : incoming.map) {
      if (k == field) from = &v;
    }
    if (!from) continue;
    Out* into = tmeta->Find(field);
    if (!into || into->kind != Out::Kind::kMap) into = &tmeta->Set(field, Out{});
    for (const auto& [k, v] : from->map) into->Set(k, v);
  }
  std::string out;
  Emit(doc, 0, out);
  return out;
}

}  // namespace syncgate::model
