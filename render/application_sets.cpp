#include "render/application_sets.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "checker/suppression.h"
#include "checker/text_util.h"
#include "model/application.h"
#include "model/application_set.h"
#include "model/repositories.h"

namespace syncgate::render {
namespace {
namespace fs = std::filesystem;

/// The `origin` remote of the git work tree holding `file`, with the work tree's folder; empty
/// when there is none. Reads `.git/config` (or the file a `.git` file points at) directly.
std::pair<std::string, std::string> OriginRemote(const std::string& file) {
  std::error_code ec;
  fs::path dir = fs::absolute(fs::path(file), ec).parent_path();
  for (; !dir.empty(); dir = dir.parent_path()) {
    const fs::path dot_git = dir / ".git";
    fs::path config;
    if (fs::is_directory(dot_git, ec)) {
      config = dot_git / "config";
    } else if (fs::is_regular_file(dot_git, ec)) {
      // A worktree or submodule: `gitdir: <path>`; its config lives in the common dir.
      std::ifstream in(dot_git);
      std::string line;
      std::getline(in, line);
      if (!StartsWith(line, "gitdir:")) return {};
      fs::path gitdir = std::string(Trim(std::string_view(line).substr(7)));
      if (gitdir.is_relative()) gitdir = dir / gitdir;
      config = gitdir / "config";
      if (std::ifstream common(gitdir / "commondir"); common) {
        std::string rel;
        std::getline(common, rel);
        config = (gitdir / rel / "config").lexically_normal();
      }
    }
    if (!config.empty()) {
      std::ifstream in(config);
      std::string line;
      bool origin = false;
      while (std::getline(in, line)) {
        const std::string_view text = Trim(line);
        if (StartsWith(text, "[")) {
          origin = text == "[remote \"origin\"]";
          continue;
        }
        if (origin && StartsWith(text, "url")) {
          const size_t eq = text.find('=');
          if (eq != std::string_view::npos) {
            return {std::string(Trim(text.substr(eq + 1))), dir.string()};
          }
        }
      }
      return {};
    }
    if (dir == dir.root_path()) break;
  }
  return {};
}

struct Stage {
  const RunSettings& settings;
  std::map<std::string, model::RepositoryTreePtr> trees;  // by folder, read once per run

  model::RepositoryTreePtr Tree(const std::string& folder) {
    auto [it, inserted] = trees.emplace(folder, nullptr);
    if (inserted) it->second = model::FolderTree(folder);
    return it->second;
  }

  /// Where the git generators of the ApplicationSet in `appset_file` (a filesystem path, or
  /// empty) read `url`.
  Expected<model::RepositoryTreePtr> Lookup(std::string_view url, const std::string& appset_file) {
    std::error_code ec;
    if (std::optional<model::RepositoryMapping> m = model::MapRepository(url, settings)) {
      if (!m->is_folder()) {
        return Unexpected(fmt::format(
            "repoURL {} is mapped to {}, which is not a folder: the git generator reads files", url,
            m->location));
      }
      const fs::path folder =
          m->rest.empty() ? fs::path(m->location) : fs::path(m->location) / m->rest;
      if (!fs::is_directory(folder, ec)) {
        return Unexpected(fmt::format("repoURL {} is mapped to {}, which is not a folder", url,
                                      folder.generic_string()));
      }
      return Tree(folder.lexically_normal().string());
    }
    if (!appset_file.empty()) {
      auto [remote, top] = OriginRemote(appset_file);
      if (!remote.empty() && model::NormalizeRepoUrl(remote) == model::NormalizeRepoUrl(url)) {
        return Tree(top);
      }
    }
    return Unexpected(fmt::format(
        "repoURL {} is not mapped to a folder: add it under `repositories:` in .syncgate.yaml "
        "(`{}: <folder>`) or pass --repo-map {}=<folder>",
        url, url, url));
  }

