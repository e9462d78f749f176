#pragma once
// Runs the rules over a set of inputs and produces the sorted, suppressed, summarised result.
//
//   Engine engine(config, MakeBuiltinRules(), {.jobs = 4});
//   if (Status ok = engine.Prepare(); !ok) Fail(ok.error().message);  // bad rule options
//   RunResult result = engine.Run(DiscoverInputs({"examples/"}, config));
//   // result.findings is sorted by file, line, column, rule; result.errors means exit 2.
//
// Files are loaded and checked in parallel (one task per file: read, parse, file and document
// rules); cross-object rules run once everything is loaded.

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "checker/config.h"
#include "checker/finding.h"
#include "checker/result_store.h"
#include "checker/rule.h"
#include "checker/run_settings.h"
#include "checker/workspace.h"

namespace syncgate {

struct RunCounters;
struct Suppression;

struct EngineOptions {
  int jobs = 0;             // worker threads; 0 = all cores
  std::string environment;  // --env: environment for subjects no profile claims
  RunSettings settings;     // run-wide settings passed to Rule::Setup
  /// A digest of everything besides a file that decides its file- and document-scope findings:
  /// syncgate's build, the configuration and rule packs, the settings, the environment (made by
  /// the run layer). With `settings.result_cache_dir`, those findings are kept between runs under
  /// this identity and the file's content; empty: never kept.
  std::string run_identity;
};

struct RunSummary {
  int files = 0;
  int documents = 0;
  int rendered = 0;
  int skipped = 0;
  /// skipped, counted by why (SkipKindName): "dependency unavailable" → 2, ...
  std::map<std::string, int, std::less<>> skipped_by_reason;
  int suppressed = 0;
  int findings = 0;
  std::array<int, 3> by_severity{};  // indexed by Severity
  /// Files whose file- and document-scope findings came from the result cache (not in reports:
  /// a report says the same of the same input, cached or not).
  int cached_files = 0;
  /// Run-wide counters rules add through RuleContext::Count ("schema-validated", ...).
  std::map<std::string, int, std::less<>> counters;
};

/// The read-only result every reporter sees.
struct RunResult {
  std::vector<Finding> findings;
  RunSummary summary;
  std::vector<SkippedFile> skipped;
  /// Reasons the tool could not do its job (unreadable input, rule crash): exit code 2.
  std::vector<std::string> errors;
  /// Metadata of every rule that ran (for SARIF's tool.driver.rules); sorted by id.
  std::vector<RuleMeta> rules;
  /// Sources by display path, for excerpts.
  std::map<std::string, std::shared_ptr<const SourceFile>, std::less<>> sources;
  /// Loaded inputs, for later stages (rendering, sync) that need the documents themselves.
  std::shared_ptr<Workspace> workspace;

  const SourceFile* Source(std::string_view path) const;
};

/// A hook that runs after loading, before checks: adds documents to the workspace (rendered
/// charts) or reports findings of its own. Used by render/ and sealing/ without checker/
/// knowing them.
using WorkspaceStage = std::function<void(Workspace&, RunResult&)>;
/// A hook that runs after the rules, before suppressions and fingerprints: moves findings made
/// in generated documents (rendered charts) to the place the user edits, or drops duplicates.
using FindingMapper = std::function<void(const Workspace&, std::vector<Finding>&)>;

class Engine {
 public:
  Engine(const Config& config, RuleList rules, EngineOptions options);
  ~Engine();

  /// Applies `.syncgate.yaml` rule settings and options, then calls Rule::Setup on each enabled
  /// rule. Errors name the config line.
  Status Prepare();
  /// Adds a stage run after loading and before the rules.
  void AddStage(WorkspaceStage stage) { stages_.push_back(std::move(stage)); }
  /// Adds a mapper run over every finding after the rules.
  void AddFindingMapper(FindingMapper mapper) { mappers_.push_back(std::move(mapper)); }
  /// Loads and checks everything in `inputs`.
  RunResult Run(Discovery inputs);

  /// The rules that will run (after Prepare: enabled ones only).
  const RuleList& rules() const { return rules_; }
  /// What RunResult::rules lists: the enabled rules and the engine's own, sorted by id.
  std::vector<RuleMeta> RuleMetas() const;
  /// A digest of everything but the inputs that decides this run's findings (the run's identity
  /// and the enabled rules with their severities); empty when results are not cached.
  const std::string& results_identity() const { return results_identity_; }

 private:
  // The steps of Run, in order (loading and the stages are done in Run itself).
  void CheckFiles(const Workspace& workspace, RunCounters& counters, std::vector<Finding>& findings,
                  std::vector<Suppression>& suppressions, bool& crashed, int& cached_files) const;
  /// The result cache's key of a file's file- and document-scope findings; empty without one.
  std::string FileResultKey(const FileUnit& file) const;
  void CheckWorkspace(const Workspace& workspace, RunCounters& counters,
                      std::vector<Finding>& findings, bool& crashed) const;
  void Finish(const Workspace& workspace, std::vector<Finding> findings,
              std::vector<Suppression> suppressions, RunResult& result) const;

  const Config& config_;
  RuleList rules_;
  std::vector<Severity> severity_;           // effective severity per rule, parallel to rules_
  std::vector<std::string> known_rule_ids_;  // every rule, enabled or not
  EngineOptions options_;
  std::vector<WorkspaceStage> stages_;
  std::vector<FindingMapper> mappers_;
  RunServices services_;  // shared by this engine's rules, for as long as the engine lives
  /// Findings of file- and document-scope rules between runs (RuleScope: their findings depend
  /// on the file and the run's identity only); made by Prepare.
  std::unique_ptr<ResultStore> results_;
  std::string results_identity_;  // run_identity and the enabled rules with their severities
};

}  // namespace syncgate
