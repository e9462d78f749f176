#pragma once
// ApplicationSets as a stage of a check run: each ApplicationSet of the checked set is expanded
// (model/application_set.h) and every Application it generates joins the workspace as a file of
// its own (`<appset file>@generated/<name>`), so that every rule checks it and the render stage
// renders it like a written Application. Findings in a generated Application are moved to the
// ApplicationSet line that produced them (the template line, the list element, the
// templatePatch line) and reported once per line. Generators that could not be expanded are
// counted in RunResult::skipped (SkipKind::kGeneratorNotExpanded), one entry per generator.
//
//   Engine engine(config, MakeBuiltinRules(), options);
//   render::AddApplicationSets(engine, options.settings);  // before render::AddRendering
//   render::AddRendering(engine, config, options.settings, options.jobs);
//   RunResult result = engine.Run(inputs);
//   // result.workspace->FindExtension<model::ApplicationSetState>(): what was generated
//
// A git generator reads the folder its repoURL is mapped to (`--repo-map`, `repositories:`),
// else the git work tree holding the ApplicationSet when its `origin` remote is that URL; the
// files on disk are used as they are (the generator's `revision` is not checked out).

#include "checker/engine.h"

namespace syncgate::render {

/// Registers the ApplicationSet stage and its finding mapper on `engine`.
void AddApplicationSets(Engine& engine, const RunSettings& settings);

}  // namespace syncgate::render
