#pragma once
// Which files of a folder ArgoCD deploys for a directory source (a source that is neither a Helm
// chart nor a Kustomize folder), in one place for the sync, `cmp generate` and the render stage.
// As the repo-server does (reposerver/repository/repository.go, getPotentiallyValidManifests):
// files named *.yaml, *.yml, *.json or *.jsonnet; subfolders only with `recurse: true`; a path
// (relative to the source folder) matching `exclude` is left out, then one not matching
// `include` (when set). The globs are github.com/gobwas/glob patterns compiled without
// separators, as ArgoCD compiles them: `*` crosses `/` (so `*.yaml` matches `sub/a.yaml`), `**`
// is the same, `?` is one character, `[abc]`, `[!abc]`, `[a-z]`, `{a,b}` alternatives (nested),
// `\` escapes. A pattern that does not compile matches nothing (ArgoCD logs it and goes on).
//
//   const model::DirectoryOptions options = model::ReadDirectoryOptions(source.directory);
//   for (const std::string& rel : files_of_the_folder) {
//     if (model::DirectoryIncludes(options, rel)) Publish(rel);
//   }
//   model::GlobMatch("{cicd-pipeline/**,huggingface/**}", "cicd-pipeline/a/b.yaml");  // true

#include <memory>
#include <string>
#include <string_view>

#include "checker/expected.h"
#include "model/application.h"

namespace syncgate::model {

/// `directory:` of a source as values (the Application's nodes need not outlive it).
struct DirectoryOptions {
  bool recurse = false;
  std::string include;   // a glob; empty: everything
  std::string exclude;   // a glob; empty: nothing
  bool jsonnet = false;  // `directory.jsonnet` sets TLAs, extVars or libs (not just `{}`)
};

/// The options `directory` sets (YAML 1.1 booleans, as ArgoCD's decoder reads `recurse`).
DirectoryOptions ReadDirectoryOptions(const DirectorySource& directory);

/// Whether ArgoCD reads the file at `relative_path` ('/'-separated, relative to the source
/// folder) as part of the source: its name, recurse, exclude, then include.
bool DirectoryIncludes(const DirectoryOptions& options, std::string_view relative_path);
bool DirectoryIncludes(const DirectorySource& directory, std::string_view relative_path);

/// A name ArgoCD evaluates with jsonnet rather than reading as YAML or JSON.
bool IsJsonnetFile(std::string_view path);

/// A file holding this text is left out of the source by ArgoCD (after the globs).
inline constexpr std::string_view kSkipFileRenderingMarker = "+argocd:skip-file-rendering";

/// A compiled gobwas/glob pattern without separators.
class Glob {
 public:
  /// The pattern, or why it does not compile (an unclosed `[`, `[z-a]`, `[a-zA-Z]`, which
  /// gobwas/glob 0.2 does not accept either: a class is one range or one list of characters).
  static Expected<Glob> Compile(std::string_view pattern);
  /// Whether the whole of `text` matches (UTF-8, compared by code point).
  bool Match(std::string_view text) const;

  struct Program;  // the pattern as a small NFA (directory_source.cpp)

 private:
  std::shared_ptr<const Program> program_;
};

/// Glob::Compile(pattern) matching `text`; false when the pattern does not compile.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace syncgate::model
