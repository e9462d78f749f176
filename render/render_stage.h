#pragma once
// Rendering as a stage of a check run: every chart is rendered once per values set and per
// Application (render/chart_model.h), the rendered documents join the workspace so that every
// rule, schema and secret check runs on them, and findings in them are moved back to the values
// line (or template) the user edits. Applications that renders produce (app-of-apps) are
// rendered in turn, and their findings traced through each level.
//
//   Engine engine(config, MakeBuiltinRules(), options);
//   render::AddRendering(engine, config, options.settings, options.jobs);
//   RunResult result = engine.Run(inputs);
//   // result.summary.rendered: renders checked; charts that could not be rendered are in
//   // result.skipped (and result.errors under --require-render)

#include <string>
#include <vector>

#include "checker/engine.h"
#include "render/chart_model.h"

namespace syncgate::render {

using model::RenderOutcome;
using model::RenderState;

/// Registers the render stage and the finding mapper on `engine`. `config` must outlive it.
void AddRendering(Engine& engine, const Config& config, const RunSettings& settings, int jobs);

/// The chart template a `# Source:` path names ("web/templates/a.yaml" inside chart folder
/// "charts/web" is "charts/web/templates/a.yaml").
std::string TemplateDisplayPath(const std::string& chart_root, std::string_view source);

}  // namespace syncgate::render
