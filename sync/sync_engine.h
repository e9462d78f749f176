#pragma once
// The gated sync: fetch and pin an Application's source, render and check that exact tree with
// every rule, plan as gitops-engine would, and only on pass publish the rendered manifests to
// an environment branch (`env/<environment>/<application>`) that ArgoCD syncs from.
//
//   SyncOptions options;
//   options.target = "/srv/gitops-env.git";
//   options.repo_map["http://192.168.0.11:7780/root/q-sign.git"] = "/srv/q-sign.git";
//   std::vector<SyncOutcome> outcomes = SyncApplications({"examples/q-sign/argocd"}, options);
//   for (const SyncOutcome& o : outcomes) std::cout << FormatOutcome(o);
//   // o.verdict: kPublished, kUnchanged, kPlanned, kRefused (exit 1), kError (exit 2)
//
// Everything downstream of the fetch refers to the pinned commit, never to the branch name: a
// push to the source branch during the run changes nothing that is checked or published.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checker/engine.h"
#include "checker/finding.h"
#include "checker/rule.h"
#include "checker/run_settings.h"
#include "model/directory_source.h"
#include "sync/plan.h"

namespace syncgate::sync {

/// The fetch timeout when --fetch-timeout does not name one: ArgoCD's repo-server gives git
/// 90 s (ARGOCD_EXEC_TIMEOUT) too.
inline constexpr std::chrono::milliseconds kDefaultFetchTimeout{90000};

struct SyncOptions {
  std::string target;  // local path of the repository holding the environment branches
  /// repoURL → local path (a repository, or a folder inside one); adds to `repositories:`.
  std::map<std::string, std::string> repo_map;
  std::string cache_dir;    // fetched repositories; default: $SYNCGATE_CACHE_DIR/git or ~/.cache
  std::string state_dir;    // gate records; default: <cache_dir>/state
  std::string config_path;  // default: .syncgate.yaml found upward from each Application file
  std::string environment = "default";  // for Applications no profile claims
  std::string branch_template = "env/{environment}/{application}";
  std::optional<Severity> fail_on = Severity::kError;
  bool plan_only = false;
  bool allow_rewrite = false;
  bool skip_refused_commits = false;  // --watch: a commit refused once is not checked again
  /// Bounds each fetch of a source (connect, negotiation, download; --fetch-timeout). libgit2
  /// 1.5 has none of its own: a server that accepts and never answers would hang the sync.
  std::chrono::milliseconds fetch_timeout = kDefaultFetchTimeout;
  int jobs = 0;
  RunSettings settings;
  /// The rules to run (default: every built-in rule and the config's rule packs).
  std::function<RuleList()> make_rules;
  /// Called after the source is pinned, before anything is rendered (tests move the branch here).
  std::function<void(const std::string& application, const std::string& commit)> after_pin;
  /// Waits between retries (default: sleeps).
  std::function<void(std::chrono::milliseconds)> sleep;
};

enum class Verdict { kPublished, kUnchanged, kPlanned, kSuperseded, kRefused, kError };
std::string_view VerdictName(Verdict verdict);

struct SyncOutcome {
  std::string application;
  std::string app_file;
  std::string repo_url;
  std::string revision;  // targetRevision as written
  std::string commit;    // the pinned source commit
  std::string environment;
  std::string branch;  // the environment branch
  Verdict verdict = Verdict::kError;
  std::string reason;             // why refused or failed (redacted)
  std::vector<Finding> blocking;  // findings at or above --fail-on
  int findings = 0;               // all findings of the check
  std::optional<SyncPlan> plan;
  std::string published;  // the environment branch commit written
  std::string report_digest;
  std::string record_path;  // the gate record written
  bool repeat = false;      // refused before at this commit (--watch): nothing new recorded
  /// Milliseconds spent per step: fetch, render+check ("check"), render (helm), publish.
  std::map<std::string, double> timings;
};

/// Gates every Application found in `paths` (files or folders; app-of-apps included).
std::vector<SyncOutcome> SyncApplications(const std::vector<std::string>& paths,
                                          const SyncOptions& options);

/// The process exit code for a set of outcomes: 2 if any errored, 1 if any was refused, else 0.
int ExitCodeOf(const std::vector<SyncOutcome>& outcomes);

/// A short human-readable report of one outcome (no secret: messages are already redacted).
std::string FormatOutcome(const SyncOutcome& outcome, bool with_plan);

// ---- History and rollback of an environment branch.

struct PublishedRevision {
  std::string commit;         // the environment branch commit
  std::string source_commit;  // Syncgate-Source-Commit
  std::string source_repo;
  std::string verdict;  // Syncgate-Verdict
  std::string subject;
};

/// The revisions of `branch` in `target`, newest first.
Expected<std::vector<PublishedRevision>> History(const std::string& target,
                                                 const std::string& branch, int limit);
/// Publishes the tree of `revision` (a commit of the branch's history) again as a new commit.
Expected<std::string> Rollback(const std::string& target, const std::string& branch,
                               const std::string& revision);

/// `env/{environment}/{application}` filled in.
std::string BranchName(const std::string& branch_template, const std::string& environment,
                       const std::string& application);
/// The value of a `Key: value` trailer in a commit message; empty when absent.
std::string Trailer(std::string_view message, std::string_view key);

// ---- The check shared by `sync` and `cmp generate`.

/// `.syncgate.yaml` without its `repositories:` section: in a sync the source folders are the
/// pinned trees, so the render stage matches charts by their source path, not the work tree.
/// An empty path gives the default config.
Expected<Config> ConfigForPinnedTrees(const std::string& path);

/// A file of a pinned source tree.
struct SourceFileInput {
  std::string display_path;
  std::string fs_path;
  std::string content;
};

struct GateCheck {
  RunResult result;
  bool failed_to_run = false;  // errors, render failure: the check could not run (exit 2)
  std::string reason;
  std::string manifest;  // the rendered (or directory) stream, when it could be made
  std::vector<Finding> blocking;
  double render_ms = 0;  // time spent in the render stage (helm template)
};

/// Checks the Application document `app_file` (an InputFile: on disk or in memory) together
/// with its source files, renders it as ArgoCD would and returns the manifests. `app_name`
/// selects the render of that Application; `source_path` is the display path of its source.
/// A directory source publishes the files ArgoCD reads there (`directory`: recurse, include,
/// exclude; model/directory_source.h); one with jsonnet publishes nothing.
GateCheck CheckApplicationSource(const InputFile& app_file, const std::string& app_name,
                                 const std::vector<SourceFileInput>& sources,
                                 const std::string& source_display_root,
                                 const model::DirectoryOptions& directory, const Config& config,
                                 const SyncOptions& options);

}  // namespace syncgate::sync
