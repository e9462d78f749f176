// App-of-apps: Applications that a chart (or a Kustomize folder) renders are rendered in turn,
// as ArgoCD renders them once the parent syncs them, with the values the parent passes down;
// findings in the children are traced through each level back to the file the user edits.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "model/render_model.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;

constexpr const char* kChart = "apiVersion: v2\nname: {}\nversion: 0.1.0\n";

/// An Application template that renders `path` with all of the parent's values, as the
/// eks-blueprints-workloads repositories do (`helm.values: {{ toYaml .Values }}`).
std::string ChildTemplate(const std::string& name, const std::string& path) {
  return fmt::format(R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {}
  namespace: argocd
spec:
  project: platform
  destination:
    server: https://kubernetes.default.svc
    namespace: {}
  source:
    repoURL: https://git.example.com/platform.git
    targetRevision: v1.0.0
    path: {}
    helm:
      values: |
        {{{{- toYaml .Values | nindent 8 }}}}
)",
                     name, name, path);
}

constexpr const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: "{{ .Values.web.image }}:{{ .Values.web.tag }}"
)";

/// envs/dev (the root chart, which no Application names) → team (a chart of Applications)
/// → apps/web (a chart of workloads). The tag of the web image is set only in envs/dev.
void WriteTree(const testing::TempDir& dir) {
  testing::WriteFile(dir / "envs/dev/Chart.yaml", fmt::format(kChart, "dev"));
  testing::WriteFile(dir / "envs/dev/values.yaml",
                     "web:\n  image: registry.example.com/web\n  tag: latest\n");
  testing::WriteFile(dir / "envs/dev/templates/team.yaml", ChildTemplate("team", "teams/team"));
  testing::WriteFile(dir / "teams/team/Chart.yaml", fmt::format(kChart, "team"));
  testing::WriteFile(dir / "teams/team/values.yaml", "{}\n");
  testing::WriteFile(dir / "teams/team/templates/web.yaml", ChildTemplate("web", "apps/web"));
  testing::WriteFile(dir / "apps/web/Chart.yaml", fmt::format(kChart, "web"));
  testing::WriteFile(dir / "apps/web/values.yaml",
                     "web:\n  image: registry.example.com/web\n  tag: \"1.2.0\"\n");
  testing::WriteFile(dir / "apps/web/templates/deployment.yaml", kDeployment);
}

std::set<std::string> Labels(const RunResult& result) {
  std::set<std::string> labels;
  const auto* state = result.workspace->FindExtension<model::RenderState>();
  if (!state) return labels;
  for (const model::RenderOutcome& o : state->outcomes) {
    const model::RenderPlan& plan = state->model.plans[o.plan];
    labels.insert(plan.label + (o.rendered_path.empty() ? " (not rendered)" : ""));
  }
  return labels;
}

std::string Listing(const RunResult& result) {
  std::string out;
  for (const Finding& f : result.findings)
    out += fmt::format("{}:{}:{} {}\n", f.file, f.line, f.column, f.rule);
  for (const std::string& e : result.errors) out += "error: " + e + "\n";
  return out;
}

}  // namespace

TEST_CASE("app-of-apps: Applications a chart renders are rendered with the values passed down",
          "[helm][app-of-apps]") {
  REQUIRE_HELM(helm);
  testing::TempDir dir;
  WriteTree(dir);
  const RunResult result = testing::CheckRendered({dir.path().string()}, helm);
  INFO(Listing(result));
  // The root chart on its own values, then each level through the Application above it. The
  // team chart's own values render stands in for an Application nobody wrote only while none
  // renders it: its web Application (with the team's empty values) is not ArgoCD's.
  CHECK(Labels(result) == std::set<std::string>{"dev/values.yaml", "team/values.yaml",
                                                "team/app:team", "web/values.yaml", "web/app:web"});
  // The mutable tag reaches the Deployment two levels down, and is reported where it is set.
  std::vector<std::string> tags;
  for (const Finding& f : result.findings) {
    CHECK(f.file.find("@rendered/") == std::string::npos);
    if (f.rule == "workload-image-mutable-tag") {
      tags.push_back(
          fmt::format("{}:{}:{}", f.file.substr(dir.path().string().size() + 1), f.line, f.column));
    }
  }
  CHECK(tags == std::vector<std::string>{"envs/dev/values.yaml:3:8"});
}

