#pragma once
// An ArgoCD ApplicationSet expanded into the Applications its controller would create, for the
// generators that need no cluster: `list`, `git` (directories and files), and `matrix` and
// `merge` of those, with fasttemplate or Go templates, `templatePatch`, generator `selector`s
// and `values`. Generators that need a cluster or an API (`clusters`, `clusterDecisionResource`,
// `scmProvider`, `pullRequest`, `plugin`, and any matrix or merge holding one) are reported as
// not expanded, with the reason; so is a template that uses something syncgate does not
// implement: never a wrong Application. Pure: the files of a repository come from `repos`.
//
//   RepositoryLookup repos = [&](std::string_view url) -> Expected<RepositoryTreePtr> {
//     return FolderTree("checkouts/gitops");             // or Unexpected("map it with ...")
//   };
//   ApplicationSetExpansion x = ExpandApplicationSet(appset_doc, repos);
//   for (const GeneratedApplication& app : x.applications) Check(app.name, app.yaml);
//   for (const NotExpanded& n : x.not_expanded) Skip(n.pos, n.description, n.reason);
//
// Each generated Application remembers where its values were written in the ApplicationSet
// (the template line, the list element, the templatePatch line), so that a finding in it can be
// moved to the line the user edits (GeneratedOrigins). Git generators read the files on disk as
// they are: `revision` is not checked out.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/document.h"
#include "checker/expected.h"
#include "model/go_template.h"

namespace syncgate::model {

/// A repository's files as the git generator sees them.
class RepositoryTree {
 public:
  virtual ~RepositoryTree() = default;
  /// Every folder below the root, '/'-separated, in ArgoCD's order (names sorted, depth
  /// first), without folders whose name starts with '.' nor anything below them (as the
  /// repo-server's directory walk).
  virtual const std::vector<std::string>& Directories() const = 0;
  /// Every file below folder `under` ("" for all), '/'-separated paths from the root, sorted;
  /// `.git` is left out.
  virtual std::vector<std::string> Files(std::string_view under) const = 0;
  /// The content of a file, or nullopt when it cannot be read.
  virtual std::optional<std::string> Read(const std::string& path) const = 0;
};
using RepositoryTreePtr = std::shared_ptr<const RepositoryTree>;

/// A folder on disk. The folder list is read once, on first use (not thread-safe).
RepositoryTreePtr FolderTree(std::string folder);
/// Files in memory (tests): path → content; the folders are those that hold a file.
RepositoryTreePtr MemoryTree(std::map<std::string, std::string> files);

/// The tree of a generator's repoURL, or why it cannot be read (the message says how to map
/// the URL to a folder).
using RepositoryLookup = std::function<Expected<RepositoryTreePtr>(std::string_view repo_url)>;

/// Where a multi-line string of a generated Application was written as a literal block
/// (`values: |`) in the ApplicationSet, whose lines then map one to one.
struct LiteralOrigin {
  int first_line = 0;  // the block's first content line in the ApplicationSet
  int column = 1;      // where its content starts there
};

/// One Application the ApplicationSet generates.
struct GeneratedApplication {
  std::string name;
  std::string yaml;      // the Application as YAML text
  size_t generator = 0;  // index in spec.generators
  /// Origins by JSON pointer in the Application: of the value, and of its key.
  struct Origin {
    ValueOrigin value;
    ValueOrigin key;
  };
  std::map<std::string, Origin> origins;
  std::map<std::string, LiteralOrigin> literals;  // by pointer
};

/// A top-level generator that was not expanded, and why.
struct NotExpanded {
  size_t generator = 0;     // index in spec.generators
  std::string type;         // its kind: "clusters", "matrix", "git", "list", ...
  std::string description;  // "matrix(git directories, clusters)"
  Position pos;             // of the generator in the ApplicationSet
  std::string reason;
  /// Not the generator: one Application it generates is dropped (ArgoCD refuses a second
  /// Application of the same name and keeps the first).
  bool dropped_application = false;
};

struct ApplicationSetExpansion {
  std::vector<GeneratedApplication> applications;
  std::vector<NotExpanded> not_expanded;
  size_t generators = 0;  // top-level generators written
};

/// Expands `appset` (an argoproj.io ApplicationSet document) as ArgoCD's applicationset
/// controller does, without a cluster.
ApplicationSetExpansion ExpandApplicationSet(const Document& appset, const RepositoryLookup& repos);

/// Go's path.Match (the git directories generator's patterns): `*` and `?` stop at '/'.
bool GoPathMatch(std::string_view pattern, std::string_view name);
/// `git ls-files -- <pattern>` matching (the git files generator's patterns): a pattern without
/// wildcards names a file or a folder; with wildcards, `*` and `?` also match '/'.
bool GitPathspecMatch(std::string_view pattern, std::string_view path);

/// The positions of a generated Application's document, mapped back to its ApplicationSet.
class GeneratedOrigins {
 public:
  GeneratedOrigins() = default;
  /// `generated`: the Application's document as loaded from `app.yaml`; `fallback`: where a
  /// position without a better origin goes (the ApplicationSet's template).
  GeneratedOrigins(const Document& generated, const GeneratedApplication& app,
                   ValueOrigin fallback);
  /// The ApplicationSet position of a finding at `pos` (and `pointer`) in the generated
  /// Application: the value or key written there, a line of a literal block, the nearest
  /// pointer with an origin, else the fallback.
  ValueOrigin Locate(Position pos, std::string_view pointer) const;

 private:
  struct Block {
    int first_line = 0;  // first content line in the generated text
    int last_line = 0;
    int column = 1;  // where content starts there
    LiteralOrigin origin;
    std::string pointer;
  };
  std::map<std::pair<int, int>, ValueOrigin> at_;  // generated (line, column) → origin
  std::vector<Block> blocks_;
  std::map<std::string, ValueOrigin, std::less<>> by_pointer_;
  ValueOrigin fallback_;
};

/// What the ApplicationSet stage leaves in the workspace (Workspace::Extension): the generated
/// Applications by their display path, and the counts of the run.
struct ApplicationSetState {
  struct Generated {
    std::string appset_file;  // display path of the ApplicationSet's file
    int appset_document = 0;
    ObjectRef appset_object;
    std::string name;  // the Application's name
    GeneratedOrigins origins;
  };
  std::map<std::string, Generated, std::less<>> generated;  // by display path
  int application_sets = 0;                                 // ApplicationSets found
  int expanded = 0;                                         // with at least one generator expanded
  int applications = 0;                                     // Applications generated
  std::map<std::string, int> not_expanded;                  // generators not expanded, by type

  /// The file and place in its ApplicationSet of a position in a generated Application; null
  /// when `file` is not one.
  const Generated* Find(std::string_view file) const;
};

}  // namespace syncgate::model
