#include "model/application.h"

#include "checker/text_util.h"

namespace syncgate::model {
namespace {

const Node* Map(const Node* node) { return node && node->IsMap() ? &node->Resolved() : nullptr; }

const Node* Get(const Node* map, std::string_view key) { return map ? map->Get(key) : nullptr; }

AppSource ReadSource(const Node& node, std::string pointer, bool listed) {
  AppSource s;
  s.node = &node;
  s.pointer = std::move(pointer);
  s.listed = listed;
  s.repo_url = node.Get("repoURL");
  s.target_revision = node.Get("targetRevision");
  s.path = node.Get("path");
  s.chart = node.Get("chart");
  s.ref = node.Get("ref");
  s.kustomize = node.Get("kustomize");
  s.plugin = node.Get("plugin");
  if (const Node* helm = Map(node.Get("helm"))) {
    s.helm.node = helm;
    s.helm.value_files = helm->Get("valueFiles");
    s.helm.values = helm->Get("values");
    s.helm.values_object = helm->Get("valuesObject");
    s.helm.parameters = helm->Get("parameters");
    s.helm.release_name = helm->Get("releaseName");
    s.helm.namespace_name = helm->Get("namespace");
    s.helm.kube_version = helm->Get("kubeVersion");
    s.helm.skip_crds = helm->Get("skipCrds");
    s.helm.ignore_missing_value_files = helm->Get("ignoreMissingValueFiles");
  }
  if (const Node* directory = Map(node.Get("directory"))) {
    s.directory.node = directory;
    s.directory.recurse = directory->Get("recurse");
    s.directory.include = directory->Get("include");
    s.directory.exclude = directory->Get("exclude");
    s.directory.jsonnet = directory->Get("jsonnet");
  }
  return s;
}

SyncPolicy ReadSyncPolicy(const Node* spec) {
  SyncPolicy p;
  p.node = Map(Get(spec, "syncPolicy"));
  p.automated = Map(Get(p.node, "automated"));
  p.automated_enabled = Get(p.automated, "enabled");
  p.prune = Get(p.automated, "prune");
  p.self_heal = Get(p.automated, "selfHeal");
  p.allow_empty = Get(p.automated, "allowEmpty");
  p.sync_options = Get(p.node, "syncOptions");
  p.retry = Map(Get(p.node, "retry"));
  p.retry_limit = Get(p.retry, "limit");
  p.backoff = Map(Get(p.retry, "backoff"));
  p.backoff_duration = Get(p.backoff, "duration");
  p.backoff_factor = Get(p.backoff, "factor");
  p.backoff_max_duration = Get(p.backoff, "maxDuration");
  return p;
}

}  // namespace

Application ReadApplicationSpec(const Node* spec_node, std::string pointer) {
  Application app;
  app.spec = Map(spec_node);
  app.pointer = std::move(pointer);
  const Node* spec = app.spec;
  app.source_field = Get(spec, "source");
  app.sources_field = Get(spec, "sources");
  if (const Node* source = Map(app.source_field)) {
    app.sources.push_back(ReadSource(*source, app.pointer + "/source", false));
  }
  if (app.sources_field && app.sources_field->IsSeq()) {
    const auto& items = app.sources_field->Resolved().items;
    for (size_t i = 0; i < items.size(); ++i) {
      if (const Node* source = Map(items[i])) {
        app.sources.push_back(
            ReadSource(*source, app.pointer + "/sources/" + std::to_string(i), true));
        app.sources.back().index = static_cast<int>(i);
      }
    }
  }
  app.project = Get(spec, "project");
  app.destination = Get(spec, "destination");
  const Node* destination = Map(app.destination);
  app.destination_server = Get(destination, "server");
  app.destination_name = Get(destination, "name");
  app.destination_namespace = Get(destination, "namespace");
  app.sync_policy = ReadSyncPolicy(spec);
  return app;
}

std::optional<Application> ReadApplication(const Document& doc) {
  const Node* spec = nullptr;
  std::string pointer;
  if (doc.kind() == DocKind::kApplication) {
    spec = doc.root().Get("spec");
    pointer = "/spec";
  } else if (doc.kind() == DocKind::kApplicationSet) {
    spec = doc.root().Path({"spec", "template", "spec"});
    pointer = "/spec/template/spec";
  }
  if (!spec || !spec->IsMap()) return std::nullopt;
  return ReadApplicationSpec(spec, std::move(pointer));
}

std::string NormalizeRepoUrl(std::string_view url) {
  std::string out = ToLower(Trim(url));
  if (size_t scheme = out.find("://"); scheme != std::string::npos) {
    out = out.substr(scheme + 3);
  } else if (size_t colon = out.find(':'); colon != std::string::npos) {
    out[colon] = '/';  // scp-like git@host:path
  }
  if (size_t at = out.find('@'); at != std::string::npos && at < out.find('/')) {
    out = out.substr(at + 1);
  }
  while (EndsWith(out, "/")) out.pop_back();
  if (EndsWith(out, ".git")) out.resize(out.size() - 4);
  return out;
}

std::string_view Text(const Node* node) { return node ? node->Text() : std::string_view(); }

}  // namespace syncgate::model
