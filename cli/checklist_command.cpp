// `syncgate checklist [PATH...]`: the guide's deployment checklist, answered by one check run.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "checker/config.h"
#include "checker/engine.h"
#include "checker/workspace.h"
#include "cli/commands.h"
#include "reporters/checklist.h"
#include "rules/registry.h"

namespace syncgate::cli {
namespace {

struct ChecklistOptions : RunOptions {
  std::vector<std::string> paths;
  std::vector<std::string> formats;
  std::string threshold = "warning";
};

using Writer = void (*)(const reporters::Checklist&, const RunResult&, std::ostream&);

Writer FindWriter(std::string_view name) {
  if (name == "markdown" || name == "md") return reporters::WriteChecklistMarkdown;
  if (name == "html") return reporters::WriteChecklistHtml;
  if (name == "json") return reporters::WriteChecklistJson;
  return nullptr;
}

int RunChecklist(const ChecklistOptions& opts) {
  // A checklist needs a threshold to answer its items by: "never" would answer nothing.
  const Expected<std::optional<Severity>> threshold = ParseFailOn(opts.threshold);
  if (!threshold || !*threshold) {
    std::cerr << fmt::format("syncgate: --fail-on must be error, warning or info, not '{}'\n",
                             opts.threshold);
    return kExitError;
  }
  std::vector<std::pair<Writer, std::string>> outputs;
  for (const std::string& spec :
       opts.formats.empty() ? std::vector<std::string>{"markdown"} : opts.formats) {
    const size_t eq = spec.find('=');
    Writer writer = FindWriter(spec.substr(0, eq));
    if (!writer) {
      std::cerr << fmt::format(
          "syncgate: unknown checklist --format '{}' (known: markdown, "
          "html, json)\n",
          spec.substr(0, eq));
      return kExitError;
    }
    outputs.emplace_back(writer, eq == std::string::npos ? "" : spec.substr(eq + 1));
  }

  const std::vector<std::string> paths =
      opts.paths.empty() ? std::vector<std::string>{"."} : opts.paths;
  // The same run as `syncgate check` (rule packs and rendering included), so that every item is
  // answered by what check would report. A chart that cannot render leaves its item "not
  // checked" (never passed) rather than failing the whole checklist, in CI too.
  RunSettings settings = opts.settings;
  settings.require_render = false;
  const std::unique_ptr<CheckRun> run = MakeCheckRun(opts, paths.front(), settings);
  if (!run) return kExitError;
  Expected<std::vector<reporters::ChecklistItem>> items = reporters::LoadChecklist(run->config());
  if (!items) {
    std::cerr << "syncgate: configuration error: " << items.error().message << "\n";
    return kExitError;
  }
  // Every rule of the binary, enabled or not (a disabled one is "did not run", not unknown),
  // and the rule packs' rules the engine runs.
  std::vector<std::string> known_rules;
  for (const auto& rule : MakeBuiltinRules()) known_rules.emplace_back(rule->meta().id);
  for (const RuleMeta& meta : EngineRuleMetas()) known_rules.emplace_back(meta.id);
  for (const auto& rule : run->rules()) known_rules.emplace_back(rule->meta().id);
  Discovery inputs = run->Discover(paths);
  if (inputs.files.empty() && inputs.errors.empty()) {
    std::cerr << "syncgate: nothing to check: no files found in the given paths\n";
    return kExitError;
  }
  const RunResult result = run->Run(std::move(inputs));
  const reporters::Checklist checklist =
      reporters::AnswerChecklist(*items, result, known_rules, **threshold);

  for (const auto& [writer, file] : outputs) {
    if (file.empty() || file == "-") {
      writer(checklist, result, std::cout);
      continue;
    }
    std::ofstream out(file, std::ios::binary);
    writer(checklist, result, out);
    if (!out.flush()) {
      std::cerr << fmt::format("syncgate: cannot write the checklist to {}\n", file);
      return kExitError;
    }
  }
  for (const std::string& error : result.errors) std::cerr << "syncgate: error: " << error << "\n";
  if (!result.errors.empty()) return kExitError;
  // "Not checked" is not a pass: the gate holds until every machine item is decided.
  return checklist.ok() ? kExitPass : kExitFindings;
}

}  // namespace

void AddChecklistCommand(CLI::App& app, CommandResult& result) {
  auto opts = std::make_shared<ChecklistOptions>();
  CLI::App* cmd = app.add_subcommand(
      "checklist", "The guide's pre-deployment checklist, answered by a check run");
  cmd->add_option("paths", opts->paths, "Files or folders to check (default: .)");
  cmd->add_option("--format", opts->formats,
                  "markdown (default), html or json, optionally to a file: --format "
                  "html=checklist.html. Repeatable")
      ->allow_extra_args(false);
  cmd->add_option(
      "--fail-on", opts->threshold,
      "Lowest severity of a finding that fails its item: warning (default), error, info");
  AddRunOptions(*cmd, *opts);
  cmd->callback([opts, &result] { result.exit_code = RunChecklist(*opts); });
}

}  // namespace syncgate::cli
