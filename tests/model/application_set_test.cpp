// ApplicationSet expansion (model/application_set.h) and the template languages it uses
// (model/go_template.h): the Applications ArgoCD's controller would generate, where each of
// their values was written, and the generators that are not expanded and why.
#include "model/application_set.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "checker/document.h"
#include "model/go_template.h"

namespace syncgate::model {
namespace {

/// An ApplicationSet document and what expanding it gave.
struct Expanded {
  LoadResult loaded;
  ApplicationSetExpansion x;

  const GeneratedApplication* App(const std::string& name) const {
    for (const auto& app : x.applications) {
      if (app.name == name) return &app;
    }
    return nullptr;
  }
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& app : x.applications) names.push_back(app.name);
    return names;
  }
  /// The generated Application, loaded, for pointer lookups.
  std::string At(const std::string& name, const std::string& pointer) const {
    const GeneratedApplication* app = App(name);
    if (!app) return "<no application " + name + ">";
    LoadResult doc = LoadYaml(SourceFile::FromText("gen.yaml", app->yaml));
    if (doc.error || doc.documents.empty()) return "<does not parse>";
    const Node* node = FindBelow(&doc.documents.front()->root(), pointer);
    if (!node) return "<absent>";
    return node->IsScalar() ? std::string(node->Text()) : "<collection>";
  }
};

Expanded Expand(const std::string& text, const RepositoryLookup& repos = {}) {
  Expanded e;
  e.loaded = LoadYaml(SourceFile::FromText("appset.yaml", text));
  REQUIRE_FALSE(e.loaded.error);
  REQUIRE(e.loaded.documents.size() == 1);
  RepositoryLookup lookup = repos;
  if (!lookup) {
    lookup = [](std::string_view url) -> Expected<RepositoryTreePtr> {
      return Unexpected(std::string("no repository in this test: ") + std::string(url));
    };
  }
  e.x = ExpandApplicationSet(*e.loaded.documents.front(), lookup);
  for (const auto& app : e.x.applications) INFO(app.name << ":\n" << app.yaml);
  return e;
}

RepositoryLookup Repo(std::map<std::string, std::string> files) {
  RepositoryTreePtr tree = MemoryTree(std::move(files));
  return [tree](std::string_view url) -> Expected<RepositoryTreePtr> {
    if (url == "https://git.example/gitops.git") return tree;
    return Unexpected("unknown repository " + std::string(url));
  };
}

TEST_CASE("appset list generator with fasttemplate", "[appset][model]") {
  const Expanded e = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
spec:
  generators:
    - list:
        elements:
          - cluster: dev
            url: https://1.2.3.4
          - cluster: prod
            url: https://2.4.6.8
  template:
    metadata:
      name: '{{cluster}}-guestbook'
      labels:
        env: '{{ cluster }}'
        keep: '{{unknown}}'
    spec:
      project: team
      source:
        repoURL: https://git.example/gitops.git
        targetRevision: v1.0.0
        path: 'guestbook/{{cluster}}'
      destination:
        server: '{{url}}'
        namespace: guestbook
)");
  REQUIRE(e.x.not_expanded.empty());
  CHECK(e.Names() == std::vector<std::string>{"dev-guestbook", "prod-guestbook"});
  CHECK(e.At("prod-guestbook", "/spec/source/path") == "guestbook/prod");
  CHECK(e.At("prod-guestbook", "/spec/destination/server") == "https://2.4.6.8");
  CHECK(e.At("dev-guestbook", "/metadata/labels/env") == "dev");           // {{ cluster }}: spaces
  CHECK(e.At("dev-guestbook", "/metadata/labels/keep") == "{{unknown}}");  // left as written
  CHECK(e.At("dev-guestbook", "/kind") == "Application");
  // ArgoCD adds the resources finalizer (no preserveResourcesOnDeletion).
  CHECK(e.At("dev-guestbook", "/metadata/finalizers/0") ==
        "resources-finalizer.argocd.argoproj.io");
  // Where values come from: a value made of one element value traces to the element's line,
  // anything else to its template line.
  const GeneratedApplication* prod = e.App("prod-guestbook");
  REQUIRE(prod);
  CHECK(prod->origins.at("/spec/destination/server").value.pos == Position{12, 18});
  CHECK(prod->origins.at("/spec/destination/server").value.pointer ==
        "/spec/generators/0/list/elements/1/url");
  CHECK(prod->origins.at("/spec/source/path").value.pos == Position{24, 15});
  CHECK(prod->origins.at("/spec/source/path").key.pos == Position{24, 9});
  CHECK(prod->origins.at("/spec/source/path").value.pointer == "/spec/template/spec/source/path");
}

