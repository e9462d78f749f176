#include "render/render_stage.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "checker/scalar_types.h"
#include "checker/text_util.h"
#include "render/helm_renderer.h"

namespace syncgate::render {
namespace fs = std::filesystem;

std::string TemplateDisplayPath(const std::string& chart_root, std::string_view source) {
  const size_t slash = source.find('/');
  const std::string_view rest = slash == std::string_view::npos ? source : source.substr(slash + 1);
  return chart_root == "." ? std::string(rest) : chart_root + "/" + std::string(rest);
}

namespace {

/// The template and line a Helm error names: `template: web/templates/a.yaml:12:20: ...`,
/// `parse error at (web/templates/a.yaml:5): ...`, `YAML parse error on web/templates/a.yaml:
/// ... line 7: ...`.
std::pair<std::string, int> HelmErrorLocation(const std::string& error) {
  static const RE2 kAt(R"re(([\w.\-]+/(?:charts/[\w.\-]+/)*templates/[^\s:()"]+):(\d+))re");
  static const RE2 kYaml(
      R"re(on ([\w.\-]+/(?:charts/[\w.\-]+/)*templates/[^\s:()"]+):.*?line (\d+))re");
  std::string file;
  int line = 0;
  if (RE2::PartialMatch(error, kAt, &file, &line)) return {file, line};
  if (RE2::PartialMatch(error, kYaml, &file, &line)) return {file, line};
  static const RE2 kFile(R"re(([\w.\-]+/(?:charts/[\w.\-]+/)*templates/[^\s:()"]+))re");
  if (RE2::PartialMatch(error, kFile, &file)) return {file, 1};
  return {"", 0};
}

bool HasObjects(const FileUnit& unit) {
  return std::any_of(unit.documents.begin(), unit.documents.end(),
                     [](const auto& doc) { return !doc->root().IsNull(); });
}

void RunRenderStage(const Config& config, const RunSettings& settings, int jobs,
                    Workspace& workspace, RunResult& result) {
  RenderState& state = workspace.Extension<RenderState>();
  state.ran = true;
  state.model = BuildChartModel(workspace, config, settings);
  const auto& plans = state.model.plans;
  state.outcomes.assign(plans.size(), {});
  // Charts that were not rendered, with the first reason and whether that fails the run.
  std::map<std::string, std::pair<std::string, bool>> unrendered;
  auto not_rendered = [&](size_t i, std::string reason, bool is_error) {
    state.outcomes[i].reason = reason;
    unrendered.emplace(plans[i].chart->root, std::make_pair(std::move(reason), is_error));
  };
  std::vector<size_t> todo;
  for (size_t i = 0; i < plans.size(); ++i) {
    state.outcomes[i].plan = i;
    const ChartInfo& chart = *plans[i].chart;
    if (!chart.missing_dependencies.empty()) {
      std::string names;
      for (const auto& dep : chart.missing_dependencies)
        names += (names.empty() ? "" : ", ") + dep.name;
      // A user error reported by helm-dependency-missing, not a failure of the tool.
      not_rendered(
          i,
          fmt::format("dependencies missing from charts/: {} (run helm dependency build)", names),
          false);
    } else if (!plans[i].skip_reason.empty()) {
      not_rendered(i, plans[i].skip_reason, settings.require_render.value_or(false));
    } else {
      todo.push_back(i);
    }
  }
  if (!todo.empty()) {
    auto renderer = MakeHelmRenderer({FindHelm(settings.helm_binary), settings.render_cache_dir});
    if (Status ok = renderer->Available(); !ok) {
      for (size_t i : todo)
        not_rendered(i, ok.error().message, settings.require_render.value_or(false));
      todo.clear();
    }
    state.renderer = renderer->Describe();
    std::vector<RenderRequest> requests;
    for (size_t i : todo) requests.push_back(plans[i].request);
    std::vector<RenderResult> rendered = renderer->RenderAll(requests, jobs);
    for (size_t k = 0; k < todo.size(); ++k) {
      const size_t i = todo[k];
      const RenderPlan& plan = plans[i];
      RenderOutcome& outcome = state.outcomes[i];
      RenderResult& r = rendered[k];
      outcome.status = r.status;
      if (r.status == RenderStatus::kUnavailable) {
        not_rendered(i, r.error, settings.require_render.value_or(false));
        continue;
      }
      outcome.attempted = true;
      if (r.status == RenderStatus::kFailed) {
        outcome.reason = r.error;
        auto [file, line] = HelmErrorLocation(r.error);
        if (!file.empty()) {
          outcome.template_file = TemplateDisplayPath(plan.chart->root, file);
          outcome.template_line = line;
        }
        continue;
      }
      auto unit = std::make_unique<FileUnit>();
      const std::string set = plan.label.substr(plan.chart->name.size() + 1);
      unit->input.display_path = fmt::format("{}@rendered/{}", plan.chart->root, set);
      unit->input.kind = FileKind::kYaml;
      unit->input.chart_root = plan.chart->root;
      unit->source = SourceFile::FromText(unit->input.display_path, std::move(r.manifest));
      LoadResult loaded = LoadYaml(unit->source);
      unit->documents = std::move(loaded.documents);
      unit->parse_error = std::move(loaded.error);
      if (!HasObjects(*unit) && !unit->parse_error) {
        outcome.empty = true;
        continue;
      }
      outcome.rendered_path = unit->input.display_path;
      workspace.files().push_back(std::move(unit));
      ++result.summary.rendered;
    }
  }
  for (const auto& [root, why] : unrendered) {
    result.skipped.push_back({root + "/", "chart not rendered: " + why.first, why.second});
    if (why.second) {
      result.errors.push_back(
          fmt::format("{}: chart not rendered and --require-render is set: {}", root, why.first));
    }
  }
  // Sources that name a chart this run cannot render (Helm repositories): skipped, with why.
  for (const model::SkippedSource& skip : state.model.skipped_sources) {
    const bool is_error = settings.require_render.value_or(false);
    result.skipped.push_back(
        {skip.file, fmt::format("{} not rendered: {}", skip.label, skip.reason), is_error});
    if (is_error) {
      result.errors.push_back(fmt::format("{}:{}: {} not rendered and --require-render is set: {}",
                                          skip.file, skip.pos.line, skip.label, skip.reason));
    }
  }
}

