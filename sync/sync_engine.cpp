#include "sync/sync_engine.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "checker/cache_dir.h"
#include "checker/config.h"
#include "checker/redaction.h"
#include "checker/scalar_types.h"
#include "checker/text_util.h"
#include "checker/workspace.h"
#include "model/application.h"
#include "model/kustomization.h"
#include "model/render_model.h"
#include "model/values_text.h"
#include "reporters/reporter.h"
#include "run/check_run.h"
#include "sources/git_source.h"
#include "sync/retry.h"

namespace syncgate::sync {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string Scalar(const Node* node) {
  return node && node->IsScalar() ? std::string(node->Text()) : "";
}

/// Testing hook, read here only: SYNCGATE_FAULT_KILL_AT=<point> makes the process SIGKILL itself
/// at that point of a sync, so that a test can show what a crash there leaves behind
/// (sync/README.md, "What a crash leaves"). Points: after-fetch, after-check, publish-commit (the
/// commit object is written, the branch not moved yet), before-record (the branch moved, no gate
/// record yet). It only ever kills this process.
void KillPoint(std::string_view point) {
  static const std::string wanted = [] {
    const char* value = std::getenv("SYNCGATE_FAULT_KILL_AT");
    return std::string(value ? value : "");
  }();
  if (!wanted.empty() && wanted == point) ::raise(SIGKILL);
}

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

}  // namespace

Expected<Config> ConfigForPinnedTrees(const std::string& path) {
  if (path.empty()) return Config{};
  Expected<Config> loaded = Config::Load(path);
  if (!loaded || !loaded->document()) return loaded;
  const Node& root = loaded->document()->root();
  const Node* repos = root.IsMap() ? root.Get("repositories") : nullptr;
  if (!repos) return loaded;
  const std::string& text = loaded->document()->source().text();
  std::string out;
  bool skipping = false;
  for (std::string_view line : Split(text, '\n')) {
    if (StartsWith(line, "repositories:")) {
      skipping = true;
    } else if (skipping && !line.empty() && line[0] != ' ' && line[0] != '#' && line[0] != '\t') {
      skipping = false;
    }
    if (!skipping) out.append(line).push_back('\n');
  }
  return Config::Parse(SourceFile::FromText(loaded->path(), out));
}

namespace {

/// `repositories:` of .syncgate.yaml: repoURL → folder, relative to the config.
void ConfigRepositories(const std::string& config_path, std::map<std::string, std::string>& out) {
  if (config_path.empty()) return;
  Expected<Config> config = Config::Load(config_path);
  if (!config || !config->document()) return;
  const Node* repos = config->document()->root().Get("repositories");
  if (!repos || !repos->IsMap()) return;
  for (const auto& entry : repos->Resolved().entries) {
    if (!entry.value || !entry.value->IsScalar()) continue;
    out.emplace(std::string(entry.key->Text()),
                (fs::path(config->root()) / std::string(entry.value->Text())).string());
  }
}

struct AppRef {
  InputFile file;
  std::shared_ptr<const SourceFile> source;
  std::shared_ptr<LoadResult> loaded;
  const Document* doc = nullptr;
  std::string name;
};

std::vector<AppRef> FindApplications(const std::vector<std::string>& paths,
                                     std::vector<std::string>& errors) {
  std::vector<AppRef> apps;
  Discovery found = DiscoverInputs(paths, Config{});
  for (const std::string& e : found.errors) errors.push_back(e);
  for (const InputFile& file : found.files) {
    if (file.kind != FileKind::kYaml || file.fs_path.empty()) continue;
    std::ifstream in(file.fs_path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto source = SourceFile::FromText(file.display_path, text.str());
    auto loaded = std::make_shared<LoadResult>(LoadYaml(source));
    for (const auto& doc : loaded->documents) {
      const ObjectRef& ref = doc->object();
      if (ref.kind != "Application" || !StartsWith(ref.api_version, "argoproj.io/")) continue;
      apps.push_back({file, source, loaded, doc.get(), ref.name});
    }
  }
  return apps;
}

std::string EnvironmentOfApp(const Config& config, const std::string& app, const std::string& ns,
                             const std::string& fallback) {
  for (const EnvironmentProfile& p : config.environments()) {
    for (const std::string& glob : p.applications) {
      if (GlobMatch(glob, app)) return p.name;
    }
  }
  for (const EnvironmentProfile& p : config.environments()) {
    for (const std::string& glob : p.namespaces) {
      if (!ns.empty() && GlobMatch(glob, ns)) return p.name;
    }
  }
  return fallback;
}

/// Where to fetch a repoURL from, and which folder of it is the repository's root.
struct Remote {
  std::string url;
  std::string prefix;  // "examples/q-sign/" when the mapped folder is inside a larger repository
};

Expected<Remote> ResolveRemote(const std::string& repo_url,
                               const std::map<std::string, std::string>& map) {
  auto it = map.find(repo_url);
  if (it == map.end()) {
    // Unmapped: the URL itself (file://, https://, ssh://, or a local path).
    return Remote{repo_url, ""};
  }
  std::error_code ec;
  const std::string local = fs::absolute(it->second, ec).lexically_normal().string();
  if (Expected<GitRepository> exact = GitRepository::OpenAt(local)) return Remote{local, ""};
  Expected<GitRepository> enclosing = GitRepository::Open(local);
  if (!enclosing || enclosing->workdir().empty()) {
    return Unexpected(
        fmt::format("{} is mapped to {}, which is neither a git repository nor a "
                    "folder inside one",
                    repo_url, it->second));
  }
  std::string prefix = fs::path(local).lexically_relative(enclosing->workdir()).generic_string();
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return Remote{enclosing->workdir(), prefix.empty() || prefix == "." ? "" : prefix + "/"};
}

std::string Short(const std::string& commit) { return commit.substr(0, 7); }

std::string UtcStamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

/// Writes `text` to a new temporary file beside `path` and fsyncs it: the caller renames or links
/// it into place, so a reader (or a crash) sees the old file or the whole new one, never a part.
Expected<std::string> WriteSyncedTemp(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  static std::atomic<int> counter{0};
  const std::string tmp = path.string() + fmt::format(".tmp{}-{}", getpid(), counter++);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Unexpected(fmt::format("writing {}: {}", path.string(), ErrnoText(errno)));
  int err = 0;
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return Unexpected(fmt::format("writing {}: {}", path.string(), ErrnoText(err)));
  }
  return tmp;
}

/// Makes a rename or link in `dir` durable.
void SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

/// Replaces `path` with `text` atomically: temporary file, fsync, rename, fsync of the folder.
Status WriteFileAtomically(const fs::path& path, const std::string& text) {
  Expected<std::string> tmp = WriteSyncedTemp(path, text);
  if (!tmp) return Unexpected(tmp.error());
  if (::rename(tmp->c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp->c_str());
    return Unexpected(fmt::format("writing {}: {}", path.string(), ErrnoText(err)));
  }
  SyncDirectory(path.parent_path());
  return Ok{};
}

/// Writes `<dir>/<stem>.json` atomically without ever replacing a file: when two syncs decide in
/// the same second, the second record is `<stem>-2.json`. Returns the path written.
Expected<std::string> WriteNewRecordFile(const fs::path& dir, const std::string& stem,
                                         const std::string& text) {
  Expected<std::string> tmp = WriteSyncedTemp(dir / (stem + ".json"), text);
  if (!tmp) return Unexpected(tmp.error());
  for (int n = 1; n <= 100; ++n) {
    const fs::path name = dir / (n == 1 ? stem + ".json" : fmt::format("{}-{}.json", stem, n));
    if (::link(tmp->c_str(), name.c_str()) == 0) {
      ::unlink(tmp->c_str());
      SyncDirectory(dir);
      return name.string();
    }
    if (errno != EEXIST) {
      const int err = errno;
      ::unlink(tmp->c_str());
      return Unexpected(fmt::format("writing {}: {}", name.string(), ErrnoText(err)));
    }
  }
  ::unlink(tmp->c_str());
  return Unexpected(fmt::format("writing {}/{}.json: 100 records of that second exist already",
                                dir.string(), stem));
}

/// The gate record: what was decided about which commit, and why. No secrets: finding
/// messages are redacted by the rules, and no values are copied.
Expected<std::string> WriteRecord(const SyncOptions& options, const std::string& state_dir,
                                  const SyncOutcome& o) {
  nlohmann::json j;
  j["application"] = o.application;
  j["file"] = o.app_file;
  j["repo"] = o.repo_url;
  j["revision"] = o.revision;
  j["commit"] = o.commit;
  j["environment"] = o.environment;
  j["branch"] = o.branch;
  j["verdict"] = std::string(VerdictName(o.verdict));
  j["reason"] = o.reason;
  j["findings"] = o.findings;
  j["report_digest"] = o.report_digest;
  j["published"] = o.published;
  j["time"] = UtcStamp();
  nlohmann::json blocking = nlohmann::json::array();
  for (const Finding& f : o.blocking) {
    blocking.push_back({{"rule", f.rule},
                        {"severity", std::string(SeverityName(f.severity))},
                        {"file", f.file},
                        {"line", f.line},
                        {"message", f.message}});
  }
  j["blocking"] = blocking;
  (void)options;
  const fs::path dir = fs::path(state_dir) / o.application;
  // Scrubbed too: a reason may quote a renderer's or the fetch's error message.
  const std::string text = ScrubSecrets(j.dump(2)) + "\n";
  Expected<std::string> path = WriteNewRecordFile(
      dir, fmt::format("{}-{}", UtcStamp(), o.commit.empty() ? "none" : Short(o.commit)), text);
  if (!path) return path;
  if (Status s = WriteFileAtomically(dir / "last.json", text); !s) return Unexpected(s.error());
  if (o.verdict == Verdict::kPublished || o.verdict == Verdict::kUnchanged) {
    if (Status s = WriteFileAtomically(dir / "last-pass.json", text); !s) {
      return Unexpected(s.error());
    }
  }
  return path;
}

std::string LastRecord(const std::string& state_dir, const std::string& app,
                       const std::string& key) {
  std::ifstream in(fs::path(state_dir) / app / "last.json");
  if (!in) return "";
  try {
    return nlohmann::json::parse(in).value(key, "");
  } catch (...) {
    return "";
  }
}

std::string LastPassedCommit(const std::string& state_dir, const std::string& app) {
  std::ifstream in(fs::path(state_dir) / app / "last-pass.json");
  if (!in) return "";
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    return j.value("commit", "");
  } catch (...) {
    return "";
  }
}

