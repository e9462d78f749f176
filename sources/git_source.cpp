#include "sources/git_source.h"

#include <fmt/format.h>
#include <git2.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "checker/text_util.h"

namespace syncgate {
namespace fs = std::filesystem;
namespace {

/// libgit2 keeps global state (allocators, TLS); it is initialised once and never shut down,
/// since repositories may be open on several threads until exit.
void InitLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // The environment branches are the gate's output: a commit or ref it wrote survives a power
    // loss, not only a killed process (git itself fsyncs loose objects and refs the same way).
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
  });
}

std::string LastError(std::string_view what) {
  const git_error* e = git_error_last();
  return fmt::format("git: {}: {}", what, e && e->message ? e->message : "unknown error");
}

/// Owns one libgit2 object and frees it with the matching function.
template <typename T, void (*Free)(T*)>
struct Owned {
  T* ptr = nullptr;
  Owned() = default;
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() {
    if (ptr) Free(ptr);
  }
  T** out() { return &ptr; }
  T* get() const { return ptr; }
};
using OwnedTree = Owned<git_tree, git_tree_free>;
using OwnedObject = Owned<git_object, git_object_free>;
using OwnedDiff = Owned<git_diff, git_diff_free>;
using OwnedIndex = Owned<git_index, git_index_free>;
using OwnedBlob = Owned<git_blob, git_blob_free>;
using OwnedConfig = Owned<git_config, git_config_free>;
using OwnedRemote = Owned<git_remote, git_remote_free>;
using OwnedReference = Owned<git_reference, git_reference_free>;
using OwnedCommit = Owned<git_commit, git_commit_free>;
using OwnedSignature = Owned<git_signature, git_signature_free>;
using OwnedTreeBuilder = Owned<git_treebuilder, git_treebuilder_free>;
using OwnedWalk = Owned<git_revwalk, git_revwalk_free>;

bool IsRegularMode(uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

std::string OidHex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof(hex), &oid);
  return hex;
}

/// Collects both sides of every delta: a rename changes the folder it left and the one it
/// entered, and a deletion changes the chart it was part of.
Expected<std::vector<std::string>> DeltaPaths(git_diff* diff) {
  std::set<std::string> paths;
  const size_t count = git_diff_num_deltas(diff);
  for (size_t i = 0; i < count; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff, i);
    if (delta->old_file.path && delta->status != GIT_DELTA_ADDED) {
      paths.insert(delta->old_file.path);
    }
    if (delta->new_file.path && delta->status != GIT_DELTA_DELETED) {
      paths.insert(delta->new_file.path);
    }
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

}  // namespace

struct GitRepository::Impl {
  git_repository* repo = nullptr;
  std::string workdir;
  ~Impl() {
    if (repo) git_repository_free(repo);
  }

  Expected<bool> PeelTree(std::string_view revision, OwnedTree& tree) const {
    OwnedObject object;
    const std::string spec(revision);
    if (git_revparse_single(object.out(), repo, spec.c_str()) != 0) {
      return Unexpected(
          fmt::format("git: unknown revision '{}' (not a branch, tag or commit "
                      "in this repository; in CI, fetch it first)",
                      spec));
    }
    if (git_object_peel(reinterpret_cast<git_object**>(tree.out()), object.get(),
                        GIT_OBJECT_TREE) != 0) {
      return Unexpected(LastError(fmt::format("'{}' does not name a commit or tree", spec)));
    }
    return true;
  }

  Expected<bool> OpenIndex(OwnedIndex& index) const {
    if (git_repository_index(index.out(), repo) != 0) return Unexpected(LastError("index"));
    return true;
  }
};