// ---- Tracing findings in rendered documents back to values and templates.

int KeySimilarity(std::string_view a, std::string_view b) {
  const std::string x = ToLower(a), y = ToLower(b);
  if (x.empty() || y.empty()) return 0;
  if (x == y) return 3;
  if (x.find(y) != std::string::npos || y.find(x) != std::string::npos) return 2;
  size_t common = 0;
  while (common < x.size() && common < y.size() && x[common] == y[common]) ++common;
  return common >= 4 ? 1 : 0;
}

struct Trace {
  std::string file;
  Position pos;
  int length = 0;
};

/// Where in the values of `plan` a rendered scalar came from: the same value (preferring a key
/// like the rendered one and the layer that wins), else a value the message quotes and the
/// rendered text contains (the tag of an image reference), else the longest value it contains.
std::optional<Trace> TraceValue(const RenderPlan& plan, std::string_view rendered,
                                std::string_view rendered_key, std::string_view message) {
  struct Candidate {
    int rank;        // 0 exact, 1 quoted in the message, 2 contained
    int similarity;  // of the keys
    size_t length;
    size_t order;  // higher layers first, then document order
    Trace trace;
  };
  std::optional<Candidate> best;
  size_t order = 0;
  auto consider = [&](std::string_view key, std::string_view value, const std::string& file,
                      Position pos) {
    ++order;
    if (value.empty() || rendered.empty()) return;
    int rank = -1;
    const int similarity = KeySimilarity(key, rendered_key);
    if (value == rendered) {
      // "1", "true", "3": too common to claim by value alone; the keys must be the same too
      // (`privileged: true` in a template is not `lunaHsm.enabled: true` in the values).
      const bool common = value.size() < 4 || ResolveYaml11(value) != ScalarType::kString;
      if (common && !EqualsIgnoreCase(key, rendered_key)) return;
      rank = 0;
    } else if (value.size() >= 3 && rendered.find(value) != std::string_view::npos) {
      rank = message.find(fmt::format("'{}'", value)) != std::string_view::npos ? 1 : 2;
    }
    if (rank < 0) return;
    Candidate c{rank, similarity, value.size(), order, {file, pos, static_cast<int>(value.size())}};
    auto better = [](const Candidate& a, const Candidate& b) {
      if (a.rank != b.rank) return a.rank < b.rank;
      if (a.rank == 2 && a.length != b.length) return a.length > b.length;
      if (a.similarity != b.similarity) return a.similarity > b.similarity;
      return a.order < b.order;
    };
    if (!best || better(c, *best)) best = c;
  };
  for (auto layer = plan.layers.rbegin(); layer != plan.layers.rend(); ++layer) {
    for (const auto& p : layer->parameters) {
      const size_t dot = p.name.rfind('.');
      consider(dot == std::string::npos ? p.name : p.name.substr(dot + 1), p.value, layer->file,
               p.pos);
    }
    if (!layer->root) continue;
    std::string pointer;
    std::string last_key;
    WalkTree(*layer->root, pointer, [&](const Node& node, const std::string& at) {
      if (node.kind == NodeKind::kScalar && !node.IsNull()) {
        const size_t slash = at.rfind('/');
        consider(slash == std::string::npos ? "" : std::string_view(at).substr(slash + 1),
                 node.value, layer->file, node.pos);
      }
      return true;
    });
  }
  if (!best) return std::nullopt;
  return best->trace;
}

std::string ReadFileText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The `# Source:` above a rendered document.
std::string SourceOf(const Document& doc) {
  const SourceFile& src = doc.source();
  for (int line = std::max(doc.root().pos.line, doc.start().line); line >= 1; --line) {
    const std::string_view text = src.Line(line);
    if (StartsWith(text, "# Source: ")) return std::string(Trim(text.substr(10)));
    if (StartsWith(text, "---") && line < doc.root().pos.line) break;
  }
  return "";
}

