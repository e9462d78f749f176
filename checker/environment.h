#pragma once
// Which environment (production, staging, development...) a file or object belongs to, from the
// `environments:` profiles of .syncgate.yaml, then from naming conventions (values-prod.yaml,
// environments/prod/), then from --env.

#include <string>
#include <string_view>

#include "checker/config.h"
#include "checker/workspace.h"

namespace syncgate {

struct Environment {
  std::string name;  // empty: unknown
  bool production = false;
};

/// The environment of `doc` (or of the file, when `doc` is null).
Environment EnvironmentOf(const Config& config, const FileUnit& file, const Document* doc,
                          std::string_view fallback);
/// The environment called `name`, with its production flag from the profiles.
Environment NamedEnvironment(const Config& config, std::string_view name);

}  // namespace syncgate
