#pragma once
// The sync plan, as gitops-engine orders it: phase (PreSync, Sync, PostSync hooks), then
// `argocd.argoproj.io/sync-wave`, then kind (Namespaces and CRDs first), then name; the prune
// set against the last published state (Prune=false, PruneLast); and a diff summary.
//
//   std::vector<ManifestObject> objects = SplitManifests(rendered_text, "q-sign");
//   SyncPlan plan = MakePlan(std::move(objects), SplitManifests(published_text, "q-sign"),
//                            {.prune_last = true});
//   std::cout << FormatPlan(plan);
//   std::string manifest = PlanManifest(plan);  // what the environment branch holds

#include <string>
#include <string_view>
#include <vector>

namespace syncgate::sync {

enum class SyncPhase { kPreSync = -1, kSync = 0, kPostSync = 1, kSyncFail = 2 };
std::string_view SyncPhaseName(SyncPhase phase);

/// One object of a rendered stream, with its text as rendered.
struct ManifestObject {
  std::string api_version;
  std::string kind;
  std::string name;  // metadata.name (or generateName for hooks)
  std::string ns;    // metadata.namespace, else the Application's destination namespace
  std::string text;  // the document, without a leading `---`
  SyncPhase phase = SyncPhase::kSync;
  bool hook = false;
  bool skip = false;  // hook type Skip: never applied
  int wave = 0;
  bool no_prune = false;    // sync-options Prune=false
  bool prune_last = false;  // sync-options PruneLast=true
  std::string crd_group;    // for a CustomResourceDefinition: spec.group and spec.names.kind
  std::string crd_kind;

  /// "apps/Deployment q-sign/keycloak"
  std::string Key() const;
  std::string Group() const;
};

/// Splits a YAML stream into objects (empty documents and non-objects are dropped). Errors
/// (a document that does not parse) come back in `error`.
struct SplitResult {
  std::vector<ManifestObject> objects;
  std::string error;
};
SplitResult SplitManifests(std::string_view text, std::string_view default_namespace);

enum class Change { kAdded, kChanged, kUnchanged };

struct PlannedObject {
  ManifestObject object;
  Change change = Change::kAdded;
};

struct PruneEntry {
  ManifestObject object;
  bool skipped = false;  // Prune=false on the object: ArgoCD leaves it ("ignored (no prune)")
  bool last = false;     // PruneLast: pruned after the last sync wave
};

struct PlanOptions {
  bool prune_last = false;  // the Application's syncOptions PruneLast=true
  bool prune = true;        // syncPolicy.automated.prune
};

struct SyncPlan {
  std::vector<PlannedObject> objects;  // in sync order
  std::vector<PruneEntry> prune;       // in prune order (highest wave first, PruneLast last)
  int added = 0, changed = 0, unchanged = 0;
  bool Changed() const { return added + changed > 0 || !prune.empty(); }
};

/// Orders `objects` as gitops-engine does and compares them with `published`.
SyncPlan MakePlan(std::vector<ManifestObject> objects, const std::vector<ManifestObject>& published,
                  const PlanOptions& options);

/// Sort helper, exposed for tests: gitops-engine's order, Namespace/CRD dependencies applied.
void SortForSync(std::vector<ManifestObject>& objects);

/// The multi-document YAML the environment branch holds: non-Skip objects in plan order.
std::string PlanManifest(const SyncPlan& plan);

/// Human-readable plan: one line per object, then the prune set and a summary line.
std::string FormatPlan(const SyncPlan& plan);

}  // namespace syncgate::sync