TEST_CASE("appset list generator refuses non-string values without goTemplate", "[appset][model]") {
  const Expanded e = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: a}
spec:
  generators:
    - list:
        elements:
          - name: a
            replicas: 3
  template:
    metadata: {name: '{{name}}'}
    spec: {project: p}
)");
  CHECK(e.x.applications.empty());
  REQUIRE(e.x.not_expanded.size() == 1);
  CHECK(e.x.not_expanded[0].type == "list");
  CHECK(e.x.not_expanded[0].pos == Position{6, 7});
  CHECK_THAT(e.x.not_expanded[0].reason,
             Catch::Contains("replicas is 3 at line 9") && Catch::Contains("ArgoCD fails"));
}

TEST_CASE("appset list generator with goTemplate", "[appset][model]") {
  const Expanded e = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: a}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - list:
        elements:
          - name: Web_App
            replicas: 3
            tier: {level: gold}
  template:
    metadata:
      name: '{{ .name | normalize }}'
      annotations:
        upper: '{{ upper .name }}'
        short: '{{ .name | lower | trunc 3 }}'
        quoted: '{{ .tier.level | quote }}'
        json: '{{ toJson .tier }}'
        count: '{{ printf "%s-%v" .name .replicas }}'
        fallback: '{{ .tier.colour | default "grey" }}'
        branch: '{{ if eq .tier.level "gold" }}main{{ else }}dev{{ end }}'
        replaced: '{{ replace "_" "-" .name }}'
    spec: {project: p}
)");
  // missingkey=error: `.tier.colour` is missing, and ArgoCD fails on it.
  CHECK(e.x.applications.empty());
  REQUIRE(e.x.not_expanded.size() == 1);
  CHECK_THAT(e.x.not_expanded[0].reason, Catch::Contains("map has no entry for key \"colour\"") &&
                                             Catch::Contains("ArgoCD fails on this template too"));

  const Expanded ok = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: a}
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - name: Web_App
            replicas: 3
            tier: {level: gold}
  template:
    metadata:
      name: '{{ .name | normalize }}'
      annotations:
        upper: '{{ upper .name }}'
        short: '{{ .name | lower | trunc 3 }}'
        quoted: '{{ .tier.level | quote }}'
        json: '{{ toJson .tier }}'
        count: '{{ printf "%s-%v" .name .replicas }}'
        fallback: '{{ .tier.colour | default "grey" }}'
        missing: '{{ .tier.colour }}'
        branch: '{{ if eq .tier.level "gold" }}main{{ else }}dev{{ end }}'
        replaced: '{{ replace "_" "-" .name }}'
    spec: {project: p}
)");
  REQUIRE(ok.x.not_expanded.empty());
  REQUIRE(ok.Names() == std::vector<std::string>{"web-app"});
  CHECK(ok.At("web-app", "/metadata/annotations/upper") == "WEB_APP");
  CHECK(ok.At("web-app", "/metadata/annotations/short") == "web");
  CHECK(ok.At("web-app", "/metadata/annotations/quoted") == "\"gold\"");
  CHECK(ok.At("web-app", "/metadata/annotations/json") == "{\"level\":\"gold\"}");
  CHECK(ok.At("web-app", "/metadata/annotations/count") == "Web_App-3");
  CHECK(ok.At("web-app", "/metadata/annotations/fallback") == "grey");
  CHECK(ok.At("web-app", "/metadata/annotations/missing") == "<no value>");
  CHECK(ok.At("web-app", "/metadata/annotations/branch") == "main");
  CHECK(ok.At("web-app", "/metadata/annotations/replaced") == "Web-App");
}

TEST_CASE("appset template using an unimplemented function is not expanded", "[appset][model]") {
  const Expanded e = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: a}
spec:
  goTemplate: true
  generators:
    - list: {elements: [{name: a}]}
  template:
    metadata: {name: '{{ .name | regexReplaceAll "a" "b" }}'}
    spec: {project: p}
)");
  CHECK(e.x.applications.empty());
  REQUIRE(e.x.not_expanded.size() == 1);
  CHECK_THAT(e.x.not_expanded[0].reason,
             Catch::Contains("\"regexReplaceAll\" is not implemented") &&
                 !Catch::Contains("ArgoCD fails"));
}

