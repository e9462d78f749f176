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
#include "checker/shard_scope.h"
#include "checker/text_util.h"
#include "model/application_set.h"
#include "model/values_text.h"
#include "render/chart_archive.h"
#include "render/chart_dependencies.h"
#include "render/helm_renderer.h"
#include "render/kustomize_stage.h"

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

/// How many levels of Applications rendered by Applications are followed (app-of-apps of
/// app-of-apps); real repositories use two or three.
constexpr size_t kAppOfAppsDepth = 4;

/// `node` as text with the keys of each mapping sorted: the same Application rendered by tools
/// that order keys differently reads the same.
void CanonicalText(const Node& node, std::string& out) {
  const Node& n = node.Resolved();
  if (n.kind == NodeKind::kMapping) {
    std::vector<const MapEntry*> entries;
    for (const MapEntry& e : n.entries) entries.push_back(&e);
    std::sort(entries.begin(), entries.end(),
              [](const MapEntry* a, const MapEntry* b) { return a->key->value < b->key->value; });
    out += '{';
    for (const MapEntry* e : entries) {
      out += fmt::format("{:?}:", e->key->value);
      CanonicalText(*e->value, out);
      out += ',';
    }
    out += '}';
  } else if (n.kind == NodeKind::kSequence) {
    out += '[';
    for (const Node* item : n.items) {
      CanonicalText(*item, out);
      out += ',';
    }
    out += ']';
  } else {
    out += fmt::format("{:?}", n.value);
  }
}

/// Whether `plan` renders an Application (rather than a chart with a values set of its own, or
/// a Kustomize folder on its own).
bool IsApplicationPlan(const RenderPlan& plan) {
  return plan.label.find("/app:") != std::string::npos;
}

/// Why helm must not open `chart`: an archive it would unpack (the chart itself from the cache,
/// a vendored charts/*.tgz, a dependency from the cache or a mirror) that CheckChartArchive
/// refuses, named with the entry or limit. Empty when there is none. `verdicts` keeps each
/// archive's verdict for the run (one archive serves many renders).
std::string UnsafeArchive(const ChartInfo& chart, const std::set<size_t>& omitted,
                          const ArchiveLimits& limits,
                          std::map<std::string, std::string>& verdicts) {
  std::vector<std::pair<std::string, std::string>> archives;  // path, name shown
  auto add = [&](const std::string& path, std::string shown) {
    std::error_code ec;
    if (!path.empty() && fs::is_regular_file(fs::symlink_status(path, ec)))
      archives.emplace_back(path, std::move(shown));
  };
  if (chart.remote) {
    add(chart.remote_resolved.location, chart.remote_resolved.location);
  } else {
    std::error_code ec;
    for (auto it = fs::directory_iterator(fs::path(chart.fs_dir) / "charts", ec);
         !ec && it != fs::directory_iterator(); it.increment(ec)) {
      if (it->path().extension() == ".tgz")
        add(it->path().string(),
            NormalizedPath(chart.root + "/charts/" + it->path().filename().string()));
    }
    for (size_t d = 0; d < chart.resolved.size(); ++d) {
      if (!omitted.count(d)) add(chart.resolved[d].location, chart.resolved[d].location);
    }
  }
  for (const auto& [path, shown] : archives) {
    auto [it, fresh] = verdicts.try_emplace(path);
    if (fresh) {
      if (Status ok = CheckChartArchive(path, limits); !ok)
        it->second = fmt::format("chart archive {} refused before helm opens it: {}", shown,
                                 ok.error().message);
    }
    if (!it->second.empty()) return it->second;
  }
  return "";
}

const FileUnit* FindUnit(const Workspace& workspace, std::string_view display_path) {
  // Renders are appended to the workspace: search from the end.
  for (auto it = workspace.files().rbegin(); it != workspace.files().rend(); ++it) {
    if ((*it)->input.display_path == display_path) return it->get();
  }
  return nullptr;
}

