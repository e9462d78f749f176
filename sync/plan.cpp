#include "sync/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "checker/document.h"
#include "checker/text_util.h"

namespace syncgate::sync {
namespace {

// gitops-engine pkg/sync/sync_tasks.go kindOrder (Helm's kind_sorter).
constexpr std::string_view kKindOrder[] = {"Namespace",
                                           "NetworkPolicy",
                                           "ResourceQuota",
                                           "LimitRange",
                                           "PodSecurityPolicy",
                                           "PodDisruptionBudget",
                                           "ServiceAccount",
                                           "Secret",
                                           "SecretList",
                                           "ConfigMap",
                                           "StorageClass",
                                           "PersistentVolume",
                                           "PersistentVolumeClaim",
                                           "CustomResourceDefinition",
                                           "ClusterRole",
                                           "ClusterRoleList",
                                           "ClusterRoleBinding",
                                           "ClusterRoleBindingList",
                                           "Role",
                                           "RoleList",
                                           "RoleBinding",
                                           "RoleBindingList",
                                           "Service",
                                           "DaemonSet",
                                           "Pod",
                                           "ReplicationController",
                                           "ReplicaSet",
                                           "Deployment",
                                           "HorizontalPodAutoscaler",
                                           "StatefulSet",
                                           "Job",
                                           "CronJob",
                                           "IngressClass",
                                           "Ingress",
                                           "APIService"};

/// Negative for known kinds, 0 (last) for custom resources, as in gitops-engine.
int KindRank(std::string_view kind) {
  constexpr int n = static_cast<int>(std::size(kKindOrder));
  for (int i = 0; i < n; ++i) {
    if (kKindOrder[i] == kind) return i - n;
  }
  return 0;
}

std::string Scalar(const Node* node) {
  return node && node->IsScalar() ? std::string(node->Text()) : "";
}

/// "a, b" → {"a","b"}
std::vector<std::string> CommaList(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view part : Split(text, ',')) {
    part = Trim(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

void ReadAnnotations(const Node& root, ManifestObject& o) {
  const Node* annotations = root.Path({"metadata", "annotations"});
  auto get = [&](std::string_view key) { return annotations ? Scalar(annotations->Get(key)) : ""; };
  // Argo hook annotations take precedence over Helm's ("we ignore Helm hooks if we have Argo
  // hook").
  std::vector<std::string> hooks = CommaList(get("argocd.argoproj.io/hook"));
  if (hooks.empty()) {
    for (const std::string& h : CommaList(get("helm.sh/hook"))) {
      if (h == "pre-install" || h == "pre-upgrade") hooks.push_back("PreSync");
      if (h == "post-install" || h == "post-upgrade") hooks.push_back("PostSync");
    }
  }
  if (!hooks.empty()) {
    o.hook = true;
    o.skip =
        std::all_of(hooks.begin(), hooks.end(), [](const std::string& h) { return h == "Skip"; });
    const std::string& first = hooks.front();
    if (first == "PreSync")
      o.phase = SyncPhase::kPreSync;
    else if (first == "PostSync")
      o.phase = SyncPhase::kPostSync;
    else if (first == "SyncFail")
      o.phase = SyncPhase::kSyncFail;
    else
      o.phase = SyncPhase::kSync;
  }
  // syncwaves.Wave: the sync-wave if it parses, else helm.sh/hook-weight, else 0.
  for (std::string_view key : {"argocd.argoproj.io/sync-wave", "helm.sh/hook-weight"}) {
    const std::string text(Trim(get(key)));
    if (text.empty()) continue;
    try {
      size_t used = 0;
      const int wave = std::stoi(text, &used);
      if (used == text.size()) {
        o.wave = wave;
        break;
      }
    } catch (...) {
    }
  }
  for (const std::string& option : CommaList(get("argocd.argoproj.io/sync-options"))) {
    if (option == "Prune=false") o.no_prune = true;
    if (option == "PruneLast=true") o.prune_last = true;
  }
}

bool Less(const ManifestObject& a, const ManifestObject& b) {
  if (a.phase != b.phase) return static_cast<int>(a.phase) < static_cast<int>(b.phase);
  if (a.wave != b.wave) return a.wave < b.wave;
  const int ka = KindRank(a.kind), kb = KindRank(b.kind);
  if (ka != kb) return ka < kb;
  if (a.name != b.name) return a.name < b.name;
  return a.Key() < b.Key();
}

}  // namespace

std::string_view SyncPhaseName(SyncPhase phase) {
  switch (phase) {
    case SyncPhase::kPreSync:
      return "PreSync";
    case SyncPhase::kSync:
      return "Sync";
    case SyncPhase::kPostSync:
      return "PostSync";
    case SyncPhase::kSyncFail:
      return "SyncFail";
  }
  return "Sync";
}

std::string ManifestObject::Group() const {
  const size_t slash = api_version.find('/');
  return slash == std::string::npos ? "" : api_version.substr(0, slash);
}

std::string ManifestObject::Key() const {
  const std::string group = Group();
  return fmt::format("{}{}{} {}{}{}", group, group.empty() ? "" : "/", kind, ns,
                     ns.empty() ? "" : "/", name);
}

SplitResult SplitManifests(std::string_view text, std::string_view default_namespace) {
  SplitResult out;
  // Split on document markers ourselves so each object keeps its own text, as rendered.
  std::vector<std::string> chunks(1);
  for (std::string_view line : Split(text, '\n')) {
    if (StartsWith(line, "---") && (line.size() == 3 || line[3] == ' ' || line[3] == '\r')) {
      chunks.emplace_back();
      continue;
    }
    chunks.back().append(line).push_back('\n');
  }
  for (std::string& chunk : chunks) {
    while (!chunk.empty() && (chunk.back() == '\n' || chunk.back() == ' ')) chunk.pop_back();
    if (Trim(chunk).empty()) continue;
    LoadResult loaded = LoadYaml(SourceFile::FromText("manifest.yaml", chunk));
    if (loaded.error) {
      out.error = fmt::format("a rendered document does not parse: line {}: {}",
                              loaded.error->pos.line, loaded.error->message);
      return out;
    }
    for (const auto& doc : loaded.documents) {
      const Node& root = doc->root();
      if (!root.IsMap()) continue;
      ManifestObject o;
      o.api_version = Scalar(root.Get("apiVersion"));
      o.kind = Scalar(root.Get("kind"));
      if (o.kind.empty()) continue;
      o.name = Scalar(root.Path({"metadata", "name"}));
      if (o.name.empty()) o.name = Scalar(root.Path({"metadata", "generateName"}));
      o.ns = Scalar(root.Path({"metadata", "namespace"}));
      // gitops-engine gives every target without a namespace the Application's namespace.
      if (o.ns.empty()) o.ns = std::string(default_namespace);
      if (o.kind == "CustomResourceDefinition") {
        o.crd_group = Scalar(root.Path({"spec", "group"}));
        o.crd_kind = Scalar(root.Path({"spec", "names", "kind"}));
      }
      ReadAnnotations(root, o);
      o.text = chunk;
      out.objects.push_back(std::move(o));
    }
  }
  return out;
}

void SortForSync(std::vector<ManifestObject>& objects) {
  std::stable_sort(objects.begin(), objects.end(), Less);
  // adjustDeps, twice as in gitops-engine: a Namespace moves before the first object in it, a
  // CRD before the first resource of its kind, taking that object's phase and wave.
  for (int round = 0; round < 2; ++round) {
    for (ManifestObject& dep : objects) {
      const bool is_ns = dep.kind == "Namespace" && dep.Group().empty();
      const bool is_crd = dep.kind == "CustomResourceDefinition";
      if (!is_ns && !is_crd) continue;
      for (const ManifestObject& user : objects) {
        const bool uses = is_ns ? (user.ns == dep.name && &user != &dep && user.kind != "Namespace")
                                : (user.kind == dep.crd_kind && user.Group() == dep.crd_group);
        if (!uses) continue;
        if (Less(user, dep)) {
          dep.phase = user.phase;
          dep.wave = user.wave;
        }
        break;
      }
    }
    std::stable_sort(objects.begin(), objects.end(), Less);
  }
}

SyncPlan MakePlan(std::vector<ManifestObject> objects, const std::vector<ManifestObject>& published,
                  const PlanOptions& options) {
  SortForSync(objects);
  SyncPlan plan;
  std::map<std::string, const ManifestObject*> before;
  for (const ManifestObject& o : published) before.emplace(o.Key(), &o);
  std::set<std::string> now;
  for (ManifestObject& o : objects) {
    now.insert(o.Key());
    PlannedObject p{std::move(o), Change::kAdded};
    if (auto it = before.find(p.object.Key()); it != before.end()) {
      p.change = it->second->text == p.object.text ? Change::kUnchanged : Change::kChanged;
    }
    (p.change == Change::kAdded     ? plan.added
     : p.change == Change::kChanged ? plan.changed
                                    : plan.unchanged)++;
    plan.objects.push_back(std::move(p));
  }
  for (const ManifestObject& old : published) {
    // Hooks are not part of the live state ArgoCD prunes.
    if (now.count(old.Key()) || old.hook) continue;
    plan.prune.push_back(
        {old, old.no_prune || !options.prune, options.prune_last || old.prune_last});
  }
  // Pruning runs the waves in reverse (highest first); PruneLast after the last sync wave.
  std::stable_sort(plan.prune.begin(), plan.prune.end(),
                   [](const PruneEntry& a, const PruneEntry& b) {
                     if (a.last != b.last) return b.last;
                     if (a.object.wave != b.object.wave) return a.object.wave > b.object.wave;
                     return a.object.Key() < b.object.Key();
                   });
  return plan;
}

std::string PlanManifest(const SyncPlan& plan) {
  std::string out;
  for (const PlannedObject& p : plan.objects) {
    if (p.object.skip) continue;
    out += "---\n" + p.object.text + "\n";
  }
  return out;
}

std::string FormatPlan(const SyncPlan& plan) {
  std::string out;
  for (const PlannedObject& p : plan.objects) {
    const char* mark = p.change == Change::kAdded ? "+" : p.change == Change::kChanged ? "~" : "=";
    out += fmt::format("  {} {:<8} wave {:>3}  {}{}\n", mark, SyncPhaseName(p.object.phase),
                       p.object.wave, p.object.Key(),
                       p.object.skip ? " (hook Skip: not applied)" : "");
  }
  for (const PruneEntry& e : plan.prune) {
    out += fmt::format("  - prune    wave {:>3}  {}{}{}\n", e.object.wave, e.object.Key(),
                       e.last ? " (PruneLast)" : "",
                       e.skipped ? " (Prune=false: left in the cluster)" : "");
  }
  out += fmt::format("  {} to add, {} to change, {} unchanged, {} to prune\n", plan.added,
                     plan.changed, plan.unchanged, plan.prune.size());
  return out;
}

}  // namespace syncgate::sync
