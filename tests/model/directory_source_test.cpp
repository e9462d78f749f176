// Which files ArgoCD reads for a directory source: gobwas/glob patterns without separators, the
// documented include/exclude examples of ArgoCD's "Directory" user guide, recurse, and the file
// names the repo-server takes.
#include "model/directory_source.h"

#include <catch2/catch.hpp>
#include <string>

#include "checker/document.h"
#include "model/application.h"

namespace syncgate::model {
namespace {

DirectoryOptions Options(bool recurse, std::string include, std::string exclude) {
  DirectoryOptions options;
  options.recurse = recurse;
  options.include = std::move(include);
  options.exclude = std::move(exclude);
  return options;
}

TEST_CASE("model glob: gobwas/glob without separators, as ArgoCD compiles it", "[model][glob]") {
  // `*` and `**` cross '/', because ArgoCD passes no separator.
  CHECK(GlobMatch("*.yaml", "a.yaml"));
  CHECK(GlobMatch("*.yaml", "sub/dir/a.yaml"));
  CHECK(GlobMatch("**.yaml", "sub/a.yaml"));
  CHECK(GlobMatch("sub/*", "sub/a/b.yaml"));
  CHECK_FALSE(GlobMatch("*.yaml", "a.yml"));
  CHECK_FALSE(GlobMatch("*.yaml", "a.yaml.bak"));  // the whole text must match
  CHECK(GlobMatch("*", ""));
  CHECK(GlobMatch("", ""));
  CHECK_FALSE(GlobMatch("", "a"));
  // `?` is one character (one code point, not one byte).
  CHECK(GlobMatch("?.yaml", "a.yaml"));
  CHECK(GlobMatch("?.yaml", "\xC3\xA9.yaml"));  // é
  CHECK_FALSE(GlobMatch("?.yaml", "ab.yaml"));
  CHECK(GlobMatch("a?b", "a/b"));
  // Classes: one range, or one list of characters, either negated with `!`.
  CHECK(GlobMatch("v[0-9].yaml", "v7.yaml"));
  CHECK_FALSE(GlobMatch("v[0-9].yaml", "vx.yaml"));
  CHECK(GlobMatch("v[!0-9].yaml", "vx.yaml"));
  CHECK(GlobMatch("[abc].json", "b.json"));
  CHECK_FALSE(GlobMatch("[abc].json", "d.json"));
  CHECK(GlobMatch("[!abc].json", "d.json"));
  CHECK(GlobMatch("[ab-].json", "-.json"));  // `-` after the first character is a character
  // Alternatives, nested; `,` and `}` are plain characters outside braces.
  CHECK(GlobMatch("{a,b}.yaml", "b.yaml"));
  CHECK(GlobMatch("x{a,{b,c}d}y", "xcdy"));
  CHECK_FALSE(GlobMatch("x{a,{b,c}d}y", "xcy"));
  CHECK(GlobMatch("{a,}.yaml", ".yaml"));
  CHECK(GlobMatch("a,b}", "a,b}"));
  CHECK(GlobMatch("{a,b", "b"));  // gobwas closes an unclosed `{` at the end
  // `\` escapes a special character.
  CHECK(GlobMatch("\\*.yaml", "*.yaml"));
  CHECK_FALSE(GlobMatch("\\*.yaml", "a.yaml"));
  CHECK(GlobMatch("\\{a\\}", "{a}"));
  // What gobwas/glob refuses to compile matches nothing (ArgoCD logs and goes on).
  for (const char* bad : {"[a-zA-Z].yaml", "[z-a]", "[abc", "[]", "[!]", "\xFF*"}) {
    INFO(bad);
    const Expected<Glob> glob = Glob::Compile(bad);
    REQUIRE_FALSE(glob);
    CHECK_FALSE(glob.error().message.empty());
    CHECK_FALSE(GlobMatch(bad, "a.yaml"));
  }
  CHECK(Glob::Compile("[a-z]").has_value());
  // Many stars stay fast (runs of `*` are one, and the text is a path).
  CHECK_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*b", std::string(200, 'a')));
}

TEST_CASE("model directory source: ArgoCD's documented include and exclude examples",
          "[model][glob]") {
  SECTION("include: '{*.yml,*.yaml}' (only YAML, at any depth with recurse)") {
    const DirectoryOptions options = Options(true, "{*.yml,*.yaml}", "");
    CHECK(DirectoryIncludes(options, "deployment.yaml"));
    CHECK(DirectoryIncludes(options, "service.yml"));
    CHECK(DirectoryIncludes(options, "nested/config.yaml"));
    CHECK_FALSE(DirectoryIncludes(options, "config.json"));
    CHECK_FALSE(DirectoryIncludes(options, "main.jsonnet"));
  }
  SECTION("exclude: 'config.json' (that file only: the pattern is the whole relative path)") {
    const DirectoryOptions options = Options(true, "", "config.json");
    CHECK_FALSE(DirectoryIncludes(options, "config.json"));
    CHECK(DirectoryIncludes(options, "other.json"));
    CHECK(DirectoryIncludes(options, "sub/config.json"));
    CHECK(DirectoryIncludes(options, "deployment.yaml"));
  }
  SECTION("exclude: '{cicd-pipeline/**,huggingface/**}' (whole subfolders)") {
    const DirectoryOptions options = Options(true, "", "{cicd-pipeline/**,huggingface/**}");
    CHECK_FALSE(DirectoryIncludes(options, "cicd-pipeline/pipeline.yaml"));
    CHECK_FALSE(DirectoryIncludes(options, "cicd-pipeline/tasks/build.yaml"));
    CHECK_FALSE(DirectoryIncludes(options, "huggingface/model.json"));
    CHECK(DirectoryIncludes(options, "app/deployment.yaml"));
    CHECK(DirectoryIncludes(options, "cicd-pipeline.yaml"));
  }
  SECTION("exclude wins over include") {
    const DirectoryOptions options = Options(true, "*.yaml", "secret*");
    CHECK(DirectoryIncludes(options, "app.yaml"));
    CHECK_FALSE(DirectoryIncludes(options, "secret.yaml"));
    CHECK_FALSE(DirectoryIncludes(options, "app.json"));
  }
  SECTION("an invalid glob matches nothing: include keeps nothing, exclude drops nothing") {
    CHECK_FALSE(DirectoryIncludes(Options(true, "[a-zA-Z]*.yaml", ""), "app.yaml"));
    CHECK(DirectoryIncludes(Options(true, "", "[a-zA-Z]*.yaml"), "app.yaml"));
  }
}

TEST_CASE("model directory source: names and recurse", "[model][glob]") {
  const DirectoryOptions top = Options(false, "", "");
  CHECK(DirectoryIncludes(top, "a.yaml"));
  CHECK(DirectoryIncludes(top, "a.yml"));
  CHECK(DirectoryIncludes(top, "a.json"));
  CHECK(DirectoryIncludes(top, "a.jsonnet"));
  CHECK(DirectoryIncludes(top, ".yaml"));
  CHECK_FALSE(DirectoryIncludes(top, "README.md"));
  CHECK_FALSE(DirectoryIncludes(top, "a.yaml.orig"));
  CHECK_FALSE(DirectoryIncludes(top, "a.YAML"));      // ArgoCD's name pattern is case-sensitive
  CHECK_FALSE(DirectoryIncludes(top, "sub/a.yaml"));  // subfolders need recurse
  CHECK(DirectoryIncludes(Options(true, "", ""), "sub/a.yaml"));
  CHECK(IsJsonnetFile("lib/main.jsonnet"));
  CHECK_FALSE(IsJsonnetFile("main.libsonnet"));
}

TEST_CASE("model directory source: read from the Application", "[model][glob]") {
  LoadResult loaded = LoadYaml(SourceFile::FromText("app.yaml", R"(apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: a}
spec:
  sources:
    - repoURL: https://x/a.git
      path: manifests
      directory:
        recurse: yes
        include: '{*.yml,*.yaml}'
        exclude: config.json
        jsonnet: {tlas: [{name: env, value: prod}]}
    - {repoURL: https://x/b.git, path: b, directory: {jsonnet: {}}}
    - {repoURL: https://x/c.git, path: c, plugin: {name: cdk8s}}
)"));
  REQUIRE(loaded.documents.size() == 1);
  const std::optional<Application> app = ReadApplication(*loaded.documents[0]);
  REQUIRE(app);
  REQUIRE(app->sources.size() == 3);
  const DirectoryOptions first = ReadDirectoryOptions(app->sources[0].directory);
  CHECK(first.recurse);  // YAML 1.1 `yes`, as ArgoCD's decoder reads it
  CHECK(first.include == "{*.yml,*.yaml}");
  CHECK(first.exclude == "config.json");
  CHECK(first.jsonnet);
  CHECK(DirectoryIncludes(app->sources[0].directory, "sub/a.yaml"));
  CHECK_FALSE(DirectoryIncludes(app->sources[0].directory, "config.json"));
  // `jsonnet: {}` (ArgoCD's UI writes it) sets nothing.
  CHECK_FALSE(ReadDirectoryOptions(app->sources[1].directory).jsonnet);
  CHECK_FALSE(ReadDirectoryOptions(app->sources[1].directory).recurse);
  CHECK(app->sources[2].plugin != nullptr);
  CHECK(app->sources[0].plugin == nullptr);
}

}  // namespace
}  // namespace syncgate::model
