// Symbolic links in a checked repository that lead out of it are never followed: not by the
// discovery (input-symlink-outside reports them), not by helm (the chart is staged without them),
// not by an Application's valueFiles. Links that stay inside keep working. Each test puts a
// marker in the file outside and asserts that it appears nowhere in the run.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "run/check_run.h"
#include "tests/test_util.h"

namespace syncgate {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

constexpr std::string_view kMarker = "outside-marker-5d1c";

/// Every finding of `rule`, as "file: message" with the file relative to `root`.
std::vector<std::string> Of(const RunResult& result, std::string_view rule, const fs::path& root) {
  std::vector<std::string> out;
  for (const Finding& f : result.findings) {
    if (f.rule != rule) continue;
    // The display path of a file under /tmp is absolute (it is outside the working folder).
    out.push_back(fmt::format("{}: {}", fs::path(f.file).lexically_relative(root).generic_string(),
                              f.message));
  }
  return out;
}

/// Whether the marker appears in any finding, source or rendered document of the run.
bool MarkerSeen(const RunResult& result) {
  for (const Finding& f : result.findings) {
    if (f.message.find(kMarker) != std::string::npos) return true;
  }
  for (const auto& [path, source] : result.sources) {
    if (source->text().find(kMarker) != std::string_view::npos) return true;
  }
  if (result.workspace) {
    for (const auto& file : result.workspace->files()) {
      if (file->source && file->source->text().find(kMarker) != std::string_view::npos) return true;
    }
  }
  return false;
}

/// A file outside every checked tree holding the marker (as values, and as a manifest).
struct Outside {
  TempDir dir;
  fs::path values = dir / "secret-values.yaml";
  Outside() { WriteFile(values, fmt::format("marker: {}\n", kMarker)); }
};

}  // namespace

TEST_CASE("a link out of the checked tree is reported and not read", "[render][symlink]") {
  Outside outside;
  TempDir repo;
  WriteFile(repo / "apps/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: web\n"
            "data:\n  mode: fast\n");
  const std::string target = fs::canonical(outside.values).string();
  fs::create_symlink(target, repo / "apps/values.yaml");
  fs::create_symlink(fs::canonical(outside.dir.path()), repo / "apps/outside-folder");
  const std::string relative =
      fs::relative(target, fs::canonical(repo.path() / "apps")).generic_string();
  fs::create_symlink(relative, repo / "apps/rel.yaml");
  fs::create_symlink("loop.yaml", repo / "apps/loop.yaml");
  fs::create_symlink("cm.yaml", repo / "apps/same.yaml");  // inside: read
  const RunResult result = testing::Check({repo.path().string()});
  CHECK(Of(result, "input-symlink-outside", repo.path()) ==
        std::vector<std::string>{
            "apps/loop.yaml: loop.yaml is a symlink to loop.yaml, which never resolves (a loop): "
            "not followed",
            fmt::format("apps/outside-folder: outside-folder is a symlink to {}, outside the "
                        "checked tree: not followed",
                        fs::canonical(outside.dir.path()).string()),
            // A relative link that resolves outside names both.
            fmt::format("apps/rel.yaml: rel.yaml is a symlink to {} ({}), outside the checked "
                        "tree: not followed",
                        relative, target),
            fmt::format("apps/values.yaml: values.yaml is a symlink to {}, outside the checked "
                        "tree: not followed",
                        target)});
  CHECK_FALSE(MarkerSeen(result));
  CHECK(result.errors.empty());
  // The link that stays inside is a file like any other: loaded, its documents checked.
  REQUIRE(result.workspace);
  bool same_loaded = false;
  for (const auto& file : result.workspace->files()) {
    if (file->input.display_path.ends_with("apps/same.yaml"))
      same_loaded = !file->documents.empty();
  }
  CHECK(same_loaded);
  // Named on the command line, the link is not read either.
  const RunResult named = testing::Check({(repo / "apps/values.yaml").string()});
  CHECK(Of(named, "input-symlink-outside", repo.path()).size() == 1);
  CHECK_FALSE(MarkerSeen(named));
}

TEST_CASE("helm never reads through a link out of the chart", "[render][symlink]") {
  REQUIRE_HELM(helm);
  Outside outside;
  TempDir repo;
  WriteFile(repo / "shared/common.yaml", "shared: from-the-repository\n");
  WriteFile(repo / "web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n");
  WriteFile(repo / "web/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: web\ndata:\n"
            "  marker: {{ .Values.marker | default \"none\" | quote }}\n"
            "  shared: {{ .Values.shared | default \"none\" | quote }}\n"
            "  file: {{ .Files.Get \"files/leak.txt\" | default \"none\" | quote }}\n");
  fs::create_symlink(outside.values, repo / "web/values.yaml");
  fs::create_directories(repo / "web/files");
  fs::create_symlink(outside.values, repo / "web/files/leak.txt");
  // A values file of the repository, linked from the chart: inside the tree, still read.
  fs::create_symlink("../shared/common.yaml", repo / "web/values-shared.yaml");
  const RunResult result = testing::CheckRendered({repo.path().string()}, helm);
  CHECK_FALSE(MarkerSeen(result));
  CHECK(Of(result, "input-symlink-outside", repo.path()).size() == 2);
  // The chart rendered (with its default values, then with values-shared.yaml), without the links.
  std::string rendered;  // every text of the run: the template's own text has no `: "none"`
  for (const auto& file : result.workspace->files()) {
    if (file->source) rendered += std::string(file->source->text());
  }
  INFO(rendered);
  CHECK(result.summary.rendered >= 1);
  CHECK(rendered.find("marker: \"none\"") != std::string::npos);
  CHECK(rendered.find("file: \"none\"") != std::string::npos);
  CHECK(rendered.find("shared: \"from-the-repository\"") != std::string::npos);
}

TEST_CASE("valueFiles that leave the repository are not read", "[render][symlink]") {
  REQUIRE_HELM(helm);
  Outside outside;
  TempDir repo;
  WriteFile(repo / "web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n");
  WriteFile(repo / "web/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: web\ndata:\n"
            "  marker: {{ .Values.marker | default \"none\" | quote }}\n");
  WriteFile(repo / "apps/web.yaml",
            fmt::format("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n"
                        "  name: web\n  namespace: argocd\nspec:\n  project: web\n"
                        "  source:\n    repoURL: https://git.example.com/repo.git\n"
                        "    targetRevision: v1.0.0\n    path: web\n"
                        "    helm:\n      valueFiles:\n        - ../../../../../../../../../..{}\n"
                        "  destination:\n    server: https://kubernetes.default.svc\n"
                        "    namespace: web\n",
                        outside.values.string()));
  const RunResult result = testing::CheckRendered({repo.path().string()}, helm);
  CHECK_FALSE(MarkerSeen(result));
  bool refused = false;
  for (const SkippedFile& skip : result.skipped) {
    if (skip.reason.find("outside the repository and the checked tree: not read") !=
        std::string::npos)
      refused = true;
  }
  CHECK(refused);
}

}  // namespace syncgate