std::string ReportDigest(const RunResult& result) {
  std::ostringstream json;
  reporters::ReportOptions report;
  report.excerpts = false;
  (void)reporters::WriteReport("json", result, json, report);
  return "sha256:" + Sha256Hex(json.str());
}

/// The published manifest of an environment branch head (empty when none).
Expected<std::string> PublishedManifest(GitRepository& target, const std::string& head) {
  if (head.empty()) return std::string();
  Expected<std::vector<GitEntry>> entries = target.TreeEntries(head);
  if (!entries) return Unexpected(entries.error());
  for (const GitEntry& e : *entries) {
    if (e.path == "manifest.yaml") return target.ReadBlob(e.blob);
  }
  return std::string();
}

struct PublishResult {
  Verdict verdict;
  std::string commit;
};

/// Commits `manifest` on `ref` with compare-and-swap; re-reads and retries when another writer
/// moved the branch first. An older source commit never replaces a newer one.
Expected<PublishResult> Publish(GitRepository& target, GitRepository& cache, const std::string& ref,
                                const std::string& manifest, const std::string& message,
                                const std::string& source_commit) {
  Expected<std::string> tree = target.WriteTree({{"manifest.yaml", manifest}});
  if (!tree) return Unexpected(tree.error());
  for (int attempt = 0; attempt < 50; ++attempt) {
    Expected<std::string> head = target.ReadRef(ref);
    if (!head) return Unexpected(head.error());
    if (!head->empty()) {
      Expected<std::string> head_tree = target.TreeOf(*head);
      if (!head_tree) return Unexpected(head_tree.error());
      if (*head_tree == *tree) return PublishResult{Verdict::kUnchanged, *head};
      Expected<std::string> head_message = target.CommitMessage(*head);
      // Another sync of the same Application and repository that gated a newer commit wins.
      const bool same_source = head_message &&
                               Trailer(*head_message, "Syncgate-Application") ==
                                   Trailer(message, "Syncgate-Application") &&
                               Trailer(*head_message, "Syncgate-Source-Repo") ==
                                   Trailer(message, "Syncgate-Source-Repo");
      const std::string theirs =
          same_source ? Trailer(*head_message, "Syncgate-Source-Commit") : "";
      if (!theirs.empty() && theirs != source_commit) {
        Expected<bool> newer = cache.IsDescendant(theirs, source_commit);
        if (newer && *newer) return PublishResult{Verdict::kSuperseded, *head};
      }
    }
    Expected<std::string> commit = target.WriteCommit(*tree, *head, message);
    if (!commit) return Unexpected(commit.error());
    KillPoint("publish-commit");
    Expected<bool> swapped = target.CompareAndSwapRef(ref, *commit, *head);
    if (!swapped) return Unexpected(swapped.error());
    if (*swapped) return PublishResult{Verdict::kPublished, *commit};
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
  }
  return Unexpected(fmt::format("{} kept moving while publishing: gave up after 50 attempts", ref));
}

