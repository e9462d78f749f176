#pragma once
// The rule interface. One rule per file under rules/<category>/, registered by one sorted line in
// rules/rule_list.inc. A rule reports a JSON pointer and a message; the engine fills in the rule
// id, severity, file, line and column.
//
//   class MyRule final : public Rule {
//    public:
//     const RuleMeta& meta() const override { return kMeta; }
//     void CheckDocument(const Document& doc, RuleContext& ctx) const override {
//       if (!doc.root().Get("spec")) ctx.Report("", "object has no spec");
//     }
//   };

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/document.h"
#include "checker/expected.h"
#include "checker/finding.h"
#include "checker/run_services.h"

namespace syncgate {

class Config;
class Workspace;
struct FileUnit;
struct RunSettings;

/// What a rule's findings depend on, for caching results between runs and sharding a run. The
/// run's configuration and settings (--kube-version, --env, keys) count as inputs of every rule.
enum class RuleScope {
  kUndeclared,  // not stated (engine findings, rules in tests); the registry test rejects it
  kDocument,    // one document (with the YAML embedded in it) and nothing else
  kFile,        // one input file: its documents, its text, its comments
  kWorkspace,   // across files: other documents, selectors, CRDs, the file system, render state
};

/// A rule's own description: `rules list`, `rules explain` and docs/rules/*.md are made from it.
struct RuleMeta {
  std::string_view id;                       // `<category>-<what-is-wrong>`, never renamed
  std::string_view summary;                  // one line: what it finds
  std::string_view rationale;                // why it matters
  std::string_view remediation;              // what to do
  Severity severity;                         // default severity
  DocKind applies_to;                        // documents CheckDocument runs on
  RuleScope scope = RuleScope::kUndeclared;  // what its findings depend on
};

/// "document", "file", "workspace" (or "undeclared").
constexpr std::string_view RuleScopeName(RuleScope scope) {
  switch (scope) {
    case RuleScope::kDocument:
      return "document";
    case RuleScope::kFile:
      return "file";
    case RuleScope::kWorkspace:
      return "workspace";
    case RuleScope::kUndeclared:
      break;
  }
  return "undeclared";
}

/// Which part of the node at a finding's pointer the finding points at.
enum class Anchor {
  kValue,  // the value (default): `image: nginx:latest` points at `nginx:latest`
  kKey,    // the key in its parent mapping: "source is written as a list" points at `source:`
};

/// Extra facts a rule can attach to a finding.
struct ReportExtra {
  /// Overrides the rule's severity for this finding (e.g. per environment).
  std::optional<Severity> severity;
  /// The offending secret: hashed into the fingerprint and its length hidden in excerpts.
  /// Messages must carry only Redact(secret).
  std::string_view secret;
  /// An explicit position for findings not tied to a node (text lines, comments).
  Position at;
  /// An explicit file (display path) for findings of workspace rules about a file that has no
  /// document (a chart template named in a Helm error).
  std::string_view file;
  /// Point at the key or the value of the node at the pointer (ignored when `at` is given). A
  /// pointer into a sequence, or to a missing node, points at the nearest existing node.
  Anchor anchor = Anchor::kValue;
};

/// Where a rule reports to. One context per rule and subject; not shared between threads.
class RuleContext {
 public:
  virtual ~RuleContext() = default;
  /// Reports a finding at `pointer` in the current document (or the file, for file checks).
  virtual void Report(std::string_view pointer, std::string message, const ReportExtra& extra) = 0;
  void Report(std::string_view pointer, std::string message) {
    Report(pointer, std::move(message), ReportExtra{});
  }
  /// Reports a finding in another document (workspace-level, cross-object rules).
  virtual void ReportIn(const Document& doc, std::string_view pointer, std::string message,
                        const ReportExtra& extra) = 0;
  void ReportIn(const Document& doc, std::string_view pointer, std::string message) {
    ReportIn(doc, pointer, std::move(message), ReportExtra{});
  }
  /// The environment the document belongs to ("production", "development"...), or empty.
  virtual std::string_view environment() const = 0;
  /// Whether that environment is production (a profile with `production: true`, or named
  /// "production"/"prod").
  virtual bool production() const = 0;
  /// Every loaded file of the run (all documents are loaded before any check starts), for
  /// document rules that need other files (a CR's CustomResourceDefinition). Null in tests that
  /// build a context by hand.
  virtual const Workspace* workspace() const { return nullptr; }
  /// Adds `n` to a run-wide counter shown in the summary ("schema-validated"). Thread-safe.
  virtual void Count(std::string_view counter, int n = 1) {
    (void)counter;
    (void)n;
  }
};

/// Base class of every rule. Instances are created per run and configured before checks start;
/// the Check* methods are const and run concurrently on different subjects.
class Rule {
 public:
  virtual ~Rule() = default;
  virtual const RuleMeta& meta() const = 0;
  /// Reads options from `.syncgate.yaml` (`rules: {<id>: {options: ...}}`); `options` may be
  /// null. An error is a configuration error (exit 2).
  virtual Status Configure(const Node* options) {
    (void)options;
    return Ok{};
  }
  /// Called once per run after Configure, before any check: load what the rule needs from the
  /// run's configuration and resolved settings, and take what rules share from the run's
  /// services (a schema store, a keyring), never from process-wide state. An error stops the
  /// run (exit 2).
  virtual Status Setup(const RunScope& run) {
    (void)run;
    return Ok{};
  }
  /// Runs on each document whose kind is in meta().applies_to.
  virtual void CheckDocument(const Document& doc, RuleContext& ctx) const {
    (void)doc;
    (void)ctx;
  }
  /// Runs on each input file (parsed or not: templates and text files too).
  virtual void CheckFile(const FileUnit& file, RuleContext& ctx) const {
    (void)file;
    (void)ctx;
  }
  /// Runs once on the whole checked set, after every file is loaded (cross-object rules).
  virtual void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const {
    (void)workspace;
    (void)ctx;
  }
};

using RuleList = std::vector<std::unique_ptr<Rule>>;

/// Metadata of the findings the engine itself produces (not tied to a rule's checks).
const std::vector<RuleMeta>& EngineRuleMetas();
inline constexpr std::string_view kInternalError = "internal-error";
inline constexpr std::string_view kSuppressionUnused = "suppression-unused";
inline constexpr std::string_view kSuppressionInvalid = "suppression-invalid";

}  // namespace syncgate
