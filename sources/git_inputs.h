#pragma once
// The inputs of a git-based run (`check --staged`, `check --diff A..B`): the files a change
// touches, read from the index or a revision instead of the work tree.
//
//   Expected<GitRepository> repo = GitRepository::Open(".");
//   Expected<std::vector<GitEntry>> index = repo->IndexEntries();
//   Expected<std::vector<std::string>> staged = repo->StagedPaths();
//   GitSelection selection = SelectAffected(*repo, *index, *staged, {});
//   if (selection.paths.empty()) return kExitPass;      // nothing YAML-related changed
//   ScratchTree scratch;
//   Expected<Discovery> inputs = LoadSnapshot(*repo, *index, selection.paths, scratch, config);
//
// A change to any file of a chart (values, templates, helpers, Chart.yaml) selects the whole
// chart as it is in the snapshot, so that it is rendered as it will be committed; an Application
// whose source path is a selected chart is selected with it, and the other way round. A change
// to `.syncgate.yaml` selects everything, since it changes what every rule checks.

#include <string>
#include <vector>

#include "checker/config.h"
#include "checker/expected.h"
#include "checker/workspace.h"
#include "sources/git_source.h"

namespace syncgate {

struct GitSelection {
  std::vector<std::string> paths;    // repository paths to check, sorted
  std::vector<std::string> charts;   // chart folders selected whole, sorted
  std::vector<std::string> changed;  // the YAML-related changed paths that led here, sorted
};

/// Whether a change to `path` can change what syncgate reports: YAML files, `.syncgate.yaml`,
/// and every file inside a chart folder (`chart_roots`: folders holding a Chart.yaml).
bool IsYamlRelated(std::string_view path, const std::vector<std::string>& chart_roots);

/// The folders of `snapshot` that hold a Chart.yaml ("." for the root), sorted.
std::vector<std::string> ChartRoots(const std::vector<GitEntry>& snapshot);

/// What to check in `snapshot` given the `changed` paths. `scope` limits the selection to
/// repository paths under these prefixes (empty: the whole repository). Reads blobs only to
/// find the Applications that point at a selected chart, and only when something changed.
GitSelection SelectAffected(const GitRepository& repo, const std::vector<GitEntry>& snapshot,
                            const std::vector<std::string>& changed,
                            const std::vector<std::string>& scope);

/// A temporary folder the selected chart files are written to, for tools that read files
/// (helm); removed with its content when the object dies.
class ScratchTree {
 public:
  ScratchTree();
  ~ScratchTree();
  ScratchTree(const ScratchTree&) = delete;
  ScratchTree& operator=(const ScratchTree&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Reads `paths` from `snapshot` into inputs classified exactly like disk discovery. Display
/// paths are relative to the working directory, as for files on disk. The content is kept in
/// memory (InputFile::content); files inside a chart are also written under `scratch` (their
/// fs_path) so that the chart can be rendered as it is in the snapshot. Paths the snapshot
/// does not have are left out (a file added after BASE).
Expected<Discovery> LoadSnapshot(const GitRepository& repo, const std::vector<GitEntry>& snapshot,
                                 const std::vector<std::string>& paths, const ScratchTree& scratch,
                                 const Config& config);

}  // namespace syncgate