std::string SupersededReason(const std::string& branch, const std::string& head) {
  return fmt::format(
      "another sync published {} of a newer commit to {} while this one ran: nothing to do",
      Short(head), branch);
}

/// An exclusive flock on `path` for as long as it lives, waited for at most `wait` (a no-op when
/// the file cannot be opened, as on a read-only target: the step then fails or compare-and-swap
/// guards the branch). The kernel releases it when the process dies, even by SIGKILL.
class FileLock {
 public:
  FileLock(const fs::path& path, std::chrono::milliseconds wait) : path_(path.string()) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return;
    const auto deadline = Clock::now() + wait;
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if ((err != EWOULDBLOCK && err != EINTR) || Clock::now() >= deadline) {
        timed_out_ = err == EWOULDBLOCK;
        ::close(fd_);
        fd_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  /// Another process held the lock for longer than the wait.
  Status Held(std::chrono::milliseconds wait) const {
    if (!timed_out_) return Ok{};
    return Unexpected(fmt::format("another sync held {} for more than {} s", path_,
                                  std::chrono::duration<double>(wait).count()));
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool timed_out_ = false;
};

/// How long a sync waits for another one publishing to the same target (which holds the lock
/// for milliseconds: only the read, write and swap of the branch).
constexpr std::chrono::milliseconds kPublishLockWait{30000};

/// `<target git dir>/syncgate-publish.lock`.
fs::path PublishLockPath(const std::string& target) {
  const fs::path dot_git = fs::path(target) / ".git";
  std::error_code ec;
  return (fs::is_directory(dot_git, ec) ? dot_git : fs::path(target)) / "syncgate-publish.lock";
}

/// The files of a directory source as ArgoCD reads them (model/directory_source.h: their names,
/// recurse, exclude and include, then the skip-rendering marker), less syncgate's and ArgoCD's
/// own configuration files, which are no manifests.
std::vector<const SourceFileInput*> DirectoryFiles(const std::vector<SourceFileInput>& sources,
                                                   const std::string& root,
                                                   const model::DirectoryOptions& directory) {
  std::vector<const SourceFileInput*> out;
  const std::string prefix = root.empty() ? "" : root + "/";
  for (const SourceFileInput& s : sources) {
    if (!StartsWith(s.display_path, prefix)) continue;
    const std::string rel = s.display_path.substr(prefix.size());
    if (!model::DirectoryIncludes(directory, rel)) continue;
    if (rel == ".syncgate.yaml" || StartsWith(fs::path(rel).filename().string(), ".argocd-source"))
      continue;
    if (s.content.find(model::kSkipFileRenderingMarker) != std::string::npos) continue;
    out.push_back(&s);
  }
  return out;
}

/// "9 findings at or above --fail-on: 4 committed secrets (secret-vault-unseal-key x3,
/// secret-vault-token); argocd-insecure-repo-url, ...": secrets first, they are why most refusals
/// matter.
std::string RefusalReason(const std::vector<Finding>& blocking) {
  std::vector<std::pair<std::string, int>> secrets;
  std::vector<std::pair<std::string, int>> others;
  int secret_count = 0;
  for (const Finding& f : blocking) {
    const bool secret = StartsWith(f.rule, "secret-");
    secret_count += secret;
    auto& list = secret ? secrets : others;
    auto it =
        std::find_if(list.begin(), list.end(), [&](const auto& e) { return e.first == f.rule; });
    if (it == list.end()) {
      list.emplace_back(f.rule, 1);
    } else {
      ++it->second;
    }
  }
  auto join = [](const std::vector<std::pair<std::string, int>>& list) {
    std::string out;
    for (const auto& [rule, n] : list)
      out += (out.empty() ? "" : ", ") + (n > 1 ? fmt::format("{} x{}", rule, n) : rule);
    return out;
  };
  std::string reason = fmt::format("{} finding{} at or above --fail-on: ", blocking.size(),
                                   blocking.size() == 1 ? "" : "s");
  if (secret_count > 0) {
    reason += fmt::format("{} committed secret{} ({})", secret_count, secret_count == 1 ? "" : "s",
                          join(secrets));
    if (!others.empty()) reason += "; ";
  }
  return reason + join(others);
}

/// The files a Kustomize build of `source_path` reads that lie outside it, from the pinned tree
/// written to `work`, as sources shown below `display_root`.
void AddKustomizeInputs(const fs::path& work, const std::string& display_root,
                        const std::string& source_path, std::vector<SourceFileInput>& sources) {
  const fs::path root = fs::absolute(work).lexically_normal();
  const model::KustomizeTree tree = model::ReadKustomizeTree((root / source_path).string());
  std::set<std::string> have;
  for (const SourceFileInput& s : sources) have.insert(s.display_path);
  auto add = [&](const fs::path& file) {
    const std::string rel = file.lexically_relative(root).generic_string();
    if (rel.empty() || StartsWith(rel, "..")) return;  // never outside the pinned tree
    const std::string display = display_root + "/" + rel;
    if (!have.insert(display).second) return;
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    sources.push_back({display, file.string(), text.str()});
  };
  for (const std::string& input : tree.inputs) {
    std::error_code ec;
    if (!fs::is_directory(input, ec)) {
      add(input);
      continue;
    }
    for (auto it = fs::recursive_directory_iterator(input, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) add(it->path());
    }
  }
  std::sort(sources.begin(), sources.end(), [](const SourceFileInput& a, const SourceFileInput& b) {
    return a.display_path < b.display_path;
  });
}

class Syncer {
 public:
  explicit Syncer(const SyncOptions& options) : options_(options) {
    cache_dir_ = options.cache_dir.empty() ? CacheDir("git") : options.cache_dir;
    state_dir_ = options.state_dir.empty() ? cache_dir_ + "/state" : options.state_dir;
  }

  SyncOutcome Run(const AppRef& app) {
    SyncOutcome o;
    o.application = app.name;
    o.app_file = app.file.display_path;
    Status done = Gate(app, o);
    if (!done) {
      o.verdict = Verdict::kError;
      o.reason = done.error().message;
    }
    // --watch: an unchanged commit already recorded needs no new record every poll.
    if (options_.skip_refused_commits && o.verdict == Verdict::kUnchanged &&
        LastRecord(state_dir_, app.name, "commit") == o.commit) {
      o.repeat = true;
    }
    if (o.verdict == Verdict::kPublished) KillPoint("before-record");
    if (o.verdict != Verdict::kPlanned && !o.repeat) {
      Expected<std::string> record = WriteRecord(options_, state_dir_, o);
      if (record) {
        o.record_path = *record;
      } else {
        // The run could not do all of its job (exit 2). A branch it moved stays moved: the next
        // run finds it unchanged and writes the record.
        const std::string decided =
            o.verdict == Verdict::kPublished || o.verdict == Verdict::kUnchanged
                ? fmt::format("{} holds {}, but ", o.branch, Short(o.published))
                : (o.reason.empty() ? "" : o.reason + "; ");
        o.reason = fmt::format("{}the gate record could not be written: {}", decided,
                               record.error().message);
        o.verdict = Verdict::kError;
      }
    }
    return o;
  }

 private:
  /// What the steps of one gate share, filled in as they go.
  struct Gating {
    const AppRef& app;
    SyncOutcome& o;
    model::Application view;
    const model::AppSource* source = nullptr;
    std::string source_path;  // normalised, "" for the repository root
    std::string dest_ns;
    std::optional<Config> config;
    std::map<std::string, std::string> repo_map;
    RetryPolicy policy;
    std::function<void(std::chrono::milliseconds)> sleep;
    Remote remote;
    std::optional<GitRepository> cache;        // the fetched source repository
    std::optional<GitRepository> target;       // the repository of the environment branches
    std::string ref;                           // refs/heads/<environment branch>
    std::string head;                          // its commit before publishing ("" when new)
    std::optional<std::string> head_at_start;  // the branch before the fetch, when it could be read
    GateCheck check;
  };
  /// A step either fails (the gate errs), decides the verdict (false: stop), or hands on (true).
  using Step = Expected<bool> (Syncer::*)(Gating&);

  Status Gate(const AppRef& app, SyncOutcome& o) {
    Gating g{app, o, {}};
    for (Step step : {&Syncer::ReadApplication, &Syncer::FetchAndPin, &Syncer::RefuseRewrite,
                      &Syncer::CheckPinnedTree, &Syncer::PlanAndPublish}) {
      Expected<bool> go_on = (this->*step)(g);
      if (!go_on) return Unexpected(go_on.error());
      if (!*go_on) break;
    }
    return Ok{};
  }

  /// 0. What the Application asks for: its one source, its configuration, environment branch and
  /// retry policy.
  Expected<bool> ReadApplication(Gating& g) {
    const Node& root = g.app.doc->root();
    g.view = model::ReadApplicationSpec(root.Get("spec"), "/spec");
    // `sources`, when a list, replaces `source`; the sync takes a list of exactly one.
    const bool listed = g.view.sources_field && g.view.sources_field->IsSeq();
    if (listed && g.view.sources_field->Resolved().items.size() != 1) {
      return Unexpected("multi-source Applications (spec.sources) are not supported by sync yet");
    }
    for (const model::AppSource& s : g.view.sources) {
      if (s.listed == listed) g.source = &s;
    }
    if (!g.source) return Unexpected("the Application has no spec.source");
    if (g.source->chart) {
      return Unexpected(
          "Helm repository sources (spec.source.chart) are not supported by sync yet");
    }
    SyncOutcome& o = g.o;
    // Shown in logs, gate records and commit trailers: never with a password or token in it.
    o.repo_url = UrlWithoutCredentials(Scalar(g.source->repo_url));
    o.revision = Scalar(g.source->target_revision);
    if (o.revision.empty()) o.revision = "HEAD";
    g.source_path = Normalize(Scalar(g.source->path));
    g.dest_ns = Scalar(g.view.destination_namespace);

    std::string config_path = options_.config_path;
    if (config_path.empty()) config_path = Config::FindUpward(g.app.file.fs_path);
    Expected<Config> config = ConfigForPinnedTrees(config_path);
    if (!config) return Unexpected("configuration error: " + config.error().message);
    g.config = std::move(*config);
    g.repo_map = options_.repo_map;
    ConfigRepositories(config_path, g.repo_map);
    o.environment = EnvironmentOfApp(*g.config, g.app.name, g.dest_ns, options_.environment);
    o.branch = BranchName(options_.branch_template, o.environment, g.app.name);

    Expected<RetryPolicy> policy = RetryPolicy::FromApplication(root);
    if (!policy) return Unexpected("spec.syncPolicy.retry: " + policy.error().message);
    g.policy = *policy;
    g.sleep = options_.sleep ? options_.sleep
                             : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    return true;
  }

  /// 1. Fetch the source and pin the revision to a commit: everything after refers to it.
  Expected<bool> FetchAndPin(Gating& g) {
    SyncOutcome& o = g.o;
    // What the branch held before this run pinned anything: a branch that moves during the run to
    // a descendant of the pinned commit was overtaken by another sync, not rewritten (see
    // RefuseRewrite). A target that cannot be read is reported there.
    if (Expected<GitRepository> target = GitRepository::OpenAt(options_.target)) {
      if (Expected<std::string> head = target->ReadRef("refs/heads/" + o.branch)) {
        g.head_at_start = *head;
      }
    }
    const auto fetch_start = Clock::now();
    Expected<Remote> remote = ResolveRemote(Scalar(g.source->repo_url), g.repo_map);
    if (!remote) return Unexpected(remote.error());
    g.remote = *remote;
    // Two syncs sharing the cache create and fetch it in turn: libgit2 fails an init or a fetch
    // whose lock files (HEAD.lock, the refs') another one holds. The holder is bounded by the
    // fetch timeout, and so is the wait.
    const fs::path repos = fs::path(cache_dir_) / "repos";
    const fs::path lock_path = repos / (Fnv1aHex(g.remote.url) + ".fetch.lock");
    std::error_code ec;
    fs::create_directories(repos, ec);  // else the lock is a no-op; the init says what failed
    {
      const FileLock init_lock(lock_path, options_.fetch_timeout);
      if (Status held = init_lock.Held(options_.fetch_timeout); !held) {
        return Unexpected(held.error());
      }
      Expected<GitRepository> cache =
          GitRepository::OpenOrInitBare((repos / Fnv1aHex(g.remote.url)).string());
      if (!cache) return Unexpected(cache.error());
      g.cache = std::move(*cache);
    }
    const char* token = std::getenv("SYNCGATE_GIT_TOKEN");
    std::optional<FileLock> lock;
    Status fetched = WithRetry(
        g.policy,
        [&]() -> Status {
          lock.emplace(lock_path, options_.fetch_timeout);
          Status attempt = lock->Held(options_.fetch_timeout);
          if (attempt)
            attempt = g.cache->Fetch(g.remote.url, token ? token : "", options_.fetch_timeout);
          if (!attempt) lock.reset();  // never held across a retry's wait
          return attempt;
        },
        g.sleep);
    if (!fetched) return Unexpected(fetched.error());
    Expected<std::string> commit = g.cache->ResolveFetched(o.revision);
    lock.reset();
    if (!commit && !g.remote.prefix.empty()) {
      // The URL stands for a folder of a larger repository (.syncgate.yaml `repositories:`):
      // that repository's refs are not the real one's tags and branches.
      return Unexpected(
          fmt::format("{} (the repoURL is mapped to the folder {} of {}, which does "
                      "not have the real repository's tags: map it to a clone with "
                      "--repo-map URL=PATH, as examples/sync-demo.sh does)",
                      commit.error().message, g.remote.prefix, g.remote.url));
    }
    if (!commit) return Unexpected(commit.error());
    o.commit = *commit;
    o.timings["fetch"] = MsSince(fetch_start);
    if (options_.after_pin) options_.after_pin(g.app.name, o.commit);
    KillPoint("after-fetch");
    if (options_.skip_refused_commits && LastRecord(state_dir_, g.app.name, "commit") == o.commit &&
        LastRecord(state_dir_, g.app.name, "verdict") == "refused") {
      // A failed verdict is never retried for the same commit: wait for a new one.
      o.verdict = Verdict::kRefused;
      o.reason =
          "already refused at this commit (see the last gate record); waiting for a new commit";
      o.repeat = true;
      return false;
    }
    return true;
  }

  /// Refuse a rewritten history: the new commit must descend from the last gated one.
  Expected<bool> RefuseRewrite(Gating& g) {
    SyncOutcome& o = g.o;
    Expected<GitRepository> target = GitRepository::OpenAt(options_.target);
    if (!target) return Unexpected("--target: " + target.error().message);
    g.target = std::move(*target);
    g.ref = "refs/heads/" + o.branch;
    Expected<std::string> head = g.target->ReadRef(g.ref);
    if (!head) return Unexpected(head.error());
    g.head = *head;
    // The branch says what was last published; the gate record can lag one step behind it (a
    // sync killed between moving the branch and writing its record), so the branch comes first.
    // Only a commit of this Application from this repository says what was gated for it.
    std::string last;
    if (!g.head.empty()) {
      Expected<std::string> message = g.target->CommitMessage(g.head);
      if (message && Trailer(*message, "Syncgate-Application") == g.app.name &&
          Trailer(*message, "Syncgate-Source-Repo") == o.repo_url) {
        last = Trailer(*message, "Syncgate-Source-Commit");
      }
    }
    const bool moved_meanwhile = !last.empty() && g.head_at_start && *g.head_at_start != g.head;
    if (last.empty()) last = LastPassedCommit(state_dir_, g.app.name);
    if (last.empty() || options_.allow_rewrite) return true;
    Expected<bool> descends = g.cache->IsDescendant(o.commit, last);
    if (!descends) return Unexpected(descends.error());
    if (*descends) return true;
    if (moved_meanwhile) {
      // Another sync gated a newer commit of this source while this one ran (its fetch came
      // later): standing back is right. A branch already ahead before this fetch means the
      // source went back: a rewrite, refused below.
      Expected<bool> overtaken = g.cache->IsDescendant(last, o.commit);
      if (overtaken && *overtaken) {
        o.verdict = Verdict::kSuperseded;
        o.published = g.head;
        o.reason = SupersededReason(o.branch, g.head);
        return false;
      }
    }
    o.verdict = Verdict::kRefused;
    o.reason = fmt::format(
        "{} at {} does not descend from {}, the last gated commit: the "
        "history was rewritten (force push); re-run with --allow-rewrite "
        "if that is intended",
        o.revision, Short(o.commit), Short(last));
    return false;
  }

  /// 2. Read the pinned tree (never the moving branch) and check it with every rule.
  Expected<bool> CheckPinnedTree(Gating& g) {
    SyncOutcome& o = g.o;
    Expected<std::vector<GitEntry>> entries = g.cache->TreeEntries(o.commit);
    if (!entries) return Unexpected(entries.error());
    const std::string tree_prefix =
        g.remote.prefix + (g.source_path.empty() ? "" : g.source_path + "/");
    const std::string display_root = fmt::format("{}@{}", g.app.name, Short(o.commit));
    const fs::path work = fs::path(cache_dir_) / "work" /
                          fmt::format("{}-{}-{}", g.app.name, getpid(), work_counter_++);
    struct Cleanup {
      fs::path dir;
      ~Cleanup() {
        std::error_code ec;
        fs::remove_all(dir, ec);
      }
    } cleanup{work};
    std::vector<SourceFileInput> sources;
    // A Kustomize source reads bases and components from anywhere in its repository: the whole
    // pinned tree is written out for the build; only the source path is checked as files.
    const bool kustomize = std::any_of(entries->begin(), entries->end(), [&](const GitEntry& e) {
      return e.path == tree_prefix + "kustomization.yaml" ||
             e.path == tree_prefix + "kustomization.yml" || e.path == tree_prefix + "Kustomization";
    });
    for (const GitEntry& e : *entries) {
      const bool in_source = StartsWith(e.path, tree_prefix);
      if (!in_source && !(kustomize && StartsWith(e.path, g.remote.prefix))) continue;
      Expected<std::string> text = g.cache->ReadBlob(e.blob);
      if (!text) return Unexpected(text.error());
      const std::string rel = e.path.substr(g.remote.prefix.size());
      const fs::path file = work / rel;
      std::error_code ec;
      fs::create_directories(file.parent_path(), ec);
      std::ofstream(file, std::ios::binary) << *text;
      if (in_source) sources.push_back({display_root + "/" + rel, file.string(), std::move(*text)});
    }
    // What the build reads outside the source path (its bases, components, patches) is checked
    // too: it is what reaches the cluster.
    if (kustomize) AddKustomizeInputs(work, display_root, g.source_path, sources);
    if (sources.empty()) {
      return Unexpected(fmt::format("path '{}' holds no files at {} of {}", g.source_path,
                                    Short(o.commit), o.repo_url));
    }
    const auto check_start = Clock::now();
    g.check = CheckApplicationSource(
        g.app.file, g.app.name, sources,
        g.source_path.empty() ? display_root : display_root + "/" + g.source_path,
        model::ReadDirectoryOptions(g.source->directory), *g.config, options_);
    o.timings["check"] = MsSince(check_start);
    o.timings["render"] = g.check.render_ms;
    KillPoint("after-check");
    o.findings = static_cast<int>(g.check.result.findings.size());
    o.blocking = g.check.blocking;
    o.report_digest = ReportDigest(g.check.result);
    if (g.check.failed_to_run) {
      o.verdict = Verdict::kError;
      o.reason = g.check.reason;
      return false;
    }
    if (!o.blocking.empty()) {
      o.verdict = Verdict::kRefused;
      o.reason = RefusalReason(o.blocking);
      return false;
    }
    return true;
  }

  /// 3. Plan against the last published state; 4. publish: one commit in plan order,
  /// compare-and-swap on the branch.
  Expected<bool> PlanAndPublish(Gating& g) {
    SyncOutcome& o = g.o;
    SplitResult rendered = SplitManifests(g.check.manifest, g.dest_ns);
    if (!rendered.error.empty()) return Unexpected(rendered.error);
    Expected<std::string> published_text = PublishedManifest(*g.target, g.head);
    if (!published_text) return Unexpected(published_text.error());
    SplitResult published = SplitManifests(*published_text, g.dest_ns);
    PlanOptions plan_options;
    if (const Node* opts = g.view.sync_policy.sync_options; opts && opts->IsSeq()) {
      for (const Node* item : opts->Resolved().items)
        plan_options.prune_last |= item->Text() == "PruneLast=true";
    }
    plan_options.prune = IsYaml11True(g.view.sync_policy.prune);
    o.plan = MakePlan(std::move(rendered.objects), published.objects, plan_options);
    if (options_.plan_only) {
      o.verdict = Verdict::kPlanned;
      return false;
    }

    const auto publish_start = Clock::now();
    const std::string message = ScrubSecrets(fmt::format(
        "syncgate: publish {} at {}\n\n{} to add, {} to change, {} unchanged, {} to prune\n\n"
        "Syncgate-Application: {}\nSyncgate-Source-Repo: {}\nSyncgate-Source-Revision: {}\n"
        "Syncgate-Source-Commit: {}\nSyncgate-Report-Digest: {}\nSyncgate-Verdict: pass\n",
        g.app.name, Short(o.commit), o.plan->added, o.plan->changed, o.plan->unchanged,
        o.plan->prune.size(), g.app.name, o.repo_url, o.revision, o.commit, o.report_digest));
    std::optional<PublishResult> published_commit;
    Status pushed = WithRetry(
        g.policy,
        [&]() -> Status {
          // Two syncs writing to one branch take turns: libgit2's create-if-absent is not atomic
          // against a concurrent creator (seen as a lost publish in the race test), so every
          // syncgate writer of this target holds the same advisory lock while it reads, writes
          // and swaps; taken per attempt, never held across a retry's wait.
          const FileLock lock(PublishLockPath(options_.target), kPublishLockWait);
          if (Status held = lock.Held(kPublishLockWait); !held) return held;
          Expected<PublishResult> attempt =
              Publish(*g.target, *g.cache, g.ref, PlanManifest(*o.plan), message, o.commit);
          if (!attempt) return Unexpected(attempt.error());
          published_commit = *attempt;
          return Ok{};
        },
        g.sleep);
    if (!pushed) return Unexpected(pushed.error());
    o.verdict = published_commit->verdict;
    o.published = published_commit->commit;
    if (o.verdict == Verdict::kSuperseded) o.reason = SupersededReason(o.branch, o.published);
    o.timings["publish"] = MsSince(publish_start);
    return true;
  }

  static std::string Normalize(std::string path) {
    path = fs::path(path).lexically_normal().generic_string();
    while (StartsWith(path, "./")) path = path.substr(2);
    while (!path.empty() && path.back() == '/') path.pop_back();
    return path == "." ? "" : path;
  }

  const SyncOptions& options_;
  std::string cache_dir_;
  std::string state_dir_;
  int work_counter_ = 0;
};

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPublished:
      return "published";
    case Verdict::kUnchanged:
      return "unchanged";
    case Verdict::kPlanned:
      return "planned";
    case Verdict::kSuperseded:
      return "superseded";
    case Verdict::kRefused:
      return "refused";
    case Verdict::kError:
      return "error";
  }
  return "error";
}

