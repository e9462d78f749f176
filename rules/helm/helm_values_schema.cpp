// helm-values-schema: a values set that the chart's values.schema.json (or a subchart's) rejects.
#include <fmt/format.h>
#include <re2/re2.h>

#include <fstream>
#include <map>
#include <sstream>

#include "checker/rule.h"
#include "checker/text_util.h"
#include "checker/workspace.h"
#include "model/render_model.h"
#include "model/values_text.h"
#include "validation/json_schema.h"

namespace syncgate::rules {
namespace {

constexpr RuleMeta kMeta{
    "helm-values-schema",
    "A values set that the chart's values.schema.json rejects",
    "Helm validates the coalesced values of every render against values.schema.json (and each "
    "enabled subchart's values against the subchart's schema) and refuses to render when they "
    "do not match: ArgoCD shows a ComparisonError and syncs nothing. syncgate validates each "
    "values set (values.yaml, each values-<env>.yaml on top of it, each Application's "
    "valueFiles, values, valuesObject and parameters) without needing helm, and points at the "
    "values line that is wrong: the highest-precedence layer that sets the offending key, as "
    "Helm's coalescing takes it. Subcharts packed as .tgz are validated by helm only.",
    "Fix the value at the reported line to what the schema asks for (the message names the "
    "expected type, the allowed values or the missing key); if the schema is what is wrong, "
    "change values.schema.json in the chart.",
    Severity::kError,
    DocKind::kNone,
    RuleScope::kWorkspace};

/// A values layer as the schema sees it: a tree of values, and where each key is written.
struct Layer {
  std::string file;
  const Node* root = nullptr;
  /// ArgoCD parameters: their pointer and the position of their `value:`.
  std::vector<std::pair<std::string, Position>> parameters;
};

/// Where to report a schema error: the highest-precedence layer that writes `pointer` (or, when
/// none does, its nearest parent that one writes).
std::pair<std::string, Position> Locate(const std::vector<Layer>& layers, std::string pointer,
                                        bool at_key) {
  while (true) {
    for (auto layer = layers.rbegin(); layer != layers.rend(); ++layer) {
      for (const auto& [param, pos] : layer->parameters) {
        if (param == pointer || StartsWith(param, pointer + "/")) return {layer->file, pos};
      }
      if (!layer->parameters.empty()) continue;  // its tree is generated: no positions of its own
      const Node* node = FindBelow(layer->root, pointer);
      if (!node) continue;
      if (at_key && !pointer.empty()) {
        // An unknown key: point at the key itself, not at its value.
        const size_t slash = pointer.rfind('/');
        const Node* parent = FindBelow(layer->root, pointer.substr(0, slash));
        const std::string key = pointer.substr(slash + 1);
        if (parent && parent->IsMap()) {
          if (const Node* key_node = parent->Resolved().KeyNode(key))
            return {layer->file, key_node->pos};
        }
      }
      if (node->pos.line > 0) return {layer->file, node->pos};
    }
    if (pointer.empty()) return {"", {}};
    pointer.resize(pointer.rfind('/'));
    at_key = false;
  }
}

/// One finding, and every values set it was seen in (the same values.yaml line fails in each).
struct Problem {
  std::string file;
  Position at;
  std::string message;
  std::vector<std::string> sets;
};

class HelmValuesSchema final : public Rule {
 public:
  const RuleMeta& meta() const override { return kMeta; }

