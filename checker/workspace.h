#pragma once
// Finding and classifying the inputs of a run.
//
//   Discovery found = DiscoverInputs({"examples/"}, config);
//   for (const InputFile& f : found.files) Print(f.display_path, FileKindName(f.kind));
//   // found.errors: paths that do not exist or cannot be read (exit 2)
//
// Files are classified by name and place first (Chart.yaml, a chart's templates/ and values
// files, .syncgate.yaml); YAML documents are then classified by apiVersion/kind when loaded.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <typeindex>
#include <vector>

#include "checker/config.h"
#include "checker/document.h"

namespace syncgate {

enum class FileKind {
  kChartMeta,  // Chart.yaml
  kValues,     // a chart's values*.yaml, or a values file beside one
  kTemplate,   // a chart's templates/ (Go templates: not parsed as YAML)
  kYaml,       // any other YAML: manifests, Applications, SealedSecrets, data
  kConfig,     // .syncgate.yaml
  kText,       // other text files (scanned line by line for secrets)
};
std::string_view FileKindName(FileKind kind);

/// What a file is for, besides its syntax. Rules that judge content by where it ends up (the
/// secret rules) read it: documentation shows examples, test fixtures are inputs of tests, and
/// CI workflows hold permissions and references to the CI's own secrets.
enum class FilePurpose {
  kSource,         // anything that may deploy: manifests, values, templates, config files
  kDocumentation,  // README.md, *.rst, *.adoc (also README.md.gotmpl)
  kTestFixture,    // a `testdata/` folder, helm-unittest `tests/*_test.yaml` and snapshots
  kCiWorkflow,     // .github/workflows/*, .gitlab-ci.yml and the like
};
/// Decided from the display path alone, so that documents and files agree.
FilePurpose PurposeOf(std::string_view display_path);

/// One file to check.
struct InputFile {
  std::string display_path;  // relative to the working directory, '/'-separated; "<stdin>"
  std::string fs_path;       // what to open; empty for stdin
  FileKind kind = FileKind::kYaml;
  std::string chart_root;  // display path of the chart folder the file belongs to, if any
  std::string stdin_text;  // the content, for stdin
  /// The content, already in memory (a file of the git index or of a revision): read from here,
  /// not from disk. `fs_path`, when set, is then a copy for tools that need a file (helm).
  std::optional<std::string> content;
  /// Set on a symbolic link that leads outside the checked tree (or never resolves): what it is
  /// ("a symlink to /etc/passwd, outside the checked tree"). Such a link is never followed: its
  /// `content` is empty and `fs_path` too, and a rule (input-symlink-outside) reports it.
  std::string link_escape;
};

/// Why the symbolic link `path` must not be followed: it resolves outside `root` (a canonical
/// folder) or never resolves (a loop). Nullopt when `path` is not a link, stays inside `root`
/// or names nothing (a dangling link reads nothing). A hostile repository must not make a check
/// read /etc/passwd or a CI secret by committing a link to it.
std::optional<std::string> LinkEscape(const std::filesystem::path& path,
                                      const std::filesystem::path& root);

/// Whether `path` is `root` or lies below it (both lexically normal, absolute).
bool IsWithin(const std::filesystem::path& path, const std::filesystem::path& root);

/// Whether a YAML file of a chart that failed to parse is a file the chart reads through
/// `.Files` (`conf/`, `files/`: anything outside templates/, crds/, charts/ and the values
/// files) holding Go template syntax: text that `tpl` renders, not broken YAML.
bool IsChartFileTemplate(const InputFile& input, std::string_view text);

/// Why something was not checked or not rendered, for the coverage counts every report shows
/// (a run that renders nothing must never look like a run that found nothing).
enum class SkipKind {
  kFile,                   // a file not checked: binary, excluded by configuration, unreadable
  kDependencyUnavailable,  // a chart dependency or chart that no place offline or online had
  kNetworkForbidden,       // it needs the network and the run is --offline
  kGeneratorNotExpanded,   // an ApplicationSet generator that needs a cluster or an API
  kSourceNotRendered,      // a source type syncgate does not render (jsonnet, plugin, remote git)
  kRenderInput,            // the render's own inputs are wrong or missing (a values file, a $ref)
  kRendererUnavailable,    // helm / kustomize not installed, crashed or timed out
};
/// "dependency unavailable", "network forbidden", ...: the words reports count by.
std::string_view SkipKindName(SkipKind kind);

/// A file (or a chart, a source, a generator) that was not checked, and why.
struct SkippedFile {
  std::string display_path;
  std::string reason;
  bool is_error = false;  // true when skipping means the run could not do its job (exit 2)
  SkipKind kind = SkipKind::kFile;
};

struct Discovery {
  std::vector<InputFile> files;
  std::vector<SkippedFile> skipped;
  std::vector<std::string> errors;  // inputs that could not be found or read
};

/// Declares the display path of every file in `inputs` public text (checker/redaction.h): a
/// report prints them anyway, so no secret is scrubbed out of them.
void DeclarePathsPublic(const Discovery& inputs);

/// Walks `paths` (files, folders, "-" for stdin). Skips `.git`, binaries and excluded paths.
Discovery DiscoverInputs(const std::vector<std::string>& paths, const Config& config);

/// Classifies files that do not come from a walk of the disk (the git index, a revision) exactly
/// as DiscoverInputs does: sets `chart_root` and `kind` from the display paths, moves excluded
/// files to `skipped`, sorts by display path.
Discovery ClassifyInputs(std::vector<InputFile> files, const Config& config);

/// A loaded input: its text, its documents and what went wrong loading it.
struct FileUnit {
  InputFile input;
  std::shared_ptr<const SourceFile> source;
  std::vector<std::unique_ptr<Document>> documents;
  std::optional<ParseError> parse_error;
};

/// Every file of a run, loaded; what workspace-level rules see.
class Workspace {
 public:
  std::vector<std::unique_ptr<FileUnit>>& files() { return files_; }
  const std::vector<std::unique_ptr<FileUnit>>& files() const { return files_; }
  /// Calls `visit(doc)` for each loaded document of a kind in `kinds`.
  template <typename Visitor>
  void ForEachDocument(DocKind kinds, Visitor&& visit) const {
    for (const auto& file : files_) {
      for (const auto& doc : file->documents) {
        if (Intersects(doc->kind(), kinds)) visit(*doc);
      }
    }
  }

  /// What a stage leaves for the rules that report on it (render outcomes, chart models): one
  /// object per type, created on first use. Stages write before the rules run; rules only read.
  template <typename T>
  T& Extension() {
    std::shared_ptr<void>& slot = extensions_[std::type_index(typeid(T))];
    if (!slot) slot = std::make_shared<T>();
    return *static_cast<T*>(slot.get());
  }
  template <typename T>
  const T* FindExtension() const {
    auto it = extensions_.find(std::type_index(typeid(T)));
    return it == extensions_.end() ? nullptr : static_cast<const T*>(it->second.get());
  }

 private:
  std::vector<std::unique_ptr<FileUnit>> files_;
  std::map<std::type_index, std::shared_ptr<void>> extensions_;
};

}  // namespace syncgate