std::string BranchName(const std::string& branch_template, const std::string& environment,
                       const std::string& application) {
  std::string out = branch_template;
  for (auto [key, value] : {std::pair<std::string, std::string>{"{environment}", environment},
                            {"{application}", application}}) {
    for (size_t at = out.find(key); at != std::string::npos;
         at = out.find(key, at + value.size())) {
      out.replace(at, key.size(), value);
    }
  }
  return out;
}

std::string Trailer(std::string_view message, std::string_view key) {
  const std::string prefix = std::string(key) + ": ";
  std::string value;
  for (std::string_view line : Split(message, '\n')) {
    if (StartsWith(line, prefix)) value = std::string(Trim(line.substr(prefix.size())));
  }
  return value;
}

namespace {

/// The findings that stop this Application: its own document, its chart's files and its render,
/// and a committed secret anywhere. Findings about another Application in the same file, or in a
/// values file this Application does not use (another environment's), are reported but do not
/// block it: they are gated when that Application is.
void Block(GateCheck& out, const InputFile& app_file, const std::string& app_name,
           const model::ChartInfo* chart, const model::RenderPlan* plan,
           const SyncOptions& options) {
  auto used_values = [&](const std::string& file) {
    return plan && std::any_of(plan->layers.begin(), plan->layers.end(),
                               [&](const model::ValuesLayer& l) { return l.file == file; });
  };
  // A value a higher-precedence layer of this Application replaces never reaches its render
  // (values.yaml's `tag: latest` under the Application's own tag).
  auto overridden = [&](const Finding& f) {
    if (!plan || f.pointer.empty()) return false;
    size_t layer = plan->layers.size();
    for (size_t i = 0; i < plan->layers.size(); ++i) {
      if (plan->layers[i].file == f.file && FindBelow(plan->layers[i].root, f.pointer)) layer = i;
    }
    for (size_t i = layer + 1; i < plan->layers.size(); ++i) {
      const model::ValuesLayer& higher = plan->layers[i];
      if (FindBelow(higher.root, f.pointer)) return true;
      for (const auto& p : higher.parameters) {
        const std::string pointer = model::ParameterPointer(p.name);
        if (!pointer.empty() && (pointer == f.pointer || StartsWith(f.pointer, pointer + "/")))
          return true;
      }
    }
    return false;
  };
  std::set<std::string, std::less<>> values_files;
  if (chart && out.result.workspace) {
    for (const auto& unit : out.result.workspace->files()) {
      if (unit->input.kind == FileKind::kValues && unit->input.chart_root == chart->root) {
        values_files.insert(unit->input.display_path);
      }
    }
  }
  for (const Finding& f : out.result.findings) {
    if (!MeetsThreshold(f.severity, options.fail_on)) continue;
    if (f.file == app_file.display_path && !f.object.name.empty() &&
        f.object.kind == "Application" && f.object.name != app_name) {
      continue;
    }
    const bool other_values = !f.rendered && values_files.count(f.file) && !used_values(f.file);
    if ((other_values || (!f.rendered && values_files.count(f.file) && overridden(f))) &&
        !StartsWith(f.rule, "secret-")) {
      continue;  // a committed secret blocks whichever Application it is in the repository of
    }
    out.blocking.push_back(f);
  }
}

/// Step 1 of a gate check: the Application and its source files checked by the run every
/// command makes, with renders required and only this Application's render made. False when the
/// run could not be built.
bool RunGateChecks(GateCheck& out, const InputFile& app_file,
                   const std::vector<SourceFileInput>& sources, const Config& config,
                   const SyncOptions& options) {
  std::vector<InputFile> files;
  files.push_back(app_file);
  for (const SourceFileInput& s : sources) {
    InputFile f;
    f.display_path = s.display_path;
    f.fs_path = s.fs_path;
    f.content = s.content;
    files.push_back(std::move(f));
  }
  Discovery inputs = ClassifyInputs(std::move(files), config);

  RunRequest request;
  request.config = config;
  request.environment = options.environment;
  request.jobs = options.jobs;
  request.settings = options.settings;
  // A check that could not run counts as failed: a chart that cannot be rendered is an error.
  request.settings.require_render = true;
  // What the Application deploys is its own render, not every values set of the chart.
  request.settings.render_applications_only = true;
  request.rules = options.make_rules;
  Expected<std::unique_ptr<CheckRun>> run = CheckRun::Create(std::move(request));
  if (!run) {
    out.failed_to_run = true;
    out.reason = "configuration error: " + run.error().message;
    return false;
  }
  out.result = (*run)->Run(std::move(inputs));
  out.render_ms = (*run)->render_ms();
  return true;
}

/// Step 2, for a chart or Kustomize source: the render (or build) made for this Application is
/// the manifest.
void ChartManifest(GateCheck& out, const model::RenderState& state, const model::ChartInfo& chart,
                   const InputFile& app_file, const std::string& app_name,
                   const std::string& source_display_root, const SyncOptions& options) {
  const std::string label = chart.name + "/app:" + app_name;
  const model::RenderOutcome* outcome = nullptr;
  const model::RenderPlan* plan = nullptr;
  for (size_t i = 0; i < state.model.plans.size(); ++i) {
    if (state.model.plans[i].label == label) {
      outcome = &state.outcomes[i];
      plan = &state.model.plans[i];
    }
  }
  Block(out, app_file, app_name, &chart, plan, options);
  if (!outcome) {
    out.failed_to_run = true;
    out.reason =
        fmt::format("the chart at {} was not rendered for {}", source_display_root, app_name);
    return;
  }
  if (!outcome->attempted || outcome->status != model::RenderStatus::kOk) {
    out.failed_to_run = true;
    out.reason = "render failed: " + outcome->reason;
    return;
  }
  for (const auto& unit : out.result.workspace->files()) {
    if (unit->input.display_path == outcome->rendered_path && unit->source)
      out.manifest = unit->source->text();
  }
}

/// Step 2, for any other source: the folder's manifests, unless it is a Kustomize folder that
/// was not built (what was not checked is never published; a built one is a ChartManifest).
void FolderManifest(GateCheck& out, const InputFile& app_file, const std::string& app_name,
                    const std::vector<SourceFileInput>& sources,
                    const std::string& source_display_root,
                    const model::DirectoryOptions& directory, const SyncOptions& options) {
  Block(out, app_file, app_name, nullptr, {}, options);
  for (const SourceFileInput& s : sources) {
    if (s.display_path == source_display_root + "/kustomization.yaml" ||
        s.display_path == source_display_root + "/kustomization.yml") {
      out.failed_to_run = true;
      out.reason =
          "the Kustomize folder was not built for this Application: refusing to publish "
          "what was not checked";
      return;
    }
  }
  const std::vector<const SourceFileInput*> files =
      DirectoryFiles(sources, source_display_root, directory);
  for (const SourceFileInput* s : files) {
    if (model::IsJsonnetFile(s->display_path)) {
      // The render stage counts it as not rendered too (render/source_coverage.cpp); this also
      // holds where it cannot place the source (a source at the repository root).
      out.failed_to_run = true;
      out.reason = fmt::format(
          "{} is jsonnet, which syncgate does not evaluate: refusing to publish what was not "
          "checked",
          s->display_path);
      return;
    }
  }
  for (const SourceFileInput* s : files) out.manifest += "---\n" + s->content + "\n";
}

}  // namespace

