// The object model: one Application reader, one duration parser, one pod-spec table, one YAML
// 1.1 typing.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "checker/document.h"
#include "checker/scalar_types.h"
#include "model/application.h"
#include "model/duration.h"
#include "model/pod_spec.h"

namespace syncgate::model {
namespace {
using std::chrono::nanoseconds;

LoadResult Load(const std::string& text) { return LoadYaml(SourceFile::FromText("a.yaml", text)); }

TEST_CASE("model duration: Go's grammar, and ArgoCD's bare seconds", "[model]") {
  using namespace std::chrono_literals;
  CHECK(ParseGoDuration("1m30s") == nanoseconds(90s));
  CHECK(ParseGoDuration("1.5h") == nanoseconds(90min));
  CHECK(ParseGoDuration(".5s") == nanoseconds(500ms));
  CHECK(ParseGoDuration("-2s") == nanoseconds(-2s));
  CHECK(ParseGoDuration("+3ms") == nanoseconds(3ms));
  CHECK(ParseGoDuration("250us") == nanoseconds(250us));
  CHECK(ParseGoDuration("250\xC2\xB5s") == nanoseconds(250us));  // µs, micro sign
  CHECK(ParseGoDuration("250\xCE\xBCs") == nanoseconds(250us));  // μs, Greek mu
  CHECK(ParseGoDuration("7ns") == nanoseconds(7));
  CHECK(ParseGoDuration("0") == nanoseconds(0));
  CHECK(ParseGoDuration("2562047h47m16.854775807s") == nanoseconds(INT64_MAX));
  for (const char* bad : {"", "5", "s", ".s", "1..5s", "5 seconds", "5sec", "1h-5m", "-",
                          "2562047h47m16.854775808s", "99999999999999999999s", "3d"}) {
    INFO(bad);
    CHECK_FALSE(ParseGoDuration(bad));
  }
  CHECK(ParseArgoDuration("5") == nanoseconds(5s));
  CHECK(ParseArgoDuration("-5") == nanoseconds(-5s));
  CHECK(ParseArgoDuration("3m") == nanoseconds(3min));
  CHECK_FALSE(ParseArgoDuration("2.5"));  // neither Atoi nor ParseDuration takes it
  CHECK_FALSE(ParseArgoDuration("99999999999999999999"));
}

TEST_CASE("model application: sources, destination, sync policy, with pointers", "[model]") {
  LoadResult loaded = Load(R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: a}
spec:
  project: team
  source: {repoURL: https://x/a.git, path: charts/a, helm: {valueFiles: [v.yaml], releaseName: r}}
  sources:
    - {repoURL: https://x/b.git, chart: b, targetRevision: 1.0.0}
    - not-a-map
    - {repoURL: https://x/c.git, ref: values, directory: {recurse: true}}
  destination: {server: https://kubernetes.default.svc, namespace: prod}
  syncPolicy:
    automated: {prune: yes, selfHeal: "true", allowEmpty: True}
    syncOptions: [CreateNamespace=true]
    retry: {limit: 3, backoff: {duration: 5s, factor: 2, maxDuration: 3m}}
)");
  REQUIRE(loaded.documents.size() == 1);
  auto app = ReadApplication(*loaded.documents[0]);
  REQUIRE(app);
  CHECK(app->pointer == "/spec");
  CHECK(Text(app->project) == "team");
  CHECK(Text(app->destination_namespace) == "prod");
  CHECK_FALSE(app->destination_name);
  REQUIRE(app->sources.size() == 3);
  CHECK(app->sources[0].pointer == "/spec/source");
  CHECK_FALSE(app->sources[0].listed);
  CHECK(Text(app->sources[0].helm.release_name) == "r");
  CHECK(app->sources[0].helm.value_files->IsSeq());
  CHECK(app->sources[1].pointer == "/spec/sources/0");
  CHECK(app->sources[1].chart);
  CHECK(app->sources[2].pointer == "/spec/sources/2");  // the scalar entry is skipped
  CHECK(Text(app->sources[2].ref) == "values");
  CHECK(IsYaml11True(app->sources[2].directory.recurse));
  CHECK(app->sources_field->IsSeq());
  const SyncPolicy& policy = app->sync_policy;
  CHECK(IsYaml11True(policy.prune));
  CHECK(IsYaml11True(policy.self_heal));
  CHECK(IsYaml11True(policy.allow_empty));
  CHECK(Text(policy.retry_limit) == "3");
  CHECK(Text(policy.backoff_max_duration) == "3m");
  CHECK(policy.backoff_duration->pos.line == 15);

  LoadResult set = Load(R"(apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: s}
spec:
  template:
    spec:
      source: {repoURL: https://x/a.git, path: "{{path}}"}
)");
  auto templated = ReadApplication(*set.documents[0]);
  REQUIRE(templated);
  REQUIRE(templated->sources.size() == 1);
  CHECK(templated->sources[0].pointer == "/spec/template/spec/source");
  CHECK_FALSE(templated->sync_policy.automated);

  LoadResult other = Load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
  CHECK_FALSE(ReadApplication(*other.documents[0]));
}

TEST_CASE("model IsTrue: YAML 1.1 booleans as ArgoCD reads them", "[model]") {
  LoadResult loaded =
      Load("[true, True, yes, Y, on, ON, false, no, off, 'no', tRUE, 1, \"yes\"]\n");
  std::vector<bool> got;
  for (const Node* item : loaded.documents[0]->root().items) got.push_back(IsYaml11True(item));
  CHECK(got == std::vector<bool>{true, true, true, true, true, true, false, false, false, false,
                                 false, false, true});
  CHECK_FALSE(IsYaml11True(nullptr));
}

TEST_CASE("model pod specs: one table of where each kind keeps its pod", "[model]") {
  CHECK(PodSpecPointer("Pod") == "/spec");
  CHECK(PodSpecPointer("Deployment") == "/spec/template/spec");
  CHECK(PodSpecPointer("Rollout") == "/spec/template/spec");
  CHECK(PodSpecPointer("CronJob") == "/spec/jobTemplate/spec/template/spec");
  CHECK(PodSpecPointer("Service").empty());
  CHECK(PodLabelsPointer("Pod") == "/metadata/labels");
  CHECK(PodLabelsPointer("CronJob") == "/spec/jobTemplate/spec/template/metadata/labels");
  CHECK(PodLabelsPointer("ConfigMap").empty());

  LoadResult loaded = Load(R"(apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers: [{name: init}]
          containers: [{name: main}, {name: side}]
)");
  std::vector<std::string> pointers;
  ForEachContainer(*loaded.documents[0],
                   [&](const Node&, const std::string& pointer) { pointers.push_back(pointer); });
  CHECK(pointers ==
        std::vector<std::string>{"/spec/jobTemplate/spec/template/spec/initContainers/0",
                                 "/spec/jobTemplate/spec/template/spec/containers/0",
                                 "/spec/jobTemplate/spec/template/spec/containers/1"});
}

TEST_CASE("model YAML 1.1 reading: one typing for schemas, rules and the model", "[model]") {
  LoadResult loaded = Load(
      "[on, 0777, 0x1F, 1_000, 1:20, 9223372036854775808, 1.5, 1.0.0, !!bool 'yes', '0777', ~]\n");
  const auto& items = loaded.documents[0]->root().items;
  REQUIRE(items.size() == 11);
  auto read = [&](size_t i) { return ReadYaml11(*items[i]); };
  CHECK(read(0).type == ScalarType::kBool);
  CHECK(read(0).boolean);
  CHECK(read(1).integer == 511);
  CHECK(read(2).integer == 31);
  CHECK(read(3).integer == 1000);
  CHECK(read(4).type == ScalarType::kInt);  // base 60: 80
  CHECK(read(4).integer == 80);
  CHECK(read(5).type == ScalarType::kFloat);  // beyond int64: still a number
  CHECK(read(6).number == 1.5);
  CHECK(read(7).type == ScalarType::kString);
  CHECK(read(8).type == ScalarType::kBool);
  CHECK(read(8).boolean);
  CHECK(read(9).type == ScalarType::kString);  // quoted
  CHECK(read(10).type == ScalarType::kNull);
  CHECK(Yaml11Bool("Off") == false);
  CHECK(Yaml11Bool("y") == true);
  CHECK_FALSE(Yaml11Bool("maybe"));
}

}  // namespace
}  // namespace syncgate::model
