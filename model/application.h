#pragma once
// The parts of an ArgoCD Application the argocd-* rules read, for Applications and for the
// Application template of an ApplicationSet.
//
//   if (auto app = FindAppSpec(doc)) {
//     ForEachAppSource(*app, [&](const Node& source, const std::string& pointer) { ... });
//   }

#include <functional>
#include <optional>
#include <string>

#include "checker/document.h"

namespace syncgate::rules {

/// An Application spec and where it sits: `/spec` of an Application, `/spec/template/spec` of
/// an ApplicationSet.
struct AppSpec {
  const Node* spec = nullptr;
  std::string pointer;
};

/// The Application spec of `doc`, or nothing when `doc` is neither kind or has no spec map.
std::optional<AppSpec> FindAppSpec(const Document& doc);

/// Calls `visit(source, pointer)` for `spec.source` and each `spec.sources[]` entry (maps only).
void ForEachAppSource(const AppSpec& app,
                      const std::function<void(const Node&, const std::string&)>& visit);

/// Whether a YAML scalar is the boolean true (`true`, also YAML 1.1 spellings Kubernetes reads).
bool IsTrue(const Node* node);

}  // namespace syncgate::rules