GateCheck CheckApplicationSource(const InputFile& app_file, const std::string& app_name,
                                 const std::vector<SourceFileInput>& sources,
                                 const std::string& source_display_root,
                                 const model::DirectoryOptions& directory, const Config& config,
                                 const SyncOptions& options) {
  GateCheck out;
  // 1. Check.
  if (!RunGateChecks(out, app_file, sources, config, options)) return out;
  const RunResult& result = out.result;
  if (!result.errors.empty()) {
    out.failed_to_run = true;
    out.reason = result.errors.front();
    Block(out, app_file, app_name, nullptr, {}, options);
    return out;
  }
  // 2. What would be deployed: the chart's render (or Kustomize build) for this Application,
  // or the folder.
  const model::RenderState* state =
      result.workspace ? result.workspace->FindExtension<model::RenderState>() : nullptr;
  const model::ChartInfo* chart = nullptr;
  if (state) {
    for (const auto& c : state->model.charts) {
      if (c->root == source_display_root) chart = c.get();
    }
  }
  if (chart) {
    ChartManifest(out, *state, *chart, app_file, app_name, source_display_root, options);
  } else {
    FolderManifest(out, app_file, app_name, sources, source_display_root, directory, options);
  }
  if (out.failed_to_run) return out;
  // 3. An empty render gets everything pruned in ArgoCD: never publish it.
  if (Trim(out.manifest).empty()) {
    out.failed_to_run = true;
    out.reason = "the source rendered no objects (an empty publish would prune everything)";
  }
  return out;
}