  void CheckWorkspace(const Workspace& workspace, RuleContext& ctx) const override {
    const auto* state = workspace.FindExtension<model::RenderState>();
    if (!state) return;
    std::map<const model::ChartInfo*, std::shared_ptr<const CompiledSchema>> schemas;
    std::map<std::tuple<std::string, int, int, std::string>, Problem> problems;
    auto schema_of = [&](const model::ChartInfo& chart) -> const CompiledSchema* {
      if (chart.schema_file.empty()) return nullptr;
      auto [it, inserted] = schemas.try_emplace(&chart);
      if (inserted) it->second = LoadSchema(chart, ctx);
      return it->second.get();
    };
    // Each chart's direct subcharts, found once (not every chart tried for every values set: a
    // monorepo of 10,000 charts made that quadratic).
    std::map<const model::ChartInfo*, std::vector<const model::ChartInfo*>> subcharts;
    {
      std::map<std::string_view, const model::ChartInfo*> by_root;
      for (const auto& chart : state->model.charts) by_root.emplace(chart->root, chart.get());
      for (const auto& sub : state->model.charts) {
        const std::string_view root = sub->root;
        const size_t slash = root.rfind('/');
        if (slash == std::string_view::npos) continue;
        const std::string_view folder = root.substr(0, slash);
        std::string_view parent;
        if (folder == "charts") {
          parent = ".";
        } else if (EndsWith(folder, "/charts")) {
          parent = folder.substr(0, folder.size() - std::string_view("/charts").size());
        } else {
          continue;
        }
        if (auto it = by_root.find(parent); it != by_root.end() && it->second != sub.get())
          subcharts[it->second].push_back(sub.get());
      }
    }
    std::vector<bool> found(state->model.plans.size(), false);  // per plan: a problem was found
    for (size_t index = 0; index < state->model.plans.size(); ++index) {
      const model::RenderPlan& plan = state->model.plans[index];
      if (plan.chart->kind != model::SourceKind::kHelm) continue;  // Kustomize: no values
      std::vector<Layer> layers;
      std::vector<std::unique_ptr<Document>> keep;  // parsed parameter layers
      for (const model::ValuesLayer& l : plan.layers) {
        Layer layer{l.file, l.root, {}};
        for (const auto& p : l.parameters) {
          if (std::string pointer = model::ParameterPointer(p.name); !pointer.empty())
            layer.parameters.emplace_back(pointer, p.pos);
        }
        if (!l.parameters.empty()) {
          const Document* parameters =
              ParseValues(model::ParametersToYaml(plan.request.parameters), keep);
          layer.root = parameters ? &parameters->root() : nullptr;
        }
        layers.push_back(std::move(layer));
      }
      const Document* merged = ParseValues(MergeLayers(layers), keep);
      if (!merged) continue;
      if (const CompiledSchema* schema = schema_of(*plan.chart)) {
        found[index] = Collect(*schema, merged->root(), layers, plan, "", problems) || found[index];
      }
      const std::vector<const model::ChartInfo*>& direct = subcharts[plan.chart];
      for (const model::ChartInfo* sub : direct) {
        const CompiledSchema* schema = schema_of(*sub);
        if (!schema) continue;
        for (const std::string& key : SubchartKeys(*plan.chart, *sub, merged->root())) {
          const std::vector<Layer> sub_layers = SubchartLayers(*sub, key, layers);
          const Document* sub_merged = ParseValues(MergeLayers(sub_layers), keep);
          if (sub_merged)
            found[index] =
                Collect(*schema, sub_merged->root(), sub_layers, plan, sub->name, problems) ||
                found[index];
        }
      }
    }
    // Never silent: where helm itself refused the values and this validation found nothing (a
    // schema feature valijson reads differently, a .tgz subchart), report helm's own words.
    for (const model::RenderOutcome& outcome : state->outcomes) {
      const model::RenderPlan& plan = state->model.plans[outcome.plan];
      // Without a schema of its own the chart's refusal stays with helm-render-failed.
      if (found[outcome.plan] || plan.chart->schema_file.empty() ||
          outcome.status != model::RenderStatus::kFailed ||
          outcome.reason.find("don't meet the specifications of the schema") == std::string::npos) {
        continue;
      }
      ctx.Report("",
                 fmt::format("helm refuses the values of {} against the schema: {}", plan.label,
                             Collapse(outcome.reason)),
                 ReportExtra{.at = plan.anchor_pos, .file = plan.anchor_file});
    }
    for (const auto& [key, p] : problems) {
      std::string sets = p.sets.front();
      if (p.sets.size() > 1) sets += fmt::format(" and {} more", p.sets.size() - 1);
      ctx.Report("", fmt::format("{} (values set {})", p.message, sets),
                 ReportExtra{.at = p.at, .file = p.file});
    }
  }

 private:
  /// The subchart's values: its own values.yaml, then what each parent layer sets under `key`
  /// (Helm's coalescing of parent values into a subchart).
  static std::vector<Layer> SubchartLayers(const model::ChartInfo& sub, const std::string& key,
                                           const std::vector<Layer>& parent_layers) {
    std::vector<Layer> layers;
    if (sub.values && !sub.values->documents.empty()) {
      layers.push_back(
          {sub.values->input.display_path, &sub.values->documents.front()->root(), {}});
    }
    const std::string prefix = JoinPointer("", key);
    for (const Layer& parent : parent_layers) {
      Layer scoped{parent.file, parent.root ? FindBelow(parent.root, prefix) : nullptr, {}};
      for (const auto& [pointer, pos] : parent.parameters) {
        if (StartsWith(pointer, prefix + "/"))
          scoped.parameters.emplace_back(pointer.substr(prefix.size()), pos);
      }
      layers.push_back(std::move(scoped));
    }
    return layers;
  }