TEST_CASE("appset git directories generator with exclude", "[appset][model]") {
  const auto repo = Repo({{"apps/web/Chart.yaml", "name: web\n"},
                          {"apps/api/Chart.yaml", "name: api\n"},
                          {"apps/legacy/Chart.yaml", "name: legacy\n"},
                          {"apps/.hidden/x.yaml", "a: 1\n"},
                          {"apps/web/templates/a.yaml", "kind: A\n"},
                          {"README.md", "x\n"}});
  const std::string text = R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: apps}
spec:
  generators:
    - git:
        repoURL: https://git.example/gitops.git
        revision: HEAD
        directories:
          - path: apps/*
          - path: apps/legacy
            exclude: true
  template:
    metadata:
      name: '{{path.basename}}'
      labels: {first: '{{path[0]}}', normalized: '{{path.basenameNormalized}}'}
    spec:
      project: p
      source: {repoURL: https://git.example/gitops.git, path: '{{path}}'}
)";
  const Expanded e = Expand(text, repo);
  REQUIRE(e.x.not_expanded.empty());
  CHECK(e.Names() == std::vector<std::string>{"api", "web"});  // not legacy, not .hidden
  CHECK(e.At("web", "/spec/source/path") == "apps/web");
  CHECK(e.At("web", "/metadata/labels/first") == "apps");
  CHECK(e.At("api", "/metadata/labels/normalized") == "api");

  // The same with goTemplate and path segments.
  const Expanded g = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: apps}
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: https://git.example/gitops.git
        revision: HEAD
        directories:
          - path: apps/*
          - path: apps/legacy
            exclude: true
  template:
    metadata:
      name: '{{ index .path.segments 1 }}'
      labels: {upper: '{{ .path.basename | upper }}'}
    spec:
      project: p
      source: {repoURL: https://git.example/gitops.git, path: '{{.path.path}}'}
)",
                            repo);
  REQUIRE(g.x.not_expanded.empty());
  CHECK(g.Names() == std::vector<std::string>{"api", "web"});
  CHECK(g.At("web", "/metadata/labels/upper") == "WEB");
  CHECK(g.At("web", "/spec/source/path") == "apps/web");

  // Without the repository: not expanded, with the lookup's reason.
  const Expanded none = Expand(text);
  CHECK(none.x.applications.empty());
  REQUIRE(none.x.not_expanded.size() == 1);
  CHECK(none.x.not_expanded[0].description == "git directories");
  CHECK_THAT(none.x.not_expanded[0].reason, Catch::Contains("no repository in this test"));
}

TEST_CASE("appset git files generator flattens nested keys", "[appset][model]") {
  const auto repo = Repo({
      {"clusters/dev/config.json",
       R"({"cluster": {"name": "dev", "overlay": "small", "replicas": 1000000}})"},
      {"clusters/prod/config.json",
       R"({"cluster": {"name": "prod", "overlay": "large", "replicas": 2}})"},
      {"clusters/old/config.json",
       R"({"cluster": {"name": "old", "overlay": "x", "replicas": 0}})"},
      {"clusters/dev/notes.txt", "not matched\n"},
  });
  const Expanded e = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: clusters}
spec:
  generators:
    - git:
        repoURL: https://git.example/gitops.git
        revision: HEAD
        files:
          - path: clusters/**/config.json
          - path: clusters/old/config.json
            exclude: true
  template:
    metadata:
      name: '{{cluster.name}}-app'
      annotations:
        overlay: '{{cluster.overlay}}'
        replicas: '{{cluster.replicas}}'
        folder: '{{path}}'
        file: '{{path.filename}}'
    spec: {project: p}
)",
                            repo);
  REQUIRE(e.x.not_expanded.empty());
  CHECK(e.Names() == std::vector<std::string>{"dev-app", "prod-app"});
  CHECK(e.At("dev-app", "/metadata/annotations/overlay") == "small");
  CHECK(e.At("dev-app", "/metadata/annotations/replicas") == "1e+06");  // Go's %v of a float64
  CHECK(e.At("prod-app", "/metadata/annotations/folder") == "clusters/prod");
  CHECK(e.At("prod-app", "/metadata/annotations/file") == "config.json");

  const Expanded g = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: clusters}
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: https://git.example/gitops.git
        revision: HEAD
        pathParamPrefix: cfg
        files: [{path: "clusters/*/config.json"}]
        values: {size: '{{ .cluster.overlay }}'}
  template:
    metadata:
      name: '{{.cluster.name}}'
      annotations: {size: '{{.values.size}}', dir: '{{.cfg.path.basename}}'}
    spec: {project: p}
)",
                            repo);
  REQUIRE(g.x.not_expanded.empty());
  CHECK(g.Names() == std::vector<std::string>{"dev", "old", "prod"});
  CHECK(g.At("prod", "/metadata/annotations/size") == "large");
  CHECK(g.At("old", "/metadata/annotations/dir") == "old");
}