GitRepository::GitRepository(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GitRepository::GitRepository(GitRepository&&) noexcept = default;
GitRepository& GitRepository::operator=(GitRepository&&) noexcept = default;
GitRepository::~GitRepository() = default;

Expected<GitRepository> GitRepository::Open(const std::string& start) {
  InitLibgit2();
  auto impl = std::make_unique<Impl>();
  std::error_code ec;
  const std::string from = fs::absolute(start.empty() ? "." : start, ec).string();
  if (git_repository_open_ext(&impl->repo, from.c_str(), GIT_REPOSITORY_OPEN_FROM_ENV, nullptr) !=
      0) {
    return Unexpected(fmt::format("not inside a git repository: {} ({})",
                                  start.empty() ? "." : start, LastError("open").substr(5)));
  }
  if (const char* wd = git_repository_workdir(impl->repo)) {
    impl->workdir = wd;
    while (impl->workdir.size() > 1 && impl->workdir.back() == '/') impl->workdir.pop_back();
  }
  return GitRepository(std::move(impl));
}

const std::string& GitRepository::workdir() const { return impl_->workdir; }

Expected<std::string> GitRepository::HooksDir() const {
  OwnedConfig config;
  if (git_repository_config_snapshot(config.out(), impl_->repo) == 0) {
    git_buf buf = GIT_BUF_INIT;
    if (git_config_get_path(&buf, config.get(), "core.hooksPath") == 0) {
      std::string dir(buf.ptr, buf.size);
      git_buf_dispose(&buf);
      // A relative core.hooksPath is relative to the work tree, as git reads it for hooks.
      if (fs::path(dir).is_relative() && !impl_->workdir.empty()) {
        dir = (fs::path(impl_->workdir) / dir).string();
      }
      return dir;
    }
    git_error_clear();
  }
  git_buf buf = GIT_BUF_INIT;
  if (git_repository_item_path(&buf, impl_->repo, GIT_REPOSITORY_ITEM_HOOKS) != 0) {
    return Unexpected(LastError("hooks folder"));
  }
  std::string dir(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

Expected<std::string> GitRepository::ResolveCommit(std::string_view revision) const {
  OwnedObject object;
  const std::string spec(revision);
  if (git_revparse_single(object.out(), impl_->repo, spec.c_str()) != 0) {
    return Unexpected(
        fmt::format("git: unknown revision '{}' (not a branch, tag or commit in "
                    "this repository; in CI, fetch it first)",
                    spec));
  }
  OwnedObject commit;
  if (git_object_peel(commit.out(), object.get(), GIT_OBJECT_COMMIT) != 0) {
    return Unexpected(LastError(fmt::format("'{}' does not name a commit", spec)));
  }
  return OidHex(*git_object_id(commit.get()));
}

bool GitRepository::HasHead() const {
  OwnedObject object;
  const bool found = git_revparse_single(object.out(), impl_->repo, "HEAD^{commit}") == 0;
  if (!found) git_error_clear();
  return found;
}

Expected<std::vector<GitEntry>> GitRepository::IndexEntries() const {
  OwnedIndex index;
  if (auto opened = impl_->OpenIndex(index); !opened) return Unexpected(opened.error());
  std::vector<GitEntry> out;
  const size_t count = git_index_entrycount(index.get());
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const git_index_entry* entry = git_index_get_byindex(index.get(), i);
    if (!entry || !IsRegularMode(entry->mode) || git_index_entry_is_conflict(entry)) continue;
    out.push_back({entry->path, OidHex(entry->id)});
  }
  std::sort(out.begin(), out.end(),
            [](const GitEntry& a, const GitEntry& b) { return a.path < b.path; });
  return out;
}

Expected<std::vector<GitEntry>> GitRepository::TreeEntries(std::string_view revision) const {
  OwnedTree tree;
  if (auto peeled = impl_->PeelTree(revision, tree); !peeled) return Unexpected(peeled.error());
  std::vector<GitEntry> out;
  auto visit = [](const char* root, const git_tree_entry* entry, void* payload) -> int {
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;
    if (!IsRegularMode(git_tree_entry_filemode(entry))) return 0;
    auto* list = static_cast<std::vector<GitEntry>*>(payload);
    list->push_back(
        {std::string(root) + git_tree_entry_name(entry), OidHex(*git_tree_entry_id(entry))});
    return 0;
  };
  if (git_tree_walk(tree.get(), GIT_TREEWALK_PRE, visit, &out) != 0) {
    return Unexpected(LastError("reading the tree"));
  }
  std::sort(out.begin(), out.end(),
            [](const GitEntry& a, const GitEntry& b) { return a.path < b.path; });
  return out;
}

Expected<std::vector<std::string>> GitRepository::StagedPaths() const {
  OwnedIndex index;
  if (auto opened = impl_->OpenIndex(index); !opened) return Unexpected(opened.error());
  OwnedTree head;
  if (HasHead()) {
    if (auto peeled = impl_->PeelTree("HEAD", head); !peeled) return Unexpected(peeled.error());
  }
  OwnedDiff diff;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  if (git_diff_tree_to_index(diff.out(), impl_->repo, head.get(), index.get(), &options) != 0) {
    return Unexpected(LastError("comparing the index with HEAD"));
  }
  return DeltaPaths(diff.get());
}

Expected<std::vector<std::string>> GitRepository::ChangedPaths(std::string_view base,
                                                               std::string_view head) const {
  OwnedTree base_tree;
  OwnedTree head_tree;
  if (auto peeled = impl_->PeelTree(base, base_tree); !peeled) return Unexpected(peeled.error());
  if (auto peeled = impl_->PeelTree(head, head_tree); !peeled) return Unexpected(peeled.error());
  OwnedDiff diff;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  if (git_diff_tree_to_tree(diff.out(), impl_->repo, base_tree.get(), head_tree.get(), &options) !=
      0) {
    return Unexpected(LastError("comparing revisions"));
  }
  return DeltaPaths(diff.get());
}

Expected<std::string> GitRepository::ReadBlob(const std::string& blob) const {
  git_oid oid;
  if (git_oid_fromstr(&oid, blob.c_str()) != 0) {
    return Unexpected(fmt::format("git: '{}' is not an object id", blob));
  }
  OwnedBlob object;
  if (git_blob_lookup(object.out(), impl_->repo, &oid) != 0) {
    return Unexpected(LastError(fmt::format("reading blob {}", blob)));
  }
  const auto* data = static_cast<const char*>(git_blob_rawcontent(object.get()));
  return std::string(data, static_cast<size_t>(git_blob_rawsize(object.get())));
}

// ---- For sync/.

namespace {

Expected<git_oid> ParseOid(const std::string& hex) {
  git_oid oid;
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, hex.c_str()) != 0) {
    return Unexpected(fmt::format("git: '{}' is not a commit id", hex));
  }
  return oid;
}

/// The deadline of one fetch. libgit2 1.5 has no server timeout (GIT_OPT_SET_SERVER_TIMEOUT
/// came with 1.7) and blocks in recv() forever on a server that accepts and never answers. A
/// watchdog thread interrupts the fetching thread with a signal whose handler does nothing and is
/// installed without SA_RESTART: the blocked connect/recv/send returns EINTR and libgit2 fails
/// the fetch. It signals again every 50 ms until the fetch returns, in case one lands between
/// two system calls; the progress callbacks cancel too once it expired (a server that trickles).
class FetchDeadline {
 public:
  explicit FetchDeadline(std::chrono::milliseconds timeout) {
    if (timeout.count() <= 0) return;
    static std::once_flag once;
    std::call_once(once, [] {
      struct sigaction action {};
      action.sa_handler = [](int) {};
      sigemptyset(&action.sa_mask);
      action.sa_flags = 0;  // no SA_RESTART: the interrupted call fails with EINTR
      sigaction(Signal(), &action, nullptr);
    });
    watchdog_ = std::thread([this, timeout, fetcher = pthread_self()] {
      std::unique_lock<std::mutex> lock(mutex_);
      if (done_cv_.wait_for(lock, timeout, [this] { return done_; })) return;
      expired_ = true;
      while (!done_) {
        pthread_kill(fetcher, Signal());
        done_cv_.wait_for(lock, std::chrono::milliseconds(50), [this] { return done_; });
      }
    });
  }
  ~FetchDeadline() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    done_cv_.notify_all();
    if (watchdog_.joinable()) watchdog_.join();
  }
  FetchDeadline(const FetchDeadline&) = delete;
  FetchDeadline& operator=(const FetchDeadline&) = delete;

  bool expired() const { return expired_; }

 private:
  // A real-time signal nothing else in syncgate uses (glibc keeps the first ones for itself).
  static int Signal() { return SIGRTMIN + 3; }

  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::atomic<bool> expired_{false};
  std::thread watchdog_;
};

