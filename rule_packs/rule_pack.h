#pragma once
// Declarative rule packs: rules written in YAML, loaded at run time, that behave like built-in
// rules (configured, suppressed, listed by `rules list`, documented by `rules docs`).
//
//   # .syncgate.yaml
//   rule_packs: [builtin:governance, policies/team-rules.yaml]
//
//   # policies/team-rules.yaml
//   pack: team
//   rules:
//     - id: team-owner-label
//       severity: warning
//       summary: Workloads carry an owner label
//       rationale: On-call needs to know whom to page.
//       remediation: Add metadata.labels.owner.
//       match: {kind: [Deployment, StatefulSet], namespaces: ["q-*"]}
//       assert:
//         - {path: /metadata/labels/owner, exists: true}
//         - {path: "$pod/containers/*/image", matches: '^registry\.example/', option: registries}
//
//   RuleList rules = MakeBuiltinRules();
//   if (Status ok = AppendRulePacks(config, rules); !ok) Fail(ok.error().message);  //
//   file:line:col
//
// `match` selects documents: apiVersion and kind globs (`*`, `?`), namespace globs, and labels
// (key: value glob). Each `assert` entry tests a path, a JSON pointer where `*` stands for every
// element of a list or every value of a map and a leading `$pod` for the pod spec of any
// workload kind, with exactly one of: exists (true/false), absent, equals, one-of, not-one-of,
// matches / not-matches (RE2, unanchored), gt / gte / lt / lte (numbers). Value tests skip paths
// that are absent; combine them with `exists: true` to require the field. `option: NAME` lets
// `.syncgate.yaml` replace the operand: `rules: {<id>: {options: {NAME: ...}}}`.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checker/config.h"
#include "checker/expected.h"
#include "checker/rule.h"

namespace syncgate {

/// Parses one pack. Errors name `source`'s path, line and column.
Expected<RuleList> LoadRulePack(const std::shared_ptr<const SourceFile>& source);

/// Loads every pack listed in `config.rule_packs()` (paths relative to the config's folder, or
/// `builtin:NAME`) and appends their rules to `rules`, kept sorted by id. A pack rule whose id
/// is already taken is an error. With `identity`, each pack's path and text are appended to it
/// (what the result cache keys the pack rules' findings on).
Status AppendRulePacks(const Config& config, RuleList& rules, std::string* identity = nullptr);

/// The packs shipped in the binary (rules/packs/*.yaml), as name → YAML text.
const std::vector<std::pair<std::string_view, std::string_view>>& BuiltinRulePacks();

/// The rules of every built-in pack (for `rules list` and `rules docs`).
RuleList BuiltinPackRules();

}  // namespace syncgate