  static std::shared_ptr<const CompiledSchema> LoadSchema(const model::ChartInfo& chart,
                                                          RuleContext& ctx) {
    const std::string display = (chart.root == "." ? "" : chart.root + "/") + "values.schema.json";
    std::ifstream in(chart.schema_file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto compiled = CompiledSchema::FromJson(text.str(), display);
    if (!compiled) {
      ctx.Report("",
                 fmt::format("{} cannot be used: {}; helm refuses every render of this chart",
                             display, compiled.error().message),
                 ReportExtra{.at = {1, 1}, .file = display});
      return nullptr;
    }
    return *compiled;
  }

  /// Helm's multi-line schema report on one line.
  static std::string Collapse(std::string_view text) {
    std::string out;
    for (std::string_view line : Split(text, '\n')) {
      line = Trim(line);
      if (!line.empty()) out += (out.empty() ? "" : " ") + std::string(line);
    }
    return out;
  }

  static const Document* ParseValues(std::string text,
                                     std::vector<std::unique_ptr<Document>>& keep) {
    LoadResult loaded = LoadYaml(SourceFile::FromText("(values)", std::move(text)));
    if (loaded.error || loaded.documents.empty()) return nullptr;
    keep.push_back(std::move(loaded.documents.front()));
    return keep.back().get();
  }

  static std::string MergeLayers(const std::vector<Layer>& layers) {
    std::vector<const Node*> nodes;
    for (const Layer& layer : layers) {
      if (layer.root) nodes.push_back(layer.root);
    }
    return nodes.empty() ? "{}" : model::MergeValuesToYaml(nodes);
  }

  /// The keys under which the parent passes values to `sub`: its aliases in Chart.yaml, or its
  /// name; a dependency whose `condition` is false in the merged values is not rendered and not
  /// validated.
  static std::vector<std::string> SubchartKeys(const model::ChartInfo& parent,
                                               const model::ChartInfo& sub, const Node& merged) {
    std::vector<std::string> keys;
    const Node* deps = parent.chart_doc ? parent.chart_doc->root().Get("dependencies") : nullptr;
    bool listed = false;
    if (deps && deps->IsSeq()) {
      for (const Node* dep : deps->Resolved().items) {
        if (!dep->IsMap() || !dep->Get("name") || dep->Get("name")->Text() != sub.name) continue;
        listed = true;
        const Node* alias = dep->Get("alias");
        const std::string key = alias && alias->IsScalar() ? std::string(alias->Text()) : sub.name;
        if (const Node* condition = dep->Get("condition"); condition && condition->IsScalar()) {
          const Node* flag = FindBelow(
              &merged, model::ParameterPointer(std::string(Split(condition->Text(), ',').front())));
          if (flag && flag->IsScalar() && flag->Text() == "false") continue;
        }
        keys.push_back(key);
      }
    }
    if (!listed)
      keys.push_back(sub.name);  // an unlisted chart in charts/ is rendered under its name
    return keys;
  }

  /// Adds the schema errors of one merged values tree to `problems`; whether there were any.
  static bool Collect(const CompiledSchema& schema, const Node& merged,
                      const std::vector<Layer>& layers, const model::RenderPlan& plan,
                      const std::string& subchart,
                      std::map<std::tuple<std::string, int, int, std::string>, Problem>& problems) {
    const std::vector<SchemaError> errors = schema.Validate(merged);
    for (const SchemaError& e : errors) {
      auto [file, at] = Locate(layers, e.pointer, e.kind == SchemaErrorKind::kUnknownField);
      if (file.empty()) {
        file = plan.anchor_file;
        at = plan.anchor_pos;
      }
      const std::string where = e.pointer.empty() ? "values" : DottedPath(e.pointer);
      std::string message = fmt::format("{}: {}, per {}", where, e.message, schema.name());
      if (!subchart.empty()) message = fmt::format("subchart {}: {}", subchart, message);
      Problem& p = problems[{file, at.line, at.column, message}];
      if (p.sets.empty()) p = Problem{file, at, message, {}};
      if (std::find(p.sets.begin(), p.sets.end(), plan.label) == p.sets.end())
        p.sets.push_back(plan.label);
    }
    return !errors.empty();
  }

  /// "image.tag" for "/image/tag", "args[0]" for "/args/0".
  static std::string DottedPath(std::string_view pointer) {
    std::string out;
    for (std::string_view token : Split(pointer.substr(1), '/')) {
      const bool index =
          !token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos;
      out += index ? fmt::format("[{}]", token) : (out.empty() ? "" : ".") + std::string(token);
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<Rule> MakeHelmValuesSchema() { return std::make_unique<HelmValuesSchema>(); }

}  // namespace syncgate::rules