struct FetchPayload {
  std::string token;
  int attempts = 0;
  const FetchDeadline* deadline = nullptr;
};

/// Cancels a transfer that is still making progress when the deadline has passed.
int CancelWhenExpired(void* payload) {
  const auto* p = static_cast<FetchPayload*>(payload);
  return p->deadline && p->deadline->expired() ? -1 : 0;
}

int Credentials(git_credential** out, const char* url, const char* username_from_url,
                unsigned int allowed, void* payload) {
  auto* p = static_cast<FetchPayload*>(payload);
  if (++p->attempts > 3) return GIT_EUSER;  // libgit2 asks again after a rejected credential
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !p->token.empty()) {
    const char* user = std::getenv("SYNCGATE_GIT_USERNAME");
    return git_credential_userpass_plaintext_new(out, user && *user ? user : "oauth2",
                                                 p->token.c_str());
  }
  if (allowed & GIT_CREDENTIAL_SSH_KEY) {
    return git_credential_ssh_key_from_agent(out, username_from_url ? username_from_url : "git");
  }
  (void)url;
  return GIT_PASSTHROUGH;
}

/// A tree being assembled: files by name, and sub-folders.
struct TreeNode {
  std::map<std::string, std::string> blobs;  // name -> blob id
  std::map<std::string, TreeNode> dirs;
};