TEST_CASE("appset matrix of a list and git directories", "[appset][model]") {
  const auto repo = Repo({{"envs/dev/web/values.yaml", "a: 1\n"},
                          {"envs/dev/api/values.yaml", "a: 1\n"},
                          {"envs/prod/web/values.yaml", "a: 1\n"}});
  const Expanded e = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: matrix}
spec:
  generators:
    - matrix:
        generators:
          - list:
              elements:
                - env: dev
                - env: prod
          - git:
              repoURL: https://git.example/gitops.git
              revision: HEAD
              directories:
                - path: 'envs/{{env}}/*'
  template:
    metadata:
      name: '{{env}}-{{path.basename}}'
    spec:
      project: p
      source: {repoURL: https://git.example/gitops.git, path: '{{path}}'}
)",
                            repo);
  REQUIRE(e.x.not_expanded.empty());
  CHECK(e.Names() == std::vector<std::string>{"dev-api", "dev-web", "prod-web"});
  CHECK(e.At("prod-web", "/spec/source/path") == "envs/prod/web");
}

TEST_CASE("appset merge generator with mergeKeys", "[appset][model]") {
  const Expanded e = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: merged}
spec:
  generators:
    - merge:
        mergeKeys: [name]
        generators:
          - list:
              elements:
                - {name: a, size: small, zone: eu}
                - {name: b, size: small, zone: eu}
          - list:
              elements:
                - {name: b, size: large}
                - {name: c, size: huge}
  template:
    metadata:
      name: '{{name}}'
      labels: {size: '{{size}}', zone: '{{zone}}'}
    spec: {project: p}
)");
  REQUIRE(e.x.not_expanded.empty());
  // The first generator decides which sets exist; the second overrides by key.
  CHECK(e.Names() == std::vector<std::string>{"a", "b"});
  CHECK(e.At("a", "/metadata/labels/size") == "small");
  CHECK(e.At("b", "/metadata/labels/size") == "large");
  CHECK(e.At("b", "/metadata/labels/zone") == "eu");
}

TEST_CASE("appset templatePatch is rendered and merged", "[appset][model]") {
  const Expanded e = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: patched}
spec:
  goTemplate: true
  syncPolicy:
    preserveResourcesOnDeletion: true
  generators:
    - list:
        elements:
          - {name: a, auto: true}
          - {name: b, auto: false}
  template:
    metadata: {name: '{{.name}}'}
    spec:
      project: team
      source: {repoURL: https://git.example/gitops.git, path: apps}
      destination: {server: https://kubernetes.default.svc, namespace: apps}
  templatePatch: |
    spec:
      project: stolen
    {{- if .auto }}
      syncPolicy:
        automated:
          prune: true
    {{- end }}
)");
  REQUIRE(e.x.not_expanded.empty());
  CHECK(e.At("a", "/spec/syncPolicy/automated/prune") == "true");
  CHECK(e.At("b", "/spec/syncPolicy") == "<absent>");
  CHECK(e.At("a", "/spec/project") == "team");  // a patch may not change the project
  CHECK(e.At("a", "/spec/source/path") == "apps");
  // preserveResourcesOnDeletion: no finalizer is added.
  CHECK(e.At("a", "/metadata/finalizers") == "<absent>");
  // Patched values trace to their templatePatch line.
  const GeneratedApplication* a = e.App("a");
  REQUIRE(a);
  CHECK(a->origins.at("/spec/syncPolicy/automated/prune").value.pos == Position{25, 18});
  CHECK(a->origins.at("/spec/syncPolicy/automated/prune").key.pos == Position{25, 11});
}

TEST_CASE("appset generators that need a cluster are not expanded", "[appset][model]") {
  const Expanded e = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: fleet}