TEST_CASE("app-of-apps: a child render that fails is reported at the template helm names",
          "[helm][app-of-apps]") {
  REQUIRE_HELM(helm);
  testing::TempDir dir;
  WriteTree(dir);
  // The web chart refuses the tag that only the values passed down from envs/dev give it.
  testing::WriteFile(dir / "apps/web/templates/deployment.yaml",
                     std::string(kDeployment) +
                         "{{- if eq .Values.web.tag \"latest\" }}\n"
                         "{{- fail \"web.tag: pin a release\" }}\n"
                         "{{- end }}\n");
  const RunResult result = testing::CheckRendered({dir.path().string()}, helm);
  INFO(Listing(result));
  std::vector<std::string> failed;
  for (const Finding& f : result.findings) {
    if (f.rule == "helm-render-failed") {
      failed.push_back(fmt::format("{}:{} {}", f.file.substr(dir.path().string().size() + 1),
                                   f.line, f.message.substr(0, f.message.find(": "))));
    }
  }
  CHECK(failed == std::vector<std::string>{
                      "apps/web/templates/deployment.yaml:16 helm template fails for web/app:web"});
}

TEST_CASE("app-of-apps: an Application written in the tree is not rendered again",
          "[helm][app-of-apps]") {
  REQUIRE_HELM(helm);
  testing::TempDir dir;
  WriteTree(dir);
  // The root chart also renders an Application that is written as a file of the tree (a
  // Kustomize folder or a chart of Application files): it is planned once, as written.
  testing::WriteFile(dir / "envs/dev/templates/web.yaml", ChildTemplate("web", "apps/web"));
  testing::WriteFile(dir / "argocd/web.yaml",
                     "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n"
                     "  name: web\n  namespace: argocd\nspec:\n  project: platform\n"
                     "  destination:\n    server: https://kubernetes.default.svc\n"
                     "    namespace: web\n  source:\n"
                     "    repoURL: https://git.example.com/platform.git\n"
                     "    targetRevision: v1.0.0\n    path: apps/web\n");
  const RunResult result = testing::CheckRendered({dir.path().string()}, helm);
  INFO(Listing(result));
  const auto* state = result.workspace->FindExtension<model::RenderState>();
  REQUIRE(state);
  int web_apps = 0;
  for (const model::RenderPlan& plan : state->model.plans) {
    if (plan.label == "web/app:web") {
      ++web_apps;
      CHECK(plan.anchor_file.find("argocd/web.yaml") != std::string::npos);
    }
  }
  CHECK(web_apps == 1);
}

TEST_CASE("app-of-apps: Applications deeper than four levels are counted as skipped",
          "[helm][app-of-apps]") {
  REQUIRE_HELM(helm);
  testing::TempDir dir;
  // level0 renders the Application of level1, which renders that of level2, ... level5.
  for (int level = 0; level <= 5; ++level) {
    const std::string chart = fmt::format("charts/level{}", level);
    testing::WriteFile(dir / chart / "Chart.yaml",
                       fmt::format(kChart, "level" + std::to_string(level)));
    testing::WriteFile(dir / chart / "values.yaml", "{}\n");
    if (level < 5) {
      testing::WriteFile(dir / chart / "templates/child.yaml",
                         ChildTemplate(fmt::format("level{}", level + 1),
                                       fmt::format("charts/level{}", level + 1)));
    } else {
      testing::WriteFile(dir / chart / "templates/cm.yaml",
                         "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n");
    }
  }
  const RunResult result = testing::CheckRendered({dir.path().string()}, helm);
  INFO(Listing(result));
  std::set<std::string> apps;
  for (const std::string& label : Labels(result)) {
    if (label.find("/app:") != std::string::npos) apps.insert(label);
  }
  CHECK(apps == std::set<std::string>{"level1/app:level1", "level2/app:level2", "level3/app:level3",
                                      "level4/app:level4"});
  std::vector<std::string> deep;
  for (const SkippedFile& s : result.skipped) {
    if (s.reason.find("levels of app-of-apps") != std::string::npos) deep.push_back(s.reason);
  }
  CHECK(deep == std::vector<std::string>{
                    "app:level5 not rendered: Application level5 is 5 levels of app-of-apps "
                    "deep; syncgate renders 4"});
}

// ---- The shared set of real repositories (../shared/data/gitops-repos)

/// The rows of `apps-index.tsv`, each as its columns.
std::vector<std::vector<std::string>> IndexRows(const fs::path& tsv) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(tsv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() >= 8) rows.push_back(std::move(cols));
  }
  return rows;
}

