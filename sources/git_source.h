#pragma once
// Reading a git repository: the index (what is about to be committed), the tree of a revision,
// and which paths changed between two snapshots. The only file that includes <git2.h>.
//
//   Expected<GitRepository> repo = GitRepository::Open(".");
//   if (!repo) Fail(repo.error().message);            // "not inside a git repository: ..."
//   Expected<std::vector<GitEntry>> index = repo->IndexEntries();
//   Expected<std::string> text = repo->ReadBlob(index->front().blob);
//   Expected<std::vector<std::string>> changed = repo->ChangedPaths("main", "HEAD");
//
// Paths are relative to the work tree root and '/'-separated, as git stores them. Opening
// honours GIT_DIR and GIT_INDEX_FILE, which git sets for hooks (`git commit -a` hands its hook
// a temporary index, and that index is what will be committed).

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checker/expected.h"

namespace syncgate {

/// A regular file in the index or in a tree.
struct GitEntry {
  std::string path;  // relative to the work tree root, '/'-separated
  std::string blob;  // hex object id of its content
};

class GitRepository {
 public:
  /// Opens the repository containing `start` (a folder or file inside its work tree).
  static Expected<GitRepository> Open(const std::string& start);

  GitRepository(GitRepository&&) noexcept;
  GitRepository& operator=(GitRepository&&) noexcept;
  ~GitRepository();

  /// The work tree root: absolute, without a trailing '/'; empty for a bare repository.
  const std::string& workdir() const;
  /// The folder git runs hooks from: `core.hooksPath` when set, else `.git/hooks`.
  Expected<std::string> HooksDir() const;
  /// The commit a revision names ("HEAD", "main", "origin/main~2", a SHA), as 40 hex digits.
  Expected<std::string> ResolveCommit(std::string_view revision) const;
  /// Whether HEAD names a commit (false in a repository with no commit yet).
  bool HasHead() const;

  /// Regular files (and executables) in the index, sorted by path; symlinks, submodules and
  /// conflicted entries are left out.
  Expected<std::vector<GitEntry>> IndexEntries() const;
  /// Regular files in the tree of `revision`, sorted by path.
  Expected<std::vector<GitEntry>> TreeEntries(std::string_view revision) const;

  /// Paths whose index content differs from HEAD: added, modified, deleted, both sides of a
  /// rename. With no HEAD yet, every path in the index.
  Expected<std::vector<std::string>> StagedPaths() const;
  /// Paths that differ between the trees of two revisions (added, modified, deleted, both
  /// sides of a rename), sorted.
  Expected<std::vector<std::string>> ChangedPaths(std::string_view base,
                                                  std::string_view head) const;

  /// The content of a blob.
  Expected<std::string> ReadBlob(const std::string& blob) const;

  // ---- For sync/: a cache of fetched repositories and the environment branches it writes.
  //
  //   Expected<GitRepository> cache = GitRepository::OpenOrInitBare(cache_dir);
  //   cache->Fetch("file:///srv/q-sign.git", /*token=*/"");
  //   Expected<std::string> commit = cache->ResolveFetched("main");  // pinned once
  //   Expected<std::string> tree = target->WriteTree({{"manifest.yaml", text}});
  //   Expected<std::string> c = target->WriteCommit(*tree, parent, message);
  //   Expected<bool> moved = target->CompareAndSwapRef("refs/heads/env/prod/q-sign", *c, parent);

  /// Opens the repository at exactly `path` (bare, or a work tree root); no upward search.
  static Expected<GitRepository> OpenAt(const std::string& path);
  /// Opens the bare repository at `path`, creating it (and its parents) when missing.
  static Expected<GitRepository> OpenOrInitBare(const std::string& path);
  /// Fetches the branches (into refs/remotes/origin/*) and tags of `url`: a local path,
  /// file://, https:// (with `token` as password when given), ssh:// (ssh agent). A `timeout`
  /// above zero bounds the whole fetch (connect, negotiation, download): past it the fetch is
  /// interrupted and fails saying it timed out.
  Status Fetch(const std::string& url, const std::string& token,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  /// After Fetch: the commit `revision` names on the remote (a branch, a tag, a commit id;
  /// "HEAD" or "" is the remote's default branch).
  Expected<std::string> ResolveFetched(std::string_view revision) const;
  /// Whether `commit` is `ancestor` or one of its descendants.
  Expected<bool> IsDescendant(const std::string& commit, const std::string& ancestor) const;
  /// The commit `ref` points at ("refs/heads/x"); empty when the ref does not exist.
  Expected<std::string> ReadRef(const std::string& ref) const;
  /// The refs matching a glob ("refs/heads/env/*/q-sign"), sorted.
  Expected<std::vector<std::string>> RefsMatching(const std::string& glob) const;
  /// Writes files (path with '/', content) as blobs and nested trees; returns the tree id.
  Expected<std::string> WriteTree(const std::vector<std::pair<std::string, std::string>>& files);
  /// The tree id of a commit.
  Expected<std::string> TreeOf(const std::string& commit) const;
  /// Writes a commit object (no ref moves); `parent` may be empty.
  Expected<std::string> WriteCommit(const std::string& tree, const std::string& parent,
                                    const std::string& message);
  /// Moves `ref` to `commit` only if it still points at `expected` (empty: only if it does not
  /// exist yet). False when another writer moved it first: re-read and try again.
  Expected<bool> CompareAndSwapRef(const std::string& ref, const std::string& commit,
                                   const std::string& expected);
  /// The full message of a commit.
  Expected<std::string> CommitMessage(const std::string& commit) const;
  /// Commits from `commit` following first parents, newest first, at most `limit`.
  Expected<std::vector<std::string>> FirstParentLog(const std::string& commit, int limit) const;

 private:
  struct Impl;
  explicit GitRepository(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The version of the libgit2 syncgate runs with ("1.5.1"), for `syncgate version --verbose`.
std::string LibGit2Version();

}  // namespace syncgate