/// The line of a template that writes `key:` (the last name in `pointer`), else 1.
Position TemplatePosition(std::string_view text, std::string_view pointer, std::string_view value) {
  if (!value.empty() && value.size() >= 6) {
    if (size_t at = text.find(value); at != std::string_view::npos) {
      const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
      const size_t line_start = text.rfind('\n', at);
      return {
          line,
          static_cast<int>(at - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1};
    }
  }
  std::vector<std::string_view> tokens = Split(pointer, '/');
  while (!tokens.empty() &&
         (tokens.back().empty() || std::isdigit(static_cast<unsigned char>(tokens.back()[0])))) {
    tokens.pop_back();
  }
  if (tokens.empty()) return {1, 1};
  const std::string key = std::string(tokens.back()) + ":";
  int number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++number;
    std::string_view t = Trim(line);
    if (StartsWith(t, "- ")) t = Trim(t.substr(2));
    if (StartsWith(t, key)) return {number, static_cast<int>(line.find(key.front())) + 1};
  }
  return {1, 1};
}

void MapRenderedFindings(const Workspace& workspace, std::vector<Finding>& findings) {
  const RenderState* state = workspace.FindExtension<RenderState>();
  if (!state || !state->ran) return;
  std::map<std::string, const RenderOutcome*, std::less<>> by_path;
  for (const RenderOutcome& o : state->outcomes) {
    if (!o.rendered_path.empty()) by_path.emplace(o.rendered_path, &o);
  }
  if (by_path.empty()) return;
  std::map<std::string, const FileUnit*, std::less<>> units;
  for (const auto& unit : workspace.files()) units.emplace(unit->input.display_path, unit.get());

  std::vector<bool> from_render(findings.size(), false);
  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& f = findings[i];
    auto it = by_path.find(f.file);
    if (it == by_path.end()) continue;
    from_render[i] = true;
    const RenderPlan& plan = state->model.plans[it->second->plan];
    const FileUnit* unit = units.at(f.file);
    const Document* doc =
        f.document >= 0 && static_cast<size_t>(f.document) < unit->documents.size()
            ? unit->documents[f.document].get()
            : nullptr;
    const std::string source = doc ? SourceOf(*doc) : "";
    const std::string template_path =
        source.empty() ? "" : TemplateDisplayPath(plan.chart->root, source);
    f.rendered = RenderedOrigin{plan.label, template_path, f.line};
    const Node* node = doc ? doc->Find(f.pointer) : nullptr;
    const std::string value = node && node->IsScalar() ? std::string(node->Text()) : "";
    const size_t slash = f.pointer.rfind('/');
    const std::string key = slash == std::string::npos ? "" : f.pointer.substr(slash + 1);
    if (std::optional<Trace> trace = TraceValue(plan, value, key, f.message)) {
      f.file = trace->file;
      f.line = trace->pos.line;
      f.column = trace->pos.column;
      if (f.redact_length > 0) f.redact_length = std::min(f.redact_length, trace->length);
      continue;
    }
    if (template_path.empty()) continue;
    std::string text;
    if (auto t = units.find(template_path); t != units.end() && t->second->source) {
      text = t->second->source->text();
    } else {
      text = ReadFileText(fs::path(plan.chart->fs_dir) / source.substr(source.find('/') + 1));
    }
    const Position pos = TemplatePosition(text, f.pointer, f.redact_length > 0 ? value : "");
    f.file = template_path;
    f.line = pos.line;
    f.column = pos.column;
  }

  // One finding per place: a rendered finding where the same rule already reported (on the
  // values file directly, or from another render of the same chart) adds only its origin.
  std::map<std::tuple<std::string, std::string, int>, size_t> seen;
  for (size_t i = 0; i < findings.size(); ++i) {
    if (!from_render[i])
      seen.emplace(std::make_tuple(findings[i].rule, findings[i].file, findings[i].line), i);
  }
  std::vector<Finding> kept;
  std::vector<bool> drop(findings.size(), false);
  for (size_t i = 0; i < findings.size(); ++i) {
    if (!from_render[i]) continue;
    const auto key = std::make_tuple(findings[i].rule, findings[i].file, findings[i].line);
    auto [it, inserted] = seen.emplace(key, i);
    if (inserted) continue;
    Finding& first = findings[it->second];
    if (!first.rendered) first.rendered = findings[i].rendered;
    drop[i] = true;
  }
  for (size_t i = 0; i < findings.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(findings[i]));
  }
  findings = std::move(kept);
}

}  // namespace

void AddRendering(Engine& engine, const Config& config, const RunSettings& settings, int jobs) {
  engine.AddStage([&config, settings, jobs](Workspace& workspace, RunResult& result) {
    RunRenderStage(config, settings, jobs, workspace, result);
  });
  engine.AddFindingMapper(MapRenderedFindings);
}

}  // namespace syncgate::render