void RunRenderStage(const Config& config, const RunSettings& settings, int jobs,
                    Workspace& workspace, RunResult& result) {
  RenderState& state = workspace.Extension<RenderState>();
  state.ran = true;
  state.model = BuildChartModel(workspace, config, settings);
  // One shard of several (checker/shard_scope.h) renders the plans of its own units only.
  std::erase_if(state.model.plans,
                [&](const RenderPlan& plan) { return !InShard(workspace, plan.anchor_file); });
  std::erase_if(state.model.skipped_sources,
                [&](const model::SkippedSource& skip) { return !InShard(workspace, skip.file); });
  const auto& plans = state.model.plans;
  state.outcomes.assign(plans.size(), {});
  // Charts that were not rendered, with the first reason, whether that fails the run, and why.
  struct Unrendered {
    std::string reason;
    bool is_error = false;
    SkipKind kind = SkipKind::kRenderInput;
    std::string what = "chart";  // or "Kustomize folder"
  };
  std::map<std::string, Unrendered> unrendered;
  auto not_rendered = [&](size_t i, std::string reason, bool is_error, SkipKind kind) {
    state.outcomes[i].reason = reason;
    const bool kustomize = plans[i].chart->kind == model::SourceKind::kKustomize;
    unrendered.emplace(plans[i].chart->root, Unrendered{std::move(reason), is_error, kind,
                                                        kustomize ? "Kustomize folder" : "chart"});
  };
  const bool require_render = settings.require_render.value_or(false);
  DependencyFetcher fetcher(settings, FindHelm(settings.helm_binary));
  ChartStager stager;
  std::set<std::string> checked;  // canonical paths of the run's files, for links in charts
  for (const auto& file : workspace.files()) {
    if (!file->input.fs_path.empty()) checked.insert(CanonicalPath(file->input.fs_path));
  }
  stager.SetChecked([&checked](const std::string& path) { return checked.count(path) > 0; });
  std::map<ChartInfo*, std::set<size_t>> omitted_somewhere;
  std::unique_ptr<Renderer> renderer;
  std::set<std::string> used_paths;  // display paths of the renders
  std::set<ChartInfo*> completed;    // charts whose dependencies the fetcher completed
  std::map<std::string, std::string> archive_verdicts;  // archive path → why refused, or ""
  // Renders the plans from `first` on: the written ones first, then those of the Applications
  // that renders produced (app-of-apps), round after round.
  auto render_plans = [&](size_t first) {
    // Dependencies no offline place had: fetched now when the run may use the network.
    std::map<const ChartInfo*, ChartInfo*> charts;
    for (const auto& chart : state.model.charts) charts.emplace(chart.get(), chart.get());
    std::set<ChartInfo*> rendered_charts;
    for (size_t i = first; i < plans.size(); ++i) rendered_charts.insert(charts.at(plans[i].chart));
    for (ChartInfo* chart : rendered_charts) {
      if (completed.insert(chart).second) fetcher.Complete(*chart);
    }
    std::vector<size_t> todo;
    std::vector<size_t> kustomize_todo;  // built by RenderKustomizePlans (kustomize_stage.h)
    for (size_t i = first; i < plans.size(); ++i) {
      state.outcomes[i].plan = i;
      ChartInfo& chart = *charts.at(plans[i].chart);
      if (chart.kind == model::SourceKind::kKustomize) {
        if (!plans[i].skip_reason.empty()) {
          not_rendered(i, plans[i].skip_reason, require_render, plans[i].skip_kind);
        } else {
          kustomize_todo.push_back(i);
        }
        continue;
      }
      // A dependency nobody had blocks the render unless this render disables it (then helm
      // would not render it either, and the chart renders without it).
      std::set<size_t> omitted;
      std::string blocking;
      SkipKind blocking_kind = SkipKind::kDependencyUnavailable;
      for (size_t d = 0; d < chart.resolved.size(); ++d) {
        const model::ResolvedDependency& r = chart.resolved[d];
        if (r.source != model::DependencySource::kMissing) continue;
        const model::ChartDependency& dep = chart.dependencies.items[d];
        if (!DependencyEnabled(dep, plans[i].layers)) {
          omitted.insert(d);
          continue;
        }
        chart.needed_missing.insert(d);
        if (r.needs_network && settings.offline) blocking_kind = SkipKind::kNetworkForbidden;
        blocking += fmt::format(
            "{}dependency {} {} is not available (tried: {})", blocking.empty() ? "" : "; ",
            dep.name, dep.locked_version.empty() ? dep.version : dep.locked_version, r.TriedText());
      }
      if (chart.remote && chart.remote_resolved.source == model::DependencySource::kMissing) {
        const model::ResolvedDependency& r = chart.remote_resolved;
        blocking =
            fmt::format("chart {} {} from {} is not available (tried: {})", chart.remote->name,
                        chart.remote->version, chart.remote->repository, r.TriedText());
        if (r.needs_network && settings.offline) blocking_kind = SkipKind::kNetworkForbidden;
      }
      if (!blocking.empty()) {
        // A user's or an environment's matter reported by helm-dependency-missing, positioned
        // at the entry in Chart.yaml; counted as skipped, an error under --require-render.
        not_rendered(i, blocking, require_render, blocking_kind);
      } else if (!plans[i].skip_reason.empty()) {
        not_rendered(i, plans[i].skip_reason, require_render, plans[i].skip_kind);
      } else if (std::string unsafe =
                     UnsafeArchive(chart, omitted, settings.archive_limits, archive_verdicts);
                 !unsafe.empty()) {
        // A failed render, not a skip: helm-render-failed reports it at the Application or
        // chart, naming the archive and the entry.
        state.outcomes[i].attempted = true;
        state.outcomes[i].status = RenderStatus::kFailed;
        state.outcomes[i].reason = std::move(unsafe);
      } else if (chart.remote) {
        state.model.plans[i].request.chart_dir = chart.remote_resolved.location;
        todo.push_back(i);
      } else if (Expected<std::string> dir = stager.Stage(chart, omitted); !dir) {
        not_rendered(i, dir.error().message, true, SkipKind::kRenderInput);
      } else {
        state.model.plans[i].request.chart_dir = *dir;
        for (size_t d = 0; d < chart.resolved.size(); ++d) {
          if (!omitted.count(d) && chart.resolved[d].source == model::DependencySource::kTree) {
            state.model.plans[i].subchart_roots[chart.dependencies.items[d].name] =
                chart.resolved[d].display;
          }
        }
        omitted_somewhere[&chart].insert(omitted.begin(), omitted.end());
        todo.push_back(i);
      }
    }
    if (!todo.empty()) {
      if (!renderer)
        renderer = MakeHelmRenderer({.binary = FindHelm(settings.helm_binary),
                                     .cache_dir = settings.render_cache_dir,
                                     .limits = settings.render_limits,
                                     .cache_max_bytes = settings.result_cache_max_bytes});
      if (Status ok = renderer->Available(); !ok) {
        for (size_t i : todo)
          not_rendered(i, ok.error().message, require_render, SkipKind::kRendererUnavailable);
        todo.clear();
      }
      state.renderer = renderer->Describe();
      std::vector<RenderRequest> requests;
      requests.reserve(todo.size());
      for (size_t i : todo) requests.push_back(plans[i].request);
      std::vector<RenderResult> rendered = renderer->RenderAll(requests, jobs);
      for (size_t k = 0; k < todo.size(); ++k) {
        const size_t i = todo[k];
        const RenderPlan& plan = plans[i];
        RenderOutcome& outcome = state.outcomes[i];
        RenderResult& r = rendered[k];
        outcome.status = r.status;
        outcome.stopped = r.stopped;
        if (r.status == RenderStatus::kUnavailable) {
          not_rendered(i, r.error, require_render, SkipKind::kRendererUnavailable);
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
        std::unique_ptr<FileUnit> unit = RenderedUnit(plan, std::move(r.manifest), used_paths);
        if (!unit) {
          outcome.empty = true;
          continue;
        }
        unit->input.chart_root = plan.chart->root;
        outcome.rendered_path = unit->input.display_path;
        workspace.files().push_back(std::move(unit));
        ++result.summary.rendered;
      }
    }
    RenderKustomizePlans(kustomize_todo, settings, jobs, state, workspace, result, not_rendered,
                         used_paths);
  };
  render_plans(0);
  // App-of-apps: the Applications that renders produced are rendered in turn, as ArgoCD would
  // once the parent syncs them. ArgoCD holds one Application per namespace and name: a written
  // one that a render produces again (a Kustomize folder of Application files) was planned with
  // the written ones, and the same one from several renders of its parent is planned once.
  std::set<std::string> written;
  for (const Document* app : TopLevelApplications(workspace)) {
    if (app->source().path().find("@rendered/") == std::string::npos)
      written.insert(app->object().ns + "/" + app->object().name);
  }
  std::set<std::string> seen_applications;
  for (size_t first = 0, depth = 1;; ++depth) {
    // The Applications of this round's renders, those of Application renders first.
    struct Child {
      const Document* app;
      size_t parent;  // the plan whose render produced it
      size_t plans_begin = 0, plans_end = 0, skipped_begin = 0, skipped_end = 0;
    };
    std::vector<Child> children;
    for (bool of_applications : {true, false}) {
      for (size_t i = first; i < plans.size(); ++i) {
        if (state.outcomes[i].rendered_path.empty() ||
            IsApplicationPlan(plans[i]) != of_applications) {
          continue;
        }
        const FileUnit* unit = FindUnit(workspace, state.outcomes[i].rendered_path);
        if (!unit) continue;
        for (const auto& doc : unit->documents) {
          if (doc->kind() == DocKind::kApplication &&
              !written.count(doc->object().ns + "/" + doc->object().name)) {
            children.push_back({doc.get(), i});
          }
        }
      }
    }
    first = plans.size();
    if (children.empty()) break;
    if (depth > kAppOfAppsDepth) {
      // Deeper than syncgate follows: counted, never left out silently.
      for (const Child& child : children) {
        const std::string name = child.app->object().name;
        state.model.skipped_sources.push_back(
            {child.app->source().path(), child.app->PositionOf("/metadata/name"),
             SkipKind::kRenderInput, "app:" + name,
             fmt::format("Application {} is {} levels of app-of-apps deep; syncgate renders {}",
                         name, depth, kAppOfAppsDepth)});
      }
      break;
    }
    for (Child& child : children) {
      child.plans_begin = plans.size();
      child.skipped_begin = state.model.skipped_sources.size();
      AddApplicationPlans({child.app}, workspace, config, settings, state.model);
      child.plans_end = plans.size();
      child.skipped_end = state.model.skipped_sources.size();
    }
    // A chart's render with its own values stands in for an Application that nobody wrote; once
    // an Application renders the chart, the Applications of the stand-in are not ArgoCD's.
    std::set<const ChartInfo*> rendered_by_applications;
    for (const RenderPlan& plan : plans) {
      if (IsApplicationPlan(plan)) rendered_by_applications.insert(plan.chart);
    }
    std::vector<RenderPlan> kept_plans;
    std::vector<model::SkippedSource> kept_skipped;
    for (const Child& child : children) {
      const RenderPlan& parent = plans[child.parent];
      if (!IsApplicationPlan(parent) && rendered_by_applications.count(parent.chart)) continue;
      std::string key = child.app->object().ns + "/" + child.app->object().name + "\n";
      if (const Node* spec = child.app->root().Get("spec")) CanonicalText(*spec, key);
      if (!seen_applications.insert(std::move(key)).second) continue;
      for (size_t p = child.plans_begin; p < child.plans_end; ++p)
        kept_plans.push_back(std::move(state.model.plans[p]));
      for (size_t k = child.skipped_begin; k < child.skipped_end; ++k)
        kept_skipped.push_back(std::move(state.model.skipped_sources[k]));
    }
    state.model.plans.resize(first);
    state.model.skipped_sources.resize(children.front().skipped_begin);
    for (RenderPlan& plan : kept_plans) state.model.plans.push_back(std::move(plan));
    for (auto& skipped : kept_skipped) state.model.skipped_sources.push_back(std::move(skipped));
    if (plans.size() == first) break;
    state.outcomes.resize(plans.size());
    for (size_t i = first; i < plans.size(); ++i) state.outcomes[i].plan = i;
    render_plans(first);
  }
  // Left out of renders and needed by none: helm-dependency-substituted says so.
  for (auto& [chart, omitted] : omitted_somewhere) {
    for (size_t d : omitted) {
      if (!chart->needed_missing.count(d)) chart->omitted.insert(d);
    }
  }
  for (const auto& [root, why] : unrendered) {
    // A chart of the tree is named by its folder; a Helm-repository chart by its Application.
    const size_t app = root.find("@chart/");
    result.skipped.push_back({app == std::string::npos ? root + "/" : root.substr(0, app),
                              why.what + " not rendered: " + why.reason, why.is_error, why.kind});
    if (why.is_error) {
      // Some inputs fail the run whatever --require-render says (a chart that cannot be staged):
      // the message names the flag only when it is what made this an error.
      result.errors.push_back(
          require_render
              ? fmt::format("{}: {} not rendered and --require-render is set: {}", root, why.what,
                            why.reason)
              : fmt::format("{}: {} could not be rendered: {}", root, why.what, why.reason));
    }
  }
  // Sources that name a chart this run cannot render (Helm repositories): skipped, with why.
  for (const model::SkippedSource& skip : state.model.skipped_sources) {
    const bool is_error = settings.require_render.value_or(false);
    result.skipped.push_back({skip.file,
                              fmt::format("{} not rendered: {}", skip.label, skip.reason), is_error,
                              skip.kind});
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

struct TemplateFile {
  std::string display;  // empty when the render names no template
  std::string fs_path;
};

/// The template file a `# Source:` comment names: in the chart folder, or in the folder of the
/// tree a subchart was rendered from ("web/charts/common/templates/a.yaml" is in libs/common/
/// when the dependency `common` came from the tree).
TemplateFile PlanTemplate(const RenderPlan& plan, std::string_view source) {
  if (source.empty() || plan.chart->remote) return {};  // not a file of the tree
  const std::string_view rest = source.substr(source.find('/') + 1);
  if (StartsWith(rest, "charts/")) {
    const std::string_view sub = rest.substr(7);
    const size_t slash = sub.find('/');
    if (slash != std::string_view::npos) {
      auto it = plan.subchart_roots.find(std::string(sub.substr(0, slash)));
      if (it != plan.subchart_roots.end()) {
        const std::string inner(sub.substr(slash + 1));
        for (const model::ResolvedDependency& r : plan.chart->resolved) {
          if (r.display == it->second) {
            return {it->second == "." ? inner : it->second + "/" + inner,
                    (fs::path(r.location) / inner).string()};
          }
        }
      }
    }
  }
  return {TemplateDisplayPath(plan.chart->root, source),
          (fs::path(plan.chart->fs_dir) / std::string(rest)).string()};
}

/// Points `f` at the document of `unit` that holds its position, and at the last node starting
/// at or before it there (a value inside a string of embedded YAML: that string).
void PlaceInUnit(const FileUnit& unit, Finding& f) {
  auto before = [](Position a, Position b) {
    return a.line < b.line || (a.line == b.line && a.column <= b.column);
  };
  const Position at{f.line, f.column};
  f.document = -1;
  for (size_t d = 0; d < unit.documents.size(); ++d) {
    if (before(unit.documents[d]->start(), at)) f.document = static_cast<int>(d);
  }
  if (f.document < 0) return;
  std::string pointer;
  std::string found;
  WalkTree(unit.documents[f.document]->root(), pointer,
           [&](const Node& node, const std::string& here) {
             if (!before(node.pos, at)) return false;
             found = here;
             return true;
           });
  f.pointer = found;
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

  const auto* generated_apps = workspace.FindExtension<model::ApplicationSetState>();
  std::vector<bool> from_render(findings.size(), false);
  KustomizeTracer kustomize(workspace);
  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& f = findings[i];
    // A render of an Application that another render produced (app-of-apps) traces its values
    // to that render: the finding is mapped again there, with the value it is about, until it
    // reaches a file of the tree.
    std::optional<std::pair<std::string, std::string>> carried;  // value, key
    for (size_t pass = 0; pass <= kAppOfAppsDepth; ++pass) {
      auto it = by_path.find(f.file);
      if (it == by_path.end()) break;
      from_render[i] = true;
      const std::string before = f.file;
      const RenderPlan& plan = state->model.plans[it->second->plan];
      const FileUnit* unit = units.at(f.file);
      if (pass > 0 || f.document < 0 || static_cast<size_t>(f.document) >= unit->documents.size())
        PlaceInUnit(*unit, f);
      const Document* doc = f.document >= 0 ? unit->documents[f.document].get() : nullptr;
      if (plan.chart->kind == model::SourceKind::kKustomize) {
        kustomize.Map(plan, *it->second, doc, f);
        if (f.file == before) break;
        continue;
      }
      const std::string source = doc ? SourceOf(*doc) : "";
      const TemplateFile template_file = PlanTemplate(plan, source);
      const std::string& template_path = template_file.display;
      if (pass == 0) f.rendered = RenderedOrigin{plan.label, template_path, f.line};
      if (!carried) {
        const Node* node = doc ? doc->Find(f.pointer) : nullptr;
        const size_t slash = f.pointer.rfind('/');
        carried.emplace(node && node->IsScalar() ? std::string(node->Text()) : "",
                        slash == std::string::npos ? "" : f.pointer.substr(slash + 1));
      }
      const auto& [value, key] = *carried;
      if (std::optional<Trace> trace = TraceValue(plan, value, key, f.message)) {
        // Values of an Application an ApplicationSet generated: the line of the ApplicationSet.
        if (const auto* generated = generated_apps ? generated_apps->Find(trace->file) : nullptr) {
          trace->file = generated->appset_file;
          trace->pos = generated->origins.Locate(trace->pos, "").pos;
        }
        f.file = trace->file;
        f.line = trace->pos.line;
        f.column = trace->pos.column;
        if (f.redact_length > 0) f.redact_length = std::min(f.redact_length, trace->length);
        continue;
      }
      if (template_path.empty()) {
        // A chart from a Helm repository: its templates are not the user's to edit; the
        // Application's chart line is.
        if (plan.chart->remote) {
          f.file = plan.anchor_file;
          f.line = plan.anchor_pos.line;
          f.column = plan.anchor_pos.column;
        }
        if (f.file == before) break;
        continue;
      }
      std::string text;
      if (auto t = units.find(template_path); t != units.end() && t->second->source) {
        text = t->second->source->text();
      } else {
        text = ReadFileText(template_file.fs_path);
      }
      const Position pos = TemplatePosition(text, f.pointer, f.redact_length > 0 ? value : "");
      f.file = template_path;
      f.line = pos.line;
      f.column = pos.column;
    }
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
