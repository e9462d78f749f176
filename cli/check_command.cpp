// `syncgate check [PATH...]`
#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "checker/baseline.h"
#include "checker/config.h"
#include "checker/engine.h"
#include "checker/workspace.h"
#include "cli/commands.h"
#include "cli/git_check.h"
#include "reporters/reporter.h"

namespace syncgate::cli {
namespace {

struct CheckOptions : RunOptions {
  std::vector<std::string> paths;
  std::vector<std::string> formats;
  std::string fail_on = "error";
  bool no_color = false;
  GitCheckOptions git;         // --staged, --diff, --new-only
  std::string baseline;        // --baseline: hide the findings it holds
  std::string write_baseline;  // --write-baseline: record this run's findings
};

/// "sarif=out.sarif" → {"sarif", "out.sarif"}; "text" → {"text", ""} (stdout).
std::pair<std::string, std::string> SplitFormat(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos) return {spec, ""};
  return {spec.substr(0, eq), spec.substr(eq + 1)};
}

using FormatSpecs = std::vector<std::pair<std::string, std::string>>;

/// Every --format spec, validated before any work is done; text to stdout when none is given.
std::optional<FormatSpecs> ParseFormats(const std::vector<std::string>& specs) {
  FormatSpecs formats;
  for (const std::string& spec : specs) formats.push_back(SplitFormat(spec));
  if (formats.empty()) formats.push_back({"text", ""});
  for (const auto& [name, file] : formats) {
    bool known = false;
    for (const auto& f : reporters::ReportFormats()) known |= f.name == name;
    if (!known) {
      std::string names;
      for (const auto& f : reporters::ReportFormats())
        names += (names.empty() ? "" : ", ") + std::string(f.name);
      std::cerr << fmt::format("syncgate: unknown --format '{}' (known: {})\n", name, names);
      return std::nullopt;
    }
  }
  return formats;
}

/// --new-only, the configuration's allowlist, --write-baseline and --baseline, in that order.
/// False after printing why the tool could not do it.
bool FilterKnownFindings(const CheckOptions& opts, GitCheck* git, CheckRun& run,
                         RunResult& result) {
  if (git && opts.git.new_only) {
    Expected<Discovery> before = git->BaseInputs(run.config());
    if (!before) {
      std::cerr << "syncgate: " << before.error().message << "\n";
      return false;
    }
    if (const int known = KeepNewFindings(result, run.Run(std::move(*before))); known > 0) {
      std::cerr << fmt::format(
          "syncgate: {} finding{} that the base revision already had not "
          "shown (--new-only)\n",
          known, known == 1 ? "" : "s");
    }
  }
  FilterFingerprints(result, AllowlistedFingerprints(run.config()));
  if (!opts.write_baseline.empty()) {
    if (Status written = Baseline::FromResult(result).Write(opts.write_baseline); !written) {
      std::cerr << "syncgate: " << written.error().message << "\n";
      return false;
    }
  }
  if (!opts.baseline.empty()) {
    Expected<Baseline> baseline = Baseline::Load(opts.baseline);
    if (!baseline) {
      std::cerr << "syncgate: " << baseline.error().message << "\n";
      return false;
    }
    if (const int hidden = baseline->Filter(result); hidden > 0) {
      std::cerr << fmt::format("syncgate: {} finding{} in the baseline {} not shown\n", hidden,
                               hidden == 1 ? "" : "s", opts.baseline);
    }
  }
  return true;
}

/// Every report, to stdout or its file. False after printing which file could not be written.
bool WriteReports(const CheckOptions& opts, const FormatSpecs& formats, const RunResult& result,
                  std::optional<Severity> fail_on) {
  reporters::ReportOptions report_options;
  report_options.color = !opts.no_color && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  report_options.fail_on = fail_on;
  for (const auto& [name, file] : formats) {
    if (file.empty() || file == "-") {
      (void)reporters::WriteReport(name, result, std::cout, report_options);
      continue;
    }
    std::ofstream out(file, std::ios::binary);
    reporters::ReportOptions file_options = report_options;
    file_options.color = false;
    if (!out || !reporters::WriteReport(name, result, out, file_options) || !out.flush()) {
      std::cerr << fmt::format("syncgate: cannot write the {} report to {}\n", name, file);
      return false;
    }
  }
  return true;
}

/// One line when the Kubernetes schemas of the run's version were nowhere (schema-missing
/// counted the objects it could not validate): whatever the output format, the person at the
/// terminal learns that the check was partial and how to fix it for good.
void SayMissingKubernetesSchemas(const RunResult& result, const RunSettings& settings) {
  const auto it = result.summary.counters.find("schema-kubernetes-unavailable");
  if (it == result.summary.counters.end() || it->second <= 0) return;
  std::cerr << fmt::format(
      "syncgate: no Kubernetes {} schemas here: {} object{} of built-in kinds not validated "
      "(install them once: syncgate schemas fetch --kube-version {})\n",
      settings.kube_version, it->second, it->second == 1 ? "" : "s", settings.kube_version);
}

/// The exit code of a finished run, after saying on stderr what was skipped or went wrong.
int ExitCodeOf(const CheckOptions& opts, const RunResult& result, bool nothing_found,
               std::optional<Severity> fail_on) {
  for (const SkippedFile& skip : result.skipped) {
    if (!skip.is_error && skip.reason != "excluded by configuration") {
      std::cerr << fmt::format("syncgate: skipped {}: {}\n", skip.display_path, skip.reason);
    }
  }
  for (const std::string& error : result.errors) std::cerr << "syncgate: error: " << error << "\n";
  if (!result.errors.empty()) return kExitError;
  bool checked_text = false;
  for (const auto& file : result.workspace->files()) {
    checked_text |= file->input.kind == FileKind::kText || file->input.kind == FileKind::kTemplate;
  }
  if (nothing_found ||
      (result.summary.documents == 0 && !checked_text && result.findings.empty())) {
    std::cerr << "syncgate: nothing to check: no YAML documents or text files found in the given "
                 "paths (a run that checks nothing cannot pass)\n";
    return kExitError;
  }
  for (const Finding& f : result.findings) {
    if (!MeetsThreshold(f.severity, fail_on)) continue;
    if (opts.git.staged) std::cerr << BlockedCommitHelp();
    return kExitFindings;
  }
  return kExitPass;
}

int RunCheck(const CheckOptions& opts) {
  // 1. Flags that need no input: --fail-on, --format.
  const Expected<std::optional<Severity>> fail_on = ParseFailOn(opts.fail_on);
  if (!fail_on) {
    std::cerr << "syncgate: " << fail_on.error().message << "\n";
    return kExitError;
  }
  const std::optional<FormatSpecs> formats = ParseFormats(opts.formats);
  if (!formats) return kExitError;

  // 2. --staged / --diff: select what changed first; nothing YAML-related exits before any rule
  // loads.
  const std::vector<std::string> paths =
      opts.paths.empty() ? std::vector<std::string>{"."} : opts.paths;
  std::unique_ptr<GitCheck> git;
  if (opts.git.staged || !opts.git.diff.empty()) {
    Expected<std::unique_ptr<GitCheck>> selected = GitCheck::Select(opts.git, opts.paths);
    if (!selected) {
      std::cerr << "syncgate: " << selected.error().message << "\n";
      return kExitError;
    }
    git = std::move(*selected);
    if (git->nothing_to_check()) {
      std::cerr << "syncgate: " << git->Describe() << ": nothing to check\n";
      return kExitPass;
    }
  } else if (opts.git.new_only) {
    std::cerr << "syncgate: --new-only needs --diff BASE[..HEAD] or --staged\n";
    return kExitError;
  }

  // 3. The run, and what it checks.
  const std::string config_start = paths.front() == "-" ? ""
                                   : git                ? git->ConfigStart()
                                                        : paths.front();
  const std::unique_ptr<CheckRun> run = MakeCheckRun(opts, config_start, opts.settings);
  if (!run) return kExitError;
  Expected<Discovery> inputs = git ? git->Inputs(run->config()) : run->Discover(paths);
  if (!inputs) {
    std::cerr << "syncgate: " << inputs.error().message << "\n";
    return kExitError;
  }
  if (git && inputs->files.empty()) {
    std::cerr << "syncgate: " << git->Describe() << ": every file is excluded by configuration\n";
    return kExitPass;
  }
  const bool nothing_found = inputs->files.empty();

  // 4. Check, hide what is known, report.
  // Reports are all a check needs: a run whose inputs did not change is read whole.
  RunResult result =
      git ? run->Run(std::move(*inputs)) : run->RunReports(paths, std::move(*inputs));
  if (!FilterKnownFindings(opts, git.get(), *run, result)) return kExitError;
  if (!WriteReports(opts, *formats, result, *fail_on)) return kExitError;
  SayMissingKubernetesSchemas(result, run->settings());
  return ExitCodeOf(opts, result, nothing_found, *fail_on);
}

}  // namespace

