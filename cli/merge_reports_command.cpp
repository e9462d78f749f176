// `syncgate merge-reports --format KIND=FILE... REPORT...`: the reports of the shards of one
// check (`check --shard I/N`) merged into one of each kind (reporters/merge_reports.h).
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "reporters/merge_reports.h"

namespace syncgate::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> formats;  // KIND or KIND=FILE
  std::string fail_on = "error";
};

int RunMerge(const MergeOptions& opts) {
  const Expected<std::optional<Severity>> fail_on = ParseFailOn(opts.fail_on);
  if (!fail_on) {
    std::cerr << "syncgate: " << fail_on.error().message << "\n";
    return kExitError;
  }
  // 1. What to write: every --format is a kind that merges, each once.
  std::vector<std::pair<reporters::ReportKind, std::string>> outputs;
  for (const std::string& spec : opts.formats) {
    const size_t eq = spec.find('=');
    const std::string name = spec.substr(0, eq);
    const std::optional<reporters::ReportKind> kind = reporters::ReportKindNamed(name);
    if (!kind) {
      std::cerr << fmt::format(
          "syncgate: merge-reports: --format '{}': json, sarif, junit or gitlab\n", name);
      return kExitError;
    }
    outputs.emplace_back(*kind, eq == std::string::npos ? "" : spec.substr(eq + 1));
  }
  if (outputs.empty()) {
    std::cerr << "syncgate: merge-reports: say what to write, e.g. --format json=merged.json\n";
    return kExitError;
  }
  // 2. The inputs, each recognised by its content.
  std::map<reporters::ReportKind, std::vector<reporters::ShardReport>> by_kind;
  for (const std::string& path : opts.inputs) {
    Expected<reporters::ShardReport> report = reporters::ReadShardReport(path);
    if (!report) {
      std::cerr << "syncgate: merge-reports: " << report.error().message << "\n";
      return kExitError;
    }
    by_kind[report->kind].push_back(std::move(*report));
  }
  // 3. Merge and write each kind asked for; the exit code from the first that carries
  // severities (JUnit does not).
  std::optional<int> exit_code;
  for (const auto& [kind, file] : outputs) {
    Expected<std::string> merged = reporters::MergeReports(kind, by_kind[kind]);
    if (!merged) {
      std::cerr << "syncgate: merge-reports: " << merged.error().message << "\n";
      return kExitError;
    }
    if (file.empty() || file == "-") {
      std::cout << *merged;
    } else {
      std::ofstream out(file, std::ios::binary);
      if (!out || !(out << *merged) || !out.flush()) {
        std::cerr << fmt::format("syncgate: merge-reports: cannot write the {} report to {}\n",
                                 reporters::ReportKindName(kind), file);
        return kExitError;
      }
    }
    if (kind == reporters::ReportKind::kJunit || exit_code) continue;
    exit_code = kExitPass;
    for (Severity severity : reporters::ReportSeverities(kind, *merged)) {
      if (MeetsThreshold(severity, *fail_on)) exit_code = kExitFindings;
    }
  }
  return exit_code.value_or(kExitPass);
}

}  // namespace

void AddMergeReportsCommand(CLI::App& app, CommandResult& result) {
  auto opts = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "merge-reports",
      "Merge the reports of the shards of one check (check --shard I/N) into one of each kind");
  cmd->add_option("reports", opts->inputs,
                  "The shards' reports (json, sarif, junit, gitlab; recognised by content)")
      ->required();
  cmd->add_option("--format", opts->formats,
                  "What to write, KIND=FILE (or KIND for stdout): json, sarif, junit or gitlab. "
                  "Repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--fail-on", opts->fail_on,
                  "Lowest severity of the merged findings that exits 1: error (default), "
                  "warning, info, never");
  cmd->callback([opts, &result] { result.exit_code = RunMerge(*opts); });
}

}  // namespace syncgate::cli
