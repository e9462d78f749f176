#include "checker/workspace.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <set>

#include "checker/redaction.h"
#include "checker/text_util.h"

namespace syncgate {
namespace fs = std::filesystem;

std::string_view FileKindName(FileKind kind) {
  switch (kind) {
    case FileKind::kChartMeta:
      return "chart";
    case FileKind::kValues:
      return "values";
    case FileKind::kTemplate:
      return "template";
    case FileKind::kYaml:
      return "yaml";
    case FileKind::kConfig:
      return "config";
    case FileKind::kText:
      return "text";
  }
  return "file";
}

std::string_view SkipKindName(SkipKind kind) {
  switch (kind) {
    case SkipKind::kFile:
      return "file not checked";
    case SkipKind::kDependencyUnavailable:
      return "dependency unavailable";
    case SkipKind::kNetworkForbidden:
      return "network forbidden";
    case SkipKind::kGeneratorNotExpanded:
      return "generator not expandable";
    case SkipKind::kSourceNotRendered:
      return "source type not rendered";
    case SkipKind::kRenderInput:
      return "render input missing";
    case SkipKind::kRendererUnavailable:
      return "renderer unavailable";
  }
  return "other";
}

namespace {

bool IsYamlName(std::string_view name) { return EndsWith(name, ".yaml") || EndsWith(name, ".yml"); }

bool IsValuesName(std::string_view name) { return IsYamlName(name) && StartsWith(name, "values"); }

std::string DisplayPath(const fs::path& path) {
  std::error_code ec;
  if (path.is_relative()) {
    std::string s = path.lexically_normal().generic_string();
    if (StartsWith(s, "./")) s = s.substr(2);
    return s;
  }
  fs::path rel = fs::relative(path, fs::current_path(), ec);
  std::string s = (!ec && !rel.empty() && !StartsWith(rel.generic_string(), ".."))
                      ? rel.generic_string()
                      : path.generic_string();
  return s;
}

/// Classifies a file by its name and the chart (if any) that contains it.
FileKind Classify(std::string_view display, std::string_view chart_root) {
  const std::string_view name = display.substr(display.rfind('/') + 1);
  if (name == ".syncgate.yaml") return FileKind::kConfig;
  if (!chart_root.empty()) {
    std::string_view rel = display.substr(chart_root == "." ? 0 : chart_root.size() + 1);
    if (rel == "Chart.yaml") return FileKind::kChartMeta;
    if (StartsWith(rel, "templates/")) return FileKind::kTemplate;
    if (rel.find('/') == std::string_view::npos && IsValuesName(name)) return FileKind::kValues;
  }
  if (name == "Chart.yaml") return FileKind::kChartMeta;
  if (IsValuesName(name)) return FileKind::kValues;
  if (IsYamlName(name)) return FileKind::kYaml;
  return FileKind::kText;
}

}  // namespace

FilePurpose PurposeOf(std::string_view display_path) {
  const std::string lower = ToLower(display_path);
  const std::string_view name = std::string_view(lower).substr(lower.rfind('/') + 1);
  // Segments are matched with their slashes, so that `contest/` is not `test/`.
  const std::string path = "/" + lower;
  if (path.find("/testdata/") != std::string::npos ||
      path.find("/__snapshot__/") != std::string::npos ||
      (path.find("/tests/") != std::string::npos &&
       (EndsWith(name, "_test.yaml") || EndsWith(name, "_test.yml")))) {
    return FilePurpose::kTestFixture;
  }
  if (path.find("/.github/workflows/") != std::string::npos || name == ".gitlab-ci.yml" ||
      path.find("/.gitlab/ci/") != std::string::npos ||
      path.find("/.circleci/") != std::string::npos || name == "azure-pipelines.yml" ||
      name == "bitbucket-pipelines.yml" || name == ".drone.yml" || name == ".travis.yml") {
    return FilePurpose::kCiWorkflow;
  }
  if (name.find(".md") != std::string::npos || name.find(".rst") != std::string::npos ||
      name.find(".adoc") != std::string::npos) {
    return FilePurpose::kDocumentation;
  }
  return FilePurpose::kSource;
}

bool IsChartFileTemplate(const InputFile& input, std::string_view text) {
  if (input.chart_root.empty() || input.kind != FileKind::kYaml) return false;
  const std::string_view display = input.display_path;
  const std::string_view rel =
      input.chart_root == "." ? display : display.substr(input.chart_root.size() + 1);
  for (std::string_view helm_reads : {"templates/", "crds/", "charts/"}) {
    if (StartsWith(rel, helm_reads)) return false;
  }
  return text.find("{{") != std::string_view::npos;
}

bool IsWithin(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (r->empty() && std::next(r) == root.end()) break;  // a trailing '/'
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

std::optional<std::string> LinkEscape(const fs::path& path, const fs::path& root) {
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(path, ec))) return std::nullopt;
  const std::string written = fs::read_symlink(path, ec).string();
  const fs::path resolved = fs::canonical(path, ec);
  if (ec == std::errc::too_many_symbolic_link_levels) {
    return fmt::format("a symlink to {}, which never resolves (a loop)", written);
  }
  if (ec || IsWithin(resolved, root)) return std::nullopt;
  return resolved.string() == written
             ? fmt::format("a symlink to {}, outside the checked tree", written)
             : fmt::format("a symlink to {} ({}), outside the checked tree", written,
                           resolved.string());
}

void DeclarePathsPublic(const Discovery& inputs) {
  for (const InputFile& file : inputs.files) DeclarePublicText(file.display_path);
  for (const SkippedFile& file : inputs.skipped) DeclarePublicText(file.display_path);
}

