#pragma once
// The guide's deployment checklist, answered by machine from one check run.
//
//   Expected<std::vector<ChecklistItem>> items = LoadChecklist(config);  // defaults + checklist:
//   Checklist answered = AnswerChecklist(*items, result, all_rule_ids, Severity::kWarning);
//   WriteChecklistHtml(answered, result, std::cout);
//
// Each pre-deployment item is decided by rules (ids, or prefixes ending in '-') and, for the
// Helm items, by the charts having been rendered. An item fails when one of its rules found
// something at or above the threshold; it is "not checked" when one of its rules did not run
// (disabled, or not built in) or its charts were not rendered, never "pass". Deployment and
// post-deployment items need a live cluster: they are listed with what to check by hand.
//
//   # .syncgate.yaml
//   checklist:
//     - id: resource-requirements                  # a default item: replace its rules
//       rules: [workload-missing-resources, workload-missing-probes]
//     - id: no-root                                # a new pre-deployment item
//       title: Containers do not run as root
//       rules: [workload-run-as-root]
//     - id: update-documentation
//       enabled: false                             # drop an item

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "checker/config.h"
#include "checker/engine.h"

namespace syncgate::reporters {

enum class ChecklistPhase { kPreDeployment, kDeployment, kPostDeployment };
enum class ItemStatus { kPass, kFail, kNotChecked, kManual };

std::string_view ChecklistPhaseName(ChecklistPhase phase);  // "pre-deployment", ...
std::string_view ItemStatusName(ItemStatus status);  // "pass", "fail", "not checked", "manual"

/// One line of the checklist and what decides it.
struct ChecklistItem {
  std::string id;
  std::string title;
  ChecklistPhase phase = ChecklistPhase::kPreDeployment;
  std::vector<std::string> rules;  // rule ids, or prefixes ending in '-' ("secret-")
  bool needs_render = false;       // decided on rendered charts too (helm lint, helm template)
  std::string manual;              // what to check by hand (items that need a cluster)
};

/// The guide's checklist (gitops-guide.md, "The guide's deployment checklist").
std::vector<ChecklistItem> DefaultChecklist();
/// The default checklist changed by the `checklist:` section of `config`; errors name the
/// config line.
Expected<std::vector<ChecklistItem>> LoadChecklist(const Config& config);

struct AnsweredItem {
  ChecklistItem item;
  ItemStatus status = ItemStatus::kManual;
  std::vector<std::string> rules_run;      // the rules that decided it
  std::vector<std::string> rules_not_run;  // patterns that matched no rule of the run
  std::vector<const Finding*> findings;    // every finding of its rules (failing ones first)
  int failing = 0;                         // findings at or above the threshold
  std::string note;                        // why it is not checked, or what it covered
};

struct Checklist {
  std::vector<AnsweredItem> items;
  int passed = 0, failed = 0, not_checked = 0, manual = 0;
  /// Whether the machine-checked part of the checklist passed (no fail, no "not checked").
  bool ok() const { return failed == 0 && not_checked == 0; }
};

/// Answers `items` from `result`. `known_rules` are every rule id of the binary (enabled or
/// not), so that a configured id that exists nowhere is reported as such.
Checklist AnswerChecklist(const std::vector<ChecklistItem>& items, const RunResult& result,
                          const std::vector<std::string>& known_rules, Severity threshold);

void WriteChecklistMarkdown(const Checklist& checklist, const RunResult& result, std::ostream& out);
void WriteChecklistHtml(const Checklist& checklist, const RunResult& result, std::ostream& out);
void WriteChecklistJson(const Checklist& checklist, const RunResult& result, std::ostream& out);

}  // namespace syncgate::reporters