std::vector<SyncOutcome> SyncApplications(const std::vector<std::string>& paths,
                                          const SyncOptions& options) {
  std::vector<std::string> errors;
  std::vector<AppRef> apps = FindApplications(paths, errors);
  std::vector<SyncOutcome> outcomes;
  for (const std::string& e : errors) {
    SyncOutcome o;
    o.verdict = Verdict::kError;
    o.reason = e;
    outcomes.push_back(std::move(o));
  }
  if (apps.empty() && errors.empty()) {
    SyncOutcome o;
    o.verdict = Verdict::kError;
    o.reason =
        "no ArgoCD Application found in the given paths (a sync that gates nothing cannot pass)";
    outcomes.push_back(std::move(o));
  }
  Syncer syncer(options);
  for (const AppRef& app : apps) {
    try {
      outcomes.push_back(syncer.Run(app));
    } catch (const std::exception& e) {
      SyncOutcome o;
      o.application = app.name;
      o.verdict = Verdict::kError;
      o.reason = fmt::format("internal error: {}", e.what());
      outcomes.push_back(std::move(o));
    }
  }
  return outcomes;
}

int ExitCodeOf(const std::vector<SyncOutcome>& outcomes) {
  int code = 0;
  for (const SyncOutcome& o : outcomes) {
    if (o.verdict == Verdict::kError) return 2;
    if (o.verdict == Verdict::kRefused) code = 1;
  }
  return code;
}