Discovery DiscoverInputs(const std::vector<std::string>& paths, const Config& config) {
  Discovery out;
  std::vector<fs::path> regular;
  std::vector<std::pair<fs::path, std::string>> escapes;  // link, why it is not followed
  bool stdin_used = false;

  for (const std::string& arg : paths) {
    if (arg == "-") {
      if (stdin_used) continue;
      stdin_used = true;
      InputFile input;
      input.display_path = "<stdin>";
      input.kind = FileKind::kYaml;
      input.stdin_text.assign(std::istreambuf_iterator<char>(std::cin), {});
      out.files.push_back(std::move(input));
      continue;
    }
    std::error_code ec;
    const fs::path path(arg);
    const fs::file_status status = fs::status(path, ec);
    if (ec == std::errc::too_many_symbolic_link_levels) {
      escapes.emplace_back(path, *LinkEscape(path, "/"));
      continue;
    }
    // The tree a link must stay in: the folder checked, or the folder of the file named.
    std::error_code root_ec;
    const fs::path root = fs::canonical(
        fs::is_directory(status) ? path : fs::absolute(path, root_ec).parent_path(), root_ec);
    if (ec || !fs::exists(status)) {
      out.errors.push_back(fmt::format("{}: no such file or directory", arg));
      continue;
    }
    if (fs::is_regular_file(status)) {
      if (std::optional<std::string> escape = LinkEscape(path, root))
        escapes.emplace_back(path, std::move(*escape));
      else
        regular.push_back(path);
      continue;
    }
    if (!fs::is_directory(status)) {
      out.errors.push_back(fmt::format("{}: not a regular file or directory", arg));
      continue;
    }
    fs::recursive_directory_iterator it(path, fs::directory_options::none, ec);
    if (ec) {
      out.errors.push_back(fmt::format("{}: cannot read directory: {}", arg, ec.message()));
      continue;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        out.errors.push_back(fmt::format("{}: cannot read directory: {}", arg, ec.message()));
        break;
      }
      const fs::path& p = it->path();
      const std::string name = p.filename().string();
      std::error_code entry_ec;
      if (it->is_symlink(entry_ec)) {
        if (std::optional<std::string> escape = LinkEscape(p, root)) {
          if (!config.IsExcluded(DisplayPath(p))) escapes.emplace_back(p, std::move(*escape));
          continue;
        }
      }
      if (it->is_directory(entry_ec)) {
        if (name == ".git") {
          it.disable_recursion_pending();
        } else if (config.IsExcluded(DisplayPath(p))) {
          out.skipped.push_back({DisplayPath(p) + "/", "excluded by configuration"});
          it.disable_recursion_pending();
        }
        continue;
      }
      if (it->is_symlink(entry_ec) && it->is_directory(entry_ec)) continue;
      if (it->is_regular_file(entry_ec)) regular.push_back(p);
    }
  }

  std::vector<InputFile> walked;
  for (const fs::path& p : regular) {
    InputFile input;
    input.display_path = DisplayPath(p);
    input.fs_path = p.string();
    walked.push_back(std::move(input));
  }
  for (auto& [link, escape] : escapes) {
    InputFile input;
    input.display_path = DisplayPath(link);
    input.content.emplace();  // never read: the engine reads `content`, helm and caches skip it
    input.link_escape = std::move(escape);
    walked.push_back(std::move(input));
  }
  Discovery classified = ClassifyInputs(std::move(walked), config);
  std::move(classified.files.begin(), classified.files.end(), std::back_inserter(out.files));
  std::move(classified.skipped.begin(), classified.skipped.end(), std::back_inserter(out.skipped));
  std::sort(out.files.begin(), out.files.end(),
            [](const InputFile& a, const InputFile& b) { return a.display_path < b.display_path; });
  return out;
}

Discovery ClassifyInputs(std::vector<InputFile> files, const Config& config) {
  Discovery out;
  std::set<std::string> seen;
  // Chart roots first, so every file can be placed in its nearest chart.
  std::set<std::string> chart_roots;
  for (const InputFile& file : files) {
    const std::string& display = file.display_path;
    const size_t slash = display.rfind('/');
    if (display.substr(slash == std::string::npos ? 0 : slash + 1) == "Chart.yaml") {
      chart_roots.insert(slash == std::string::npos ? "." : display.substr(0, slash));
    }
  }
  for (InputFile& input : files) {
    const std::string display = input.display_path;
    if (!seen.insert(display).second) continue;
    if (config.IsExcluded(display)) {
      out.skipped.push_back({display, "excluded by configuration"});
      continue;
    }
    // The nearest chart: the longest folder above the file that is a chart root, else the
    // repository root's chart. Walking up the path (not over every root) keeps a monorepo of
    // thousands of charts linear.
    std::string chart_root;
    for (size_t slash = display.rfind('/'); slash != std::string::npos && slash > 0;
         slash = display.rfind('/', slash - 1)) {
      if (chart_roots.count(display.substr(0, slash))) {
        chart_root = display.substr(0, slash);
        break;
      }
    }
    if (chart_root.empty() && chart_roots.count(".")) chart_root = ".";
    input.chart_root = chart_root;
    input.kind = Classify(display, chart_root);
    out.files.push_back(std::move(input));
  }
  std::sort(out.files.begin(), out.files.end(),
            [](const InputFile& a, const InputFile& b) { return a.display_path < b.display_path; });
  return out;
}

}  // namespace syncgate