TEST_CASE("gitops-repos: every Application whose sources are in the set renders offline",
          "[helm][kustomize][app-of-apps][corpus]") {
  REQUIRE_HELM(helm);
  const fs::path data = testing::SharedData() / "gitops-repos";
  if (testing::SharedData().empty() || !fs::exists(data / "apps-index.tsv")) {
    WARN("../shared/data/gitops-repos is absent: skipped");
    return;
  }
  RunRequest request;
  request.jobs = 2;
  request.settings.helm_binary = helm;
  request.settings.kustomize_binary = testing::TestKustomize();
  request.settings.offline = true;
  request.settings.render_cache = true;  // the set renders once per machine, then from the cache
  request.config_path = (testing::SourceDir() / "tests/data/gitops-repos.syncgate.yaml").string();
  const std::string set = data.generic_string();
  const RunResult result = testing::CheckWith(std::move(request), {set});
  const auto* state = result.workspace->FindExtension<model::RenderState>();
  REQUIRE(state);
  CHECK(result.errors.empty());

  // What each Application of the index became: its renders by label, found by the file that
  // holds it (a written Application) or the render of the chart that holds its template.
  auto outcomes = [&](const std::string& anchor_prefix, const std::string& name) {
    std::vector<const model::RenderOutcome*> found;
    for (const model::RenderOutcome& o : state->outcomes) {
      const model::RenderPlan& plan = state->model.plans[o.plan];
      const size_t app = plan.label.find("/app:");
      if (app == std::string::npos || plan.anchor_file.rfind(anchor_prefix, 0) != 0) continue;
      std::string label_name = plan.label.substr(app + 5);
      label_name = label_name.substr(0, label_name.find('#'));
      if (label_name == name) found.push_back(&o);
    }
    return found;
  };
  // The snapshot's own defects, as its README lists them.
  const std::set<std::string> known_defects = {
      // eks-blueprints-add-ons: every add-on is `enable: false` by default, so the chart's own
      // render holds no Application.
      "aws-samples+eks-blueprints-add-ons/chart/templates/aws-otel-collector.yaml",
  };
  int written = 0, templated = 0, generated_renders = 0;
  std::string missing;
  for (const auto& row : IndexRows(data / "apps-index.tsv")) {
    const std::string &folder = row[0], &file = row[1], &kind = row[2], &name = row[3];
    const std::string& sources = row[5];
    if (row[6] != "no" || (sources.find("[helm]") == std::string::npos &&
                           sources.find("[kustomize]") == std::string::npos)) {
      continue;  // needs the network, or a plain directory (checked as files, not rendered)
    }
    const std::string where = folder + "/" + file;
    if (known_defects.count(where)) continue;
    std::string anchor;
    if (kind == "ApplicationSet") {
      // Each Application it generates that renders a chart or a Kustomize folder renders.
      const std::string generated = set + "/" + where + "@generated/";
      for (const model::RenderOutcome& o : state->outcomes) {
        const model::RenderPlan& plan = state->model.plans[o.plan];
        if (plan.anchor_file.rfind(generated, 0) != 0) continue;
        ++generated_renders;
        if (o.rendered_path.empty()) {
          missing += fmt::format("not rendered: {} ({}): {}\n", where, plan.label,
                                 o.reason.substr(0, o.reason.find('\n')));
        }
      }
      continue;
    }
    if (kind == "Application") {
      anchor = set + "/" + where;
      ++written;
    } else if (kind == "Application (Helm template)") {
      anchor = set + "/" + folder + "/" + file.substr(0, file.find("/templates/")) + "@rendered/";
      ++templated;
    } else {
      continue;
    }
    const auto found = outcomes(anchor, name);
    if (found.empty()) missing += fmt::format("not planned: {} ({})\n", where, name);
    for (const model::RenderOutcome* o : found) {
      if (o->rendered_path.empty()) {
        missing += fmt::format("not rendered: {} ({}): {}\n", where, name,
                               o->reason.substr(0, o->reason.find('\n')));
      }
    }
  }
  INFO(missing);
  CHECK(missing.empty());
  CHECK(written >= 10);
  CHECK(templated >= 20);
  CHECK(generated_renders >= 20);

  // The counts for the record: renders, and what was skipped, by reason.
  std::map<std::string, int> by_reason;
  for (const SkippedFile& s : result.skipped) ++by_reason[std::string(SkipKindName(s.kind))];
  std::string reasons;
  for (const auto& [reason, n] : by_reason) reasons += fmt::format(" {} {};", reason, n);
  WARN(
      fmt::format("gitops-repos offline: {} Applications of the index checked ({} written, {} "
                  "rendered by charts), {} renders of Applications that ApplicationSets "
                  "generate; {} renders in all, {} skipped:{}",
                  written + templated, written, templated, generated_renders,
                  result.summary.rendered, result.skipped.size(), reasons));
}

}  // namespace syncgate