Expected<git_oid> WriteTreeNode(git_repository* repo, const TreeNode& node) {
  OwnedTreeBuilder builder;
  if (git_treebuilder_new(builder.out(), repo, nullptr) != 0) return Unexpected(LastError("tree"));
  for (const auto& [name, hex] : node.blobs) {
    git_oid oid;
    git_oid_fromstr(&oid, hex.c_str());
    if (git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &oid, GIT_FILEMODE_BLOB) !=
        0) {
      return Unexpected(LastError(fmt::format("adding {} to a tree", name)));
    }
  }
  for (const auto& [name, child] : node.dirs) {
    Expected<git_oid> sub = WriteTreeNode(repo, child);
    if (!sub) return sub;
    if (git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &*sub, GIT_FILEMODE_TREE) !=
        0) {
      return Unexpected(LastError(fmt::format("adding {}/ to a tree", name)));
    }
  }
  git_oid oid;
  if (git_treebuilder_write(&oid, builder.get()) != 0)
    return Unexpected(LastError("writing a tree"));
  return oid;
}

}  // namespace

Expected<GitRepository> GitRepository::OpenAt(const std::string& path) {
  InitLibgit2();
  auto impl = std::make_unique<Impl>();
  if (git_repository_open_ext(&impl->repo, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) !=
      0) {
    return Unexpected(
        fmt::format("not a git repository: {} ({})", path, LastError("open").substr(5)));
  }
  if (const char* wd = git_repository_workdir(impl->repo)) {
    impl->workdir = wd;
    while (impl->workdir.size() > 1 && impl->workdir.back() == '/') impl->workdir.pop_back();
  }
  return GitRepository(std::move(impl));
}

Expected<GitRepository> GitRepository::OpenOrInitBare(const std::string& path) {
  InitLibgit2();
  std::error_code ec;
  if (fs::exists(fs::path(path) / "HEAD", ec)) return OpenAt(path);
  fs::create_directories(path, ec);
  auto impl = std::make_unique<Impl>();
  if (git_repository_init(&impl->repo, path.c_str(), /*is_bare=*/1) != 0) {
    return Unexpected(LastError(fmt::format("creating the repository {}", path)));
  }
  return GitRepository(std::move(impl));
}

Status GitRepository::Fetch(const std::string& url, const std::string& token,
                            std::chrono::milliseconds timeout) {
  OwnedRemote remote;
  if (git_remote_create_anonymous(remote.out(), impl_->repo, url.c_str()) != 0) {
    return Unexpected(LastError(fmt::format("remote {}", url)));
  }
  FetchDeadline deadline(timeout);
  FetchPayload payload{token, 0, &deadline};
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.callbacks.credentials = Credentials;
  options.callbacks.sideband_progress = [](const char*, int, void* p) {
    return CancelWhenExpired(p);
  };
  options.callbacks.transfer_progress = [](const git_indexer_progress*, void* p) {
    return CancelWhenExpired(p);
  };
  options.callbacks.payload = &payload;
  options.prune = GIT_FETCH_PRUNE;
  options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  const char* specs[] = {"+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"};
  git_strarray refspecs{const_cast<char**>(specs), 2};
  if (git_remote_fetch(remote.get(), &refspecs, &options, "syncgate fetch") != 0) {
    if (deadline.expired()) {
      git_error_clear();
      return Unexpected(
          fmt::format("git: fetching {}: no complete answer within {:g} s: the fetch timed out",
                      url, std::chrono::duration<double>(timeout).count()));
    }
    return Unexpected(LastError(fmt::format("fetching {}", url)));
  }
  // Remember the remote's default branch so that "HEAD" resolves without another connection.
  git_buf branch = GIT_BUF_INIT;
  if (git_remote_default_branch(&branch, remote.get()) == 0) {
    std::string name(branch.ptr, branch.size);
    git_buf_dispose(&branch);
    if (StartsWith(name, "refs/heads/")) {
      const std::string target = "refs/remotes/origin/" + name.substr(11);
      OwnedReference ref;
      if (git_reference_symbolic_create(ref.out(), impl_->repo, "refs/remotes/origin/HEAD",
                                        target.c_str(), 1, "syncgate fetch") != 0) {
        git_error_clear();
      }
    }
  } else {
    git_error_clear();
  }
  return Ok{};
}

