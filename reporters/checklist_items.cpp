// The checklist's items (defaults and `checklist:` in .syncgate.yaml) and how a run answers them.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "checker/text_util.h"
#include "reporters/checklist.h"

namespace syncgate::reporters {
namespace {

using Phase = ChecklistPhase;

bool Matches(std::string_view pattern, std::string_view rule) {
  if (EndsWith(pattern, "-") || EndsWith(pattern, "*")) {
    return StartsWith(rule, pattern.substr(0, pattern.size() - (EndsWith(pattern, "*") ? 1 : 0)));
  }
  return pattern == rule;
}

std::string ConfigError(const Config& config, const Node& node, std::string_view message) {
  return fmt::format("{}:{}:{}: checklist: {}", config.path(), node.pos.line, node.pos.column,
                     message);
}

Expected<std::vector<std::string>> StringList(const Config& config, const Node& node) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.emplace_back(node.Text());
    return out;
  }
  if (!node.IsSeq()) return Unexpected(ConfigError(config, node, "expected a list of rule ids"));
  for (const Node* item : node.Resolved().items) {
    if (!item->IsScalar() || item->Text().empty()) {
      return Unexpected(ConfigError(config, *item, "expected a rule id or prefix"));
    }
    out.emplace_back(item->Text());
  }
  return out;
}

}  // namespace

std::string_view ChecklistPhaseName(ChecklistPhase phase) {
  switch (phase) {
    case Phase::kPreDeployment:
      return "pre-deployment";
    case Phase::kDeployment:
      return "deployment";
    case Phase::kPostDeployment:
      return "post-deployment";
  }
  return "";
}

std::string_view ItemStatusName(ItemStatus status) {
  switch (status) {
    case ItemStatus::kPass:
      return "pass";
    case ItemStatus::kFail:
      return "fail";
    case ItemStatus::kNotChecked:
      return "not checked";
    case ItemStatus::kManual:
      return "manual";
  }
  return "";
}

std::vector<ChecklistItem> DefaultChecklist() {
  return {
      {"review-change",
       "Review the Git change",
       Phase::kPreDeployment,
       {"yaml-", "argocd-", "metadata-", "suppression-invalid"},
       false,
       ""},
      {"helm-lint",
       "helm lint",
       Phase::kPreDeployment,
       {"helm-chart-invalid", "helm-dependency-missing", "helm-render-failed",
        "helm-values-schema"},
       true,
       ""},
      {"template-validation",
       "Validate templates (helm template)",
       Phase::kPreDeployment,
       {"helm-render-empty", "schema-", "api-"},
       true,
       ""},
      {"secrets-encrypted",
       "Confirm secrets are encrypted",
       Phase::kPreDeployment,
       {"secret-", "sealed-"},
       false,
       ""},
      {"resource-requirements",
       "Confirm resource requirements",
       Phase::kPreDeployment,
       {"workload-missing-resources"},
       false,
       ""},
      {"start-sync",
       "Start the ArgoCD sync",
       Phase::kDeployment,
       {},
       false,
       "argocd app sync <app>; the sync operation ends Succeeded"},
      {"pod-status",
       "Watch pod status",
       Phase::kDeployment,
       {},
       false,
       "kubectl get pods -n <namespace> -w: every pod Running and Ready, no restarts"},
      {"health-checks",
       "Confirm health checks",
       Phase::kDeployment,
       {},
       false,
       "argocd app get <app>: Health Healthy, Sync Synced"},
      {"logs",
       "Check logs",
       Phase::kDeployment,
       {},
       false,
       "kubectl logs -n <namespace> deploy/<name>: no errors since the rollout"},
      {"metrics",
       "Check metrics",
       Phase::kDeployment,
       {},
       false,
       "error rate, latency and resource use at their usual levels"},
      {"functional-tests",
       "Functional tests",
       Phase::kPostDeployment,
       {},
       false,
       "run the service's functional test suite against the environment"},
      {"integration-tests",
       "Integration tests",
       Phase::kPostDeployment,
       {},
       false,
       "run the integration tests that cross this service's boundaries"},
      {"monitoring-dashboard",
       "Check the monitoring dashboard",
       Phase::kPostDeployment,
       {},
       false,
       "the dashboard shows the new version and no new anomalies"},
      {"alert-settings",
       "Confirm alert settings",
       Phase::kPostDeployment,
       {},
       false,
       "alerts for the service exist and point at the right receivers"},
      {"update-documentation",
       "Update the documentation",
       Phase::kPostDeployment,
       {},
       false,
       "the runbook and change log name this version"},
  };
}