spec:
  generators:
    - clusters:
        selector: {matchLabels: {env: prod}}
    - matrix:
        generators:
          - list: {elements: [{app: web}]}
          - clusters: {}
    - list:
        elements: [{name: local}]
  template:
    metadata: {name: '{{name}}'}
    spec: {project: p}
)");
  CHECK(e.x.generators == 3);
  CHECK(e.Names() == std::vector<std::string>{"local"});
  REQUIRE(e.x.not_expanded.size() == 2);
  CHECK(e.x.not_expanded[0].type == "clusters");
  CHECK(e.x.not_expanded[0].pos == Position{6, 7});
  CHECK_THAT(e.x.not_expanded[0].reason, Catch::Contains("cluster Secrets"));
  CHECK(e.x.not_expanded[1].type == "matrix");
  CHECK(e.x.not_expanded[1].description == "matrix(list, clusters)");
  CHECK_THAT(e.x.not_expanded[1].reason, Catch::StartsWith("its clusters generator"));
}

TEST_CASE("appset generator selectors filter parameter sets", "[appset][model]") {
  const Expanded e = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: selected}
spec:
  generators:
    - list:
        elements:
          - {name: a, env: prod, tier: web}
          - {name: b, env: dev, tier: web}
          - {name: c, env: prod, tier: db}
      selector:
        matchLabels: {env: prod}
        matchExpressions:
          - {key: tier, operator: In, values: [web]}
  template:
    metadata: {name: '{{name}}'}
    spec: {project: p}
)");
  REQUIRE(e.x.not_expanded.empty());
  CHECK(e.Names() == std::vector<std::string>{"a"});
}

TEST_CASE("appset generated YAML keeps strings strings and literal blocks line by line",
          "[appset][model]") {
  const Expanded e = Expand(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: yaml}
spec:
  generators:
    - list:
        elements:
          - {name: a, flag: "yes", port: "8080"}
  template:
    metadata:
      name: '{{name}}'
      annotations: {flag: '{{flag}}', port: '{{port}}', odd: '{{name}}: #x'}
    spec:
      project: p
      source:
        repoURL: https://git.example/gitops.git
        path: chart
        helm:
          values: |
            replicas: 2
            name: {{name}}
            nested:
              key: value
)");
  REQUIRE(e.x.not_expanded.empty());
  CHECK(e.At("a", "/metadata/annotations/flag") == "yes");
  CHECK(e.At("a", "/metadata/annotations/port") == "8080");
  CHECK(e.At("a", "/metadata/annotations/odd") == "a: #x");
  CHECK(e.At("a", "/spec/source/helm/values") == "replicas: 2\nname: a\nnested:\n  key: value\n");
  const GeneratedApplication* a = e.App("a");
  REQUIRE(a);
  // `flag: "yes"` must stay a string: quoted in the generated text.
  CHECK(a->yaml.find("flag: \"yes\"") != std::string::npos);
  // The values block maps line by line onto the ApplicationSet's literal block.
  LoadResult doc = LoadYaml(SourceFile::FromText("gen.yaml", a->yaml));
  REQUIRE(doc.documents.size() == 1);
  GeneratedOrigins origins(*doc.documents.front(), *a, {{13, 5}, "/spec/template"});
  const Node* values = FindBelow(&doc.documents.front()->root(), "/spec/source/helm/values");
  REQUIRE(values);
  // "  key: value" is the 4th content line of the block; in the ApplicationSet it is line 23,
  // with the block's content at column 13.
  const int gen_line = values->pos.line + 4;
  const std::string_view text = doc.documents.front()->source().Line(gen_line);
  INFO(a->yaml);
  REQUIRE(text.find("key: value") != std::string_view::npos);
  const int gen_column = static_cast<int>(text.find("key")) + 1;
  CHECK(origins.Locate({gen_line, gen_column}, "").pos == Position{23, 15});
  // A missing field lands on the nearest parent written in the template.
  CHECK(origins.Locate({1000, 1}, "/spec/destination/namespace").pos == Position{14, 7});
  CHECK(origins.Locate({1000, 1}, "/spec/source/targetRevision").pointer ==
        "/spec/template/spec/source");
}