std::string FormatOutcome(const SyncOutcome& o, bool with_plan) {
  std::string out =
      fmt::format("{}: {}", o.application.empty() ? "sync" : o.application, VerdictName(o.verdict));
  if (!o.commit.empty())
    out += fmt::format(" ({} {} at {})", o.repo_url, o.revision, Short(o.commit));
  if (!o.branch.empty() && (o.verdict == Verdict::kPublished || o.verdict == Verdict::kUnchanged)) {
    out += fmt::format(" -> {}", o.branch);
    if (!o.published.empty()) out += " " + Short(o.published);
  }
  out += "\n";
  if (!o.reason.empty()) out += "  reason: " + o.reason + "\n";
  for (const Finding& f : o.blocking) {
    out += fmt::format("  {}:{}:{}: {} [{}] {}\n", f.file, f.line, f.column,
                       SeverityName(f.severity), f.rule, f.message);
  }
  if (with_plan && o.plan) out += FormatPlan(*o.plan);
  if (!o.record_path.empty()) out += "  gate record: " + o.record_path + "\n";
  return out;
}

Expected<std::vector<PublishedRevision>> History(const std::string& target,
                                                 const std::string& branch, int limit) {
  Expected<GitRepository> repo = GitRepository::OpenAt(target);
  if (!repo) return Unexpected(repo.error());
  Expected<std::string> head = repo->ReadRef("refs/heads/" + branch);
  if (!head) return Unexpected(head.error());
  if (head->empty()) return Unexpected(fmt::format("{} has no branch {}", target, branch));
  Expected<std::vector<std::string>> log = repo->FirstParentLog(*head, limit);
  if (!log) return Unexpected(log.error());
  std::vector<PublishedRevision> out;
  for (const std::string& c : *log) {
    Expected<std::string> message = repo->CommitMessage(c);
    if (!message) return Unexpected(message.error());
    const std::string_view m = *message;
    out.push_back({c, Trailer(m, "Syncgate-Source-Commit"), Trailer(m, "Syncgate-Source-Repo"),
                   Trailer(m, "Syncgate-Verdict"), std::string(m.substr(0, m.find('\n')))});
  }
  return out;
}

