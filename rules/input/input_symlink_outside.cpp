// input-symlink-outside: a symbolic link in the checked tree that leads out of it.
#include <fmt/format.h>

#include "checker/rule.h"
#include "checker/workspace.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "input-symlink-outside",
    "A symbolic link that leads outside the checked tree (or never resolves): not followed",
    "A repository is input written by anyone who can open a pull request. A committed link "
    "`values.yaml -> /etc/passwd` (or to a CI runner's credentials) would make a check read that "
    "file, parse it and print parts of it in findings, and hand it to helm as the chart's values. "
    "ArgoCD refuses such paths too: its repo server only reads inside the repository. syncgate "
    "neither checks nor renders through such a link, and says so, since a file it did not check "
    "must never look like a file that passed.",
    "Replace the link with the file it points to, or a link that stays inside the repository; "
    "exclude the path in .syncgate.yaml if it is not meant to be deployed.",
    Severity::kError, DocKind::kNone,
    // The link's target is not the file's content: a per-file result cache keyed by content
    // would miss a changed target.
    RuleScope::kWorkspace};

class InputSymlinkOutside final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckFile(const FileUnit& file, RuleContext& ctx) const override {
    if (file.input.link_escape.empty()) return;
    const std::string& path = file.input.display_path;
    ctx.Report("", fmt::format("{} is {}: not followed", path.substr(path.rfind('/') + 1),
                               file.input.link_escape));
  }
};

}  // namespace

std::unique_ptr<Rule> MakeInputSymlinkOutside() { return std::make_unique<InputSymlinkOutside>(); }

}  // namespace syncgate::rules