Expected<std::string> GitRepository::ResolveFetched(std::string_view revision) const {
  std::string rev(revision);
  if (rev.empty()) rev = "HEAD";
  std::vector<std::string> candidates;
  if (rev == "HEAD") {
    candidates = {"refs/remotes/origin/HEAD", "refs/remotes/origin/main",
                  "refs/remotes/origin/master"};
  } else if (StartsWith(rev, "refs/heads/")) {
    candidates = {"refs/remotes/origin/" + rev.substr(11)};
  } else if (StartsWith(rev, "refs/tags/")) {
    candidates = {rev};
  } else {
    candidates = {"refs/remotes/origin/" + rev, "refs/tags/" + rev};
    if (rev.size() >= 7 && rev.find_first_not_of("0123456789abcdef") == std::string::npos) {
      candidates.push_back(rev);
    }
  }
  for (const std::string& spec : candidates) {
    OwnedObject object;
    if (git_revparse_single(object.out(), impl_->repo, spec.c_str()) != 0) {
      git_error_clear();
      continue;
    }
    OwnedObject commit;
    if (git_object_peel(commit.out(), object.get(), GIT_OBJECT_COMMIT) != 0) {
      return Unexpected(LastError(fmt::format("'{}' does not name a commit", rev)));
    }
    return OidHex(*git_object_id(commit.get()));
  }
  return Unexpected(
      fmt::format("git: targetRevision '{}' is not a branch, tag or commit of the "
                  "fetched repository",
                  rev));
}

Expected<bool> GitRepository::IsDescendant(const std::string& commit,
                                           const std::string& ancestor) const {
  Expected<git_oid> c = ParseOid(commit);
  Expected<git_oid> a = ParseOid(ancestor);
  if (!c) return Unexpected(c.error());
  if (!a) return Unexpected(a.error());
  if (git_oid_equal(&*c, &*a)) return true;
  const int result = git_graph_descendant_of(impl_->repo, &*c, &*a);
  if (result < 0) {
    // The ancestor is unknown here (history rewritten and collected): not a descendant.
    git_error_clear();
    return false;
  }
  return result == 1;
}

Expected<std::string> GitRepository::ReadRef(const std::string& ref) const {
  OwnedObject object;
  const std::string spec = ref + "^{commit}";
  const int rc = git_revparse_single(object.out(), impl_->repo, spec.c_str());
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return std::string();
  }
  if (rc != 0) return Unexpected(LastError(fmt::format("reading {}", ref)));
  return OidHex(*git_object_id(object.get()));
}

Expected<std::vector<std::string>> GitRepository::RefsMatching(const std::string& glob) const {
  std::vector<std::string> refs;
  auto collect = [](const char* name, void* payload) {
    static_cast<std::vector<std::string>*>(payload)->emplace_back(name);
    return 0;
  };
  const int rc = git_reference_foreach_glob(impl_->repo, glob.c_str(), collect, &refs);
  if (rc != 0) return Unexpected(LastError(fmt::format("listing {}", glob)));
  std::sort(refs.begin(), refs.end());
  return refs;
}

Expected<std::string> GitRepository::WriteTree(
    const std::vector<std::pair<std::string, std::string>>& files) {
  TreeNode root;
  for (const auto& [path, content] : files) {
    git_oid blob;
    if (git_blob_create_from_buffer(&blob, impl_->repo, content.data(), content.size()) != 0) {
      return Unexpected(LastError(fmt::format("writing {}", path)));
    }
    TreeNode* node = &root;
    size_t start = 0;
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', start)) {
      node = &node->dirs[path.substr(start, slash - start)];
      start = slash + 1;
    }
    node->blobs[path.substr(start)] = OidHex(blob);
  }
  Expected<git_oid> tree = WriteTreeNode(impl_->repo, root);
  if (!tree) return Unexpected(tree.error());
  return OidHex(*tree);
}