Expected<std::string> Rollback(const std::string& target, const std::string& branch,
                               const std::string& revision) {
  Expected<GitRepository> repo = GitRepository::OpenAt(target);
  if (!repo) return Unexpected(repo.error());
  const std::string ref = "refs/heads/" + branch;
  for (int attempt = 0; attempt < 50; ++attempt) {
    Expected<std::string> head = repo->ReadRef(ref);
    if (!head) return Unexpected(head.error());
    if (head->empty()) return Unexpected(fmt::format("{} has no branch {}", target, branch));
    Expected<std::vector<std::string>> log = repo->FirstParentLog(*head, 10000);
    if (!log) return Unexpected(log.error());
    auto it = std::find_if(log->begin(), log->end(),
                           [&](const std::string& c) { return StartsWith(c, revision); });
    if (revision.size() < 4 || it == log->end()) {
      return Unexpected(fmt::format("{} is not a published revision of {} (see syncgate history)",
                                    revision, branch));
    }
    const std::string wanted = *it;
    Expected<std::string> tree = repo->TreeOf(wanted);
    Expected<std::string> head_tree = repo->TreeOf(*head);
    if (!tree || !head_tree) return Unexpected(!tree ? tree.error() : head_tree.error());
    if (*tree == *head_tree) return *head;  // already what the branch holds
    Expected<std::string> old_message = repo->CommitMessage(wanted);
    if (!old_message) return Unexpected(old_message.error());
    std::string trailers;
    for (std::string_view line : Split(*old_message, '\n')) {
      if (StartsWith(line, "Syncgate-") && !StartsWith(line, "Syncgate-Verdict"))
        trailers += std::string(line) + "\n";
    }
    const std::string message = fmt::format(
        "syncgate: roll back to {}\n\n{}Syncgate-Rollback-Of: {}\nSyncgate-Verdict: pass\n",
        Short(wanted), trailers, wanted);
    Expected<std::string> commit = repo->WriteCommit(*tree, *head, message);
    if (!commit) return Unexpected(commit.error());
    Expected<bool> swapped = repo->CompareAndSwapRef(ref, *commit, *head);
    if (!swapped) return Unexpected(swapped.error());
    if (*swapped) return *commit;
  }
  return Unexpected(branch + " kept moving during the rollback");
}

}  // namespace syncgate::sync