TEST_CASE("appset path patterns: Go's path.Match and git pathspecs", "[appset][model]") {
  CHECK(GoPathMatch("apps/*", "apps/web"));
  CHECK_FALSE(GoPathMatch("apps/*", "apps/web/templates"));
  CHECK(GoPathMatch("apps/*/*", "apps/web/templates"));
  CHECK(GoPathMatch("apps/w?b", "apps/web"));
  CHECK(GoPathMatch("apps/[a-w]eb", "apps/web"));
  CHECK_FALSE(GoPathMatch("apps/[^w]eb", "apps/web"));
  CHECK(GoPathMatch("*", "apps"));
  CHECK_FALSE(GoPathMatch("*", "apps/web"));
  // git ls-files pathspecs: `*` crosses folders; no wildcard names a file or a folder.
  CHECK(GitPathspecMatch("apps/*/config.json", "apps/a/b/config.json"));
  CHECK(GitPathspecMatch("**/config.json", "apps/config.json"));
  CHECK_FALSE(GitPathspecMatch("**/config.json", "config.json"));
  CHECK(GitPathspecMatch("apps", "apps/a/config.json"));
  CHECK(GitPathspecMatch("apps/config.json", "apps/config.json"));
  CHECK_FALSE(GitPathspecMatch("apps/config.json", "apps/config.json.bak"));
}

TemplateValue Data() {
  TemplateValue data = TemplateValue::Map();
  data.Set("name", TemplateValue::String("web"));
  data.Set("big", TemplateValue::Number(1e6));
  data.Set("small", TemplateValue::Number(250000));
  TemplateValue list = TemplateValue::List();
  list.items.push_back(TemplateValue::String("a"));
  list.items.push_back(TemplateValue::String("b"));
  data.Set("list", list);
  return data;
}

std::string Go(const std::string& tmpl) {
  const TemplateResult r = RenderGoTemplate(tmpl, Data(), {});
  return r.ok ? r.text : "ERROR: " + r.error;
}

TEST_CASE("go templates: text/template and sprig as ArgoCD runs them", "[appset][model]") {
  CHECK(Go("{{ .name }}") == "web");
  CHECK(Go("a {{- .name -}} b") == "awebb");
  CHECK(Go("{{/* a comment */}}x") == "x");
  CHECK(Go("{{ .big }} {{ .small }}") == "1e+06 250000");
  CHECK(Go("{{ range $i, $v := .list }}{{ $i }}={{ $v }};{{ end }}") == "0=a;1=b;");
  CHECK(Go("{{ range .missing }}x{{ else }}none{{ end }}") == "none");
  CHECK(Go("{{ $x := .name }}{{ with .list }}{{ $x }}{{ len . }}{{ end }}") == "web2");
  CHECK(Go("{{ if .missing }}a{{ else if .name }}b{{ else }}c{{ end }}") == "b");
  CHECK(Go("{{ .list | join \",\" }}") == "a,b");
  CHECK(Go("{{ \"<&>\" | toJson }}") == "\"\\u003c\\u0026\\u003e\"");
  CHECK(Go("{{ squote .name }} {{ .name | title }}") == "'web' Web");
  CHECK(Go("{{ (index .list 1) | upper }}") == "B");
  CHECK(Go("{{ .missing }}") == "<no value>");
  CHECK(Go("{{ .missing.deeper }}") == "<no value>");
  CHECK(Go("{{ .name.field }}").find("can't evaluate field field in type string") !=
        std::string::npos);
  // Go refuses to compare an int literal with a JSON number (float64).
  CHECK(Go("{{ eq .small 250000 }}").find("incompatible types") != std::string::npos);
  CHECK(Go("{{ index .list 5 }}").find("index out of range") != std::string::npos);
  const TemplateResult unsupported = RenderGoTemplate("{{ template \"x\" }}", Data(), {});
  CHECK_FALSE(unsupported.ok);
  CHECK(unsupported.unsupported);
  CHECK(SanitizeName("Web_App--") == "web-app");
  CHECK(RenderFastTemplate("{{ name }}/{{name}}/{{ other }}", Data()).text ==
        "web/web/{{ other }}");
  CHECK_FALSE(RenderFastTemplate("{{name}} {{ open", Data()).ok);
  CHECK(RenderFastTemplate("{{\nname}}", Data()).text == "{{\nname}}");  // not on one line
  CHECK(SoleParameter("{{ .path.basename }}", true) ==
        std::vector<std::string>{"path", "basename"});
  CHECK_FALSE(SoleParameter("x-{{name}}", false));
}

}  // namespace
}  // namespace syncgate::model