Expected<std::string> GitRepository::TreeOf(const std::string& commit) const {
  OwnedTree tree;
  if (auto peeled = impl_->PeelTree(commit, tree); !peeled) return Unexpected(peeled.error());
  return OidHex(*git_tree_id(tree.get()));
}

Expected<std::string> GitRepository::WriteCommit(const std::string& tree, const std::string& parent,
                                                 const std::string& message) {
  git_oid tree_oid;
  if (git_oid_fromstr(&tree_oid, tree.c_str()) != 0) return Unexpected("git: bad tree id " + tree);
  OwnedTree tree_obj;
  if (git_tree_lookup(tree_obj.out(), impl_->repo, &tree_oid) != 0)
    return Unexpected(LastError("tree"));
  OwnedCommit parent_obj;
  if (!parent.empty()) {
    Expected<git_oid> p = ParseOid(parent);
    if (!p) return Unexpected(p.error());
    if (git_commit_lookup(parent_obj.out(), impl_->repo, &*p) != 0)
      return Unexpected(LastError("parent"));
  }
  OwnedSignature signature;
  if (git_signature_default(signature.out(), impl_->repo) != 0) {
    git_error_clear();
    if (git_signature_now(signature.out(), "syncgate", "syncgate@localhost") != 0) {
      return Unexpected(LastError("signature"));
    }
  }
  const git_commit* parents[] = {parent_obj.get()};
  git_oid oid;
  if (git_commit_create(&oid, impl_->repo, nullptr, signature.get(), signature.get(), "UTF-8",
                        message.c_str(), tree_obj.get(), parent.empty() ? 0 : 1, parents) != 0) {
    return Unexpected(LastError("writing a commit"));
  }
  return OidHex(oid);
}

Expected<bool> GitRepository::CompareAndSwapRef(const std::string& ref, const std::string& commit,
                                                const std::string& expected) {
  Expected<git_oid> id = ParseOid(commit);
  if (!id) return Unexpected(id.error());
  OwnedReference out;
  int rc = 0;
  if (expected.empty()) {
    rc = git_reference_create(out.out(), impl_->repo, ref.c_str(), &*id, /*force=*/0,
                              "syncgate publish");
  } else {
    Expected<git_oid> old = ParseOid(expected);
    if (!old) return Unexpected(old.error());
    rc = git_reference_create_matching(out.out(), impl_->repo, ref.c_str(), &*id, /*force=*/1,
                                       &*old, "syncgate publish");
  }
  // Lost the race: the ref exists, moved, or its lock is held by the other writer.
  if (rc == GIT_EEXISTS || rc == GIT_EMODIFIED || rc == GIT_ELOCKED) {
    git_error_clear();
    return false;
  }
  if (rc != 0) return Unexpected(LastError(fmt::format("updating {}", ref)));
  return true;
}

Expected<std::string> GitRepository::CommitMessage(const std::string& commit) const {
  Expected<git_oid> id = ParseOid(commit);
  if (!id) return Unexpected(id.error());
  OwnedCommit c;
  if (git_commit_lookup(c.out(), impl_->repo, &*id) != 0)
    return Unexpected(LastError("commit " + commit));
  const char* message = git_commit_message(c.get());
  return std::string(message ? message : "");
}

Expected<std::vector<std::string>> GitRepository::FirstParentLog(const std::string& commit,
                                                                 int limit) const {
  std::vector<std::string> out;
  std::string at = commit;
  while (!at.empty() && static_cast<int>(out.size()) < limit) {
    Expected<git_oid> id = ParseOid(at);
    if (!id) return Unexpected(id.error());
    OwnedCommit c;
    if (git_commit_lookup(c.out(), impl_->repo, &*id) != 0)
      return Unexpected(LastError("commit " + at));
    out.push_back(at);
    at = git_commit_parentcount(c.get()) > 0 ? OidHex(*git_commit_parent_id(c.get(), 0)) : "";
  }
  return out;
}

std::string LibGit2Version() {
  int major = 0, minor = 0, patch = 0;
  git_libgit2_version(&major, &minor, &patch);
  return fmt::format("{}.{}.{}", major, minor, patch);
}

}  // namespace syncgate
