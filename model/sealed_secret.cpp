#include "model/sealed_secret.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "checker/finding.h"
#include "checker/text_util.h"
#include "model/application.h"

namespace syncgate::model {
namespace {
namespace fs = std::filesystem;

std::string_view TextAt(const Node* node, std::initializer_list<std::string_view> path) {
  const Node* found = node ? node->Path(path) : nullptr;
  return found && found->IsScalar() ? found->Text() : std::string_view();
}

/// The scope an annotations map asks for, and its contradictions.
sealing::Scope ScopeOf(const Node* annotations, const std::string& pointer,
                       std::vector<ObjectProblem>& problems) {
  bool cluster = false;
  bool ns_wide = false;
  for (std::string_view name : {kClusterWideAnnotation, kNamespaceWideAnnotation}) {
    const Node* value = annotations ? annotations->Get(name) : nullptr;
    if (!value) continue;
    const std::string_view text = value->Text();
    if (text == "true") {
      (name == kClusterWideAnnotation ? cluster : ns_wide) = true;
    } else if (text != "false") {
      problems.push_back({JoinPointer(pointer, name),
                          fmt::format("scope annotation '{}' is '{}': the controller honours only "
                                      "\"true\"; the value is sealed strict",
                                      name, text)});
    }
  }
  if (cluster && ns_wide) {
    problems.push_back({JoinPointer(pointer, kNamespaceWideAnnotation),
                        "both cluster-wide and namespace-wide are \"true\": the controller uses "
                        "cluster-wide; keep only the scope the values were sealed with"});
  }
  return cluster   ? sealing::Scope::kClusterWide
         : ns_wide ? sealing::Scope::kNamespaceWide
                   : sealing::Scope::kStrict;
}

/// Source paths of an Application (spec.source.path and spec.sources[].path).
std::vector<std::string> SourcePaths(const Application& app) {
  std::vector<std::string> paths;
  for (const AppSource& source : app.sources) {
    if (std::string_view p = Text(source.path); !p.empty()) paths.emplace_back(p);
  }
  return paths;
}

}  // namespace

SealedObject ReadSealedSecret(const Document& doc) {
  SealedObject out;
  const Node& root = doc.root();
  out.name = std::string(TextAt(&root, {"metadata", "name"}));
  out.ns = std::string(TextAt(&root, {"metadata", "namespace"}));
  out.scope =
      ScopeOf(root.Path({"metadata", "annotations"}), "/metadata/annotations", out.problems);
  if (out.name.empty())
    out.problems.push_back({"/metadata", "the SealedSecret has no metadata.name"});

  const Node* tmeta = root.Path({"spec", "template", "metadata"});
  if (std::string_view tname = TextAt(tmeta, {"name"}); !tname.empty() && tname != out.name) {
    out.problems.push_back(
        {"/spec/template/metadata/name", fmt::format("spec.template.metadata.name '{}' contradicts "
                                                     "metadata.name '{}'",
                                                     tname, out.name)});
  }
  if (std::string_view tns = TextAt(tmeta, {"namespace"});
      !tns.empty() && !out.ns.empty() && tns != out.ns) {
    out.problems.push_back({"/spec/template/metadata/namespace",
                            fmt::format("spec.template.metadata.namespace '{}' contradicts "
                                        "metadata.namespace '{}'",
                                        tns, out.ns)});
  }
  if (const Node* tann = tmeta ? tmeta->Get("annotations") : nullptr) {
    std::vector<ObjectProblem> ignored;
    const sealing::Scope template_scope = ScopeOf(tann, "", ignored);
    const bool names_scope =
        tann->Get(kClusterWideAnnotation) || tann->Get(kNamespaceWideAnnotation);
    if (names_scope && template_scope != out.scope) {
      out.problems.push_back(
          {"/spec/template/metadata/annotations",
           fmt::format("the template's scope annotation says {}, the object's "
                       "metadata says {}: the controller unseals with the "
                       "object's",
                       sealing::ScopeName(template_scope), sealing::ScopeName(out.scope))});
    }
  }

  const Node* data = root.Path({"spec", "encryptedData"});
  if (root.Path({"spec", "data"}) && data) {
    out.problems.push_back({"/spec/data",
                            "spec.data (the deprecated v1 format) and "
                            "spec.encryptedData together: the controller rejects it"});
  }
  if (data && !data->IsMap() && !data->IsNull()) {
    out.problems.push_back(
        {"/spec/encryptedData", "spec.encryptedData must be a map of sealed values"});
  } else if (data && data->IsMap()) {
    for (const MapEntry& entry : data->Resolved().entries) {
      const std::string pointer = JoinPointer("/spec/encryptedData", entry.key->value);
      if (!entry.value->IsScalar() || entry.value->IsNull()) {
        out.problems.push_back(
            {pointer, fmt::format("encryptedData '{}' is not a sealed string", entry.key->value)});
        continue;
      }
      out.items.push_back({entry.key->value, pointer, entry.value});
    }
  }
  return out;
}

std::string ResolveNamespace(const Document& doc, const SealedObject& sealed,
                             const Workspace& workspace, std::string_view default_ns) {
  if (!sealed.ns.empty()) return sealed.ns;
  const std::string file = "/" + doc.Outermost().source().path();
  std::string best;
  size_t best_len = 0;
  workspace.ForEachDocument(DocKind::kApplication, [&](const Document& doc) {
    const std::optional<Application> app = ReadApplication(doc);
    const std::string_view dest = app ? Text(app->destination_namespace) : std::string_view();
    if (dest.empty()) return;
    for (std::string path : SourcePaths(*app)) {
      while (!path.empty() && (path.back() == '/' || path.front() == '.')) {
        path = path.back() == '/' ? path.substr(0, path.size() - 1) : path.substr(1);
        if (!path.empty() && path.front() == '/') path = path.substr(1);
      }
      if (path.empty() || file.find("/" + path + "/") == std::string::npos) continue;
      if (path.size() > best_len) {
        best = std::string(dest);
        best_len = path.size();
      }
    }
  });
  if (!best.empty()) return best;
  return std::string(default_ns);
}

std::vector<std::string> CandidateLabels(const SealedObject& sealed, const Workspace& workspace,
                                         std::string_view default_ns) {
  std::set<std::string> namespaces = {"default"};
  if (!sealed.ns.empty()) namespaces.insert(sealed.ns);
  if (!default_ns.empty()) namespaces.insert(std::string(default_ns));
  workspace.ForEachDocument(kAnyObject, [&](const Document& doc) {
    if (!doc.object().ns.empty()) namespaces.insert(doc.object().ns);
    if (doc.kind() != DocKind::kApplication) return;
    const std::optional<Application> app = ReadApplication(doc);
    if (const std::string_view dest = app ? Text(app->destination_namespace) : ""; !dest.empty()) {
      namespaces.insert(std::string(dest));
    }
  });
  std::vector<std::string> labels = {""};
  for (const std::string& ns : namespaces) {
    labels.push_back(ns);
    if (!sealed.name.empty())
      labels.push_back(sealing::LabelFor(sealing::Scope::kStrict, ns, sealed.name));
  }
  return labels;
}

Expected<std::shared_ptr<SealingSetup>> SealingSetup::Get(const RunScope& run) {
  const Config& config = run.config;
  const RunSettings& settings = run.settings;
  std::vector<CertSource> certs;
  std::vector<std::string> keys;
  for (const std::string& path : settings.sealed_certs) certs.push_back({path, path, ""});
  for (const std::string& path : settings.sealed_keys) keys.push_back(path);
  if (const Document* doc = config.document()) {
    const Node* section = doc->root().IsMap() ? doc->root().Get("sealed_secrets") : nullptr;
    if (section && !section->IsMap() && !section->IsNull()) {
      return Unexpected(
          fmt::format("{}:{}:{}: sealed_secrets must be a map with certificates "
                      "and keys",
                      config.path(), section->pos.line, section->pos.column));
    }
    for (std::string_view field : {"certificates", "keys"}) {
      const Node* list = section && section->IsMap() ? section->Get(field) : nullptr;
      if (!list) continue;
      std::vector<const Node*> entries;
      if (list->IsScalar()) entries.push_back(list);
      if (list->IsSeq()) entries = list->Resolved().items;
      if (!list->IsScalar() && !list->IsSeq()) {
        return Unexpected(
            fmt::format("{}:{}:{}: sealed_secrets.{} must be a path or a list of "
                        "paths",
                        config.path(), list->pos.line, list->pos.column, field));
      }
      for (size_t i = 0; i < entries.size(); ++i) {
        const std::string given(entries[i]->Text());
        const std::string resolved = (fs::path(config.root()) / given).lexically_normal().string();
        const std::string pointer =
            fmt::format("/sealed_secrets/{}{}", field, list->IsSeq() ? fmt::format("/{}", i) : "");
        if (field == "certificates") {
          certs.push_back({given, resolved, pointer});
        } else {
          keys.push_back(resolved);
        }
      }
    }
  }
  std::string cache_key;
  for (const CertSource& c : certs) cache_key += "c:" + c.resolved + "@" + c.config_pointer + "\n";
  for (const std::string& k : keys) cache_key += "k:" + k + "\n";

  // Loaded once per run and set of files: the three sealed rules share one keyring.
  using Loaded = Expected<std::shared_ptr<SealingSetup>>;
  return *run.services.Get<Loaded>(cache_key, [&]() -> std::shared_ptr<Loaded> {
    auto setup = std::make_shared<SealingSetup>();
    for (const CertSource& c : certs) {
      if (Status ok = setup->keyring_.LoadCertificateFile(c.resolved); !ok) {
        return std::make_shared<Loaded>(
            Unexpected(fmt::format("sealed secrets certificate: {}", ok.error().message)));
      }
    }
    for (const std::string& k : keys) {
      if (Status ok = setup->keyring_.LoadKeyFile(k); !ok) {
        return std::make_shared<Loaded>(
            Unexpected(fmt::format("sealed secrets key: {}", ok.error().message)));
      }
    }
    setup->cert_sources_ = std::move(certs);
    return std::make_shared<Loaded>(std::move(setup));
  });
}

ValueVerdict SealingSetup::Verify(std::string_view sealed_b64, const std::string& label,
                                  const std::vector<std::string>& candidates) const {
  const std::string cache_key = Sha256Hex(std::string(sealed_b64) + '\0' + label);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = verdicts_.find(cache_key); it != verdicts_.end()) return it->second;
  }
  sealing::UnsealResult opened = sealing::Unseal(sealed_b64, label, keyring_, candidates);
  ValueVerdict verdict{opened.status, opened.reason, opened.sealed_label, false, ""};
  if (opened.status == sealing::UnsealStatus::kOk ||
      opened.status == sealing::UnsealStatus::kWrongLabel) {
    if (Trim(opened.plaintext.view()).empty()) {
      verdict.weak = true;
      verdict.weak_reason = opened.plaintext.size() == 0 ? "an empty value" : "only whitespace";
    } else if (IsPlaceholder(opened.plaintext.view())) {
      verdict.weak = true;
      verdict.weak_reason = fmt::format("a placeholder ({} characters)", opened.plaintext.size());
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  verdicts_.emplace(cache_key, verdict);
  return verdict;
}

bool IsPlaceholder(std::string_view value) {
  const std::string text = ToLower(Trim(value));
  static const std::set<std::string, std::less<>> kPlaceholders = {
      "changeme",   "change-me",   "change_me",     "changeit",      "password",    "passw0rd",
      "secret",     "todo",        "tbd",           "fixme",         "placeholder", "example",
      "dummy",      "test",        "testing",       "replaceme",     "replace-me",  "replace_me",
      "null",       "none",        "nil",           "default",       "admin",       "123456",
      "12345678",   "password123", "your-password", "your_password", "mypassword",  "redacted",
      "insert-here"};
  if (kPlaceholders.count(text)) return true;
  if (text.size() >= 2 && ((text.front() == '<' && text.back() == '>') ||
                           (StartsWith(text, "${") && text.back() == '}') ||
                           (StartsWith(text, "{{") && EndsWith(text, "}}")))) {
    return true;
  }
  // "xxxx", "****", "0000": one character repeated.
  return text.size() >= 3 &&
         std::all_of(text.begin(), text.end(), [&](char c) { return c == text[0]; });
}

}  // namespace syncgate::model
