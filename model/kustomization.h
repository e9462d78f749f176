#pragma once
// Kustomize sources read the way `kustomize build` reads them: which kustomization file a
// folder has, which local files and folders a build reads (resources, components, patches,
// generators, helmCharts), what it needs from the network, and which kustomization includes
// which. render/ builds and traces with it; the sync checks every file a build reads. Only
// reads the user's tree, never writes it.
//
//   KustomizeTree tree = ReadKustomizeTree("overlays/prod");
//   for (const std::string& input : tree.inputs) Copy(input, tree.copy_root);  // what it reads
//   if (!tree.remote.empty()) NeedsNetwork(tree.remote.front());
//   const Kustomization& root = *tree.kustomizations[0];  // then the ones it includes
//   if (const Node* images = root.root() ? root.root()->Get("images") : nullptr) ...

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checker/document.h"

namespace syncgate::model {

/// kustomization.yaml, kustomization.yml or Kustomization: what ArgoCD and kustomize look for.
bool IsKustomizationName(std::string_view file_name);

/// The kustomization file of `dir` (a filesystem path), in kustomize's order of names; empty
/// when the folder has none.
std::string KustomizationFileIn(const std::string& dir);

/// One kustomization file, parsed with positions.
struct Kustomization {
  std::string dir;   // filesystem folder, lexically normal
  std::string file;  // filesystem path of the kustomization file
  LoadResult loaded;
  /// The top-level mapping; null when the file does not parse or is not a mapping.
  const Node* root() const;
  const Document* doc() const;
  bool is_component() const;  // `kind: Component`: applied by what includes it, never built alone
};

/// Reads `file` (a kustomization, or any YAML file) from disk; null when it cannot be read.
std::unique_ptr<Kustomization> ReadKustomization(const std::string& file);

/// Something a kustomization names.
struct KustomizeRef {
  enum class Kind {
    kFolder,  // a local folder (another kustomization, a chart home)
    kFile,    // a local file (or a path that does not exist: the build says so)
    kRemote,  // a URL or remote git reference: needs the network
  };
  Kind kind = Kind::kFile;
  std::string field;           // "resources", "components", "patches", "helmCharts", ...
  std::string written;         // as written ("../../base")
  std::string fs_path;         // resolved against the kustomization's folder; empty for remote
  const Node* node = nullptr;  // the entry, for positions
  /// A folder kustomize builds as a kustomization (resources, bases, components).
  bool builds() const {
    return kind == Kind::kFolder &&
           (field == "resources" || field == "bases" || field == "components" ||
            field == "generators" || field == "transformers" || field == "validators");
  }
};

/// Everything `k` names that a build reads, in field order. helmCharts with a `repo:` whose
/// chart is not already in the chart home are remote (helm pulls them).
std::vector<KustomizeRef> ReferencesOf(const Kustomization& k);

/// A kustomization and everything its build reads.
struct KustomizeTree {
  /// [0] is the built folder's own kustomization, then each one it includes, breadth first.
  std::vector<std::unique_ptr<Kustomization>> kustomizations;
  /// Per kustomization: the kustomizations that include it (indexes), so the chain of overlays
  /// above an object can be walked outward.
  std::vector<std::vector<size_t>> included_by;
  /// Per kustomization: whether it is a component of each includer (applied after resources).
  std::vector<std::vector<bool>> as_component;
  /// Every local folder and file the build reads (filesystem, absolute, lexically normal), none
  /// below another; and the folder they all are below.
  std::vector<std::string> inputs;
  std::string copy_root;
  std::vector<std::string> remote;  // remote resources and charts the build needs
  bool helm = false;                // some kustomization inflates helmCharts
};

/// Reads the kustomization of `dir` and everything it includes, from disk. `extra_components`
/// are added to the root's components (an Application's `kustomize.components`).
KustomizeTree ReadKustomizeTree(const std::string& dir,
                                const std::vector<std::string>& extra_components = {});

/// Where a file of a build of the Kustomize folder shown as `root` (its filesystem path
/// `fs_dir`) is shown: "overlays/prod" and "overlays/prod/../../base/a.yaml" give "base/a.yaml".
std::string KustomizeDisplayPath(const std::string& root, const std::string& fs_dir,
                                 const std::string& fs_path);
/// The other way: the filesystem path of a display path of that build.
std::string KustomizeFsPath(const std::string& root, const std::string& fs_dir,
                            const std::string& display);

/// An image reference split as kustomize splits it ("reg:5000/a/b:1.2@sha256:..").
struct ImageName {
  std::string name;
  std::string tag;
  std::string digest;
};
ImageName SplitImageName(std::string_view image);

}  // namespace syncgate::model
