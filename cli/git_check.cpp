#include "cli/git_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "checker/text_util.h"

namespace syncgate::cli {
namespace fs = std::filesystem;

Expected<std::unique_ptr<GitCheck>> GitCheck::Select(const GitCheckOptions& options,
                                                     const std::vector<std::string>& paths) {
  if (options.staged && !options.diff.empty()) {
    return Unexpected(
        "--staged and --diff cannot be combined: one checks what is about to be "
        "committed, the other what two commits differ in");
  }
  const std::string start = paths.empty() ? "." : paths.front();
  Expected<GitRepository> repo = GitRepository::Open(start);
  if (!repo) return Unexpected(repo.error());
  if (repo->workdir().empty())
    return Unexpected("a bare repository has no index or work tree to check");
  std::unique_ptr<GitCheck> check(new GitCheck(std::move(*repo)));
  check->options_ = options;
  check->config_start_ = paths.empty() ? check->repo_.workdir() : paths.front();

  // PATH arguments narrow the selection to the repository paths under them.
  std::vector<std::string> scope;
  std::error_code ec;
  for (const std::string& path : paths) {
    const fs::path absolute = fs::absolute(path, ec).lexically_normal();
    std::string rel = absolute.lexically_relative(check->repo_.workdir()).generic_string();
    if (rel == "." || rel.empty()) rel.clear();
    while (!rel.empty() && rel.back() == '/') rel.pop_back();
    if (StartsWith(rel, "..")) {
      return Unexpected(
          fmt::format("{} is outside the repository {}", path, check->repo_.workdir()));
    }
    if (rel.empty()) {
      scope.clear();
      break;
    }
    scope.push_back(rel);
  }

  Expected<std::vector<std::string>> changed = std::vector<std::string>{};
  if (options.staged) {
    Expected<std::vector<GitEntry>> index = check->repo_.IndexEntries();
    if (!index) return Unexpected(index.error());
    check->snapshot_ = std::move(*index);
    changed = check->repo_.StagedPaths();
    check->base_ = check->repo_.HasHead() ? "HEAD" : "";
  } else {
    const size_t dots = options.diff.find("..");
    if (options.diff.find("...") != std::string::npos) {
      return Unexpected(
          fmt::format("--diff {}: use BASE..HEAD with BASE the merge base (in GitLab "
                      "CI: $CI_MERGE_REQUEST_DIFF_BASE_SHA)",
                      options.diff));
    }
    std::string base = dots == std::string::npos ? options.diff : options.diff.substr(0, dots);
    std::string head = dots == std::string::npos ? "HEAD" : options.diff.substr(dots + 2);
    if (base.empty()) return Unexpected("--diff needs a BASE revision: --diff BASE[..HEAD]");
    if (head.empty()) head = "HEAD";
    Expected<std::string> base_commit = check->repo_.ResolveCommit(base);
    if (!base_commit) return Unexpected(base_commit.error());
    Expected<std::string> head_commit = check->repo_.ResolveCommit(head);
    if (!head_commit) return Unexpected(head_commit.error());
    check->base_ = *base_commit;
    check->head_ = *head_commit;
    Expected<std::vector<GitEntry>> tree = check->repo_.TreeEntries(check->head_);
    if (!tree) return Unexpected(tree.error());
    check->snapshot_ = std::move(*tree);
    changed = check->repo_.ChangedPaths(check->base_, check->head_);
  }
  if (!changed) return Unexpected(changed.error());
  check->selection_ = SelectAffected(check->repo_, check->snapshot_, *changed, scope);
  return check;
}

std::string GitCheck::Describe() const {
  const size_t files = selection_.paths.size();
  const size_t charts = selection_.charts.size();
  const std::string what =
      options_.staged ? std::string("staged") : fmt::format("changed in {}", options_.diff);
  if (selection_.changed.empty()) return fmt::format("nothing YAML-related {}", what);
  return fmt::format(
      "{} file{} {} ({} to check{})", selection_.changed.size(),
      selection_.changed.size() == 1 ? "" : "s", what, files,
      charts ? fmt::format(", {} chart{} whole", charts, charts == 1 ? "" : "s") : "");
}

Expected<Discovery> GitCheck::Inputs(const Config& config) const {
  return LoadSnapshot(repo_, snapshot_, selection_.paths, scratch_, config);
}

Expected<Discovery> GitCheck::BaseInputs(const Config& config) {
  if (base_.empty()) return Discovery{};  // no commit yet: everything is new
  Expected<std::vector<GitEntry>> tree = repo_.TreeEntries(base_);
  if (!tree) return Unexpected(tree.error());
  base_scratch_ = std::make_unique<ScratchTree>();
  return LoadSnapshot(repo_, *tree, selection_.paths, *base_scratch_, config);
}

int KeepNewFindings(RunResult& result, const RunResult& base) {
  std::set<std::string_view> known;
  for (const Finding& f : base.findings) known.insert(f.fingerprint);
  const auto before = result.findings.size();
  std::erase_if(result.findings, [&](const Finding& f) { return known.count(f.fingerprint) > 0; });
  const int dropped = static_cast<int>(before - result.findings.size());
  result.summary.findings = static_cast<int>(result.findings.size());
  result.summary.by_severity = {};
  for (const Finding& f : result.findings) {
    ++result.summary.by_severity[static_cast<int>(f.severity)];
  }
  return dropped;
}

std::string BlockedCommitHelp() {
  return "syncgate: commit blocked: the findings above are in what you are about to commit.\n"
         "  Fix them and `git add` the fix, or, when a finding is wrong for this line, suppress "
         "it with a reason\n"
         "  on that line or the line above:   # syncgate:ignore <rule-id> -- <why this is safe>\n"
         "  (for a whole object: the annotation syncgate.io/ignore: \"<rule-id> -- <why>\").\n"
         "  To commit anyway, skipping every pre-commit hook: git commit --no-verify\n";
}

}  // namespace syncgate::cli
