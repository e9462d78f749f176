#pragma once
// `check --staged` and `check --diff BASE[..HEAD]`: which files a git-based check reads, from
// which snapshot, and the BASE side of `--new-only`.
//
//   Expected<std::unique_ptr<GitCheck>> git = GitCheck::Select({.staged = true}, paths);
//   if (!git) Fail(git.error().message);                   // exit 2
//   if ((*git)->nothing_to_check()) return kExitPass;      // fast path: no rules loaded
//   Expected<Discovery> inputs = (*git)->Inputs(config);
//   Expected<Discovery> before = (*git)->BaseInputs(config);  // --new-only: what BASE had

#include <memory>
#include <string>
#include <vector>

#include "checker/engine.h"
#include "sources/git_inputs.h"

namespace syncgate::cli {

struct GitCheckOptions {
  bool staged = false;    // --staged: the index against HEAD
  std::string diff;       // --diff BASE[..HEAD]
  bool new_only = false;  // --new-only: only findings BASE (HEAD for --staged) did not have
};

class GitCheck {
 public:
  /// Opens the repository containing the first path (or the working directory) and selects
  /// what changed. `paths` limit the selection to files under them.
  static Expected<std::unique_ptr<GitCheck>> Select(const GitCheckOptions& options,
                                                    const std::vector<std::string>& paths);

  /// Nothing YAML-related changed: the check passes without loading a rule.
  bool nothing_to_check() const { return selection_.paths.empty(); }
  /// "3 files (1 chart) staged" and the like, for the fast-path and summary messages.
  std::string Describe() const;
  /// Where to look upward for .syncgate.yaml: the first path, else the work tree root.
  std::string ConfigStart() const { return config_start_; }

  /// The selected files as they are in the index (--staged) or at HEAD (--diff).
  Expected<Discovery> Inputs(const Config& config) const;
  /// The same files as they are at BASE (HEAD for --staged); files BASE lacks are left out.
  Expected<Discovery> BaseInputs(const Config& config);

 private:
  GitCheck(GitRepository repo) : repo_(std::move(repo)) {}
  GitRepository repo_;
  GitCheckOptions options_;
  std::string base_;  // the BASE revision (resolved), or "HEAD" for --staged
  std::string head_;  // the HEAD revision of --diff; empty for --staged
  std::vector<GitEntry> snapshot_;
  GitSelection selection_;
  std::string config_start_;
  ScratchTree scratch_;
  std::unique_ptr<ScratchTree> base_scratch_;
};

/// Drops from `result` the findings whose fingerprint `base` also has, and recounts the
/// summary; returns how many were dropped.
int KeepNewFindings(RunResult& result, const RunResult& base);

/// Printed when `check --staged` blocks a commit: how to suppress with a reason, and the escape.
std::string BlockedCommitHelp();

}  // namespace syncgate::cli