void AddCheckCommand(CLI::App& app, CommandResult& result) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Check files, folders, charts and ArgoCD Applications (default: .)");
  cmd->add_option("paths", opts->paths, "Files or folders to check; '-' reads stdin");
  cmd->add_option("--format", opts->formats,
                  "Output format, optionally to a file: text (default), json, sarif, junit, "
                  "gitlab, markdown; e.g. --format sarif=out.sarif. Repeatable")
      ->allow_extra_args(false);  // one value per --format, so a path after it stays a path
  cmd->add_option("--fail-on", opts->fail_on,
                  "Lowest severity that fails the run: error (default), warning, info, never");
  AddRunOptions(*cmd, *opts);
  cmd->add_flag("--no-color", opts->no_color, "Never colour the text output");
  cmd->add_flag("--staged", opts->git.staged,
                "Check what is about to be committed (the git index), not the work tree");
  cmd->add_option("--diff", opts->git.diff,
                  "Check the files changed between two revisions, BASE[..HEAD] (HEAD by "
                  "default), with their charts and Applications, as they are at HEAD");
  cmd->add_flag("--new-only", opts->git.new_only,
                "With --diff or --staged: report only findings the base revision did not have");
  cmd->add_option("--baseline", opts->baseline,
                  "Report only findings that are not in this baseline file");
  cmd->add_option("--write-baseline", opts->write_baseline,
                  "Write every finding of this run to a baseline file (no secrets in it)");
  cmd->add_flag_function(
      "--require-render,!--no-require-render",
      [opts](std::int64_t count) { opts->settings.require_render = count > 0; },
      "A chart that cannot be rendered is an error (default on when CI is set)");
  cmd->callback([opts, &result] { result.exit_code = RunCheck(*opts); });
}

}  // namespace syncgate::cli