  void Run(Workspace& workspace, RunResult& result) {
    auto& state = workspace.Extension<model::ApplicationSetState>();
    std::vector<std::unique_ptr<FileUnit>> added;
    std::set<std::string> paths;
    for (const auto& unit : workspace.files()) paths.insert(unit->input.display_path);
    for (const auto& unit : workspace.files()) {
      for (const auto& doc : unit->documents) {
        if (doc->kind() != DocKind::kApplicationSet) continue;
        ++state.application_sets;
        const std::string& file = unit->input.display_path;
        const std::string fs_path = unit->input.fs_path;
        const model::RepositoryLookup lookup = [&](std::string_view url) {
          return Lookup(url, fs_path);
        };
        model::ApplicationSetExpansion x = model::ExpandApplicationSet(*doc, lookup);
        const std::string name(doc->object().name);
        size_t not_expanded = 0;
        for (const model::NotExpanded& skip : x.not_expanded) {
          if (!skip.dropped_application) {
            ++state.not_expanded[skip.type];
            ++not_expanded;
          }
          result.skipped.push_back(
              {fmt::format("{}:{}", file, skip.pos.line),
               skip.dropped_application
                   ? fmt::format("ApplicationSet {}: generator {}: {}", name, skip.description,
                                 skip.reason)
                   : fmt::format("ApplicationSet {}: generator {} not expanded: {}", name,
                                 skip.description, skip.reason),
               false, SkipKind::kGeneratorNotExpanded});
        }
        if (x.generators > not_expanded) ++state.expanded;
        const model::ValueOrigin fallback{doc->PositionOf("/spec/template"), "/spec/template"};
        for (model::GeneratedApplication& app : x.applications) {
          std::string path = fmt::format("{}@generated/{}", file, app.name);
          for (int n = 2; paths.count(path); ++n) {
            path = fmt::format("{}@generated/{}~{}", file, app.name, n);
          }
          paths.insert(path);
          auto generated = std::make_unique<FileUnit>();
          generated->input.display_path = path;
          generated->input.kind = FileKind::kYaml;
          generated->source = SourceFile::FromText(path, std::move(app.yaml));
          LoadResult loaded = LoadYaml(generated->source);
          generated->documents = std::move(loaded.documents);
          generated->parse_error = std::move(loaded.error);
          model::ApplicationSetState::Generated info;
          info.appset_file = file;
          info.appset_document = doc->index();
          info.appset_object = doc->object();
          info.name = app.name;
          if (!generated->documents.empty()) {
            info.origins = model::GeneratedOrigins(*generated->documents.front(), app, fallback);
          }
          state.generated.emplace(path, std::move(info));
          ++state.applications;
          added.push_back(std::move(generated));
        }
      }
    }
    for (auto& unit : added) workspace.files().push_back(std::move(unit));
  }
};

/// Moves findings in generated Applications to their ApplicationSet; one per rule and line.
void MapGeneratedFindings(const Workspace& workspace, std::vector<Finding>& findings) {
  const auto* state = workspace.FindExtension<model::ApplicationSetState>();
  if (!state || state->generated.empty()) return;
  // The rules a generated Application's own `syncgate.io/ignore` annotation (copied from the
  // template) suppresses: those findings stay where the annotation can suppress them.
  std::map<std::string_view, std::vector<std::string>> ignored;
  for (const auto& unit : workspace.files()) {
    if (!state->Find(unit->input.display_path) || unit->documents.empty()) continue;
    const Node* value = unit->documents.front()->root().Path(
        {"metadata", "annotations", std::string(kIgnoreAnnotation)});
    if (!value || !value->IsScalar()) continue;
    Suppression s;
    ParseSuppressionText(value->Text(), s);
    if (s.problem.empty()) ignored[unit->input.display_path] = s.rule_ids;
  }
  std::vector<const model::ApplicationSetState::Generated*> from(findings.size(), nullptr);
  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& f = findings[i];
    const auto* generated = state->Find(f.file);
    if (!generated) continue;
    if (auto it = ignored.find(f.file);
        it != ignored.end() &&
        std::find(it->second.begin(), it->second.end(), f.rule) != it->second.end()) {
      continue;
    }
    from[i] = generated;
    const model::ValueOrigin origin = generated->origins.Locate({f.line, f.column}, f.pointer);
    f.file = generated->appset_file;
    f.line = std::max(origin.pos.line, 1);
    f.column = std::max(origin.pos.column, 1);
    f.pointer = origin.pointer;
    f.document = generated->appset_document;
    f.object = generated->appset_object;
  }
  // Once per place: what the rules already report on the ApplicationSet itself stays as it is,
  // and the same finding from many generated Applications becomes one naming them.
  using Key = std::tuple<std::string, std::string, int>;
  std::map<Key, size_t> seen;
  std::map<size_t, std::vector<std::string>> names;  // kept finding → its Applications
  for (size_t i = 0; i < findings.size(); ++i) {
    if (!from[i]) seen.emplace(Key{findings[i].rule, findings[i].file, findings[i].line}, i);
  }
  std::vector<bool> drop(findings.size(), false);
  for (size_t i = 0; i < findings.size(); ++i) {
    if (!from[i]) continue;
    auto [it, inserted] =
        seen.emplace(Key{findings[i].rule, findings[i].file, findings[i].line}, i);
    if (!inserted) {
      drop[i] = true;
      if (from[it->second]) names[it->second].push_back(from[i]->name);
      continue;
    }
    names[i].push_back(from[i]->name);
  }
  std::vector<Finding> kept;
  kept.reserve(findings.size());
  for (size_t i = 0; i < findings.size(); ++i) {
    if (drop[i]) continue;
    if (auto it = names.find(i); it != names.end()) {
      std::vector<std::string>& apps = it->second;
      std::sort(apps.begin(), apps.end());
      apps.erase(std::unique(apps.begin(), apps.end()), apps.end());
      if (apps.size() == 1) {
        findings[i].message += fmt::format(" (in the generated Application '{}')", apps[0]);
      } else {
        std::string list;
        for (size_t k = 0; k < apps.size() && k < 3; ++k) {
          list += (k ? ", '" : "'") + apps[k] + "'";
        }
        if (apps.size() > 3) list += fmt::format(" and {} more", apps.size() - 3);
        findings[i].message += fmt::format(" (in the generated Applications {})", list);
      }
    }
    kept.push_back(std::move(findings[i]));
  }
  findings = std::move(kept);
}

}  // namespace

void AddApplicationSets(Engine& engine, const RunSettings& settings) {
  engine.AddStage([settings](Workspace& workspace, RunResult& result) {
    Stage stage{settings, {}};
    stage.Run(workspace, result);
  });
  engine.AddFindingMapper(MapGeneratedFindings);
}

}  // namespace syncgate::render