Expected<std::vector<ChecklistItem>> LoadChecklist(const Config& config) {
  std::vector<ChecklistItem> items = DefaultChecklist();
  const Document* doc = config.document();
  const Node* section = doc ? doc->root().Get("checklist") : nullptr;
  if (!section || section->IsNull()) return items;
  if (!section->IsSeq()) {
    return Unexpected(ConfigError(config, *section, "expected a list of items"));
  }
  for (const Node* entry : section->Resolved().items) {
    if (!entry->IsMap()) return Unexpected(ConfigError(config, *entry, "expected an item (a map)"));
    const Node* id = entry->Get("id");
    if (!id || !id->IsScalar() || id->Text().empty()) {
      return Unexpected(ConfigError(config, *entry, "every item needs an id"));
    }
    auto it = std::find_if(items.begin(), items.end(),
                           [&](const ChecklistItem& item) { return item.id == id->Text(); });
    if (it == items.end()) {
      items.push_back({std::string(id->Text()), std::string(id->Text())});
      it = items.end() - 1;
    }
    for (const MapEntry& field : entry->Resolved().entries) {
      const std::string_view key = field.key->Text();
      const Node& value = field.value->Resolved();
      if (key == "id") continue;
      if (key == "title") {
        it->title = std::string(value.Text());
      } else if (key == "rules") {
        Expected<std::vector<std::string>> rules = StringList(config, value);
        if (!rules) return Unexpected(rules.error());
        it->rules = std::move(*rules);
      } else if (key == "render") {
        it->needs_render = value.Text() == "true";
      } else if (key == "manual") {
        it->manual = std::string(value.Text());
      } else if (key == "phase") {
        if (value.Text() == "pre-deployment")
          it->phase = Phase::kPreDeployment;
        else if (value.Text() == "deployment")
          it->phase = Phase::kDeployment;
        else if (value.Text() == "post-deployment")
          it->phase = Phase::kPostDeployment;
        else
          return Unexpected(
              ConfigError(config, value, "phase is pre-deployment, deployment or post-deployment"));
      } else if (key == "enabled") {
        if (value.Text() == "false") items.erase(it);
        if (value.Text() == "false") break;
      } else {
        return Unexpected(ConfigError(
            config, *field.key,
            fmt::format("unknown item field '{}' (expected id, title, rules, render, manual, "
                        "phase, enabled)",
                        key)));
      }
    }
  }
  return items;
}

Checklist AnswerChecklist(const std::vector<ChecklistItem>& items, const RunResult& result,
                          const std::vector<std::string>& known_rules, Severity threshold) {
  Checklist out;
  int charts = 0;
  if (result.workspace) {
    for (const auto& file : result.workspace->files())
      charts += file->input.kind == FileKind::kChartMeta;
  }
  for (const ChecklistItem& item : items) {
    AnsweredItem answer;
    answer.item = item;
    if (item.rules.empty() && !item.needs_render) {
      answer.status = ItemStatus::kManual;
      ++out.manual;
      out.items.push_back(std::move(answer));
      continue;
    }
    for (const std::string& pattern : item.rules) {
      bool ran = false;
      for (const RuleMeta& meta : result.rules) {
        if (!Matches(pattern, meta.id)) continue;
        ran = true;
        answer.rules_run.emplace_back(meta.id);
      }
      if (!ran) answer.rules_not_run.push_back(pattern);
    }
    for (const Finding& f : result.findings) {
      if (std::none_of(item.rules.begin(), item.rules.end(),
                       [&](const std::string& p) { return Matches(p, f.rule); })) {
        continue;
      }
      answer.findings.push_back(&f);
      answer.failing += static_cast<int>(f.severity) >= static_cast<int>(threshold);
    }
    std::stable_sort(answer.findings.begin(), answer.findings.end(),
                     [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
    std::vector<std::string> notes;
    for (const std::string& pattern : answer.rules_not_run) {
      const bool exists = std::any_of(known_rules.begin(), known_rules.end(),
                                      [&](const std::string& id) { return Matches(pattern, id); });
      notes.push_back(exists ? fmt::format("{} did not run (disabled in .syncgate.yaml)", pattern)
                             : fmt::format("{} is not a rule of this syncgate", pattern));
    }
    if (item.needs_render && charts > 0 && result.summary.rendered == 0) {
      notes.push_back(
          fmt::format("{} chart{} found, none rendered (is helm installed? see the "
                      "skipped files)",
                      charts, charts == 1 ? "" : "s"));
    }
    if (answer.failing > 0) {
      answer.status = ItemStatus::kFail;
      ++out.failed;
    } else if (!notes.empty()) {
      answer.status = ItemStatus::kNotChecked;
      ++out.not_checked;
    } else {
      answer.status = ItemStatus::kPass;
      ++out.passed;
    }
    if (item.needs_render && charts == 0) notes.push_back("no chart in the checked paths");
    if (item.needs_render && result.summary.rendered > 0) {
      notes.push_back(fmt::format("{} render{} checked", result.summary.rendered,
                                  result.summary.rendered == 1 ? "" : "s"));
    }
    for (const std::string& note : notes) answer.note += (answer.note.empty() ? "" : "; ") + note;
    out.items.push_back(std::move(answer));
  }
  return out;
}

}  // namespace syncgate::reporters
